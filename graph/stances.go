package graph

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/dgraph-io/badger/v4"
)

// Stances lists the stances matching q in id order. Holder, topic and event
// conditions are answered from the in-memory topology, position and date
// ranges from their Badger indexes; only conditions that need the stance
// itself (labels, sources, asOf) read stance values, and then only for the
// candidates left. Total is exact.
func (s *Store) Stances(ctx context.Context, q StanceQuery, p Page) (NodePage, error) {
	after, err := decodeCursor(p.After)
	if err != nil {
		return NodePage{}, err
	}
	if p.First < 0 {
		return NodePage{}, invalidf("first must not be negative")
	}
	if q.MinPosition != nil && q.MaxPosition != nil && *q.MinPosition > *q.MaxPosition {
		return NodePage{}, invalidf("position range min %v is above max %v", *q.MinPosition, *q.MaxPosition)
	}
	for _, l := range q.Labels {
		if l != LabelSupports && l != LabelOpposes && l != LabelMixed && l != LabelNeutral {
			return NodePage{}, invalidf("unknown stance label %q", l)
		}
	}
	var page NodePage
	err = s.read(ctx, true, func(v *view) error {
		ids, err := v.stanceCandidates(q)
		if err != nil {
			return err
		}
		needNode := len(q.Labels) > 0 || q.Source != "" || !q.AsOf.IsZero()
		start, _ := slices.BinarySearch(ids, after)
		if after != "" && start < len(ids) && ids[start] == after {
			start++
		}
		if !needNode {
			page.Total = len(ids)
			end := min(len(ids), start+p.First)
			page.HasNext = end < len(ids)
			for _, id := range ids[start:end] {
				n, err := v.node(id)
				if err != nil {
					return err
				}
				page.Nodes = append(page.Nodes, *n)
			}
			return nil
		}
		for i, id := range ids {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			n, err := v.node(id)
			if err != nil {
				return err
			}
			ok, err := v.stanceMatches(n, q)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			page.Total++
			if i < start {
				continue
			}
			if len(page.Nodes) < p.First {
				page.Nodes = append(page.Nodes, *n)
			} else {
				page.HasNext = true
			}
		}
		return nil
	})
	if len(page.Nodes) > 0 {
		page.EndCursor = encodeCursor(page.Nodes[len(page.Nodes)-1].ID)
	}
	return page, err
}

