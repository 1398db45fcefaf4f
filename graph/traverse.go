package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Traversal limits.
const (
	MaxNeighborhoodDepth = 4
	MaxNeighborhoodLimit = 10000
	MaxPathDepth         = 8
	DefaultPathDepth     = 6
)

// Neighborhood returns the nodes within o.Depth hops of id, walking edges in
// o.Direction of the types in o.Types, breadth-first and in (type, id)
// order, so the same graph gives the same answer. Edges are every edge of
// those types among the returned nodes. Truncated says whether o.Limit
// stopped the walk.
func (s *Store) Neighborhood(ctx context.Context, id string, o NeighborhoodOptions) (Subgraph, error) {
	if o.Depth < 0 || o.Depth > MaxNeighborhoodDepth {
		return Subgraph{}, invalidf("depth %d is outside 0..%d", o.Depth, MaxNeighborhoodDepth)
	}
	if o.Limit == 0 {
		o.Limit = DefaultNeighborhoodLimit
	}
	if o.Limit < 1 || o.Limit > MaxNeighborhoodLimit {
		return Subgraph{}, invalidf("limit %d is outside 1..%d", o.Limit, MaxNeighborhoodLimit)
	}
	if o.Direction == 0 {
		o.Direction = Both
	}
	var sg Subgraph
	err := s.read(ctx, true, func(v *view) error {
		m := v.mem
		root, ok := m.lookup(id)
		if !ok {
			return fmt.Errorf("node %s: %w", id, ErrNotFound)
		}
		mask, all := m.typeMask(o.Types)
		follow := func(a adj) bool { return all || a.typ < 64 && mask&(1<<a.typ) != 0 }
		// The nodes chosen so far are marked in the pooled scratch's
		// bitmap: unlike a map, no hashing, and small enough to stay in
		// the cache. The walk unmarks them when it ends.
		sc := scratchPool.Get().(*bfsScratch)
		defer scratchPool.Put(sc)
		sc.reset(m.ids.len())
		seen := sc.seen
		sc.mark(root)
		order := []uint32{root}
		defer func() { sc.unsee(order) }()
		frontier := []uint32{root}
		for depth := 0; depth < o.Depth && len(frontier) > 0 && !sg.Truncated; depth++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			var next []uint32
			visit := func(list []adj) {
				for _, a := range list {
					if seen(a.node) || !follow(a) {
						continue
					}
					if len(order) >= o.Limit {
						sg.Truncated = true
						return
					}
					sc.mark(a.node)
					order = append(order, a.node)
					next = append(next, a.node)
				}
			}
			for _, u := range frontier {
				if o.Direction&Out != 0 {
					visit(m.out.of(u))
				}
				if o.Direction&In != 0 {
					visit(m.in.of(u))
				}
				if sg.Truncated {
					break
				}
			}
			frontier = next
		}
		// The edges of the followed types among the chosen nodes, each once.
		var keys []edgeKey
		for _, u := range order {
			for _, a := range m.out.of(u) {
				if seen(a.node) && follow(a) {
					keys = append(keys, edgeKey{m.types[a.typ], m.ids.at(u), m.ids.at(a.node)})
				}
			}
		}
		switch {
		case o.NodeKeysOnly && o.EdgeKeysOnly:
			sg.Nodes, sg.Edges = m.nodeKeys(order), edgeKeys(keys)
			return nil
		case o.NodeKeysOnly:
			sg.Nodes = m.nodeKeys(order)
			var err error
			sg.Edges, err = v.edgesByKey(keys)
			return err
		}
		// Nodes and edges load side by side: they are separate key
		// families, read through separate iterators of one snapshot.
		var nodeErr error
		var wg sync.WaitGroup
		wg.Go(func() { sg.Nodes, nodeErr = v.nodesByIndex(order) })
		var err error
		if o.EdgeKeysOnly {
			sg.Edges = edgeKeys(keys)
		} else {
			sg.Edges, err = v.edgesByKey(keys)
		}
		wg.Wait()
		return errors.Join(nodeErr, err)
	})
	return sg, err
}

// bfsScratch is reusable per-query state for path searches and
// neighbourhood walks. Which nodes a query has reached is a bitmap indexed
// by the dense node index, one bit a node, so that the test made for every
// adjacency entry read stays in the cache (78 KB at 311k nodes); a query
// leaves it clear, unmarking the nodes it marked. Everything else a search
// keeps is appended in the order it is found, so that its memory is read
// and written in sequence rather than at the nodes' indexes.
type bfsScratch struct {
	// marks holds two words for each 64 nodes: the first marks the nodes
	// reached, the second those a path search reached from the target's
	// side. Side by side, a node's two bits share a cache line.
	marks []uint64
	// nodes holds, for each side of a path search, the nodes it reached
	// in the order reached, level after level; from holds, beside each,
	// the position in nodes of the node it was reached from (its own for
	// the two ends).
	nodes, from [3][]uint32
	// read counts the adjacency entries of the lists the search has
	// expanded, the measure of its work that does not vary with the
	// machine (the one that meets the other side counted whole).
	read int
}

