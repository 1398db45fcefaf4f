package graph_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

func ends(t *testing.T, s *graph.Store, id string, dir graph.Direction, typ graph.EdgeType) []string {
	t.Helper()
	es, err := s.Edges(context.Background(), id, dir, []graph.EdgeType{typ}, graph.Date{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if dir == graph.Out {
			out = append(out, e.To)
		} else {
			out = append(out, e.From)
		}
	}
	slices.Sort(out)
	return out
}

func TestReplaceEdges(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustApply(t, s, fixture())
	before, err := s.Edge(ctx, graph.Mentions, "doc/article", "person/jd-vance")
	if err != nil {
		t.Fatal(err)
	}

	// Out: the stance's holder becomes Guterres alone.
	var b graph.Batch
	b.ReplaceEdges("stance/vance", graph.Out, graph.HeldBy, []string{"person/antonio-guterres"}, "mutation")
	mustApply(t, s, &b)
	if got := ends(t, s, "stance/vance", graph.Out, graph.HeldBy); !slices.Equal(got, []string{"person/antonio-guterres"}) {
		t.Fatalf("holders after replace: %v", got)
	}

	// In: the article mentions Vance (kept as it was, with its sources) and
	// Scholz (created); an empty list deletes all.
	b = graph.Batch{}
	b.ReplaceEdges("person/jd-vance", graph.In, graph.Mentions, []string{"doc/article"}, "mutation")
	b.ReplaceEdges("person/olaf-scholz", graph.In, graph.Mentions, []string{"doc/article"}, "mutation")
	b.ReplaceEdges("stance/scholz", graph.Out, graph.OnTopic, nil, "mutation")
	mustApply(t, s, &b)
	after, err := s.Edge(ctx, graph.Mentions, "doc/article", "person/jd-vance")
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Sources) != len(before.Sources) || after.Origin != before.Origin {
		t.Fatalf("an edge kept by replace changed: %+v, was %+v", after, before)
	}
	if got := ends(t, s, "person/olaf-scholz", graph.In, graph.Mentions); !slices.Equal(got, []string{"doc/article"}) {
		t.Fatalf("mentions of Scholz: %v", got)
	}
	if got := ends(t, s, "stance/scholz", graph.Out, graph.OnTopic); len(got) != 0 {
		t.Fatalf("topics after replacing with none: %v", got)
	}

	// A replace sees the batch's own earlier operations; one to a missing
	// node fails the whole batch.
	b = graph.Batch{}
	b.PutNode(graph.Node{ID: "person/new", Name: "New"})
	b.ReplaceEdges("stance/vance", graph.Out, graph.HeldBy, []string{"person/new"}, "mutation")
	mustApply(t, s, &b)
	b = graph.Batch{}
	b.ReplaceEdges("stance/vance", graph.Out, graph.HeldBy, []string{"person/none"}, "mutation")
	if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); err == nil {
		t.Fatal("replace with a missing endpoint was accepted")
	}
	if got := ends(t, s, "stance/vance", graph.Out, graph.HeldBy); !slices.Equal(got, []string{"person/new"}) {
		t.Fatalf("holders after a refused replace: %v", got)
	}
	mustVerify(t, s)
}

// TestReplaceEdgesConcurrent has writers race to give one new stance each
// their own holder: whatever the interleaving, it ends with exactly one.
func TestReplaceEdgesConcurrent(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustApply(t, s, fixture())
	holders := []string{"person/jd-vance", "person/olaf-scholz", "person/antonio-guterres"}
	for round := range 20 {
		id := fmt.Sprint("stance/race-", round)
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				var b graph.Batch
				b.PutNode(graph.Node{ID: id, Name: "race", Position: 0.1, Confidence: 0.5})
				b.ReplaceEdges(id, graph.Out, graph.HeldBy, []string{holders[w%len(holders)]}, "mutation")
				if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := ends(t, s, id, graph.Out, graph.HeldBy); len(got) != 1 {
			t.Fatalf("%s has holders %v after concurrent upserts, want exactly one", id, got)
		}
	}
	mustVerify(t, s)
}
