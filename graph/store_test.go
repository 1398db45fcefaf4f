package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

func TestApplyCountsAndIdempotence(t *testing.T) {
	s := mustOpen(t)
	r := mustApply(t, s, fixture())
	if r.NodesCreated != 15 || r.EdgesCreated != 16 || r.NodesUpdated+r.EdgesUpdated != 0 {
		t.Fatalf("first apply: %+v", r)
	}
	if got := r.ByKind[graph.KindStance].Created; got != 4 {
		t.Errorf("stances created %d, want 4", got)
	}
	r = mustApply(t, s, fixture())
	if r.Changed() {
		t.Fatalf("second apply of the same batch changed %+v", r)
	}
	// One field changes: exactly one update.
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/olaf-scholz", Name: "Olaf Scholz", Description: "German chancellor"})
	r = mustApply(t, s, b)
	if r.NodesUpdated != 1 || r.NodesCreated+r.EdgesCreated+r.EdgesUpdated != 0 {
		t.Fatalf("update: %+v", r)
	}
	n, err := s.Node(context.Background(), "person/olaf-scholz")
	if err != nil || n.Description != "German chancellor" || n.Kind != graph.KindPerson {
		t.Fatalf("after update: %+v %v", n, err)
	}
	mustVerify(t, s)
}

func TestApplyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	for name, bad := range map[string]func(b *graph.Batch){
		"dangling edge": func(b *graph.Batch) {
			b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/vance", To: "person/nobody"})
		},
		"wrong endpoint": func(b *graph.Batch) {
			b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/vance", To: "topic/ai-act"})
		},
		"invalid node":      func(b *graph.Batch) { b.PutNode(graph.Node{ID: "stance/bad", Name: "x", Position: 3}) },
		"delete missing":    func(b *graph.Batch) { b.DeleteNode("person/nobody", false) },
		"delete with edges": func(b *graph.Batch) { b.DeleteNode("person/jd-vance", false) },
		"missing edge":      func(b *graph.Batch) { b.DeleteEdge(graph.Signed, "org/usa", "doc/declaration") },
		"edge to deleted": func(b *graph.Batch) {
			b.DeleteNode("org/un", true)
			b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "org/germany", To: "org/un"})
		},
		"cancelled context": nil,
	} {
		t.Run(name, func(t *testing.T) {
			s := mustOpen(t)
			mustApply(t, s, fixture())
			before := dump(t, s)
			b := &graph.Batch{}
			b.PutNode(graph.Node{ID: "person/new", Name: "New person"})
			b.PutNode(graph.Node{ID: "person/jd-vance", Name: "Renamed"})
			b.DeleteEdge(graph.Mentions, "doc/article", "person/jd-vance")
			c := ctx
			if bad != nil {
				bad(b)
			} else {
				cc, cancel := context.WithCancel(ctx)
				cancel()
				c = cc
			}
			if _, err := s.Apply(c, b, graph.ApplyOptions{}); err == nil {
				t.Fatal("bad batch applied")
			}
			if after := dump(t, s); after != before {
				t.Fatalf("a failed batch changed the store:\n%s\nvs\n%s", before, after)
			}
			mustVerify(t, s)
		})
	}
}

func TestApplyErrors(t *testing.T) {
	s := mustOpen(t)
	mustApply(t, s, fixture())
	b := &graph.Batch{}
	b.DeleteNode("person/jd-vance", false)
	if _, err := s.Apply(context.Background(), b, graph.ApplyOptions{}); !errors.Is(err, graph.ErrHasEdges) {
		t.Errorf("delete with edges: %v, want ErrHasEdges", err)
	}
	b = &graph.Batch{}
	b.DeleteNode("person/nobody", false)
	if _, err := s.Apply(context.Background(), b, graph.ApplyOptions{}); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("delete missing: %v, want ErrNotFound", err)
	}
	b = &graph.Batch{}
	b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/vance", To: "person/nobody"})
	if _, err := s.Apply(context.Background(), b, graph.ApplyOptions{}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("dangling edge: %v, want ErrInvalid", err)
	}
}

