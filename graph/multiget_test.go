package graph_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// TestNeighborhoodValues checks the batched value loading of big
// neighbourhoods (sorted iteration, nodes and edges side by side) against
// loading every node and edge on its own.
func TestNeighborhoodValues(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	gen := synth.New(synth.Config{Edges: 10_000, Seed: 7})
	if err := gen.Load(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	big := 0
	for _, root := range gen.Sample(40, 1) {
		sg, err := s.Neighborhood(ctx, root, graph.NeighborhoodOptions{Depth: 2, Limit: graph.MaxNeighborhoodLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(sg.Nodes) >= 64 {
			big++
		}
		if len(sg.Nodes) == 0 || sg.Nodes[0].ID != root {
			t.Fatalf("neighbourhood of %s does not start with it", root)
		}
		for _, n := range sg.Nodes {
			want, err := s.Node(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(n, want) {
				t.Fatalf("node %s: neighbourhood has %+v, Node %+v", n.ID, n, want)
			}
		}
		for _, e := range sg.Edges {
			want, err := s.Edge(ctx, e.Type, e.From, e.To)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(e, want) {
				t.Fatalf("edge %s: neighbourhood has %+v, Edge %+v", e.ID(), e, want)
			}
		}
	}
	if big == 0 {
		t.Fatal("no neighbourhood was big enough for the batched path")
	}
}

// TestNeighborhoodEdgeKeysOnly: the same edges, without their values.
func TestNeighborhoodEdgeKeysOnly(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustApply(t, s, fixture())
	full, err := s.Neighborhood(ctx, "doc/article", graph.NeighborhoodOptions{Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := s.Neighborhood(ctx, "doc/article", graph.NeighborhoodOptions{Depth: 2, EdgeKeysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Edges) == 0 || len(keys.Edges) != len(full.Edges) {
		t.Fatalf("%d edges with values, %d keys only", len(full.Edges), len(keys.Edges))
	}
	withSources := 0
	for i, e := range full.Edges {
		k := keys.Edges[i]
		if k.ID() != e.ID() {
			t.Fatalf("edge %d: %s vs %s", i, k.ID(), e.ID())
		}
		if len(k.Sources) != 0 || k.Role != "" {
			t.Fatalf("a keys-only edge has values: %+v", k)
		}
		if len(e.Sources) > 0 {
			withSources++
		}
	}
	if withSources == 0 {
		t.Fatal("the fixture's neighbourhood has no edge with sources to tell the two apart")
	}
}

// TestWalkKeysOnly: neighbourhoods and paths without values hold the same
// nodes and edges, in the same order, as with values, and carry only keys.
func TestWalkKeysOnly(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	gen := synth.New(synth.Config{Edges: 10_000, Seed: 11})
	if err := gen.Load(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	sameKeys := func(t *testing.T, what string, nodes, fullNodes []graph.Node, edges, fullEdges []graph.Edge, nodeKeys, edgeKeys bool) {
		t.Helper()
		if len(nodes) != len(fullNodes) || len(edges) != len(fullEdges) {
			t.Fatalf("%s: %d nodes and %d edges, with values %d and %d", what, len(nodes), len(edges), len(fullNodes), len(fullEdges))
		}
		for i, n := range nodes {
			f := fullNodes[i]
			want := f
			if nodeKeys {
				want = graph.Node{ID: f.ID, Kind: f.Kind, Name: f.Name}
			}
			if !reflect.DeepEqual(n, want) {
				t.Fatalf("%s: node %d is %+v, want %+v", what, i, n, want)
			}
		}
		for i, e := range edges {
			f := fullEdges[i]
			want := f
			if edgeKeys {
				want = graph.Edge{Type: f.Type, From: f.From, To: f.To}
			}
			if !reflect.DeepEqual(e, want) {
				t.Fatalf("%s: edge %d is %+v, want %+v", what, i, e, want)
			}
		}
	}
	valued := 0
	for _, root := range gen.Sample(30, 3) {
		full, err := s.Neighborhood(ctx, root, graph.NeighborhoodOptions{Depth: 2, Limit: 2000})
		if err != nil {
			t.Fatal(err)
		}
		for _, flags := range [][2]bool{{true, false}, {true, true}} {
			sg, err := s.Neighborhood(ctx, root, graph.NeighborhoodOptions{Depth: 2, Limit: 2000, NodeKeysOnly: flags[0], EdgeKeysOnly: flags[1]})
			if err != nil {
				t.Fatal(err)
			}
			if sg.Truncated != full.Truncated {
				t.Fatalf("neighbourhood of %s: truncated %v, with values %v", root, sg.Truncated, full.Truncated)
			}
			sameKeys(t, "neighbourhood of "+root, sg.Nodes, full.Nodes, sg.Edges, full.Edges, flags[0], flags[1])
		}
		for _, n := range full.Nodes {
			if n.Name != "" {
				valued++
			}
		}
	}
	found := 0
	for _, p := range gen.Pairs(60, 5) {
		full, ok, err := s.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: graph.MaxPathDepth})
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			found++
		}
		for _, flags := range [][2]bool{{true, false}, {false, true}, {true, true}} {
			got, ok2, err := s.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: graph.MaxPathDepth, NodeKeysOnly: flags[0], EdgeKeysOnly: flags[1]})
			if err != nil {
				t.Fatal(err)
			}
			if ok2 != ok {
				t.Fatalf("path %s to %s: found %v, with values %v", p[0], p[1], ok2, ok)
			}
			sameKeys(t, "path "+p[0]+" to "+p[1], got.Nodes, full.Nodes, got.Edges, full.Edges, flags[0], flags[1])
		}
	}
	if valued == 0 || found == 0 {
		t.Fatalf("the sample shows nothing: %d named nodes, %d paths found", valued, found)
	}
}
