package graph

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

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
// are written. Memory stays near the size of the batch itself. A batch of
// puts only is planned straight into sorted arrays (planLoad), and the
// load's topology is built from the same arrays; it replaces mem.

// loadThreshold is the number of operations from which a batch into an
// empty store is streamed rather than committed in transactions.
const loadThreshold = 5000

// isLoad reports whether a batch goes through the streaming load: the store
// (whose topology is m) is empty and the batch is big.
func isLoad(m *mem, b *Batch) bool {
	return m.nodes() == 0 && m.edges == 0 && len(b.ops) > loadThreshold
}

// loadResult counts what loading the planned state creates, which the
// loaded topology has counted by kind and edge type, and notes the origins
// it writes when some stamp depends on them.
func (p *planner) loadResult(lp *loadPlan) {
	for k, n := range lp.m.byKind {
		if n > 0 {
			ch := p.res.ByKind[Kind(k)]
			ch.Created += n
			p.res.ByKind[Kind(k)] = ch
		}
	}
	for t, n := range lp.m.byType {
		ch := p.res.ByEdgeType[t]
		ch.Created += n
		p.res.ByEdgeType[t] = ch
	}
	p.res.NodesCreated += len(lp.nodes)
	p.res.EdgesCreated += len(lp.out)
	if len(p.watch) == 0 {
		return // touch would note nothing
	}
	for _, n := range lp.nodes {
		p.touch(n.Origin)
	}
	for _, x := range lp.out {
		p.touch(lp.edges[x.edge()].Origin)
	}
}

// loadPlan is the final state of a load in the order the load writes it:
// the nodes by id, whose positions (ranks) are their dense indexes in the
// topology the load makes, and the edges by (from, type, to) as ranks.
type loadPlan struct {
	m     *mem         // the loaded topology, which replaces mem
	nodes []*Node      // by rank
	edges []*Edge      // as added; rankedEdge.b holds the index
	out   []rankedEdge // by (from, type, to); types ranked by name

	// The nodes' terms and text lengths, collected on other goroutines
	// from startTerms on, while the edges are planned.
	termsDone   chan struct{}
	stopTerms   context.CancelFunc
	terms       loadTerms
	lengths     []uint32
	termsFailed error
}

// startTerms starts collecting the nodes' terms, which the load needs
// only when it writes: the cores a plan leaves idle collect them.
func (lp *loadPlan) startTerms(ctx context.Context) {
	ctx, lp.stopTerms = context.WithCancel(ctx)
	lp.termsDone = make(chan struct{})
	lp.lengths = make([]uint32, len(lp.nodes))
	go func() {
		defer close(lp.termsDone)
		lp.terms, lp.termsFailed = collectTerms(ctx, lp.nodes, lp.lengths)
	}()
}

// waitTerms returns what startTerms collected, starting it if need be.
func (lp *loadPlan) waitTerms(ctx context.Context) (loadTerms, []uint32, error) {
	if lp.termsDone == nil {
		lp.startTerms(ctx)
	}
	<-lp.termsDone
	lp.stopTerms()
	return lp.terms, lp.lengths, lp.termsFailed
}

// drop stops collecting terms for a plan that will not be loaded.
func (lp *loadPlan) drop() {
	if lp.termsDone != nil {
		lp.stopTerms()
		<-lp.termsDone
	}
}

// newLoadPlan starts the plan of a load of nodes, sorted by id and each id
// once. The ids are packed into one string in order, so that the load,
// which reads them by rank again and again, reads memory in order; the
// names are packed into another, so that mem holds no part of the nodes
// alive.
func newLoadPlan(nodes []*Node) (*loadPlan, error) {
	m := newMem()
	m.kinds = make([]Kind, 0, len(nodes))
	m.out.spans, m.in.spans = make([]span, 0, len(nodes)), make([]span, 0, len(nodes))
	names := make([]string, len(nodes))
	for i, n := range nodes {
		k, _ := KindOf(n.ID)
		m.countNode(k)
		names[i] = n.Name
	}
	m.ids = packIDs(len(nodes), func(i int) string { return nodes[i].ID })
	m.names = packNames(names)
	if err := m.reindex(); err != nil {
		return nil, err
	}
	return &loadPlan{m: m, nodes: nodes}, nil
}