func TestCascadeDelete(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	before, _ := s.Counts(ctx)
	b := &graph.Batch{}
	b.DeleteNode("person/olaf-scholz", true)
	r := mustApply(t, s, b)
	// Scholz has two stances (HELD_BY in) and one office.
	if r.NodesDeleted != 1 || r.EdgesDeleted != 3 {
		t.Fatalf("cascade: %+v", r)
	}
	after, _ := s.Counts(ctx)
	if after.Nodes != before.Nodes-1 || after.Edges != before.Edges-3 {
		t.Fatalf("counts %+v -> %+v", before, after)
	}
	if _, err := s.Node(ctx, "person/olaf-scholz"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("deleted node still there: %v", err)
	}
	if es, _ := s.Edges(ctx, "stance/scholz", graph.Both, nil, graph.Date{}); len(es) != 1 {
		t.Fatalf("stance/scholz keeps %d edges, want only ON_TOPIC", len(es))
	}
	mustVerify(t, s)
}

func TestDryRun(t *testing.T) {
	s := mustOpen(t)
	r, err := s.Apply(context.Background(), fixture(), graph.ApplyOptions{DryRun: true})
	if err != nil || r.NodesCreated != 15 {
		t.Fatalf("dry run: %+v %v", r, err)
	}
	if c, _ := s.Counts(context.Background()); c.Nodes != 0 || c.Edges != 0 {
		t.Fatalf("dry run wrote %+v", c)
	}
}

func TestEdgesQuery(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	out, err := s.Edges(ctx, "person/olaf-scholz", graph.Out, nil, graph.Date{})
	if err != nil || len(out) != 1 || out[0].Role != "Federal Chancellor" {
		t.Fatalf("out edges %+v %v", out, err)
	}
	in, _ := s.Edges(ctx, "person/olaf-scholz", graph.In, []graph.EdgeType{graph.HeldBy}, graph.Date{})
	if ids := edgeFroms(in); !slices.Equal(ids, []string{"stance/scholz", "stance/scholz-act"}) {
		t.Fatalf("in HELD_BY %v", ids)
	}
	if asOf, _ := s.Edges(ctx, "person/olaf-scholz", graph.Out, nil, graph.MustDate("2026")); len(asOf) != 0 {
		t.Fatalf("office still active in 2026: %+v", asOf)
	}
	all, _ := s.Edges(ctx, "person/olaf-scholz", graph.Both, nil, graph.Date{})
	if len(all) != 3 {
		t.Fatalf("both: %d edges", len(all))
	}
	if _, err := s.Edge(ctx, graph.Signed, "org/usa", "doc/declaration"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("missing edge: %v", err)
	}
}

func edgeFroms(es []graph.Edge) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.From)
	}
	return out
}

