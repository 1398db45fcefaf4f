package graph

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// A big batch into an empty store is loaded without building its key
// writes in memory: every key family is generated in key order straight
// into Badger's StreamWriter, one stream per family (families are disjoint
// key ranges, so their streams never overlap). Ids, terms and edge types
// are replaced by their ranks in sorted order so that the sorts run on
// small integers, and the full-text postings are 16-byte tuples until they
// are written. Memory stays near the size of the batch itself.

// loadThreshold is the number of operations from which a batch into an
// empty store is streamed rather than committed in transactions.
const loadThreshold = 5000

// isLoad reports whether a batch goes through the streaming load: the store
// is empty and the batch is big.
func (p *planner) isLoad(b *Batch) bool {
	return p.m.nodes() == 0 && p.m.edges == 0 && len(b.ops) > loadThreshold
}

// loadResult counts what loading the planned state creates, and notes the
// origins it writes.
func (p *planner) loadResult() {
	for id, st := range p.nodes {
		if st == nil {
			continue // created and deleted within the batch
		}
		p.touch(st.Origin)
		k, _ := KindOf(id)
		ch := p.res.ByKind[k]
		ch.Created++
		p.res.ByKind[k] = ch
		p.res.NodesCreated++
	}
	for k, st := range p.edges {
		if st == nil {
			continue
		}
		p.touch(st.Origin)
		ch := p.res.ByEdgeType[k.t]
		ch.Created++
		p.res.ByEdgeType[k.t] = ch
		p.res.EdgesCreated++
	}
}

// kvSink batches KVs into StreamWriter buffers.
type kvSink struct {
	sw  *badger.StreamWriter
	buf *z.Buffer
	n   int
}

func (k *kvSink) add(stream uint32, key, val []byte) error {
	badger.KVToBuffer(&pb.KV{Key: key, Value: val, Version: 1, StreamId: stream}, k.buf)
	k.n++
	if k.buf.LenNoPadding() > 16<<20 {
		return k.flush()
	}
	return nil
}

func (k *kvSink) flush() error {
	if k.buf.LenNoPadding() == 0 {
		return nil
	}
	err := k.sw.Write(k.buf)
	k.buf.Reset()
	return err
}

type posting struct{ term, node, tf, length uint32 }

type rankedEdge struct {
	a, b uint64 // sort key: (first end, type) and second end, as ranks
	e    *Edge
}