var scratchPool = sync.Pool{New: func() any { return new(bfsScratch) }}

// reset readies the scratch for a query over n nodes.
func (b *bfsScratch) reset(n int) {
	if words := 2 * ((n + 63) / 64); len(b.marks) < words {
		b.marks = make([]uint64, words+words/4)
	}
	b.read = 0
	for s := range b.nodes {
		b.nodes[s], b.from[s] = b.nodes[s][:0], b.from[s][:0]
	}
}

// seen reports whether u is marked reached.
func (b *bfsScratch) seen(u uint32) bool { return b.marks[u>>6<<1]&(1<<(u&63)) != 0 }

// mark marks u reached.
func (b *bfsScratch) mark(u uint32) { b.marks[u>>6<<1] |= 1 << (u & 63) }

// unsee clears the marks of the nodes us: the words that hold them, or
// every word when us is long.
func (b *bfsScratch) unsee(us []uint32) {
	if len(us) > len(b.marks)/16 {
		clear(b.marks)
		return
	}
	for _, u := range us {
		w := u >> 6 << 1
		b.marks[w], b.marks[w+1] = 0, 0
	}
}

// nodeKeys returns the nodes at dense indexes us with their ID, Kind and
// Name.
func (m *mem) nodeKeys(us []uint32) []Node {
	out := make([]Node, len(us))
	for i, u := range us {
		out[i] = Node{ID: m.ids.at(u), Kind: m.kinds[u], Name: m.names.raw(u)}
	}
	m.names.own(out)
	return out
}

// edgeKeys returns edges carrying only their keys.
func edgeKeys(keys []edgeKey) []Edge {
	out := make([]Edge, len(keys))
	for i, k := range keys {
		out[i] = k.edge()
	}
	return out
}

// ShortestPath finds a shortest path from one node to another of at most
// o.MaxDepth edges, following edges of o.Types in either direction; ok is
// false when there is none. It runs a bidirectional breadth-first search
// on the in-memory topology, expanding the cheaper frontier a level at a
// time and stopping at the first meeting. Neighbours are visited in (type,
// id) order, so among several shortest paths it returns the same one
// every time for the same graph.
func (s *Store) ShortestPath(ctx context.Context, from, to string, o PathOptions) (p Path, ok bool, err error) {
	maxDepth, types := o.MaxDepth, o.Types
	if maxDepth == 0 {
		maxDepth = DefaultPathDepth
	}
	if maxDepth < 1 || maxDepth > MaxPathDepth {
		return Path{}, false, invalidf("maxDepth %d is outside 1..%d", maxDepth, MaxPathDepth)
	}
	err = s.read(ctx, true, func(v *view) error {
		m := v.mem
		fi, ok1 := m.lookup(from)
		if !ok1 {
			return fmt.Errorf("node %s: %w", from, ErrNotFound)
		}
		ti, ok2 := m.lookup(to)
		if !ok2 {
			return fmt.Errorf("node %s: %w", to, ErrNotFound)
		}
		mask, all := m.typeMask(types)
		var walk []uint32
		if fi == ti {
			walk = []uint32{fi}
		} else {
			b := scratchPool.Get().(*bfsScratch)
			defer scratchPool.Put(b)
			walk = m.bidiBFS(ctx, b, fi, ti, maxDepth, mask, all)
		}
		if walk == nil {
			return ctx.Err()
		}
		ok = true
		if o.NodeKeysOnly {
			p.Nodes = m.nodeKeys(walk)
		} else {
			p.Nodes = make([]Node, len(walk))
		}
		p.Edges = make([]Edge, len(walk)-1)
		for i, u := range walk {
			if !o.NodeKeysOnly {
				n, err := v.node(m.ids.at(u))
				if err != nil {
					return err
				}
				p.Nodes[i] = *n
			}
			if i == 0 {
				continue
			}
			k := m.edgeBetween(walk[i-1], u, mask, all)
			if o.EdgeKeysOnly {
				p.Edges[i-1] = k.edge()
				continue
			}
			e, err := v.edge(k.t, k.from, k.to)
			if err != nil {
				return err
			}
			p.Edges[i-1] = *e
		}
		return nil
	})
	return p, ok, err
}