func nodeIDs(ns []graph.Node) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func TestNodesByKindPagination(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	b := &graph.Batch{}
	var want []string
	for i := range 53 {
		id := fmt.Sprintf("person/p%03d", i)
		want = append(want, id)
		b.PutNode(graph.Node{ID: id, Name: id})
	}
	b.PutNode(graph.Node{ID: "org/o", Name: "O", OrgType: graph.OrgNGO}) // another kind must not leak in
	mustApply(t, s, b)
	var got []string
	cursor := ""
	for {
		p, err := s.NodesByKind(ctx, graph.KindPerson, graph.Page{First: 10, After: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 53 {
			t.Fatalf("total %d", p.Total)
		}
		got = append(got, nodeIDs(p.Nodes)...)
		if !p.HasNext {
			break
		}
		cursor = p.EndCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages gave %v", got)
	}
	if _, err := s.NodesByKind(ctx, graph.KindPerson, graph.Page{First: 1, After: "garbage!"}); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestStanceQueries(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	f := func(v float64) *float64 { return &v }
	for name, c := range map[string]struct {
		q    graph.StanceQuery
		want []string
	}{
		"all":               {graph.StanceQuery{}, []string{"stance/guterres", "stance/scholz", "stance/scholz-act", "stance/vance"}},
		"holder":            {graph.StanceQuery{Holders: []string{"person/olaf-scholz"}}, []string{"stance/scholz", "stance/scholz-act"}},
		"topic only":        {graph.StanceQuery{Topics: []string{"topic/ai-regulation"}}, []string{"stance/guterres", "stance/scholz", "stance/vance"}},
		"topic + subtopics": {graph.StanceQuery{Topics: []string{"topic/ai-regulation"}, IncludeSubtopics: true}, []string{"stance/guterres", "stance/scholz", "stance/scholz-act", "stance/vance"}},
		"position range":    {graph.StanceQuery{MinPosition: f(0.5), MaxPosition: f(0.7)}, []string{"stance/guterres", "stance/scholz", "stance/scholz-act"}},
		"opposes":           {graph.StanceQuery{Labels: []graph.Label{graph.LabelOpposes}}, []string{"stance/vance"}},
		"event":             {graph.StanceQuery{Event: "event/summit"}, []string{"stance/vance"}},
		"date range":        {graph.StanceQuery{From: graph.MustDate("2025-02-01"), To: graph.MustDate("2025-02-28")}, []string{"stance/scholz", "stance/vance"}},
		"date range day":    {graph.StanceQuery{From: graph.MustDate("2025-02-11"), To: graph.MustDate("2025-02-11")}, []string{"stance/vance"}},
		"source":            {graph.StanceQuery{Source: "doc/article", Holders: []string{"person/jd-vance"}}, []string{"stance/vance"}},
		"asOf before dated": {graph.StanceQuery{AsOf: graph.MustDate("2025-01")}, []string{"stance/guterres", "stance/scholz-act"}},
		"holder and topic":  {graph.StanceQuery{Holders: []string{"person/olaf-scholz"}, Topics: []string{"topic/ai-act"}}, []string{"stance/scholz-act"}},
		"unknown holder":    {graph.StanceQuery{Holders: []string{"person/nobody"}}, []string{}},
	} {
		p, err := s.Stances(ctx, c.q, graph.Page{First: 100})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := nodeIDs(p.Nodes); !slices.Equal(got, c.want) || p.Total != len(c.want) {
			t.Errorf("%s: got %v (total %d), want %v", name, got, p.Total, c.want)
		}
	}
	// Pagination over a filtered query that reads stance values.
	q := graph.StanceQuery{Labels: []graph.Label{graph.LabelSupports}}
	p1, _ := s.Stances(ctx, q, graph.Page{First: 2})
	p2, _ := s.Stances(ctx, q, graph.Page{First: 2, After: p1.EndCursor})
	if got := append(nodeIDs(p1.Nodes), nodeIDs(p2.Nodes)...); !slices.Equal(got, []string{"stance/guterres", "stance/scholz", "stance/scholz-act"}) || !p1.HasNext || p2.HasNext || p1.Total != 3 || p2.Total != 3 {
		t.Errorf("paged supports: %v %+v %+v", got, p1.HasNext, p2.HasNext)
	}
}

func TestStanceAsOfSupersedes(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "stance/vance-2026", Name: "Softer", Position: 0.1, Confidence: 1, StatedAt: graph.MustDate("2026-03"), Sources: []graph.Source{article}})
	b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/vance-2026", To: "person/jd-vance"})
	b.PutEdge(graph.Edge{Type: graph.OnTopic, From: "stance/vance-2026", To: "topic/ai-regulation"})
	b.PutEdge(graph.Edge{Type: graph.Supersedes, From: "stance/vance-2026", To: "stance/vance"})
	mustApply(t, s, b)
	for asOf, want := range map[string][]string{
		"2025-12": {"stance/vance"},
		"2026-04": {"stance/vance-2026"},
	} {
		p, err := s.Stances(ctx, graph.StanceQuery{Holders: []string{"person/jd-vance"}, AsOf: graph.MustDate(asOf)}, graph.Page{First: 10})
		if err != nil || !slices.Equal(nodeIDs(p.Nodes), want) {
			t.Errorf("asOf %s: %v %v, want %v", asOf, nodeIDs(p.Nodes), err, want)
		}
	}
}

func TestAlignment(t *testing.T) {
	s := mustOpen(t)
	mustApply(t, s, fixture())
	al, err := s.Alignment(context.Background(), "topic/ai-regulation", nil)
	if err != nil || len(al) != 3 {
		t.Fatalf("%v %v", al, err)
	}
	// Guterres (0.6) and Scholz (0.7 and 0.5): 1-0.1 and 1-0.1 → 0.9; highest first.
	if al[0].A != "person/antonio-guterres" || al[0].B != "person/olaf-scholz" || !near(al[0].Score, 0.9) || len(al[0].Basis) != 3 {
		t.Errorf("first %+v", al[0])
	}
	for _, a := range al {
		if a.A == "person/jd-vance" && a.B == "person/olaf-scholz" && !near(a.Score, 1-((1.5+1.3)/2)) {
			t.Errorf("vance-scholz %v", a.Score)
		}
	}
	if _, err := s.Alignment(context.Background(), "topic/none", nil); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown topic: %v", err)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestNeighborhood(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	sg, err := s.Neighborhood(ctx, "person/olaf-scholz", graph.NeighborhoodOptions{Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := nodeIDs(sg.Nodes); !slices.Equal(got, []string{"person/olaf-scholz", "org/germany", "stance/scholz", "stance/scholz-act"}) || sg.Truncated || len(sg.Edges) != 3 {
		t.Fatalf("depth 1: %v edges %d truncated %v", got, len(sg.Edges), sg.Truncated)
	}
	sg, _ = s.Neighborhood(ctx, "person/olaf-scholz", graph.NeighborhoodOptions{Depth: 2, Limit: 5})
	if len(sg.Nodes) != 5 || !sg.Truncated {
		t.Fatalf("limit: %d nodes truncated %v", len(sg.Nodes), sg.Truncated)
	}
	sg, _ = s.Neighborhood(ctx, "person/olaf-scholz", graph.NeighborhoodOptions{Depth: 3, Direction: graph.Out})
	if got := nodeIDs(sg.Nodes); !slices.Equal(got, []string{"person/olaf-scholz", "org/germany", "doc/declaration"}) {
		t.Fatalf("out only: %v", got)
	}
	sg, _ = s.Neighborhood(ctx, "person/olaf-scholz", graph.NeighborhoodOptions{Depth: 4, Types: []graph.EdgeType{graph.HeldBy}})
	if len(sg.Nodes) != 3 {
		t.Fatalf("HELD_BY only: %v", nodeIDs(sg.Nodes))
	}
	sg, _ = s.Neighborhood(ctx, "person/olaf-scholz", graph.NeighborhoodOptions{Depth: 0})
	if len(sg.Nodes) != 1 || len(sg.Edges) != 0 {
		t.Fatalf("depth 0: %v", nodeIDs(sg.Nodes))
	}
	if _, err := s.Neighborhood(ctx, "person/olaf-scholz", graph.NeighborhoodOptions{Depth: 5}); !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("depth 5: %v", err)
	}
	if _, err := s.Neighborhood(ctx, "person/nobody", graph.NeighborhoodOptions{Depth: 1}); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestShortestPathSummit(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	p, ok, err := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 6})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	// Two paths of 4 edges exist: through the declaration and through
	// the stances; the answer must be one of them, the same every time.
	if len(p.Edges) != 4 || len(p.Nodes) != 5 {
		t.Fatalf("path %v", nodeIDs(p.Nodes))
	}
	again, _, _ := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 6})
	if !slices.Equal(nodeIDs(again.Nodes), nodeIDs(p.Nodes)) {
		t.Fatalf("not deterministic: %v then %v", nodeIDs(p.Nodes), nodeIDs(again.Nodes))
	}
	// Vance → his stance → topic ← Scholz's stance ← Scholz.
	p, _, _ = s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 6, Types: []graph.EdgeType{graph.HeldBy, graph.OnTopic}})
	if got := nodeIDs(p.Nodes); !slices.Equal(got, []string{"person/jd-vance", "stance/vance", "topic/ai-regulation", "stance/scholz", "person/olaf-scholz"}) {
		t.Fatalf("path through stances %v", got)
	}
	if p.Edges[0].Type != graph.HeldBy || p.Edges[0].From != "stance/vance" {
		t.Fatalf("first edge %+v", p.Edges[0])
	}
	if _, ok, _ := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 3}); ok {
		t.Fatal("found a 4-edge path within 3")
	}
	if _, ok, _ := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 8, Types: []graph.EdgeType{graph.HoldsOffice}}); ok {
		t.Fatal("found a path over HOLDS_OFFICE only")
	}
	p, ok, _ = s.ShortestPath(ctx, "person/jd-vance", "person/jd-vance", graph.PathOptions{MaxDepth: 1})
	if !ok || len(p.Nodes) != 1 {
		t.Fatal("path to itself")
	}
}