// addEdge adds an edge, with a provisional type rank until setEdges; it
// reports false when an end is not a node of the load.
func (lp *loadPlan) addEdge(e *Edge) bool {
	fi, ok1 := lp.m.lookup(e.From)
	ti, ok2 := lp.m.lookup(e.To)
	if !ok1 || !ok2 {
		return false
	}
	lp.out = append(lp.out, rankedEdge{uint64(fi)<<8 | uint64(lp.m.typeOf(e.Type)), uint64(ti)<<32 | uint64(len(lp.edges))})
	lp.edges = append(lp.edges, e)
	return true
}

// setEdges ranks the types by name, sorts the edges and keeps the last
// added of each (from, type, to), and counts them in the topology.
func (lp *loadPlan) setEdges() {
	m := lp.m
	types := slices.Clone(m.types)
	slices.Sort(types)
	var rank [256]uint64
	for i, t := range types {
		rank[m.typeIdx[t]] = uint64(i)
	}
	m.types, m.typeIdx = types, make(map[EdgeType]uint8, len(types))
	for i, t := range types {
		m.typeIdx[t] = uint8(i)
	}
	for i := range lp.out {
		x := &lp.out[i]
		x.a = x.a&^0xff | rank[x.a&0xff]
	}
	// The index after the second end orders the puts of one edge as
	// they were added.
	slices.SortFunc(lp.out, cmpRanked)
	kept := lp.out[:0]
	var byType [256]int // by the type's rank
	for i, x := range lp.out {
		if i+1 < len(lp.out) && lp.out[i+1].a == x.a && lp.out[i+1].b>>32 == x.b>>32 {
			continue // put again later in the batch
		}
		kept = append(kept, x)
		byType[x.a&0xff]++
	}
	for i, t := range types {
		if byType[i] > 0 {
			m.byType[t] += byType[i]
		}
	}
	lp.out, m.edges = kept, len(kept)
}

// in returns the edges in in-key order: by (to, type, from).
func (lp *loadPlan) in() []rankedEdge {
	in := make([]rankedEdge, len(lp.out))
	for i, x := range lp.out {
		in[i] = rankedEdge{x.b>>32<<8 | x.a&0xff, x.a>>8<<32 | x.b&0xffffffff}
	}
	slices.SortFunc(in, cmpRanked)
	return in
}

func cmpRanked(x, y rankedEdge) int {
	if c := cmp.Compare(x.a, y.a); c != 0 {
		return c
	}
	return cmp.Compare(x.b, y.b)
}

// planLoad plans a batch of puts into an empty store straight into a
// loadPlan, without the planner's maps. It returns nil, and leaves the
// batch to the planner, which words any error, unless every operation is
// a valid put and every edge joins two nodes of the batch.
func planLoad(ctx context.Context, b *Batch, write bool) *loadPlan {
	var nodes []*Node
	edges := 0
	for i, o := range b.ops {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil
		}
		switch o.kind {
		case opPutNode:
			n := b.node(o)
			if n.Validate() != nil {
				return nil
			}
			nodes = append(nodes, n)
		case opPutEdge:
			edges++
		default:
			return nil
		}
	}
	// By id, and of the puts of one id the last, which is the one that
	// stays.
	slices.SortStableFunc(nodes, func(a, b *Node) int { return strings.Compare(a.ID, b.ID) })
	kept := nodes[:0]
	for i, n := range nodes {
		if i+1 < len(nodes) && nodes[i+1].ID == n.ID {
			continue
		}
		kept = append(kept, n)
	}
	lp, err := newLoadPlan(kept)
	if err != nil {
		return nil
	}
	if write {
		lp.startTerms(ctx)
	}
	lp.out, lp.edges = make([]rankedEdge, 0, edges), make([]*Edge, 0, edges)
	for i, o := range b.ops {
		if i%4096 == 0 && ctx.Err() != nil {
			lp.drop()
			return nil
		}
		if o.kind == opPutEdge {
			if e := b.edge(o); e.Validate() != nil || !lp.addEdge(e) {
				lp.drop()
				return nil
			}
		}
	}
	lp.setEdges()
	return lp
}

