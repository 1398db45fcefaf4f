package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
	"github.com/stancegraph/stancegraph/seed"
)

// analyticsFixture is fixture() plus organization stances, a superseded
// stance, a second topic tree and a stance taken on behalf of an
// organization the holder has no office in. Positions on topic/ai-regulation
// and its subtopic topic/ai-act:
//
//	jd-vance      -0.8 (2025-02-11, supersedes 0.1 of 2024-06), ai-act -0.4
//	olaf-scholz    0.7 (2025-02),                              ai-act  0.5 (undated)
//	guterres       0.6 (undated)
//	org/germany   -0.2 (2025-03)
//	org/usa                                                    ai-act -0.6
//
// and on topic/energy (2026-01): olaf-scholz 0.9 (after his office ended),
// org/germany -0.5, annalena-baerbock 0.5 on behalf of org/germany.
func analyticsFixture(tb testing.TB) *graph.Store {
	tb.Helper()
	s := mustOpen(tb)
	mustApply(tb, s, fixture())
	b := &graph.Batch{}
	src := []graph.Source{article}
	stance := func(id, holder, topic string, pos float64, date string) {
		n := graph.Node{ID: id, Name: id, Position: pos, Confidence: 0.8, Sources: src}
		if date != "" {
			n.StatedAt = graph.MustDate(date)
		}
		b.PutNode(n)
		b.PutEdge(graph.Edge{Type: graph.HeldBy, From: id, To: holder})
		b.PutEdge(graph.Edge{Type: graph.OnTopic, From: id, To: topic})
	}
	b.PutNode(graph.Node{ID: "topic/energy", Name: "Energy", Scale: &graph.Scale{Negative: "less", Positive: "more"}})
	b.PutNode(graph.Node{ID: "person/annalena-baerbock", Name: "Annalena Baerbock"})
	stance("stance/vance-2024", "person/jd-vance", "topic/ai-regulation", 0.1, "2024-06")
	stance("stance/vance-act", "person/jd-vance", "topic/ai-act", -0.4, "2025-02-11")
	stance("stance/germany-reg", "org/germany", "topic/ai-regulation", -0.2, "2025-03")
	stance("stance/usa-act", "org/usa", "topic/ai-act", -0.6, "2025-02-12")
	stance("stance/scholz-energy", "person/olaf-scholz", "topic/energy", 0.9, "2026-01")
	stance("stance/germany-energy", "org/germany", "topic/energy", -0.5, "2026-01")
	stance("stance/baerbock-energy", "person/annalena-baerbock", "topic/energy", 0.5, "2026-01")
	b.PutEdge(graph.Edge{Type: graph.Supersedes, From: "stance/vance", To: "stance/vance-2024"})
	b.PutEdge(graph.Edge{Type: graph.OnBehalfOf, From: "stance/baerbock-energy", To: "org/germany"})
	mustApply(tb, s, b)
	return s
}