// TestShortestPathMatchesBFS compares path lengths with a plain BFS on
// random graphs and checks that repeated queries give the same path.
func TestShortestPathMatchesBFS(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 5 {
		s := mustOpen(t)
		n := 60 + round*20
		b := &graph.Batch{}
		for i := range n {
			b.PutNode(graph.Node{ID: fmt.Sprintf("person/p%d", i), Name: "P"})
		}
		adj := make([][]int, n)
		for range n + round*15 {
			a, c := rng.IntN(n), rng.IntN(n)
			if a == c {
				continue
			}
			b.PutEdge(graph.Edge{Type: graph.MemberOf, From: fmt.Sprintf("person/p%d", a), To: fmt.Sprintf("person/p%d", c)})
			adj[a] = append(adj[a], c)
			adj[c] = append(adj[c], a)
		}
		// MEMBER_OF goes to organizations; use a legal type instead.
		b2 := &graph.Batch{}
		for i := range n {
			b2.PutNode(graph.Node{ID: fmt.Sprintf("org/o%d", i), Name: "O", OrgType: graph.OrgOther})
		}
		for a := range n {
			for _, c := range adj[a] {
				if a < c {
					b2.PutEdge(graph.Edge{Type: graph.BasedIn, From: fmt.Sprintf("org/o%d", a), To: fmt.Sprintf("org/o%d", c)})
				}
			}
		}
		mustApply(t, s, b2)
		for range 40 {
			a, c := rng.IntN(n), rng.IntN(n)
			want := bfsLen(adj, a, c)
			p, ok, err := s.ShortestPath(ctx, fmt.Sprintf("org/o%d", a), fmt.Sprintf("org/o%d", c), graph.PathOptions{MaxDepth: 8})
			if err != nil {
				t.Fatal(err)
			}
			got := -1
			if ok {
				got = len(p.Edges)
			}
			if want > 8 {
				want = -1
			}
			if got != want {
				t.Fatalf("round %d: path o%d-o%d length %d, BFS says %d", round, a, c, got, want)
			}
			if ok {
				for i, e := range p.Edges {
					x, y := p.Nodes[i].ID, p.Nodes[i+1].ID
					if !(e.From == x && e.To == y || e.From == y && e.To == x) {
						t.Fatalf("edge %s does not join %s and %s", e.ID(), x, y)
					}
				}
				again, _, _ := s.ShortestPath(ctx, fmt.Sprintf("org/o%d", a), fmt.Sprintf("org/o%d", c), graph.PathOptions{MaxDepth: 8})
				if !slices.Equal(nodeIDs(again.Nodes), nodeIDs(p.Nodes)) {
					t.Fatal("same query, different path")
				}
			}
		}
	}
}