// loadPlan turns the planner's final state into a loadPlan.
func (p *planner) loadPlan() (*loadPlan, error) {
	nodes := make([]*Node, 0, len(p.nodes))
	for _, n := range p.nodes {
		if n != nil {
			nodes = append(nodes, n)
		}
	}
	slices.SortFunc(nodes, func(a, b *Node) int { return strings.Compare(a.ID, b.ID) })
	lp, err := newLoadPlan(nodes)
	if err != nil {
		return nil, err
	}
	lp.out, lp.edges = make([]rankedEdge, 0, len(p.edges)), make([]*Edge, 0, len(p.edges))
	for _, e := range p.edges {
		if e != nil && !lp.addEdge(e) {
			return nil, fmt.Errorf("%w: edge %s has a missing end", ErrInvalid, e.ID()) // check() rules it out
		}
	}
	lp.setEdges()
	// The planner's maps are not needed past this point; letting them go
	// leaves the collector a smaller heap for the rest of the load.
	p.nodes, p.edges = nil, nil
	return lp, nil
}

// kvSink batches the KVs of one stream into StreamWriter buffers.
type kvSink struct {
	sw     *badger.StreamWriter
	stream uint32
	buf    *z.Buffer
	n      int
	kv     pb.KV // reused: KVToBuffer copies key and value
	// release, when set, is called after every loadRelease bytes the
	// sink has written (see Store.releaseTablePages).
	release func()
	written int
}

// loadRelease is how many bytes of keys and values a stream writes
// between two releases of the pages of the tables written so far. The
// StreamWriter writes each table through a shared mapping and keeps it
// mapped, so without them a load's whole output, 250 MB for 1M edges,
// stays resident until the store is closed.
const loadRelease = 32 << 20

func (k *kvSink) add(key, val []byte) error {
	k.kv.Key, k.kv.Value, k.kv.Version, k.kv.StreamId = key, val, 1, k.stream
	badger.KVToBuffer(&k.kv, k.buf)
	k.n++
	if k.buf.LenNoPadding() > 1<<20 {
		return k.flush()
	}
	return nil
}

func (k *kvSink) flush() error {
	if k.buf.LenNoPadding() == 0 {
		return nil
	}
	err := k.sw.Write(k.buf)
	if k.written += k.buf.LenNoPadding(); k.written > loadRelease && k.release != nil {
		k.release()
		k.written = 0
	}
	k.buf.Reset()
	return err
}

// rankedEdge is an edge of a load as ranks, in the order of its in or out
// key. It holds no pointer: sorting millions of them moves nothing the
// collector has to trace.
type rankedEdge struct {
	a uint64 // the first end's rank << 8 | the type's rank
	b uint64 // the second end's rank << 32 | the edge's index in loadPlan.edges
}

// edge is the edge's index in loadPlan.edges.
func (x rankedEdge) edge() uint32 { return uint32(x.b) }

