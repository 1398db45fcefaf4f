package graph

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// Stance analytics for researchers: position matrices, actor similarity,
// camps on a topic, changes of position, person/organization divergences
// and timelines. Each result carries the stances it rests on, so that every
// number can be traced to its sources. The README's "Analytics" section
// states each method for citation.
//
// Positions, similarity, coalitions and divergences use an actor's current
// stances: a stance that another stance SUPERSEDES is left out, because its
// holder replaced it. StanceChanges and Timeline show every stance.

// Limits on the work of the analytics.
const (
	// MaxCoalitionActors bounds the holders Coalitions clusters on one
	// topic (clustering costs the cube of their number).
	MaxCoalitionActors = 500
	// MaxPositionCells bounds the cells of a Positions matrix.
	MaxPositionCells = 10000
	// DefaultSimilarityLimit is the number of actors Similarity returns
	// when no limit is given.
	DefaultSimilarityLimit = 20
)

// eps absorbs floating-point noise where scores are compared with a
// threshold or with each other, so that 1 - |0.7 - 0.2| counts as 0.5.
const eps = 1e-9

// PositionQuery selects the cells of a position matrix. Empty Topics means
// every topic with stances; empty Actors every holder.
type PositionQuery struct {
	Topics []string
	Actors []string
	// IncludeSubtopics counts a stance on a subtopic (transitively) in its
	// ancestors' cells too.
	IncludeSubtopics bool
}

// PositionCell is one cell of the actor x topic matrix: the mean position
// of the actor's current stances on the topic.
type PositionCell struct {
	Actor, Topic string
	Position     float64 // mean of Basis positions, -1..+1
	Basis        []Node  // the stances averaged, by id
}

// Similarity is how alike another actor's positions are to a given actor's.
type Similarity struct {
	Actor string
	// Score is the cosine of the two actors' position vectors over the
	// topics both hold current stances on: +1 same direction, -1 opposite,
	// 0 unrelated or when a vector is all zeros.
	Score  float64
	Topics []string // the shared topics, by id
	Basis  []Node   // both actors' stances on the shared topics, by id
}

// Coalition is a camp of actors on a topic.
type Coalition struct {
	Members []string // actor ids, sorted
	// MeanPosition is the mean over members of each member's mean position.
	MeanPosition float64
	// Cohesion is the mean pairwise agreement of the members (1 for a camp
	// of one).
	Cohesion float64
	Basis    []Node // the members' stances on the topic, by id
}

// StanceChange is a holder's move between two consecutive dated stances on
// the same topic.
type StanceChange struct {
	Holder, Topic string
	Before, After Node
	Delta         float64 // After.Position - Before.Position
}

// Divergence is a person disagreeing with an organization they hold office
// in or spoke for.
type Divergence struct {
	Person, Organization string
	// Topic is the topic given to Divergences, or the root of the topic
	// tree both stances belong to.
	Topic                            string
	PersonStance, OrganizationStance Node
	Gap                              float64 // |position(person) - position(organization)|
	// Links are the edges tying the person to the organization: HOLDS_OFFICE
	// edges from the person, and the person stance's ON_BEHALF_OF edge.
	Links []Edge
}

// fact is a stance with one of its holders and one of its topics, as dense
// indexes into mem.
type fact struct {
	n             *Node
	holder, topic uint32
}

// need returns the dense index of id, checking that it exists and has one
// of the kinds.
func (m *mem) need(id string, ks ...Kind) (uint32, error) {
	i, ok := m.lookup(id)
	if !ok {
		return 0, fmt.Errorf("node %s: %w", id, ErrNotFound)
	}
	if len(ks) > 0 && !slices.Contains(ks, m.kinds[i]) {
		return 0, invalidf("%s is a %s, not a %s", id, m.kinds[i], joinKinds(ks))
	}
	return i, nil
}

func joinKinds(ks []Kind) string {
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += " or "
		}
		s += k.String()
	}
	return s
}

// targets returns the nodes that i's out-edges of type t point at.
func (m *mem) targets(i uint32, t EdgeType) []uint32 {
	ti, ok := m.typeIdx[t]
	if !ok {
		return nil
	}
	var out []uint32
	for _, a := range m.out.of(i) {
		if a.typ == ti {
			out = append(out, a.node)
		}
	}
	return out
}

