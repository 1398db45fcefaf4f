package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Centrality limits.
const (
	// MaxExactBetweenness is the largest filtered graph (in nodes) whose
	// betweenness is computed exactly; larger graphs are sampled.
	MaxExactBetweenness = 2000
	// BetweennessPivots is the most sources sampled on larger graphs.
	BetweennessPivots = 128
	// MinBetweennessPivots is the fewest sources sampled.
	MinBetweennessPivots = 16
	// BetweennessBudget bounds the adjacency entries a sampled run scans
	// (each source scans the filtered graph's 2 x Edges entries twice):
	// the pivots are BetweennessBudget / (4 x Edges), within
	// MinBetweennessPivots..BetweennessPivots, so that a million-edge
	// graph is measured within a request's time limit.
	BetweennessBudget = 1 << 27
	// BetweennessSeed seeds the choice of pivots, so that the same graph
	// gives the same sample.
	BetweennessSeed = 1
	// DefaultCentralityLimit is the number of nodes Centrality returns
	// when no limit is given.
	DefaultCentralityLimit = 20
)

// CentralityOptions selects the graph Centrality measures and how many
// nodes it returns.
type CentralityOptions struct {
	Kinds []Kind     // keep only nodes of these kinds; empty keeps all
	Types []EdgeType // keep only edges of these types; empty keeps all
	Limit int        // at most this many nodes (0 means DefaultCentralityLimit)
	// ExactUpTo is the largest filtered graph measured exactly; 0 means
	// MaxExactBetweenness.
	ExactUpTo int
	// Pivots is the number of sampled sources above ExactUpTo; 0 picks
	// it from BetweennessBudget.
	Pivots int
}

// CentralityScore is one node's centrality in the filtered graph.
type CentralityScore struct {
	ID string
	// Degree is the number of distinct neighbours in the filtered graph,
	// edges taken as undirected (several edges to one neighbour count once).
	Degree int
	// Betweenness is the number of shortest paths between other pairs of
	// nodes that pass through the node, each pair's paths sharing one unit
	// (Freeman, unnormalised, undirected: on a path a-b-c, b scores 1). In
	// sampled mode it is an unbiased estimate.
	Betweenness float64
}

// CentralityResult is the top of the ranking with how it was computed.
type CentralityResult struct {
	Scores []CentralityScore // highest betweenness first, then degree, then id
	Nodes  int               // nodes of the filtered graph
	Edges  int               // distinct undirected neighbour pairs of the filtered graph
	// Exact is true when every node was a source of Brandes' algorithm;
	// otherwise Pivots sources were sampled (Brandes and Pich 2007) with
	// BetweennessSeed and the sums scaled by Nodes/Pivots.
	Exact  bool
	Pivots int
}

// csr is an undirected simple graph in compressed sparse rows: the
// neighbours of node i are adj[off[i]:off[i+1]].
type csr struct {
	ids []string
	off []int
	adj []int32
}

// Centrality ranks nodes by betweenness (Brandes' algorithm, exact up to
// o.ExactUpTo nodes, sampled above) and degree, over the graph of
// the nodes of o.Kinds joined by edges of o.Types, direction ignored. The
// topology is copied under the read lock and measured after it is released,
// so writers are not held up; ctx is checked after every source.
func (s *Store) Centrality(ctx context.Context, o CentralityOptions) (CentralityResult, error) {
	if o.Limit < 0 {
		return CentralityResult{}, invalidf("limit must not be negative")
	}
	if o.Limit == 0 {
		o.Limit = DefaultCentralityLimit
	}
	if o.ExactUpTo < 0 || o.Pivots < 0 {
		return CentralityResult{}, invalidf("exactUpTo and pivots must not be negative")
	}
	if o.ExactUpTo == 0 {
		o.ExactUpTo = MaxExactBetweenness
	}
	for _, k := range o.Kinds {
		if !k.Valid() {
			return CentralityResult{}, invalidf("unknown node kind %d", k)
		}
	}
	for _, t := range o.Types {
		if !t.Valid() {
			return CentralityResult{}, invalidf("unknown edge type %q", t)
		}
	}
	var g *csr
	err := s.read(ctx, true, func(v *view) error {
		g = v.mem.simpleGraph(o.Kinds, o.Types)
		return nil
	})
	if err != nil {
		return CentralityResult{}, err
	}
	return g.centrality(ctx, o.Limit, o.ExactUpTo, o.Pivots, BetweennessSeed)
}