// shippedStore is the shipped seed set in a fresh in-memory store.
func shippedStore(tb testing.TB) *graph.Store {
	tb.Helper()
	set, err := seed.Dataset()
	if err != nil {
		tb.Fatal(err)
	}
	s := mustOpen(tb)
	if _, err := seed.Apply(context.Background(), s, set, seed.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
	return s
}

func stanceIDs(ns []graph.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func TestPositions(t *testing.T) {
	ctx := context.Background()
	s := analyticsFixture(t)
	type cell struct {
		actor, topic string
		pos          float64
		basis        []string
	}
	check := func(t *testing.T, q graph.PositionQuery, want []cell) {
		t.Helper()
		got, err := s.Positions(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d cells, want %d: %+v", len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			if g.Actor != w.actor || g.Topic != w.topic || !near(g.Position, w.pos) || !slices.Equal(stanceIDs(g.Basis), w.basis) {
				t.Errorf("cell %d = %s %s %v %v, want %+v", i, g.Actor, g.Topic, g.Position, stanceIDs(g.Basis), w)
			}
		}
	}
	t.Run("all", func(t *testing.T) {
		check(t, graph.PositionQuery{IncludeSubtopics: true}, []cell{
			{"org/germany", "topic/ai-regulation", -0.2, []string{"stance/germany-reg"}},
			{"org/germany", "topic/energy", -0.5, []string{"stance/germany-energy"}},
			{"org/usa", "topic/ai-act", -0.6, []string{"stance/usa-act"}},
			{"org/usa", "topic/ai-regulation", -0.6, []string{"stance/usa-act"}},
			{"person/annalena-baerbock", "topic/energy", 0.5, []string{"stance/baerbock-energy"}},
			{"person/antonio-guterres", "topic/ai-regulation", 0.6, []string{"stance/guterres"}},
			// stance/vance-2024 is superseded and left out.
			{"person/jd-vance", "topic/ai-act", -0.4, []string{"stance/vance-act"}},
			{"person/jd-vance", "topic/ai-regulation", (-0.8 - 0.4) / 2, []string{"stance/vance", "stance/vance-act"}},
			{"person/olaf-scholz", "topic/ai-act", 0.5, []string{"stance/scholz-act"}},
			{"person/olaf-scholz", "topic/ai-regulation", (0.7 + 0.5) / 2, []string{"stance/scholz", "stance/scholz-act"}},
			{"person/olaf-scholz", "topic/energy", 0.9, []string{"stance/scholz-energy"}},
		})
	})
	t.Run("exact topics", func(t *testing.T) {
		check(t, graph.PositionQuery{Topics: []string{"topic/ai-regulation"}, Actors: []string{"person/olaf-scholz", "org/usa"}}, []cell{
			{"person/olaf-scholz", "topic/ai-regulation", 0.7, []string{"stance/scholz"}},
		})
	})
	t.Run("chosen", func(t *testing.T) {
		check(t, graph.PositionQuery{Topics: []string{"topic/ai-regulation"}, Actors: []string{"person/olaf-scholz", "org/usa"}, IncludeSubtopics: true}, []cell{
			{"org/usa", "topic/ai-regulation", -0.6, []string{"stance/usa-act"}},
			{"person/olaf-scholz", "topic/ai-regulation", 0.6, []string{"stance/scholz", "stance/scholz-act"}},
		})
	})
	for _, tc := range []struct {
		q    graph.PositionQuery
		want error
	}{
		{graph.PositionQuery{Topics: []string{"topic/nope"}}, graph.ErrNotFound},
		{graph.PositionQuery{Topics: []string{"person/jd-vance"}}, graph.ErrInvalid},
		{graph.PositionQuery{Actors: []string{"topic/energy"}}, graph.ErrInvalid},
	} {
		if _, err := s.Positions(ctx, tc.q); !errors.Is(err, tc.want) {
			t.Errorf("Positions(%+v) = %v, want %v", tc.q, err, tc.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	ctx := context.Background()
	s := analyticsFixture(t)
	got, err := s.Similarity(ctx, "person/olaf-scholz", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Scholz's vector: ai-regulation 0.7, ai-act 0.5, energy 0.9.
	want := []struct {
		actor  string
		score  float64
		topics []string
	}{
		{"person/annalena-baerbock", 1, []string{"topic/energy"}},
		{"person/antonio-guterres", 1, []string{"topic/ai-regulation"}},
		{"org/germany", (0.7*-0.2 + 0.9*-0.5) / (math.Sqrt(0.7*0.7+0.9*0.9) * math.Sqrt(0.2*0.2+0.5*0.5)), []string{"topic/ai-regulation", "topic/energy"}},
		{"person/jd-vance", (0.7*-0.8 + 0.5*-0.4) / (math.Sqrt(0.7*0.7+0.5*0.5) * math.Sqrt(0.8*0.8+0.4*0.4)), []string{"topic/ai-act", "topic/ai-regulation"}},
		{"org/usa", -1, []string{"topic/ai-act"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Actor != w.actor || !near(g.Score, w.score) || !slices.Equal(g.Topics, w.topics) {
			t.Errorf("%d: got %s %v %v, want %+v", i, g.Actor, g.Score, g.Topics, w)
		}
	}
	if b := stanceIDs(got[3].Basis); !slices.Equal(b, []string{"stance/scholz", "stance/scholz-act", "stance/vance", "stance/vance-act"}) {
		t.Errorf("basis of Scholz~Vance = %v", b)
	}
	if top, _ := s.Similarity(ctx, "person/olaf-scholz", 2); len(top) != 2 || top[1].Actor != "person/antonio-guterres" {
		t.Errorf("limit 2 = %+v", top)
	}
	if _, err := s.Similarity(ctx, "topic/energy", 0); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("similarity of a topic: %v", err)
	}
	if _, err := s.Similarity(ctx, "person/nobody", 0); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("similarity of a missing actor: %v", err)
	}
}

func TestCoalitions(t *testing.T) {
	ctx := context.Background()
	s := analyticsFixture(t)
	type camp struct {
		members        []string
		mean, cohesion float64
	}
	check := func(t *testing.T, minScore float64, want []camp) {
		t.Helper()
		got, err := s.Coalitions(ctx, "topic/ai-regulation", minScore)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d camps, want %d: %+v", len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			if !slices.Equal(g.Members, w.members) || !near(g.MeanPosition, w.mean) || !near(g.Cohesion, w.cohesion) {
				t.Errorf("camp %d = %v %v %v, want %+v", i, g.Members, g.MeanPosition, g.Cohesion, w)
			}
		}
	}
	// Agreements (1 - |pa - pb| averaged over stance pairs): Scholz~Guterres
	// 0.9, Vance~USA 0.8, Vance~Germany 0.6, Germany~USA 0.6, and every
	// pair across the two camps below 0.5.
	t.Run("default", func(t *testing.T) {
		check(t, 0.5, []camp{
			{[]string{"org/germany", "org/usa", "person/jd-vance"}, (-0.2 - 0.6 - 0.6) / 3, (0.6 + 0.6 + 0.8) / 3},
			{[]string{"person/antonio-guterres", "person/olaf-scholz"}, 0.6, 0.9},
		})
	})
	t.Run("strict", func(t *testing.T) {
		check(t, 0.95, []camp{
			{[]string{"person/antonio-guterres"}, 0.6, 1},
			{[]string{"person/olaf-scholz"}, 0.6, 1},
			{[]string{"org/germany"}, -0.2, 1},
			{[]string{"org/usa"}, -0.6, 1},
			{[]string{"person/jd-vance"}, -0.6, 1},
		})
	})
	t.Run("everyone", func(t *testing.T) {
		got, err := s.Coalitions(ctx, "topic/ai-regulation", -1)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || len(got[0].Members) != 5 || len(got[0].Basis) != 7 {
			t.Fatalf("minScore -1: %+v", got)
		}
	})
	if _, err := s.Coalitions(ctx, "topic/ai-regulation", 1.5); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("minScore 1.5: %v", err)
	}
	if _, err := s.Coalitions(ctx, "topic/none", 0.5); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("missing topic: %v", err)
	}
}

func TestStanceChanges(t *testing.T) {
	ctx := context.Background()
	s := analyticsFixture(t)
	got, err := s.StanceChanges(ctx, graph.ChangeQuery{Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %+v", got)
	}
	c := got[0]
	if c.Holder != "person/jd-vance" || c.Topic != "topic/ai-regulation" || c.Before.ID != "stance/vance-2024" || c.After.ID != "stance/vance" || !near(c.Delta, -0.9) {
		t.Errorf("change = %s %s %s -> %s %v", c.Holder, c.Topic, c.Before.ID, c.After.ID, c.Delta)
	}
	for _, q := range []graph.ChangeQuery{
		{Threshold: 0.95},
		{Holder: "person/olaf-scholz", Threshold: 0},
		{Topic: "topic/ai-act", Threshold: 0},
	} {
		if got, err := s.StanceChanges(ctx, q); err != nil || len(got) != 0 {
			t.Errorf("%+v: %+v, %v", q, got, err)
		}
	}
	if got, _ := s.StanceChanges(ctx, graph.ChangeQuery{Holder: "person/jd-vance", Topic: "topic/ai-regulation"}); len(got) != 1 {
		t.Errorf("vance on ai-regulation: %+v", got)
	}
	if _, err := s.StanceChanges(ctx, graph.ChangeQuery{Threshold: -1}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("negative threshold: %v", err)
	}
}

func TestDivergences(t *testing.T) {
	ctx := context.Background()
	s := analyticsFixture(t)
	type div struct {
		person, org, topic, ps, os string
		gap                        float64
		links                      []string
	}
	office := "person/olaf-scholz|HOLDS_OFFICE|org/germany"
	check := func(t *testing.T, topic string, threshold float64, want []div) {
		t.Helper()
		got, err := s.Divergences(ctx, topic, threshold)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %d, want %d: %+v", len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			var links []string
			for _, e := range g.Links {
				links = append(links, e.ID())
			}
			if g.Person != w.person || g.Organization != w.org || g.Topic != w.topic || g.PersonStance.ID != w.ps ||
				g.OrganizationStance.ID != w.os || !near(g.Gap, w.gap) || !slices.Equal(links, w.links) {
				t.Errorf("%d: got %s %s %s %s %s %v %v, want %+v", i, g.Person, g.Organization, g.Topic, g.PersonStance.ID, g.OrganizationStance.ID, g.Gap, links, w)
			}
		}
	}
	// Scholz's energy stance (2026) comes after his office ended, so it is
	// not held against Germany; Baerbock spoke on Germany's behalf.
	all := []div{
		{"person/annalena-baerbock", "org/germany", "topic/energy", "stance/baerbock-energy", "stance/germany-energy", 1.0,
			[]string{"stance/baerbock-energy|ON_BEHALF_OF|org/germany"}},
		{"person/olaf-scholz", "org/germany", "topic/ai-regulation", "stance/scholz", "stance/germany-reg", 0.9, []string{office}},
		{"person/olaf-scholz", "org/germany", "topic/ai-regulation", "stance/scholz-act", "stance/germany-reg", 0.7, []string{office}},
	}
	check(t, "", 0.5, all)
	check(t, "", 0.8, all[:2])
	check(t, "topic/ai-regulation", 0.5, all[1:])
	// On the AI Act Vance (-0.4) and the USA (-0.6) are 0.2 apart.
	check(t, "topic/ai-act", 0.3, nil)
	check(t, "topic/ai-act", 0.2, []div{{"person/jd-vance", "org/usa", "topic/ai-act", "stance/vance-act", "stance/usa-act", 0.2,
		[]string{"person/jd-vance|HOLDS_OFFICE|org/usa"}}})
	if _, err := s.Divergences(ctx, "topic/none", 0.5); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("missing topic: %v", err)
	}
}