// stanceCandidates returns, sorted by id, the stances meeting every
// condition of q that an index answers: holders, topics, event, position
// and date ranges.
func (v *view) stanceCandidates(q StanceQuery) ([]string, error) {
	m := v.mem
	var sets [][]string
	// Stances attached to any of the nodes by an edge of type t pointing at them.
	attached := func(targets []string, t EdgeType) []string {
		ti, ok := m.typeIdx[t]
		var out []string
		for _, id := range targets {
			i, found := m.lookup(id)
			if !found || !ok {
				continue
			}
			for _, a := range m.in.of(i) {
				if a.typ == ti && m.kinds[a.node] == KindStance {
					out = append(out, m.ids.at(a.node))
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	if len(q.Holders) > 0 {
		sets = append(sets, attached(q.Holders, HeldBy))
	}
	if len(q.Topics) > 0 {
		topics := q.Topics
		if q.IncludeSubtopics {
			topics = m.withSubtopics(q.Topics)
		}
		sets = append(sets, attached(topics, OnTopic))
	}
	if q.Event != "" {
		sets = append(sets, attached([]string{q.Event}, StatedAt))
	}
	if q.MinPosition != nil || q.MaxPosition != nil {
		lo, hi := -math.MaxFloat64, math.MaxFloat64
		if q.MinPosition != nil {
			lo = *q.MinPosition
		}
		if q.MaxPosition != nil {
			hi = *q.MaxPosition
		}
		var ids []string
		if err := v.scanIndex(v.ks.pos(lo, ""), famPos, func(k []byte) (bool, error) {
			p, id, err := v.ks.parsePos(k)
			if err != nil || p > hi {
				return false, err
			}
			ids = append(ids, id)
			return true, nil
		}); err != nil {
			return nil, err
		}
		slices.Sort(ids)
		sets = append(sets, ids)
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		hi := ^uint32(0)
		if !q.To.IsZero() {
			hi = q.To.last()
		}
		var ids []string
		if err := v.scanIndex(v.ks.date(Date{y: q.From.y}, ""), famDate, func(k []byte) (bool, error) {
			d, id, err := v.ks.parseDate(k)
			if err != nil {
				return false, err
			}
			// A partial statedAt covers a span; it matches when the span
			// lies within [From, To]. Partial dates sort before the days
			// they cover, so the scan starts at From's year.
			if d.first() > hi {
				return false, nil
			}
			if (q.From.IsZero() || d.first() >= q.From.first()) && d.last() <= hi {
				ids = append(ids, id)
			}
			return true, nil
		}); err != nil {
			return nil, err
		}
		slices.Sort(ids)
		sets = append(sets, ids)
	}
	if len(sets) == 0 {
		var all []string
		for i, k := range m.kinds {
			if k == KindStance {
				all = append(all, m.ids.at(uint32(i)))
			}
		}
		slices.Sort(all)
		return all, nil
	}
	// Intersect, smallest set first.
	sort.Slice(sets, func(i, j int) bool { return len(sets[i]) < len(sets[j]) })
	out := sets[0]
	for _, s := range sets[1:] {
		out = intersectSorted(out, s)
	}
	return out, nil
}

// scanIndex iterates keys of a family from start on while fn says go on.
func (v *view) scanIndex(start []byte, fam byte, fn func(k []byte) (bool, error)) error {
	it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(fam)})
	defer it.Close()
	n := 0
	for it.Seek(start); it.Valid(); it.Next() {
		if n++; n%4096 == 0 {
			if err := v.ctx.Err(); err != nil {
				return err
			}
		}
		more, err := fn(it.Item().Key())
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if !more {
			return nil
		}
	}
	return nil
}

func intersectSorted(a, b []string) []string {
	var out []string
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// withSubtopics returns the topics and, transitively, their subtopics.
func (m *mem) withSubtopics(topics []string) []string {
	ti, ok := m.typeIdx[SubtopicOf]
	seen := map[uint32]bool{}
	var out []string
	var stack []uint32
	for _, id := range topics {
		if i, found := m.lookup(id); found && !seen[i] {
			seen[i] = true
			stack = append(stack, i)
			out = append(out, id)
		} else if !found {
			out = append(out, id)
		}
	}
	for len(stack) > 0 && ok {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, a := range m.in.of(u) {
			if a.typ == ti && !seen[a.node] {
				seen[a.node] = true
				stack = append(stack, a.node)
				out = append(out, m.ids.at(a.node))
			}
		}
	}
	return out
}

// stanceMatches checks the conditions of q that need the stance value.
func (v *view) stanceMatches(n *Node, q StanceQuery) (bool, error) {
	if len(q.Labels) > 0 && !slices.Contains(q.Labels, n.Label()) {
		return false, nil
	}
	if q.Source != "" && !v.backedBy(n, q.Source) {
		return false, nil
	}
	if !q.AsOf.IsZero() {
		if !n.StatedAt.IsZero() && n.StatedAt.first() > q.AsOf.last() {
			return false, nil
		}
		superseded, err := v.supersededBy(n.ID, q.AsOf)
		if err != nil || superseded {
			return false, err
		}
	}
	return true, nil
}

func (v *view) backedBy(n *Node, doc string) bool {
	for _, s := range n.Sources {
		if s.Document == doc {
			return true
		}
	}
	for _, qt := range n.Quotes {
		if qt.Source == doc {
			return true
		}
	}
	m := v.mem
	i, ok := m.lookup(n.ID)
	ti, tok := m.typeIdx[EvidencedBy]
	if !ok || !tok {
		return false
	}
	for _, a := range m.out.of(i) {
		if a.typ == ti && m.ids.at(a.node) == doc {
			return true
		}
	}
	return false
}

// supersededBy reports whether a stance stated by asOf supersedes id.
func (v *view) supersededBy(id string, asOf Date) (bool, error) {
	m := v.mem
	i, ok := m.lookup(id)
	ti, tok := m.typeIdx[Supersedes]
	if !ok || !tok {
		return false, nil
	}
	for _, a := range m.in.of(i) {
		if a.typ != ti {
			continue
		}
		later, err := v.node(m.ids.at(a.node))
		if err != nil {
			return false, err
		}
		if later.StatedAt.IsZero() || later.StatedAt.first() <= asOf.last() {
			return true, nil
		}
	}
	return false, nil
}

// MaxAlignmentActors bounds the actors compared by Alignment when no actor
// list is given (the number of pairs grows with its square).
const MaxAlignmentActors = 500

// Alignment returns the pairwise alignment of the actors (all holders when
// empty) with stances on the topic or its subtopics, highest score first,
// then by actor ids. The score of a pair is 1 - |pa - pb| averaged over
// every pair of a stance of A and a stance of B.
func (s *Store) Alignment(ctx context.Context, topic string, actors []string) ([]Alignment, error) {
	var out []Alignment
	err := s.read(ctx, true, func(v *view) error {
		m := v.mem
		ti, ok := m.lookup(topic)
		if !ok || m.kinds[ti] != KindTopic {
			return fmt.Errorf("topic %s: %w", topic, ErrNotFound)
		}
		ids, err := v.stanceCandidates(StanceQuery{Topics: []string{topic}, IncludeSubtopics: true, Holders: actors})
		if err != nil {
			return err
		}
		held, _ := m.typeIdx[HeldBy]
		byHolder := map[string][]*Node{}
		for _, id := range ids {
			i, _ := m.lookup(id)
			n, err := v.node(id)
			if err != nil {
				return err
			}
			for _, a := range m.out.of(i) {
				if a.typ == held {
					byHolder[m.ids.at(a.node)] = append(byHolder[m.ids.at(a.node)], n)
				}
			}
		}
		holders := make([]string, 0, len(byHolder))
		for h := range byHolder {
			holders = append(holders, h)
		}
		slices.Sort(holders)
		if len(holders) > MaxAlignmentActors {
			return invalidf("%d actors hold stances on %s; name at most %d actors to compare", len(holders), topic, MaxAlignmentActors)
		}
		for i, a := range holders {
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, b := range holders[i+1:] {
				sum, n := 0.0, 0
				for _, sa := range byHolder[a] {
					for _, sb := range byHolder[b] {
						sum += 1 - math.Abs(sa.Position-sb.Position)
						n++
					}
				}
				basis := make([]Node, 0, len(byHolder[a])+len(byHolder[b]))
				for _, x := range byHolder[a] {
					basis = append(basis, *x)
				}
				for _, x := range byHolder[b] {
					basis = append(basis, *x)
				}
				out = append(out, Alignment{A: a, B: b, Score: sum / float64(n), Basis: basis})
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(x, y Alignment) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return 0
	})
	return out, err
}