// simpleGraph copies the filtered topology as an undirected simple graph,
// nodes in id order.
func (m *mem) simpleGraph(ks []Kind, types []EdgeType) *csr {
	var keep kindSet
	if len(ks) == 0 {
		keep = anyKind
	} else {
		keep = kinds(ks...)
	}
	mask, all := m.typeMask(types)
	dense := make([]int32, m.ids.len()) // mem index -> csr index + 1; 0 drops
	g := &csr{}
	var order []uint32
	for i, k := range m.kinds {
		if k != 0 && keep.has(k) {
			order = append(order, uint32(i))
		}
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(m.ids.at(a), m.ids.at(b)) })
	for x, i := range order {
		dense[i] = int32(x) + 1
		g.ids = append(g.ids, m.ids.at(i))
	}
	g.off = make([]int, len(order)+1)
	var nb []int32
	for x, i := range order {
		nb = nb[:0]
		for _, list := range [2][]adj{m.out.of(i), m.in.of(i)} {
			for _, a := range list {
				if (all || a.typ < 64 && mask&(1<<a.typ) != 0) && dense[a.node] != 0 {
					nb = append(nb, dense[a.node]-1)
				}
			}
		}
		slices.Sort(nb)
		nb = slices.Compact(nb)
		g.adj = append(g.adj, nb...)
		g.off[x+1] = len(g.adj)
	}
	return g
}

// centrality computes degree and betweenness, exactly when the graph has
// at most maxExact nodes, else from pivots sources (0: by the budget)
// drawn with seed.
func (g *csr) centrality(ctx context.Context, limit, maxExact, pivots int, seed uint64) (CentralityResult, error) {
	n := len(g.ids)
	res := CentralityResult{Nodes: n, Edges: len(g.adj) / 2, Exact: true, Pivots: n}
	if pivots == 0 {
		pivots = min(BetweennessPivots, max(MinBetweennessPivots, BetweennessBudget/max(1, 2*len(g.adj))))
	}
	sources := make([]int32, n)
	for i := range sources {
		sources[i] = int32(i)
	}
	if n > maxExact && pivots < n {
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		rng.Shuffle(n, func(i, j int) { sources[i], sources[j] = sources[j], sources[i] })
		sources = sources[:pivots]
		slices.Sort(sources)
		res.Exact, res.Pivots = false, pivots
	}
	local, perm := g.relabel()
	for i, s := range sources {
		sources[i] = perm[s]
	}
	bcLocal, err := local.brandes(ctx, sources)
	if err != nil {
		return CentralityResult{}, err
	}
	// Undirected: every pair is counted from both ends.
	scale := 0.5
	if !res.Exact {
		scale *= float64(n) / float64(len(sources))
	}
	scores := make([]CentralityScore, n)
	for i := range scores {
		scores[i] = CentralityScore{ID: g.ids[i], Degree: g.off[i+1] - g.off[i], Betweenness: bcLocal[perm[i]] * scale}
	}
	slices.SortFunc(scores, func(a, b CentralityScore) int {
		if d := a.Betweenness - b.Betweenness; d > eps || d < -eps {
			return cmp.Compare(b.Betweenness, a.Betweenness)
		}
		return cmp.Or(cmp.Compare(b.Degree, a.Degree), cmp.Compare(a.ID, b.ID))
	})
	res.Scores = scores[:min(limit, n)]
	return res, nil
}

