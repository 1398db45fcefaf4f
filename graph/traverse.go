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
		sc.reset(len(m.ids))
		bits := sc.seen
		seen := func(u uint32) bool { return bits[u>>6]&(1<<(u&63)) != 0 }
		bits[root>>6] |= 1 << (root & 63)
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
					bits[a.node>>6] |= 1 << (a.node & 63)
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
					keys = append(keys, edgeKey{m.types[a.typ], m.ids[u], m.ids[a.node]})
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
// neighbourhood walks, indexed by the dense node index. Which nodes a
// query has reached is a bitmap, one bit a node (39 KB at 311k nodes), so
// that the test made for every adjacency entry read stays in the cache;
// a query leaves the bitmaps clear, unmarking the nodes it marked.
type bfsScratch struct {
	seen []uint64 // reached
	back []uint64 // reached from the target's side of a path search
	// parent holds, for each node a path search has reached, the node it
	// was reached from (itself for the two ends); reached lists them.
	parent  []uint32
	reached []uint32
	// fronts holds each side's frontier and spare the next one's room.
	fronts [3][]uint32
	spare  []uint32
	// read counts the adjacency entries of the lists the search has
	// expanded, the measure of its work that does not vary with the
	// machine (the one that meets the other side counted whole).
	read int
}

var scratchPool = sync.Pool{New: func() any { return new(bfsScratch) }}

// reset readies the scratch for a query over n nodes.
func (b *bfsScratch) reset(n int) {
	if words := (n + 63) / 64; len(b.seen) < words {
		b.seen = make([]uint64, words+words/4)
		b.back = make([]uint64, len(b.seen))
	}
	b.read = 0
	b.reached = b.reached[:0]
}

// unsee clears the marks of the words that hold the nodes us, which must
// be every node marked, in both bitmaps.
func (b *bfsScratch) unsee(us []uint32) {
	if len(us) > len(b.seen)/8 {
		clear(b.seen)
		clear(b.back)
		return
	}
	for _, u := range us {
		b.seen[u>>6], b.back[u>>6] = 0, 0
	}
}

// nodeKeys returns the nodes at dense indexes us with their ID, Kind and
// Name.
func (m *mem) nodeKeys(us []uint32) []Node {
	out := make([]Node, len(us))
	for i, u := range us {
		out[i] = Node{ID: m.ids[u], Kind: m.kinds[u], Name: m.names.raw(u)}
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
				n, err := v.node(m.ids[u])
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
	sc.reset(len(m.ids))
	if len(sc.parent) < len(m.ids) {
		sc.parent = make([]uint32, len(m.ids)+len(m.ids)/4)
	}
	seen, back, parent := sc.seen, sc.back, sc.parent
	defer func() { sc.unsee(sc.reached) }()
	for _, u := range [2]uint32{a, b} {
		seen[u>>6] |= 1 << (u & 63)
		parent[u] = u
		sc.reached = append(sc.reached, u)
	}
	back[b>>6] |= 1 << (b & 63)
	// The frontiers live in the scratch's buffers, so that a search
	// allocates only its answer once the scratch has grown.
	fronts := &sc.fronts
	fronts[1], fronts[2] = append(fronts[1][:0], a), append(fronts[2][:0], b)
	var depth [3]int
	follow := func(x adj) bool { return all || x.typ < 64 && mask&(1<<x.typ) != 0 }
	var sides sideCounts
	degree := func(u uint32) int { return len(m.out.of(u)) + len(m.in.of(u)) }
	for depth[1]+depth[2] < maxDepth && len(fronts[1]) > 0 && len(fronts[2]) > 0 {
		if ctx.Err() != nil {
			return nil
		}
		side := sides.choose(fronts, degree)
		depth[side]++
		next := sc.spare[:0]
		var onSide uint64 // a back bit of a node reached from this side
		if side == 2 {
			onSide = 1
		}
		// The first meeting in visiting order: u on this side, w on the
		// other. Every meeting found while expanding one level makes a walk
		// of the same length (a node the other side reached earlier would
		// have met this side earlier), so the first one is a shortest walk,
		// and visiting order is fixed by the graph, so it is always the same.
		found, bu, bw := false, uint32(0), uint32(0)
		step := func(u, w uint32) bool {
			word, bit := w>>6, w&63
			if seen[word]&(1<<bit) == 0 {
				seen[word] |= 1 << bit
				back[word] |= onSide << bit
				parent[w] = u
				next = append(next, w)
				sc.reached = append(sc.reached, w)
				return false
			}
			if back[word]>>bit&1 == onSide {
				return false
			}
			found, bu, bw = true, u, w
			return true
		}
	expand:
		for _, u := range fronts[side] {
			out, in := m.out.of(u), m.in.of(u)
			sc.read += len(out) + len(in)
			for _, x := range out {
				if follow(x) && step(u, x.node) {
					break expand
				}
			}
			for _, x := range in {
				if follow(x) && step(u, x.node) {
					break expand
				}
			}
		}
		if found {
			if side == 2 {
				bu, bw = bw, bu
			}
			// bu is on the forward side, bw on the backward side.
			var walk []uint32
			for x := bu; ; x = parent[x] {
				walk = append(walk, x)
				if x == a {
					break
				}
			}
			slices.Reverse(walk)
			for x := bw; ; x = parent[x] {
				walk = append(walk, x)
				if x == b {
					break
				}
			}
			return walk
		}
		sc.spare, fronts[side] = fronts[side], next
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
// u to w in (type, id) order, else the first in-edge.
func (m *mem) edgeBetween(u, w uint32, mask uint64, all bool) edgeKey {
	for _, x := range m.out.of(u) {
		if x.node == w && (all || mask&(1<<x.typ) != 0) {
			return edgeKey{m.types[x.typ], m.ids[u], m.ids[w]}
		}
	}
	for _, x := range m.in.of(u) {
		if x.node == w && (all || mask&(1<<x.typ) != 0) {
			return edgeKey{m.types[x.typ], m.ids[w], m.ids[u]}
		}
	}
	return edgeKey{}
}