func bfsLen(adj [][]int, a, b int) int {
	dist := map[int]int{a: 0}
	q := []int{a}
	for len(q) > 0 {
		u := q[0]
		q = q[1:]
		if u == b {
			return dist[u]
		}
		for _, w := range adj[u] {
			if _, ok := dist[w]; !ok {
				dist[w] = dist[u] + 1
				q = append(q, w)
			}
		}
	}
	return -1
}

func TestSearch(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	for q, want := range map[string]string{
		"antonio":      "person/antonio-guterres",
		"ANTÓNIO":      "person/antonio-guterres",
		"elysee":       "doc/article",
		"klare regeln": "doc/article",
		"vance":        "person/jd-vance",
		"scho":         "person/olaf-scholz", // prefix, as you type
		"erdrosseln":   "stance/vance",
		"strangle":     "stance/vance",
	} {
		hits, err := s.Search(ctx, q, graph.SearchOptions{})
		if err != nil || len(hits) == 0 || hits[0].Node.ID != want {
			t.Errorf("search %q: first hit %v, want %s (%v)", q, hitIDs(hits), want, err)
			continue
		}
		if !bytes.Contains([]byte(hits[0].Snippet), []byte("[[")) {
			t.Errorf("search %q: snippet %q has no mark", q, hits[0].Snippet)
		}
	}
	hits, _ := s.Search(ctx, "vance", graph.SearchOptions{Kinds: []graph.Kind{graph.KindDocument}})
	if got := hitIDs(hits); !slices.Equal(got, []string{"doc/article"}) {
		t.Errorf("kinds filter: %v", got)
	}
	// The index follows writes.
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/antonio-guterres", Name: "Guterres"})
	b.PutNode(graph.Node{ID: "person/grosskapital", Name: "Großkapitalgeber"})
	mustApply(t, s, b)
	if hits, _ := s.Search(ctx, "antonio", graph.SearchOptions{}); len(hits) != 0 {
		t.Errorf("renamed node still found: %v", hitIDs(hits))
	}
	if hits, _ := s.Search(ctx, "grosskapitalgeber", graph.SearchOptions{}); len(hitIDs(hits)) != 1 {
		t.Errorf("ß: %v", hitIDs(hits))
	}
	mustVerify(t, s)
}