// bidiBFS returns the dense indexes of a shortest walk from a to b, or nil.
// Each round expands, a whole level at a time, the side whose frontier has
// fewer edges to follow, so a hub on one side is expanded last.
func (m *mem) bidiBFS(ctx context.Context, sc *bfsScratch, a, b uint32, maxDepth int, mask uint64, all bool) []uint32 {
	sc.reset(m.ids.len())
	marks, nodes, from := sc.marks, &sc.nodes, &sc.from
	defer func() { sc.unsee(nodes[1]); sc.unsee(nodes[2]) }()
	nodes[1], from[1] = append(nodes[1], a), append(from[1], 0)
	nodes[2], from[2] = append(nodes[2], b), append(from[2], 0)
	sc.mark(a)
	sc.mark(b)
	marks[b>>6<<1+1] |= 1 << (b & 63)
	// Side s's frontier is nodes[s][lo[s]:], the level it reached last.
	var lo [3]int
	var depth [3]int
	follow := func(x adj) bool { return all || x.typ < 64 && mask&(1<<x.typ) != 0 }
	var sides sideCounts
	var fronts [3][]uint32
	degree := func(u uint32) int { return len(m.out.of(u)) + len(m.in.of(u)) }
	for depth[1]+depth[2] < maxDepth && len(nodes[1]) > lo[1] && len(nodes[2]) > lo[2] {
		if ctx.Err() != nil {
			return nil
		}
		fronts[1], fronts[2] = nodes[1][lo[1]:], nodes[2][lo[2]:]
		side := sides.choose(&fronts, degree)
		depth[side]++
		var onSide uint64 // the back bit of a node reached from this side
		if side == 2 {
			onSide = 1
		}
		// The first meeting in visiting order: u on this side, w on the
		// other. Every meeting found while expanding one level makes a walk
		// of the same length (a node the other side reached earlier would
		// have met this side earlier), so the first one is a shortest walk,
		// and visiting order is fixed by the graph, so it is always the same.
		found, at, bw := false, 0, uint32(0)
		ns, fs := nodes[side], from[side]
		step := func(i int, w uint32) bool {
			word, bit := w>>6<<1, w&63
			if marks[word]&(1<<bit) == 0 {
				marks[word] |= 1 << bit
				marks[word+1] |= onSide << bit
				ns, fs = append(ns, w), append(fs, uint32(i))
				return false
			}
			if marks[word+1]>>bit&1 == onSide {
				return false
			}
			found, at, bw = true, i, w
			return true
		}
		hi := len(ns)
	expand:
		for i := lo[side]; i < hi; i++ {
			u := ns[i]
			out, in := m.out.of(u), m.in.of(u)
			sc.read += len(out) + len(in)
			for _, x := range out {
				if follow(x) && step(i, x.node) {
					break expand
				}
			}
			for _, x := range in {
				if follow(x) && step(i, x.node) {
					break expand
				}
			}
		}
		nodes[side], from[side] = ns, fs
		if found {
			// The walk back from position at on this side, and from bw,
			// found by its place among the other side's nodes.
			o := 3 - side
			other := slices.Index(nodes[o], bw)
			var walk []uint32
			for i := at; ; i = int(from[side][i]) {
				walk = append(walk, nodes[side][i])
				if i == 0 {
					break
				}
			}
			slices.Reverse(walk)
			for i := other; ; i = int(from[o][i]) {
				walk = append(walk, nodes[o][i])
				if i == 0 {
					break
				}
			}
			if side == 2 {
				slices.Reverse(walk)
			}
			return walk
		}
		lo[side] = hi
		sides.reset(side)
	}
	return nil
}

// sideCounts picks the side of a bidirectional search to expand next: the
// one whose frontier has fewer entries to follow, side 1 on a tie.
// cost[s] counts the entries of the first counted[s] nodes of side s's
// frontier. Counting touches every frontier node's lists, so it goes only
// as far as the choice needs: the side chosen is one whose whole count is
// no more than the other's count so far, which is the choice exact counts
// of both would make.
type sideCounts struct {
	cost, counted [3]int
}

func (c *sideCounts) choose(fronts *[3][]uint32, degree func(u uint32) int) uint8 {
	for {
		s := uint8(1)
		if c.cost[2] < c.cost[1] {
			s = 2
		}
		front := fronts[s]
		if c.counted[s] == len(front) {
			return s
		}
		o := 3 - s
		for c.counted[s] < len(front) && c.cost[s] <= c.cost[o] {
			c.cost[s] += degree(front[c.counted[s]])
			c.counted[s]++
		}
	}
}

// reset forgets side s's count, for its new frontier.
func (c *sideCounts) reset(s uint8) { c.cost[s], c.counted[s] = 0, 0 }

// edgeBetween picks the edge joining u and w: the first allowed out-edge of
// u to w in (type, id) order, else the first in-edge. u's out-edges to w
// are w's in-edges from u, in the same (type name) order, and u's in-edges
// from w are w's out-edges, so it reads whichever node's lists are
// shorter: a walk through a hub does not read the hub's lists.
func (m *mem) edgeBetween(u, w uint32, mask uint64, all bool) edgeKey {
	toW, fromW, far := m.out.of(u), m.in.of(u), w
	if wOut, wIn := m.out.of(w), m.in.of(w); len(wOut)+len(wIn) < len(toW)+len(fromW) {
		toW, fromW, far = wIn, wOut, u
	}
	for _, x := range toW {
		if x.node == far && (all || mask&(1<<x.typ) != 0) {
			return edgeKey{m.types[x.typ], m.ids.at(u), m.ids.at(w)}
		}
	}
	for _, x := range fromW {
		if x.node == far && (all || mask&(1<<x.typ) != 0) {
			return edgeKey{m.types[x.typ], m.ids.at(w), m.ids.at(u)}
		}
	}
	return edgeKey{}
}