func TestTimeline(t *testing.T) {
	ctx := context.Background()
	s := analyticsFixture(t)
	got, err := s.Timeline(ctx, "topic/ai-regulation", graph.Date{}, graph.Date{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stance/vance-2024", "stance/scholz", "stance/vance", "stance/vance-act", "stance/usa-act", "stance/germany-reg",
		"stance/guterres", "stance/scholz-act"}
	if !slices.Equal(stanceIDs(got), want) {
		t.Errorf("timeline = %v\nwant       %v", stanceIDs(got), want)
	}
	got, err = s.Timeline(ctx, "topic/ai-regulation", graph.MustDate("2025-02-11"), graph.MustDate("2025-02"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"stance/vance", "stance/vance-act", "stance/usa-act"}; !slices.Equal(stanceIDs(got), want) {
		t.Errorf("range = %v, want %v", stanceIDs(got), want)
	}
	if _, err := s.Timeline(ctx, "topic/ai-regulation", graph.MustDate("2026"), graph.MustDate("2025")); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("inverted range: %v", err)
	}
}

// centralityGraph is a diamond with a tail, p1 - o1 - {o2, o3} - o4, with
// a second edge type between o2 and o4.
func centralityGraph(tb testing.TB) *graph.Store {
	s := mustOpen(tb)
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/p1", Name: "P1"})
	for _, o := range []string{"org/o1", "org/o2", "org/o3", "org/o4"} {
		b.PutNode(graph.Node{ID: o, Name: o, OrgType: graph.OrgOther})
	}
	b.PutEdge(graph.Edge{Type: graph.HoldsOffice, From: "person/p1", To: "org/o1"})
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "org/o1", To: "org/o2"})
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "org/o1", To: "org/o3"})
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "org/o2", To: "org/o4"})
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "org/o3", To: "org/o4"})
	b.PutEdge(graph.Edge{Type: graph.BasedIn, From: "org/o4", To: "org/o2"})
	mustApply(tb, s, b)
	return s
}

