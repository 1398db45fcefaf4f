package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

func TestExpectNode(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acct := graph.Node{ID: "initiative/a", Kind: graph.KindInitiative, Name: "A", Amount: &graph.Money{Amount: 10, Currency: "EUR"}}
	var b graph.Batch
	b.PutNode(acct)
	mustApply(t, s, &b)
	read, err := s.Node(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}

	// A concurrent writer changes the node after we read it.
	other := read
	other.Amount = &graph.Money{Amount: 7, Currency: "EUR"}
	b = graph.Batch{}
	b.ExpectNode(read)
	b.PutNode(other)
	mustApply(t, s, &b)

	// Our write, based on the stale read, must fail and write nothing.
	stale := read
	stale.Amount = &graph.Money{Amount: 20, Currency: "EUR"}
	b = graph.Batch{}
	b.ExpectNode(read)
	b.PutNode(stale)
	b.PutNode(graph.Node{ID: "initiative/b", Kind: graph.KindInitiative, Name: "B"})
	if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("stale expectation: got %v, want ErrConflict", err)
	}
	got, err := s.Node(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Amount.Amount != 7 {
		t.Fatalf("amount %v after a refused batch, want 7", got.Amount.Amount)
	}
	if s.Has(ctx, "initiative/b") {
		t.Fatal("a refused batch wrote initiative/b")
	}

	// Expecting a missing node is a conflict too; expecting what an
	// earlier operation of the same batch put is not.
	b = graph.Batch{}
	b.ExpectNode(graph.Node{ID: "initiative/none", Kind: graph.KindInitiative, Name: "none"})
	if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); !errors.Is(err, graph.ErrConflict) {
		t.Fatalf("missing node: got %v, want ErrConflict", err)
	}
	b = graph.Batch{}
	b.PutNode(stale)
	b.ExpectNode(stale)
	if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatalf("expecting the batch's own write: %v", err)
	}
}