// streamLoad writes the planned state of a batch into an empty store under
// generation next with StreamWriter, then switches to it.
//
// StreamWriter starts by dropping everything, which on an empty store loses
// nothing but the meta keys, written again after. A crash while streaming
// leaves no generation pointer, so the next Open takes generation 1 as live
// and drops the partial generation next (>= 2). StreamWriter also replaces
// Badger's timestamp oracle, which a read transaction open across it would
// corrupt, so every reader is held off while it runs (on an empty store
// there is nothing to read anyway).
func (s *Store) streamLoad(ctx context.Context, gen *generation, p *planner) error {
	ids := make([]string, 0, len(p.nodes))
	for id, st := range p.nodes {
		if st != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	rank := make(map[string]uint32, len(ids))
	for i, id := range ids {
		rank[id] = uint32(i)
	}
	var edges []*Edge
	typeSet := map[EdgeType]bool{}
	for _, st := range p.edges {
		if st != nil {
			edges = append(edges, st)
			typeSet[st.Type] = true
		}
	}
	types := slices.Sorted(maps.Keys(typeSet))
	typeRank := make(map[EdgeType]uint64, len(types))
	for i, t := range types {
		typeRank[t] = uint64(i)
	}

	next := gen.id + 1
	ks := keyspace{next}
	p.txn.Discard()
	s.mu.Lock()
	defer s.mu.Unlock()
	gen.readers.Wait()
	sw := s.db.NewStreamWriter()
	abort := func(err error) error {
		sw.Cancel()
		if derr := s.db.DropPrefix(genPrefix(next)); derr != nil {
			s.log.Error().Err(derr).Uint32("generation", next).Msg("drop streamed generation")
		}
		return err
	}
	if err := sw.Prepare(); err != nil {
		return abort(fmt.Errorf("load: prepare: %w", err))
	}
	sink := &kvSink{sw: sw, buf: z.NewBuffer(32<<20, "stancegraph.load")}
	defer sink.buf.Release()
	check := func() error {
		if sink.n%4096 == 0 {
			return ctx.Err()
		}
		return nil
	}
	// Families are written in key order (d, i, l, n, o, p, t) as one
	// stream, so that StreamWriter builds one table at a time. A first pass
	// over the nodes collects what the index families need.
	terms := map[string]uint32{}
	var termList []string
	var postings []posting
	type ranked struct {
		key  uint64
		node uint32
	}
	var byPos, byDate []ranked
	lengths := make([]uint32, len(ids))
	for r, id := range ids {
		n := p.nodes[id]
		tf, length := nodeTerms(n)
		lengths[r] = length
		if length > 0 {
			p.textDocs++
			p.textLen += int64(length)
		}
		for t, f := range tf {
			ti, ok := terms[t]
			if !ok {
				ti = uint32(len(termList))
				terms[t] = ti
				termList = append(termList, t)
			}
			postings = append(postings, posting{ti, uint32(r), f, length})
		}
		if n.Kind == KindStance {
			byPos = append(byPos, ranked{sortableFloat(n.Position), uint32(r)})
			if !n.StatedAt.IsZero() {
				byDate = append(byDate, ranked{uint64(n.StatedAt.sortKey()), uint32(r)})
			}
		}
		if r%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return abort(err)
			}
		}
	}
	rankedCmp := func(a, b ranked) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.node, b.node)
	}
	add := func(key, val []byte) error {
		if err := sink.add(0, key, val); err != nil {
			return err
		}
		return check()
	}

	// d: dated stances by date.
	slices.SortFunc(byDate, rankedCmp)
	for _, x := range byDate {
		n := p.nodes[ids[x.node]]
		if err := add(ks.date(n.StatedAt, n.ID), nil); err != nil {
			return abort(err)
		}
	}
	byDate = nil

	// i and o: edges by (to, type, from), then by (from, type, to).
	re := make([]rankedEdge, len(edges))
	sortEdges := func(first, second func(e *Edge) string) {
		for i, e := range edges {
			re[i] = rankedEdge{uint64(rank[first(e)])<<8 | typeRank[e.Type], uint64(rank[second(e)]), e}
		}
		slices.SortFunc(re, func(x, y rankedEdge) int {
			if c := cmp.Compare(x.a, y.a); c != 0 {
				return c
			}
			return cmp.Compare(x.b, y.b)
		})
	}
	sortEdges(func(e *Edge) string { return e.To }, func(e *Edge) string { return e.From })
	for _, x := range re {
		if err := add(ks.in(x.e.Type, x.e.From, x.e.To), nil); err != nil {
			return abort(err)
		}
	}

	// l and n: text lengths and nodes by id.
	for r, id := range ids {
		if lengths[r] > 0 {
			if err := add(ks.textLen(id), binary.BigEndian.AppendUint32(nil, lengths[r])); err != nil {
				return abort(err)
			}
		}
	}
	for _, id := range ids {
		v, err := encodeNode(p.nodes[id])
		if err != nil {
			return abort(err)
		}
		if err := add(ks.node(id), v); err != nil {
			return abort(err)
		}
	}

	sortEdges(func(e *Edge) string { return e.From }, func(e *Edge) string { return e.To })
	for _, x := range re {
		if err := add(ks.out(x.e.Type, x.e.From, x.e.To), encodeEdge(x.e)); err != nil {
			return abort(err)
		}
	}
	re = nil

	// p: stances by position.
	slices.SortFunc(byPos, rankedCmp)
	for _, x := range byPos {
		n := p.nodes[ids[x.node]]
		if err := add(ks.pos(n.Position, n.ID), nil); err != nil {
			return abort(err)
		}
	}

	// t: postings by (term, node).
	order := make([]uint32, len(termList))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(termList[a], termList[b]) })
	termRank := make([]uint32, len(termList))
	for r, ti := range order {
		termRank[ti] = uint32(r)
	}
	slices.SortFunc(postings, func(a, b posting) int {
		if c := cmp.Compare(termRank[a.term], termRank[b.term]); c != 0 {
			return c
		}
		return cmp.Compare(a.node, b.node)
	})
	for _, x := range postings {
		if err := add(ks.term(termList[x.term], ids[x.node]), postingValue(x.tf, x.length)); err != nil {
			return abort(err)
		}
	}
	if err := sink.flush(); err != nil {
		return abort(fmt.Errorf("load: %w", err))
	}
	if err := sw.Flush(); err != nil {
		return abort(fmt.Errorf("load: flush: %w", err))
	}
	p.addNodes = ids
	p.addEdges = make([]edgeKey, len(edges))
	for i, e := range edges {
		p.addEdges[i] = edgeKey{e.Type, e.From, e.To}
	}
	p.writes = nil
	if err := s.switchLocked(next, p, true); err != nil {
		return abort(err)
	}
	s.recordSeq(s.seq)
	s.dropLater(gen)
	return nil
}