func TestCentralityPath(t *testing.T) {
	s := mustOpen(t)
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/a", Name: "A"})
	b.PutNode(graph.Node{ID: "org/b", Name: "B", OrgType: graph.OrgOther})
	b.PutNode(graph.Node{ID: "org/c", Name: "C", OrgType: graph.OrgOther})
	b.PutEdge(graph.Edge{Type: graph.HoldsOffice, From: "person/a", To: "org/b"})
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "org/b", To: "org/c"})
	mustApply(t, s, b)
	res, err := s.Centrality(context.Background(), graph.CentralityOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.CentralityScore{{ID: "org/b", Degree: 2, Betweenness: 1}, {ID: "org/c", Degree: 1}, {ID: "person/a", Degree: 1}}
	if !slices.Equal(res.Scores, want) || !res.Exact || res.Nodes != 3 || res.Edges != 2 {
		t.Errorf("path a-b-c: %+v", res)
	}
}

func TestCentrality(t *testing.T) {
	ctx := context.Background()
	s := centralityGraph(t)
	check := func(t *testing.T, o graph.CentralityOptions, nodes int, want []graph.CentralityScore) {
		t.Helper()
		res, err := s.Centrality(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Exact || res.Nodes != nodes || len(res.Scores) != len(want) {
			t.Fatalf("%+v: got %+v", o, res)
		}
		for i, w := range want {
			g := res.Scores[i]
			if g.ID != w.ID || g.Degree != w.Degree || !near(g.Betweenness, w.Betweenness) {
				t.Errorf("%d: got %+v, want %+v", i, g, w)
			}
		}
	}
	// o1 lies on every path from p1 (3 pairs) and on one of the two
	// shortest o2-o3 paths (0.5).
	check(t, graph.CentralityOptions{}, 5, []graph.CentralityScore{
		{ID: "org/o1", Degree: 3, Betweenness: 3.5},
		{ID: "org/o2", Degree: 2, Betweenness: 1},
		{ID: "org/o3", Degree: 2, Betweenness: 1},
		{ID: "org/o4", Degree: 2, Betweenness: 0.5},
		{ID: "person/p1", Degree: 1},
	})
	cycle := []graph.CentralityScore{
		{ID: "org/o1", Degree: 2, Betweenness: 0.5}, {ID: "org/o2", Degree: 2, Betweenness: 0.5},
		{ID: "org/o3", Degree: 2, Betweenness: 0.5}, {ID: "org/o4", Degree: 2, Betweenness: 0.5},
	}
	check(t, graph.CentralityOptions{Types: []graph.EdgeType{graph.MemberOf}}, 5, append(cycle, graph.CentralityScore{ID: "person/p1"}))
	check(t, graph.CentralityOptions{Kinds: []graph.Kind{graph.KindOrganization}}, 4, cycle)
	check(t, graph.CentralityOptions{Limit: 1}, 5, []graph.CentralityScore{{ID: "org/o1", Degree: 3, Betweenness: 3.5}})

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Centrality(cancelled, graph.CentralityOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := s.Centrality(ctx, graph.CentralityOptions{Types: []graph.EdgeType{"LIKES"}}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown type: %v", err)
	}
}

// bruteBetweenness counts shortest paths between every pair directly from
// all-pairs distances: v gets sigma(s,v)*sigma(v,t)/sigma(s,t) for every
// pair s<t it lies between.
func bruteBetweenness(t *testing.T, s *graph.Store) map[string]float64 {
	t.Helper()
	ctx := context.Background()
	index := map[string]int{}
	var names []string
	err := s.ForEachNode(ctx, func(n *graph.Node) error {
		index[n.ID] = len(names)
		names = append(names, n.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := len(names)
	nb := make([]map[int]bool, n)
	for i := range nb {
		nb[i] = map[int]bool{}
	}
	err = s.ForEachEdge(ctx, func(e *graph.Edge) error {
		a, b := index[e.From], index[e.To]
		nb[a][b], nb[b][a] = true, true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dist := make([][]int, n)
	sigma := make([][]float64, n)
	for src := range n {
		dist[src] = make([]int, n)
		sigma[src] = make([]float64, n)
		for i := range dist[src] {
			dist[src][i] = -1
		}
		dist[src][src], sigma[src][src] = 0, 1
		queue := []int{src}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for w := range nb[u] {
				if dist[src][w] < 0 {
					dist[src][w] = dist[src][u] + 1
					queue = append(queue, w)
				}
				if dist[src][w] == dist[src][u]+1 {
					sigma[src][w] += sigma[src][u]
				}
			}
		}
	}
	bc := map[string]float64{}
	for a := range n {
		for b := a + 1; b < n; b++ {
			if dist[a][b] < 2 {
				continue
			}
			for v := range n {
				if v != a && v != b && dist[a][v] > 0 && dist[v][b] > 0 && dist[a][v]+dist[v][b] == dist[a][b] {
					bc[names[v]] += sigma[a][v] * sigma[v][b] / sigma[a][b]
				}
			}
		}
	}
	return bc
}

func TestCentralityMatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := synth.New(synth.Config{Edges: 1500, Seed: 3}).Load(ctx, s, 1000); err != nil {
		t.Fatal(err)
	}
	want := bruteBetweenness(t, s)
	res, err := s.Centrality(ctx, graph.CentralityOptions{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Exact || len(res.Scores) != res.Nodes {
		t.Fatalf("exact %v, %d scores of %d nodes", res.Exact, len(res.Scores), res.Nodes)
	}
	for _, sc := range res.Scores {
		if w := want[sc.ID]; math.Abs(sc.Betweenness-w) > 1e-6*max(1, w) {
			t.Errorf("%s: betweenness %v, brute force %v", sc.ID, sc.Betweenness, w)
		}
	}
}

func TestCentralitySampled(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := synth.New(synth.Config{Edges: 12000, Seed: 7}).Load(ctx, s, 4000); err != nil {
		t.Fatal(err)
	}
	exact, err := s.Centrality(ctx, graph.CentralityOptions{Limit: 10, ExactUpTo: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	sampled, err := s.Centrality(ctx, graph.CentralityOptions{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if !exact.Exact || sampled.Exact || sampled.Nodes <= graph.MaxExactBetweenness || sampled.Pivots != graph.BetweennessPivots {
		t.Fatalf("exact %v (%d nodes), sampled %v with %d pivots", exact.Exact, exact.Nodes, sampled.Exact, sampled.Pivots)
	}
	again, err := s.Centrality(ctx, graph.CentralityOptions{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sampled.Scores, again.Scores) {
		t.Error("sampled betweenness differs between two runs")
	}
	est := map[string]graph.CentralityScore{}
	for _, sc := range sampled.Scores {
		est[sc.ID] = sc
	}
	// 128 of the graph's nodes as sources estimate the hubs' betweenness
	// to within a quarter; further down the ranking the error grows (see
	// the README).
	for i, sc := range exact.Scores {
		e := est[sc.ID]
		if e.Degree != sc.Degree {
			t.Errorf("%s: degree %d sampled, %d exact", sc.ID, e.Degree, sc.Degree)
		}
		rel := math.Abs(e.Betweenness-sc.Betweenness) / sc.Betweenness
		t.Logf("#%d %s exact %.0f sampled %.0f (%.1f%%)", i+1, sc.ID, sc.Betweenness, e.Betweenness, 100*rel)
		if i < 5 && rel > 0.25 {
			t.Errorf("%s: sampled betweenness %v is more than 25%% off the exact %v", sc.ID, e.Betweenness, sc.Betweenness)
		}
	}
	// The sample finds the same hubs: 7 of the exact top 10 rank in its top 10.
	common := 0
	for _, sc := range sampled.Scores[:10] {
		if slices.ContainsFunc(exact.Scores, func(x graph.CentralityScore) bool { return x.ID == sc.ID }) {
			common++
		}
	}
	if common < 7 {
		t.Errorf("the sampled and exact top 10 share %d nodes", common)
	}
}

func TestAnalyticsOnDataset(t *testing.T) {
	ctx := context.Background()
	s := shippedStore(t)
	t.Run("coalitions", func(t *testing.T) {
		got, err := s.Coalitions(ctx, "topic/ai-regulation", 0.5)
		if err != nil {
			t.Fatal(err)
		}
		// Germany, the EU and China signed the same declaration (0.7 each);
		// Scholz (0.6 on ai-regulation, -0.5 on the AI Act) agrees with
		// them at 0.35 and Vance (-0.8 twice) at -0.5.
		want := []struct {
			members        []string
			mean, cohesion float64
		}{
			{[]string{"org/china", "org/eu", "org/germany"}, 0.7, 1},
			{[]string{"person/olaf-scholz"}, (0.6 - 0.5) / 2, 1},
			{[]string{"person/jd-vance"}, -0.8, 1},
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v", got)
		}
		for i, w := range want {
			if !slices.Equal(got[i].Members, w.members) || !near(got[i].MeanPosition, w.mean) || !near(got[i].Cohesion, w.cohesion) {
				t.Errorf("camp %d = %+v, want %+v", i, got[i], w)
			}
		}
		// Vance and Scholz fall in different camps at any minScore above
		// their agreement, (-0.4 + 0.7 - 0.4 + 0.7) / 4 = 0.15.
		got, _ = s.Coalitions(ctx, "topic/ai-regulation", 0.16)
		for _, c := range got {
			if slices.Contains(c.Members, "person/jd-vance") && slices.Contains(c.Members, "person/olaf-scholz") {
				t.Errorf("Vance and Scholz share a camp at minScore 0.16: %v", c.Members)
			}
		}
	})
	t.Run("positions", func(t *testing.T) {
		got, err := s.Positions(ctx, graph.PositionQuery{IncludeSubtopics: true})
		if err != nil {
			t.Fatal(err)
		}
		// 3 cells each for Vance, Scholz and von der Leyen, 2 for Birol,
		// Germany, the EU and China, 1 for Guterres.
		if len(got) != 18 {
			t.Errorf("%d cells, want 18", len(got))
		}
		want := map[[2]string]float64{
			{"person/olaf-scholz", "topic/ai-regulation"}:            (0.6 - 0.5) / 2,
			{"person/olaf-scholz", "topic/ai-act-application"}:       -0.5,
			{"person/jd-vance", "topic/ai-regulation"}:               -0.8,
			{"org/germany", "topic/ai-regulation"}:                   0.7,
			{"person/ursula-von-der-leyen", "topic/ai-outlook"}:      0.8,
			{"person/fatih-birol", "topic/ai-energy-demand"}:         (0.7 + 0.6) / 2,
			{"person/antonio-guterres", "topic/ai-equitable-access"}: 0.9,
		}
		seen := 0
		for _, c := range got {
			if w, ok := want[[2]string{c.Actor, c.Topic}]; ok {
				seen++
				if !near(c.Position, w) {
					t.Errorf("%s on %s: %v, want %v", c.Actor, c.Topic, c.Position, w)
				}
			}
		}
		if seen != len(want) {
			t.Errorf("found %d of the %d expected cells", seen, len(want))
		}
	})
	t.Run("similarity", func(t *testing.T) {
		got, err := s.Similarity(ctx, "person/jd-vance", 0)
		if err != nil {
			t.Fatal(err)
		}
		// Vance: ai-regulation -0.8, international -0.8, outlook 0.9.
		want := []struct {
			actor string
			score float64
		}{
			{"person/ursula-von-der-leyen", 1},
			{"person/olaf-scholz", (-0.8*0.6 + 0.9*0) / (math.Sqrt(0.8*0.8+0.9*0.9) * 0.6)},
			{"org/china", -1}, {"org/eu", -1}, {"org/germany", -1},
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v", got)
		}
		for i, w := range want {
			if got[i].Actor != w.actor || !near(got[i].Score, w.score) {
				t.Errorf("%d: %s %v, want %+v", i, got[i].Actor, got[i].Score, w)
			}
		}
	})
	t.Run("divergences", func(t *testing.T) {
		got, err := s.Divergences(ctx, "", 0.5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("got %+v", got)
		}
		d := got[0]
		if d.Person != "person/olaf-scholz" || d.Organization != "org/germany" || d.Topic != "topic/ai-regulation" ||
			d.PersonStance.ID != "stance/olaf-scholz-ai-act-application" || d.OrganizationStance.ID != "stance/germany-international-ai-regulation" ||
			!near(d.Gap, 1.2) || len(d.Links) != 2 {
			t.Errorf("divergence = %+v", d)
		}
		if all, _ := s.Divergences(ctx, "", 0); len(all) != 2 {
			t.Errorf("threshold 0: %d divergences, want 2", len(all))
		}
	})
	t.Run("changes", func(t *testing.T) {
		// Nobody in the article states two positions on one topic.
		got, err := s.StanceChanges(ctx, graph.ChangeQuery{})
		if err != nil || len(got) != 0 {
			t.Errorf("changes: %+v, %v", got, err)
		}
	})
	t.Run("timeline", func(t *testing.T) {
		got, err := s.Timeline(ctx, "topic/ai-regulation", graph.Date{}, graph.Date{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"stance/china-international-ai-regulation", "stance/eu-international-ai-regulation",
			"stance/germany-international-ai-regulation", "stance/jd-vance-ai-regulation", "stance/jd-vance-international-ai-regulation",
			"stance/olaf-scholz-ai-act-application", "stance/olaf-scholz-ai-regulation"}
		if !slices.Equal(stanceIDs(got), want) {
			t.Errorf("timeline = %v", stanceIDs(got))
		}
		// Every statedAt is the month 2025-02, which a range from the 10th
		// does not contain.
		if got, _ := s.Timeline(ctx, "topic/ai-regulation", graph.MustDate("2025-02-10"), graph.Date{}); len(got) != 0 {
			t.Errorf("from 2025-02-10: %v", stanceIDs(got))
		}
	})
	t.Run("centrality", func(t *testing.T) {
		res, err := s.Centrality(ctx, graph.CentralityOptions{
			Kinds: []graph.Kind{graph.KindPerson, graph.KindOrganization},
			Types: []graph.EdgeType{graph.HoldsOffice, graph.MemberOf, graph.BasedIn}, Limit: 5,
		})
		if err != nil {
			t.Fatal(err)
		}
		// spd - scholz - germany - aleph-alpha, usa - vance - republicans,
		// macron - france - mistral-ai; everyone else has one tie or none.
		want := []graph.CentralityScore{
			{ID: "org/germany", Degree: 2, Betweenness: 2}, {ID: "person/olaf-scholz", Degree: 2, Betweenness: 2},
			{ID: "org/france", Degree: 2, Betweenness: 1}, {ID: "person/jd-vance", Degree: 2, Betweenness: 1},
		}
		if !res.Exact || !slices.Equal(res.Scores[:4], want) || res.Scores[4].Betweenness != 0 {
			t.Errorf("centrality = %+v", res)
		}
	})
}

func ExampleStore_Coalitions() {
	ctx := context.Background()
	s, _ := graph.Open("", graph.Options{InMemory: true})
	defer s.Close()
	set, _ := seed.Dataset()
	if _, err := seed.Apply(ctx, s, set, seed.ApplyOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	camps, _ := s.Coalitions(ctx, "topic/ai-regulation", 0.5)
	for _, c := range camps {
		fmt.Printf("%v mean %+.2f cohesion %.2f\n", c.Members, c.MeanPosition, c.Cohesion)
	}
	// Output:
	// [org/china org/eu org/germany] mean +0.70 cohesion 1.00
	// [person/olaf-scholz] mean +0.05 cohesion 1.00
	// [person/jd-vance] mean -0.80 cohesion 1.00
}

// BenchmarkCentrality measures sampled betweenness over the whole
// synthetic graph with the pivots the budget picks; the 1-pivot run is the
// baseline of copying the topology plus one breadth-first search, so the
// ratio shows the cost of the sample.
func BenchmarkCentrality(b *testing.B) {
	for _, edges := range []int{100_000, 1_000_000} {
		g := loadedGraph(b, edges)
		for _, pivots := range []int{1, 0} {
			b.Run(fmt.Sprintf("edges=%d/pivots=%d", edges, pivots), func(b *testing.B) {
				var res graph.CentralityResult
				for b.Loop() {
					var err error
					res, err = g.store.Centrality(context.Background(), graph.CentralityOptions{Pivots: pivots})
					if err != nil {
						b.Fatal(err)
					}
				}
				if res.Exact {
					b.Fatal("exact on a large graph")
				}
				b.ReportMetric(float64(res.Pivots), "pivots")
				b.ReportMetric(float64(res.Nodes), "nodes")
			})
		}
	}
}