// relabel renumbers the nodes in breadth-first order, seeded from the
// highest-degree nodes, so that neighbours sit close in memory during the
// searches; perm maps an old index to its new one. Ids are not carried.
func (g *csr) relabel() (*csr, []int32) {
	n := len(g.ids)
	byDegree := make([]int32, n)
	for i := range byDegree {
		byDegree[i] = int32(i)
	}
	deg := func(i int32) int { return g.off[i+1] - g.off[i] }
	slices.SortStableFunc(byDegree, func(a, b int32) int { return cmp.Compare(deg(b), deg(a)) })
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = -1
	}
	order := make([]int32, 0, n)
	for _, s := range byDegree {
		if perm[s] >= 0 {
			continue
		}
		perm[s] = int32(len(order))
		order = append(order, s)
		for head := len(order) - 1; head < len(order); head++ {
			u := order[head]
			for _, w := range g.adj[g.off[u]:g.off[u+1]] {
				if perm[w] < 0 {
					perm[w] = int32(len(order))
					order = append(order, w)
				}
			}
		}
	}
	out := &csr{off: make([]int, n+1), adj: make([]int32, 0, len(g.adj))}
	for x, u := range order {
		start := len(out.adj)
		for _, w := range g.adj[g.off[u]:g.off[u+1]] {
			out.adj = append(out.adj, perm[w])
		}
		slices.Sort(out.adj[start:])
		out.off[x+1] = len(out.adj)
	}
	return out, perm
}

// brandesChunks is the number of parts the sources are split into. Each
// part sums its own dependencies and the parts are added in order, so the
// floating-point result does not depend on how many cores ran them.
const brandesChunks = 8

// brandes accumulates, for every node, the pair dependencies of shortest
// paths from each source (Brandes 2001, unweighted), on all cores.
func (g *csr) brandes(ctx context.Context, sources []int32) ([]float64, error) {
	n := len(g.off) - 1
	chunks := min(brandesChunks, len(sources))
	if chunks == 0 {
		return make([]float64, n), nil
	}
	parts := make([][]float64, chunks)
	errs := make([]error, chunks)
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newBrandesWork(n)
			for c := range next {
				part := make([]float64, n)
				for k := c; k < len(sources); k += chunks {
					if err := ctx.Err(); err != nil {
						errs[c] = fmt.Errorf("betweenness: %w", err)
						break
					}
					w.source(g, sources[k], part)
				}
				parts[c] = part
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	bc := parts[0]
	for _, p := range parts[1:] {
		for i, x := range p {
			bc[i] += x
		}
	}
	return bc, nil
}

// brandesNode is the per-source state of one node, packed so that one
// cache line serves a visit.
type brandesNode struct {
	sigma float64 // shortest paths from the source
	delta float64 // dependency of the source on the node
	dist  int32   // -1 while unreached
}

// brandesWork is one worker's reusable state.
type brandesWork struct {
	st    []brandesNode
	order []int32 // nodes in the order the search reached them
}

func newBrandesWork(n int) *brandesWork {
	w := &brandesWork{st: make([]brandesNode, n), order: make([]int32, 0, n)}
	for i := range w.st {
		w.st[i].dist = -1
	}
	return w
}

// source runs one breadth-first search from s and adds the dependencies
// of s to bc.
func (w *brandesWork) source(g *csr, s int32, bc []float64) {
	st := w.st
	order := append(w.order[:0], s)
	st[s].sigma, st[s].dist = 1, 0
	for head := 0; head < len(order); head++ {
		u := order[head]
		du, su := st[u].dist, st[u].sigma
		for _, v := range g.adj[g.off[u]:g.off[u+1]] {
			x := &st[v]
			if x.dist < 0 {
				x.dist = du + 1
				order = append(order, v)
			}
			if x.dist == du+1 {
				x.sigma += su
			}
		}
	}
	// Predecessors are the neighbours one step closer, so they need not
	// be stored.
	for k := len(order) - 1; k > 0; k-- {
		v := order[k]
		x := &st[v]
		coeff := (1 + x.delta) / x.sigma
		for _, u := range g.adj[g.off[v]:g.off[v+1]] {
			if y := &st[u]; y.dist == x.dist-1 {
				y.delta += y.sigma * coeff
			}
		}
		bc[v] += x.delta
	}
	for _, v := range order {
		st[v] = brandesNode{dist: -1}
	}
	w.order = order
}