// load sets the lists of a fresh topology from its edges sorted by
// (first end, type, second end), packed without room to spare.
func (l *adjLists) load(re []rankedEdge) {
	l.arena = make([]adj, len(re))
	for i, x := range re {
		l.arena[i] = adj{uint32(x.b >> 32), uint8(x.a)}
		s := &l.spans[x.a>>8]
		if s.len == 0 {
			s.off = uint32(i)
		}
		s.len++
		s.cap++
	}
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
func (s *Store) streamLoad(ctx context.Context, gen *generation, p *planner, lp *loadPlan) error {
	m, ids := lp.m, &lp.m.ids

	// The stance indexes' keys as ranks, sorted by their streams.
	type ranked struct {
		key  uint64
		node uint32
	}
	var byPos, byDate []ranked
	for r, n := range lp.nodes {
		if n.Kind == KindStance {
			byPos = append(byPos, ranked{sortableFloat(n.Position), uint32(r)})
			if !n.StatedAt.IsZero() {
				byDate = append(byDate, ranked{uint64(n.StatedAt.sortKey()), uint32(r)})
			}
		}
	}
	// The values, encoded while the terms are collected. With them and
	// the terms the load needs the nodes and edges no more, and lets go
	// of them: when the caller holds them no longer either (a seed
	// does not), the collector no longer traces them while the load
	// writes.
	// Each of two goroutines takes half of the nodes and half of the
	// edges, so that both finish together.
	var nodeParts, edgeParts [2]valueChunks
	var wg sync.WaitGroup
	for h := range 2 {
		wg.Go(func() {
			var w fieldWriter
			for _, n := range lp.nodes[h*len(lp.nodes)/2 : (h+1)*len(lp.nodes)/2] {
				w.b = w.b[:0]
				w.node(n)
				nodeParts[h].add(w.b)
			}
			for _, x := range lp.out[h*len(lp.out)/2 : (h+1)*len(lp.out)/2] {
				w.b = appendEdge(w.b[:0], lp.edges[x.edge()])
				edgeParts[h].add(w.b)
			}
		})
	}
	wg.Wait()
	nodeVals, edgeVals := nodeParts[0], edgeParts[0]
	nodeVals.join(&nodeParts[1])
	edgeVals.join(&edgeParts[1])
	// The index families need each node's terms, collected before the
	// store is locked.
	tp, lengths, err := lp.waitTerms(ctx)
	if err != nil {
		return err
	}
	lp.nodes, lp.edges = nil, nil
	for _, l := range lengths {
		if l > 0 {
			m.textDocs++
			m.textLen += uint64(l)
		}
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
	rankedCmp := func(a, b ranked) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.node, b.node)
	}
	// The families are written in key order as two streams, on two
	// goroutines: d, i, l, n and o, p, w. Families are disjoint key
	// ranges, so the streams never overlap.
	streams := []func(add func(key, val []byte) error) error{
		func(add func(key, val []byte) error) error {
			// d: dated stances by date.
			slices.SortFunc(byDate, rankedCmp)
			var key []byte
			for _, x := range byDate {
				key = binary.BigEndian.AppendUint32(ks.appendPrefix(key[:0], famDate), uint32(x.key))
				if err := add(appendStr(key, ids.at(x.node)), nil); err != nil {
					return err
				}
			}
			// i: edges by (to, type, from).
			in := lp.in()
			m.in.load(in)
			for _, x := range in {
				key = ks.appendIn(key[:0], m.types[uint8(x.a)], ids.at(uint32(x.b>>32)), ids.at(uint32(x.a>>8)))
				if err := add(key, nil); err != nil {
					return err
				}
			}
			// l: text lengths by id.
			var val []byte
			for r := range ids.len() {
				id := ids.at(uint32(r))
				if lengths[r] > 0 {
					val = binary.BigEndian.AppendUint32(val[:0], lengths[r])
					if err := add(ks.textLen(id), val); err != nil {
						return err
					}
				}
			}
			// n: nodes by id.
			for r := range ids.len() {
				id := ids.at(uint32(r))
				key = ks.appendNode(key[:0], id)
				if err := add(key, nodeVals.get(r)); err != nil {
					return err
				}
			}
			return nil
		},
		func(add func(key, val []byte) error) error {
			// o: edges by (from, type, to).
			var key, val []byte
			m.out.load(lp.out)
			for i, x := range lp.out {
				key = ks.appendOut(key[:0], m.types[uint8(x.a)], ids.at(uint32(x.a>>8)), ids.at(uint32(x.b>>32)))
				if err := add(key, edgeVals.get(i)); err != nil {
					return err
				}
			}
			// p: stances by position.
			slices.SortFunc(byPos, rankedCmp)
			for _, x := range byPos {
				key = binary.BigEndian.AppendUint64(ks.appendPrefix(key[:0], famPos), x.key)
				if err := add(appendStr(key, ids.at(x.node)), nil); err != nil {
					return err
				}
			}
			// w: the postings of each term, in node order, in blocks of
			// postingBlockTarget.
			cut := blockCutter{emit: func(term string, block []posting) error {
				val = appendBlock(val[:0], block)
				key = ks.appendPostings(key[:0], term, block[0].id)
				return add(key, val)
			}}
			for i, t := range tp.order {
				for _, x := range tp.postings[tp.start[i]:tp.start[i+1]] {
					if err := cut.add(t, posting{ids.at(x.node), x.tf, lengths[x.node]}); err != nil {
						return err
					}
				}
			}
			return cut.flush()
		},
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(streams))
	for i, write := range streams {
		wg.Go(func() {
			sink := &kvSink{sw: sw, stream: uint32(i + 1), buf: z.NewBuffer(2<<20, "stancegraph.load"), release: s.releaseTablePages}
			defer sink.buf.Release()
			err := write(func(key, val []byte) error {
				if err := sink.add(key, val); err != nil {
					return err
				}
				if sink.n%4096 == 0 {
					return sctx.Err()
				}
				return nil
			})
			if err == nil {
				// Closing the stream lets Badger finish its table and
				// free the table builder now.
				badger.KVToBuffer(&pb.KV{StreamId: sink.stream, StreamDone: true}, sink.buf)
				err = sink.flush()
			}
			if err != nil {
				errs[i] = err
				cancel()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		// The error that stopped the other stream, or the caller's.
		if err != nil && (!errors.Is(err, context.Canceled) || ctx.Err() != nil) {
			return abort(fmt.Errorf("load: %w", err))
		}
	}
	if err := sw.Flush(); err != nil {
		return abort(fmt.Errorf("load: flush: %w", err))
	}
	s.releaseTablePages()
	p.loaded, p.writes = m, nil
	if err := s.switchLocked(next, p, true); err != nil {
		return abort(err)
	}
	s.recordSeq(s.seq)
	s.dropLater(gen)
	return nil
}

// chunks is a list that grows by chunks of a fixed size: growing never
// copies what it holds. A slice of millions of items grows by a quarter
// at a time, allocating and copying about five times its final size.
type chunks[T any] struct{ c [][]T }

const chunkLen = 1 << 16

func (l *chunks[T]) add(x T) {
	if len(l.c) == 0 || len(l.c[len(l.c)-1]) == chunkLen {
		l.c = append(l.c, make([]T, 0, chunkLen))
	}
	last := &l.c[len(l.c)-1]
	*last = append(*last, x)
}

// all yields the items in the order they were added.
func (l *chunks[T]) all() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, c := range l.c {
			for _, x := range c {
				if !yield(x) {
					return
				}
			}
		}
	}
}

// valueChunks holds encoded values in order, in chunks that hold no
// pointer, so that the collector does not scan them.
type valueChunks struct {
	chunks [][]byte
	refs   []valueRef
}

// valueRef locates a value: chunks[chunk][off:off+n].
type valueRef struct{ chunk, off, n uint32 }

// valueChunkSize is the size of a chunk; a value of more than a quarter
// of it gets a chunk of its own, so that chunks waste little at their ends.
const valueChunkSize = 1 << 20

func (v *valueChunks) add(b []byte) {
	last := len(v.chunks) - 1
	if last < 0 || cap(v.chunks[last])-len(v.chunks[last]) < len(b) {
		size := valueChunkSize
		if len(b) > valueChunkSize/4 {
			size = len(b)
		}
		v.chunks = append(v.chunks, make([]byte, 0, size))
		last++
	}
	c := &v.chunks[last]
	v.refs = append(v.refs, valueRef{uint32(last), uint32(len(*c)), uint32(len(b))})
	*c = append(*c, b...)
}

// join appends the values of o after those of v.
func (v *valueChunks) join(o *valueChunks) {
	base := uint32(len(v.chunks))
	v.chunks = append(v.chunks, o.chunks...)
	for _, r := range o.refs {
		r.chunk += base
		v.refs = append(v.refs, r)
	}
}

// get returns the i-th value added.
func (v *valueChunks) get(i int) []byte {
	r := v.refs[i]
	return v.chunks[r.chunk][r.off : r.off+r.n : r.off+r.n]
}

// loadPosting is a posting during a load: the node's rank and the term
// frequency.
type loadPosting struct{ node, tf uint32 }

// loadTerms are the postings of a load grouped by term: the terms in
// order, and the postings of order[i], in node order, are
// postings[start[i]:start[i+1]].
type loadTerms struct {
	order    []string
	start    []int
	postings []loadPosting
}

// collectTerms computes the terms of the nodes (in rank order) on
// every core, stores each node's text length in lengths, and groups the
// postings by term with a counting sort, which keeps node order.
func collectTerms(ctx context.Context, nodes []*Node, lengths []uint32) (loadTerms, error) {
	// Each worker takes a contiguous range of ranks and keeps its own
	// term dictionary, so that workers share nothing but lengths (each
	// writing its own range).
	type part struct {
		terms    map[string]uint32 // term → index in list
		list     []string
		postings chunks[struct{ term, node, tf uint32 }]
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(nodes)/4096))
	parts := make([]part, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*len(nodes)/workers, (w+1)*len(nodes)/workers
		wg.Go(func() {
			pt := &parts[w]
			pt.terms = map[string]uint32{}
			// The node being read: its frequencies by term index, and
			// the indexes it has, in order of first occurrence.
			var tf []uint32
			var has []uint32
			add := func(t string, weight uint32) {
				ti, ok := pt.terms[t]
				if ok && tf[ti] > 0 {
					tf[ti] += weight
					return
				}
				if len(has) >= maxNodeTerms {
					return // the node has all the terms it may have
				}
				if !ok {
					// A term may be part of a node's text: copied, so
					// that the dictionary keeps no text alive.
					t = strings.Clone(t)
					ti = uint32(len(pt.list))
					pt.terms[t] = ti
					pt.list = append(pt.list, t)
					tf = append(tf, 0)
				}
				has = append(has, ti)
				tf[ti] = weight
			}
			tb := new(tokenBuf)
			for r := lo; r < hi; r++ {
				if (r-lo)%1024 == 0 {
					if errs[w] = ctx.Err(); errs[w] != nil {
						return
					}
				}
				lengths[r] = addNodeTerms(nodes[r], tb, add)
				for _, ti := range has {
					pt.postings.add(struct{ term, node, tf uint32 }{ti, uint32(r), tf[ti]})
					tf[ti] = 0
				}
				has = has[:0]
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return loadTerms{}, err
	}
	// One dictionary in term order; each part's terms mapped to ranks.
	all := map[string]bool{}
	for _, pt := range parts {
		for _, t := range pt.list {
			all[t] = true
		}
	}
	lt := loadTerms{order: slices.Sorted(maps.Keys(all))}
	rank := make(map[string]uint32, len(lt.order))
	for i, t := range lt.order {
		rank[t] = uint32(i)
	}
	remap := make([][]uint32, workers)
	lt.start = make([]int, len(lt.order)+1)
	for w, pt := range parts {
		remap[w] = make([]uint32, len(pt.list))
		for i, t := range pt.list {
			remap[w][i] = rank[t]
		}
		for x := range pt.postings.all() {
			lt.start[remap[w][x.term]+1]++
		}
	}
	for i := 1; i < len(lt.start); i++ {
		lt.start[i] += lt.start[i-1]
	}
	lt.postings = make([]loadPosting, lt.start[len(lt.order)])
	next := slices.Clone(lt.start[:len(lt.order)])
	for w := range parts {
		for x := range parts[w].postings.all() {
			t := remap[w][x.term]
			lt.postings[next[t]] = loadPosting{x.node, x.tf}
			next[t]++
		}
		parts[w] = part{}
	}
	return lt, nil
}