// superseded reports whether another stance SUPERSEDES stance i.
func (m *mem) superseded(i uint32) bool {
	ti, ok := m.typeIdx[Supersedes]
	if !ok {
		return false
	}
	for _, a := range m.in.of(i) {
		if a.typ == ti {
			return true
		}
	}
	return false
}

// ancestors returns topic t and, transitively, the topics it is a subtopic
// of, memoised in memo. Cycles are cut.
func (m *mem) ancestors(t uint32, memo map[uint32][]uint32) []uint32 {
	if a, ok := memo[t]; ok {
		return a
	}
	out := []uint32{t}
	seen := map[uint32]bool{t: true}
	for i := 0; i < len(out); i++ {
		for _, p := range m.targets(out[i], SubtopicOf) {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	memo[t] = out
	return out
}

// facts reads the stances matching q and returns one fact per (stance,
// holder, topic), in stance id order. With current, superseded stances are
// left out.
func (v *view) facts(q StanceQuery, current bool) ([]fact, error) {
	ids, err := v.stanceCandidates(q)
	if err != nil {
		return nil, err
	}
	m := v.mem
	var out []fact
	for k, id := range ids {
		if k%256 == 0 {
			if err := v.ctx.Err(); err != nil {
				return nil, err
			}
		}
		i, _ := m.lookup(id)
		if current && m.superseded(i) {
			continue
		}
		holders, topics := m.targets(i, HeldBy), m.targets(i, OnTopic)
		if len(holders) == 0 || len(topics) == 0 {
			continue
		}
		n, err := v.node(id)
		if err != nil {
			return nil, err
		}
		for _, h := range holders {
			for _, t := range topics {
				out = append(out, fact{n: n, holder: h, topic: t})
			}
		}
	}
	return out, nil
}

// addBasis appends n unless it is already the last stance of the list
// (facts of one stance are consecutive).
func addBasis(basis []*Node, n *Node) []*Node {
	if len(basis) > 0 && basis[len(basis)-1].ID == n.ID {
		return basis
	}
	return append(basis, n)
}

func meanPos(ns []*Node) float64 {
	sum := 0.0
	for _, n := range ns {
		sum += n.Position
	}
	return sum / float64(len(ns))
}

func copyNodes(ns []*Node) []Node {
	out := make([]Node, len(ns))
	for i, n := range ns {
		out[i] = *n
	}
	slices.SortFunc(out, func(a, b Node) int { return cmp.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b Node) bool { return a.ID == b.ID })
}

// Positions returns the actor x topic matrix of mean positions, one cell
// per actor and topic on which the actor holds current stances, sorted by
// actor, then topic. With IncludeSubtopics a stance counts in the cell of
// its topic and of every topic above it.
func (s *Store) Positions(ctx context.Context, q PositionQuery) ([]PositionCell, error) {
	var out []PositionCell
	err := s.read(ctx, true, func(v *view) error {
		m := v.mem
		want := map[uint32]bool{}
		for _, t := range q.Topics {
			i, err := m.need(t, KindTopic)
			if err != nil {
				return err
			}
			want[i] = true
		}
		for _, a := range q.Actors {
			if _, err := m.need(a, KindPerson, KindOrganization); err != nil {
				return err
			}
		}
		fs, err := v.facts(StanceQuery{Topics: q.Topics, IncludeSubtopics: q.IncludeSubtopics, Holders: q.Actors}, true)
		if err != nil {
			return err
		}
		type key struct{ actor, topic uint32 }
		cells := map[key][]*Node{}
		memo := map[uint32][]uint32{}
		for _, f := range fs {
			scope := []uint32{f.topic}
			if q.IncludeSubtopics {
				scope = m.ancestors(f.topic, memo)
			}
			for _, t := range scope {
				if len(want) > 0 && !want[t] {
					continue
				}
				k := key{f.holder, t}
				cells[k] = addBasis(cells[k], f.n)
			}
			if len(cells) > MaxPositionCells {
				return invalidf("the position matrix has more than %d cells; name fewer topics or actors", MaxPositionCells)
			}
		}
		out = make([]PositionCell, 0, len(cells))
		for k, basis := range cells {
			out = append(out, PositionCell{Actor: m.ids.at(k.actor), Topic: m.ids.at(k.topic), Position: meanPos(basis), Basis: copyNodes(basis)})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b PositionCell) int {
		return cmp.Or(cmp.Compare(a.Actor, b.Actor), cmp.Compare(a.Topic, b.Topic))
	})
	return out, err
}

// Similarity returns the actors most similar to actor, at most limit (0
// means DefaultSimilarityLimit), highest score first, then more shared
// topics, then by id. Each actor is a vector with one entry per topic it
// holds current stances on: the mean position of those stances (stances
// on a subtopic are the subtopic's entry, not the parent's). The score is
// the cosine of the two vectors restricted to the topics both hold stances
// on; actors sharing no topic are not listed.
func (s *Store) Similarity(ctx context.Context, actor string, limit int) ([]Similarity, error) {
	if limit < 0 {
		return nil, invalidf("limit must not be negative")
	}
	if limit == 0 {
		limit = DefaultSimilarityLimit
	}
	var out []Similarity
	err := s.read(ctx, true, func(v *view) error {
		m := v.mem
		self, err := m.need(actor, KindPerson, KindOrganization)
		if err != nil {
			return err
		}
		mine, err := v.facts(StanceQuery{Holders: []string{actor}}, true)
		if err != nil {
			return err
		}
		// Every holder's stances per topic, for the topics actor holds
		// stances on.
		type key struct{ actor, topic uint32 }
		byKey := map[key][]*Node{}
		var topics []string
		for _, f := range mine {
			if f.holder == self {
				if len(byKey[key{self, f.topic}]) == 0 {
					topics = append(topics, m.ids.at(f.topic))
				}
				byKey[key{self, f.topic}] = addBasis(byKey[key{self, f.topic}], f.n)
			}
		}
		slices.Sort(topics)
		others := map[uint32]bool{}
		for _, t := range topics {
			fs, err := v.facts(StanceQuery{Topics: []string{t}}, true)
			if err != nil {
				return err
			}
			for _, f := range fs {
				if f.holder == self || m.ids.at(f.topic) != t {
					continue
				}
				others[f.holder] = true
				k := key{f.holder, f.topic}
				byKey[k] = addBasis(byKey[k], f.n)
			}
		}
		for o := range others {
			var dot, na, nb float64
			var basis []*Node
			var shared []string
			for _, t := range topics {
				ti, _ := m.lookup(t)
				ob := byKey[key{o, ti}]
				if len(ob) == 0 {
					continue
				}
				sb := byKey[key{self, ti}]
				pa, pb := meanPos(sb), meanPos(ob)
				dot += pa * pb
				na += pa * pa
				nb += pb * pb
				shared = append(shared, t)
				basis = append(basis, sb...)
				basis = append(basis, ob...)
			}
			score := 0.0
			if na > 0 && nb > 0 {
				score = max(-1, min(1, dot/(math.Sqrt(na)*math.Sqrt(nb))))
			}
			out = append(out, Similarity{Actor: m.ids.at(o), Score: score, Topics: shared, Basis: copyNodes(basis)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Similarity) int {
		if d := math.Abs(a.Score - b.Score); d > eps {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Or(cmp.Compare(len(b.Topics), len(a.Topics)), cmp.Compare(a.Actor, b.Actor))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Coalitions groups the holders of current stances on topic (and its
// subtopics) into camps by agglomerative clustering with average linkage.
// The agreement of two actors is Alignment's score on their current
// stances: 1 - |pa - pb| averaged over every pair of a stance of each. Every
// actor starts as its own camp; while the two camps with the highest
// average agreement between their members reach minScore, they merge (ties
// go to the camps whose first members sort first). Every holder ends in
// exactly one camp. Camps are listed largest first, then by mean position,
// highest first, then by first member.
func (s *Store) Coalitions(ctx context.Context, topic string, minScore float64) ([]Coalition, error) {
	if math.IsNaN(minScore) || minScore < -1 || minScore > 1 {
		return nil, invalidf("minScore %v is outside -1..+1", minScore)
	}
	var out []Coalition
	err := s.read(ctx, true, func(v *view) error {
		if _, err := v.mem.need(topic, KindTopic); err != nil {
			return err
		}
		fs, err := v.facts(StanceQuery{Topics: []string{topic}, IncludeSubtopics: true}, true)
		if err != nil {
			return err
		}
		byHolder := map[string][]*Node{}
		for _, f := range fs {
			h := v.mem.ids.at(f.holder)
			byHolder[h] = addBasis(byHolder[h], f.n)
		}
		holders := make([]string, 0, len(byHolder))
		for h := range byHolder {
			holders = append(holders, h)
		}
		slices.Sort(holders)
		if len(holders) > MaxCoalitionActors {
			return invalidf("%d actors hold stances on %s; coalitions cluster at most %d", len(holders), topic, MaxCoalitionActors)
		}
		stances := make([][]*Node, len(holders))
		for i, h := range holders {
			stances[i] = byHolder[h]
		}
		out, err = cluster(ctx, holders, stances, minScore)
		return err
	})
	return out, err
}

// agreement is Alignment's score of two actors' stances.
func agreement(a, b []*Node) float64 {
	sum := 0.0
	for _, x := range a {
		for _, y := range b {
			sum += 1 - math.Abs(x.Position-y.Position)
		}
	}
	return sum / float64(len(a)*len(b))
}

// cluster runs average-linkage agglomerative clustering of the actors
// (sorted ids, each with its stances).
func cluster(ctx context.Context, ids []string, stances [][]*Node, minScore float64) ([]Coalition, error) {
	n := len(ids)
	agree := make([][]float64, n)
	for i := range agree {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		agree[i] = make([]float64, n)
		for j := range i {
			agree[i][j] = agreement(stances[i], stances[j])
			agree[j][i] = agree[i][j]
		}
	}
	// Camp g is named by its first member g; sum[g][h] is the total
	// agreement over pairs across camps g and h.
	members := make([][]int, n)
	sum := make([][]float64, n)
	alive := make([]bool, n)
	for i := range n {
		members[i] = []int{i}
		sum[i] = slices.Clone(agree[i])
		alive[i] = true
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bg, bh, best := -1, -1, 0.0
		for g := range n {
			if !alive[g] {
				continue
			}
			for h := g + 1; h < n; h++ {
				if !alive[h] {
					continue
				}
				l := sum[g][h] / float64(len(members[g])*len(members[h]))
				if bg < 0 || l > best+eps {
					bg, bh, best = g, h, l
				}
			}
		}
		if bg < 0 || best < minScore-eps {
			break
		}
		members[bg] = append(members[bg], members[bh]...)
		slices.Sort(members[bg])
		alive[bh] = false
		for k := range n {
			sum[bg][k] += sum[bh][k]
			sum[k][bg] = sum[bg][k]
		}
	}
	var out []Coalition
	for g := range n {
		if !alive[g] {
			continue
		}
		c := Coalition{Cohesion: 1}
		var basis []*Node
		pos, pairs, within := 0.0, 0, 0.0
		for x, i := range members[g] {
			c.Members = append(c.Members, ids[i])
			basis = append(basis, stances[i]...)
			pos += meanPos(stances[i])
			for _, j := range members[g][x+1:] {
				within += agree[i][j]
				pairs++
			}
		}
		c.MeanPosition = pos / float64(len(members[g]))
		if pairs > 0 {
			c.Cohesion = within / float64(pairs)
		}
		c.Basis = copyNodes(basis)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Coalition) int {
		if len(a.Members) != len(b.Members) {
			return cmp.Compare(len(b.Members), len(a.Members))
		}
		if math.Abs(a.MeanPosition-b.MeanPosition) > eps {
			return cmp.Compare(b.MeanPosition, a.MeanPosition)
		}
		return cmp.Compare(a.Members[0], b.Members[0])
	})
	return out, nil
}

// ChangeQuery selects the stance changes to report.
type ChangeQuery struct {
	Holder string // only this actor's stances; "" means every holder
	Topic  string // only stances on this topic and its subtopics; "" means all
	// Threshold is the smallest |Delta| reported, 0..2.
	Threshold float64
}

// StanceChanges returns, for every holder and topic, each pair of
// consecutive stances whose positions differ by at least q.Threshold.
// Stances are ordered by statedAt (then id); undated stances cannot be
// placed in time and are left out. Superseded stances count: a change is
// exactly a stance replacing an earlier one. Pairs are formed per exact
// topic (a stance on a subtopic is not compared with one on its parent).
// The result is in date order of the later stance, then by holder, topic
// and id.
func (s *Store) StanceChanges(ctx context.Context, q ChangeQuery) ([]StanceChange, error) {
	if math.IsNaN(q.Threshold) || q.Threshold < 0 || q.Threshold > 2 {
		return nil, invalidf("threshold %v is outside 0..2", q.Threshold)
	}
	var out []StanceChange
	err := s.read(ctx, true, func(v *view) error {
		sq := StanceQuery{IncludeSubtopics: true}
		if q.Holder != "" {
			if _, err := v.mem.need(q.Holder, KindPerson, KindOrganization); err != nil {
				return err
			}
			sq.Holders = []string{q.Holder}
		}
		if q.Topic != "" {
			if _, err := v.mem.need(q.Topic, KindTopic); err != nil {
				return err
			}
			sq.Topics = []string{q.Topic}
		}
		fs, err := v.facts(sq, false)
		if err != nil {
			return err
		}
		type key struct{ holder, topic uint32 }
		series := map[key][]*Node{}
		for _, f := range fs {
			if f.n.StatedAt.IsZero() || q.Holder != "" && v.mem.ids.at(f.holder) != q.Holder {
				continue
			}
			k := key{f.holder, f.topic}
			series[k] = append(series[k], f.n)
		}
		for k, ns := range series {
			slices.SortFunc(ns, func(a, b *Node) int {
				return cmp.Or(a.StatedAt.Compare(b.StatedAt), cmp.Compare(a.ID, b.ID))
			})
			for i := 1; i < len(ns); i++ {
				d := ns[i].Position - ns[i-1].Position
				if math.Abs(d) >= q.Threshold-eps {
					out = append(out, StanceChange{Holder: v.mem.ids.at(k.holder), Topic: v.mem.ids.at(k.topic),
						Before: *ns[i-1], After: *ns[i], Delta: d})
				}
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b StanceChange) int {
		return cmp.Or(a.After.StatedAt.Compare(b.After.StatedAt), cmp.Compare(a.Holder, b.Holder),
			cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.After.ID, b.After.ID))
	})
	return out, err
}

// Divergences returns the pairs of a person's current stance and a current
// stance of an organization the person is tied to, on the same topic tree,
// whose positions differ by at least threshold. A person is tied to an
// organization for a stance when the stance is ON_BEHALF_OF it, or when
// the person HOLDS_OFFICE in it at the stance's statedAt (any office when
// either is undated). With a topic, both stances must be on it or its
// subtopics; without, on the same tree (under the same root topic), which
// Divergence.Topic names. Subtopic scales point the same way as their
// parent's, so positions within a tree are comparable. Largest gap first,
// then by person, organization, topic and stance ids.
func (s *Store) Divergences(ctx context.Context, topic string, threshold float64) ([]Divergence, error) {
	if math.IsNaN(threshold) || threshold < 0 || threshold > 2 {
		return nil, invalidf("threshold %v is outside 0..2", threshold)
	}
	var out []Divergence
	err := s.read(ctx, true, func(v *view) error {
		m := v.mem
		sq := StanceQuery{IncludeSubtopics: true}
		var scopeTopic uint32
		if topic != "" {
			t, err := m.need(topic, KindTopic)
			if err != nil {
				return err
			}
			scopeTopic = t
			sq.Topics = []string{topic}
		}
		fs, err := v.facts(sq, true)
		if err != nil {
			return err
		}
		memo := map[uint32][]uint32{}
		// scopes returns the scope topics a stance topic falls in: the
		// given topic, or the roots above it.
		scopes := func(t uint32) []uint32 {
			if topic != "" {
				return []uint32{scopeTopic}
			}
			var roots []uint32
			for _, a := range m.ancestors(t, memo) {
				if len(m.targets(a, SubtopicOf)) == 0 {
					roots = append(roots, a)
				}
			}
			return roots
		}
		byHolder := map[uint32][]fact{}
		for _, f := range fs {
			byHolder[f.holder] = append(byHolder[f.holder], f)
		}
		persons := make([]uint32, 0, len(byHolder))
		for h := range byHolder {
			if m.kinds[h] == KindPerson {
				persons = append(persons, h)
			}
		}
		slices.SortFunc(persons, func(a, b uint32) int { return cmp.Compare(m.ids.at(a), m.ids.at(b)) })
		for _, p := range persons {
			if err := v.ctx.Err(); err != nil {
				return err
			}
			offices := map[uint32][]Edge{}
			for _, o := range m.targets(p, HoldsOffice) {
				e, err := v.edge(HoldsOffice, m.ids.at(p), m.ids.at(o))
				if err != nil {
					return err
				}
				offices[o] = append(offices[o], *e)
			}
			for _, pf := range byHolder[p] {
				pi, _ := m.lookup(pf.n.ID)
				orgs := map[uint32][]Edge{}
				for o, es := range offices {
					for _, e := range es {
						if pf.n.StatedAt.IsZero() || e.ActiveAt(pf.n.StatedAt) {
							orgs[o] = append(orgs[o], e)
						}
					}
				}
				for _, o := range m.targets(pi, OnBehalfOf) {
					e, err := v.edge(OnBehalfOf, pf.n.ID, m.ids.at(o))
					if err != nil {
						return err
					}
					orgs[o] = append(orgs[o], *e)
				}
				for o, links := range orgs {
					for _, of := range byHolder[o] {
						gap := math.Abs(pf.n.Position - of.n.Position)
						if gap < threshold-eps {
							continue
						}
						for _, sp := range scopes(pf.topic) {
							if !slices.Contains(scopes(of.topic), sp) {
								continue
							}
							out = append(out, Divergence{Person: m.ids.at(p), Organization: m.ids.at(o), Topic: m.ids.at(sp),
								PersonStance: *pf.n, OrganizationStance: *of.n, Gap: gap, Links: slices.Clone(links)})
						}
					}
				}
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Divergence) int {
		if math.Abs(a.Gap-b.Gap) > eps {
			return cmp.Compare(b.Gap, a.Gap)
		}
		return cmp.Or(cmp.Compare(a.Person, b.Person), cmp.Compare(a.Organization, b.Organization), cmp.Compare(a.Topic, b.Topic),
			cmp.Compare(a.PersonStance.ID, b.PersonStance.ID), cmp.Compare(a.OrganizationStance.ID, b.OrganizationStance.ID))
	})
	// A stance with two topics in one tree gives the same pair twice.
	out = slices.CompactFunc(out, func(a, b Divergence) bool {
		return a.Person == b.Person && a.Organization == b.Organization && a.Topic == b.Topic &&
			a.PersonStance.ID == b.PersonStance.ID && a.OrganizationStance.ID == b.OrganizationStance.ID
	})
	for i := range out {
		slices.SortFunc(out[i].Links, func(a, b Edge) int { return cmp.Compare(a.ID(), b.ID()) })
		out[i].Links = slices.CompactFunc(out[i].Links, func(a, b Edge) bool { return a.ID() == b.ID() })
	}
	return out, err
}

// Timeline returns the stances on topic and its subtopics in statedAt
// order, then by id. from and to keep the stances whose statedAt lies
// within [from, to], as StanceQuery does; without a range, undated stances
// come last.
func (s *Store) Timeline(ctx context.Context, topic string, from, to Date) ([]Node, error) {
	if !from.IsZero() && !to.IsZero() && to.last() < from.first() {
		return nil, invalidf("to %s is before from %s", to, from)
	}
	var out []Node
	err := s.read(ctx, true, func(v *view) error {
		if _, err := v.mem.need(topic, KindTopic); err != nil {
			return err
		}
		ids, err := v.stanceCandidates(StanceQuery{Topics: []string{topic}, IncludeSubtopics: true, From: from, To: to})
		if err != nil {
			return err
		}
		out = make([]Node, 0, len(ids))
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
			out = append(out, *n)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b Node) int {
		switch az, bz := a.StatedAt.IsZero(), b.StatedAt.IsZero(); {
		case az && !bz:
			return 1
		case bz && !az:
			return -1
		}
		return a.StatedAt.Compare(b.StatedAt)
	})
	return out, err
}