func hitIDs(hs []graph.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Node.ID)
	}
	return out
}

// TestIndexesStayConsistent applies random batches of puts and deletes and
// checks after each that rebuilding every index gives the stored keys.
func TestIndexesStayConsistent(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 7))
	words := []string{"Regulierung", "KI", "Élysée", "Großkapitalgeber", "AI", "safety", "António", "Gipfel"}
	text := func() string {
		var b []byte
		for range 1 + rng.IntN(6) {
			b = append(b, words[rng.IntN(len(words))]...)
			b = append(b, ' ')
		}
		return string(b)
	}
	for round := range 40 {
		b := &graph.Batch{}
		for range 1 + rng.IntN(10) {
			i := rng.IntN(30)
			switch rng.IntN(4) {
			case 0, 1:
				b.PutNode(graph.Node{ID: fmt.Sprintf("stance/s%d", i), Name: text(), Summary: text(), Position: rng.Float64()*2 - 1,
					StatedAt: []graph.Date{{}, graph.MustDate("2025"), graph.MustDate("2025-02-11")}[rng.IntN(3)]})
			case 2:
				b.PutNode(graph.Node{ID: fmt.Sprintf("person/p%d", i), Name: text()})
			case 3:
				b.PutNode(graph.Node{ID: fmt.Sprintf("stance/s%d", i), Name: "s", Position: 0})
				b.PutNode(graph.Node{ID: fmt.Sprintf("person/p%d", i), Name: "p"})
				b.PutEdge(graph.Edge{Type: graph.HeldBy, From: fmt.Sprintf("stance/s%d", i), To: fmt.Sprintf("person/p%d", i), Role: text()})
			}
		}
		if rng.IntN(3) == 0 {
			b.DeleteNode(fmt.Sprintf("person/p%d", rng.IntN(30)), true)
		}
		_, err := s.Apply(ctx, b, graph.ApplyOptions{})
		if err != nil && !errors.Is(err, graph.ErrNotFound) {
			t.Fatalf("round %d: %v", round, err)
		}
		mustVerify(t, s)
	}
}

// TestConcurrentWritersAndReaders runs writers that each add a stance with
// its two edges in one batch while readers check that no stance is ever
// seen without its edges.
func TestConcurrentWritersAndReaders(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	mustApply(t, s, fixture())
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id := fmt.Sprintf("stance/w%d-%d", w, i)
				b := &graph.Batch{}
				b.PutNode(graph.Node{ID: id, Name: "x", Position: 0.5, Sources: []graph.Source{article}})
				b.PutEdge(graph.Edge{Type: graph.HeldBy, From: id, To: "person/olaf-scholz"})
				b.PutEdge(graph.Edge{Type: graph.OnTopic, From: id, To: "topic/ai-act"})
				if _, err := s.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				held, err := s.Stances(ctx, graph.StanceQuery{Holders: []string{"person/olaf-scholz"}}, graph.Page{First: 500})
				if err != nil {
					t.Error(err)
					return
				}
				on, _ := s.Stances(ctx, graph.StanceQuery{Topics: []string{"topic/ai-act"}}, graph.Page{First: 500})
				sg, _ := s.Neighborhood(ctx, "topic/ai-act", graph.NeighborhoodOptions{Depth: 1, Limit: 1000})
				if held.Total < 2 || on.Total < 1 || len(sg.Edges) != len(sg.Nodes)-1 {
					t.Errorf("inconsistent snapshot: held %d on %d nodes %d edges %d", held.Total, on.Total, len(sg.Nodes), len(sg.Edges))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	c, _ := s.Counts(ctx)
	if c.ByKind[graph.KindStance] != 4+100 {
		t.Fatalf("stances %d", c.ByKind[graph.KindStance])
	}
	mustVerify(t, s)
}

// dump renders every node and edge, to compare whole stores.
func dump(tb testing.TB, s *graph.Store) string {
	tb.Helper()
	var buf bytes.Buffer
	ctx := context.Background()
	enc := json.NewEncoder(&buf)
	if err := s.ForEachNode(ctx, func(n *graph.Node) error { return enc.Encode(n) }); err != nil {
		tb.Fatal(err)
	}
	if err := s.ForEachEdge(ctx, func(e *graph.Edge) error { return enc.Encode(e) }); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}
