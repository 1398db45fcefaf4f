package graph_test

import (
	"context"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// TestPathSearchReadsLessThanBFS checks the work of the shortest-path
// search in the unit that does not vary with the machine: adjacency
// entries read. On a synthetic graph with hubs, over seeded pairs, the
// search must find the same lengths as a plain breadth-first search from
// the first node, which stops as soon as it reaches the second, and read
// in all at most a tenth of the entries that search reads, and fewer
// than a bidirectional search that takes the sides in turn. (Expanding
// the side with fewer entries to read is what makes the search fast: the
// plain search reads about 16 times as much on this graph, the one that
// takes turns about 1.5 times.)
func TestPathSearchReadsLessThanBFS(t *testing.T) {
	ctx := context.Background()
	gen := synth.New(synth.Config{Edges: 20_000, Seed: 5})
	s := mustOpen(t)
	if err := gen.Load(ctx, s, 5000); err != nil {
		t.Fatal(err)
	}
	// The plain search's adjacency: both directions, every edge type.
	index := map[string]int{}
	var adj [][]int
	node := func(id string) int {
		i, ok := index[id]
		if !ok {
			i = len(adj)
			index[id] = i
			adj = append(adj, nil)
		}
		return i
	}
	for e := range gen.Edges {
		a, b := node(e.From), node(e.To)
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	const maxDepth = 6
	var ours, plain, turns, found int
	for _, p := range gen.Pairs(300, 9) {
		if p[0] == p[1] {
			continue
		}
		a, b := node(p[0]), node(p[1])
		wantLen, plainRead := plainBFS(adj, a, b, maxDepth)
		turnsLen, turnsRead := turnsBFS(adj, a, b, maxDepth)
		gotLen, gotRead := graph.PathSearchCost(ctx, s, p[0], p[1], maxDepth)
		if gotLen != wantLen || turnsLen != wantLen {
			t.Fatalf("%s → %s: the search found length %d, a plain BFS %d, one taking turns %d", p[0], p[1], gotLen, wantLen, turnsLen)
		}
		if gotLen > 0 {
			found++
		}
		ours += gotRead
		plain += plainRead
		turns += turnsRead
	}
	if found < 200 {
		t.Fatalf("only %d of 300 pairs are joined within %d edges: the test no longer measures searches", found, maxDepth)
	}
	t.Logf("%d paths: adjacency entries read by the search %d, a plain BFS %d (%.1f×), one taking turns %d (%.2f×)",
		found, ours, plain, float64(plain)/float64(ours), turns, float64(turns)/float64(ours))
	if ours*10 > plain {
		t.Errorf("the search read %d adjacency entries, more than a tenth of a plain BFS's %d", ours, plain)
	}
	if ours >= turns {
		t.Errorf("the search read %d adjacency entries, no fewer than a bidirectional BFS taking turns (%d)", ours, turns)
	}
}

// plainBFS returns the length of a shortest path from a to b within
// maxDepth edges (-1: none) and the adjacency entries a breadth-first
// search from a reads until it reaches b.
func plainBFS(adj [][]int, a, b, maxDepth int) (length, read int) {
	dist := map[int]int{a: 0}
	front := []int{a}
	for d := 1; d <= maxDepth && len(front) > 0; d++ {
		var next []int
		for _, u := range front {
			read += len(adj[u])
			for _, w := range adj[u] {
				if _, ok := dist[w]; ok {
					continue
				}
				if w == b {
					return d, read
				}
				dist[w] = d
				next = append(next, w)
			}
		}
		front = next
	}
	return -1, read
}

// turnsBFS is a bidirectional breadth-first search that expands the two
// sides a whole level at a time in turn, from a first, and stops at the
// first meeting. It returns what plainBFS returns, entries counted the
// same way.
func turnsBFS(adj [][]int, a, b, maxDepth int) (length, read int) {
	side := map[int]int{a: 1, b: 2}
	dist := map[int]int{a: 0, b: 0}
	fronts := [3][]int{1: {a}, 2: {b}}
	for depth, s := 0, 1; depth < maxDepth && len(fronts[1]) > 0 && len(fronts[2]) > 0; depth, s = depth+1, 3-s {
		var next []int
		for _, u := range fronts[s] {
			read += len(adj[u])
			for _, w := range adj[u] {
				switch side[w] {
				case 0:
					side[w], dist[w] = s, dist[u]+1
					next = append(next, w)
				case 3 - s:
					return dist[u] + 1 + dist[w], read
				}
			}
		}
		fronts[s] = next
	}
	return -1, read
}
