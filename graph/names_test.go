package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// TestNamesInMemory: the nodes of a keys-only walk carry their names from
// the in-memory topology, and the names follow every way data is written
// and read back: a streamed load, small commits (create, rename, delete
// and re-create), a staged batch, and opens from the snapshot and from
// the keys. Verify compares them with the stored nodes after each step.
func TestNamesInMemory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var log bytes.Buffer
	open := func() *graph.Store {
		t.Helper()
		// A small memtable stages a batch of a few hundred kilobytes.
		s, err := graph.Open(dir, graph.Options{NoSync: true, MemTableSize: 1 << 20, Logger: zerolog.New(&log)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	gen := synth.New(synth.Config{Edges: 4000, Seed: 3})
	if err := gen.Load(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	ids := gen.Sample(200, 4)

	// check compares the name of each id in a keys-only walk with the
	// stored node's, and an id that is gone must be gone from walks too.
	check := func(step string) {
		t.Helper()
		mustVerify(t, s)
		stored, err := s.Nodes(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			sg, err := s.Neighborhood(ctx, id, graph.NeighborhoodOptions{Depth: 0, NodeKeysOnly: true, EdgeKeysOnly: true})
			if stored[i] == nil {
				if err == nil {
					t.Fatalf("%s: %s is deleted, and a walk from it found %v", step, id, sg.Nodes)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %s: %v", step, id, err)
			}
			if got := sg.Nodes[0]; got.ID != id || got.Name != stored[i].Name {
				t.Fatalf("%s: keys-only %s is named %q (id %s), stored %q", step, id, got.Name, got.ID, stored[i].Name)
			}
		}
	}
	check("streamed load")

	// Small commits: a rename, a new node, a deletion; then the deleted
	// id comes back with another name.
	renamed, deleted := ids[0], ids[1]
	n, err := s.Node(ctx, renamed)
	if err != nil {
		t.Fatal(err)
	}
	n.Name += " (renamed)"
	var b graph.Batch
	b.PutNode(n)
	b.PutNode(graph.Node{ID: "person/names-in-memory", Name: "Names in Memory"})
	b.DeleteNode(deleted, true)
	mustApply(t, s, &b)
	ids = append(ids, "person/names-in-memory")
	check("small commit")
	gone, err := graph.KindOf(deleted)
	if err != nil {
		t.Fatal(err)
	}
	b = graph.Batch{}
	b.PutNode(graph.Node{ID: deleted, Kind: gone, Name: "Back with another name"})
	mustApply(t, s, &b)
	check("re-created")

	// A staged batch renames every sampled node.
	log.Reset()
	stored, err := s.Nodes(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	b = graph.Batch{}
	for i, n := range stored {
		n.Name += ", staged"
		b.PutNode(*n)
		// And new people with long descriptions, to make the batch big.
		b.PutNode(graph.Node{ID: fmt.Sprintf("person/filler-%d", i), Name: fmt.Sprintf("Filler %d", i), Description: strings.Repeat("x", 2000)})
	}
	mustApply(t, s, &b)
	if !strings.Contains(log.String(), "staged batch committed") {
		t.Fatalf("the big batch was not staged; the log:\n%s", log.String())
	}
	check("staged batch")

	// From the snapshot of a clean close, and from the keys.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	if strings.Contains(log.String(), "topology snapshot not used") {
		t.Fatalf("the snapshot was not used:\n%s", log.String())
	}
	check("open from the snapshot")
	// Names read from the snapshot's mapping outlive Close, which
	// releases it.
	held, err := s.Neighborhood(ctx, renamed, graph.NeighborhoodOptions{Depth: 1, NodeKeysOnly: true, EdgeKeysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	heldIDs := make([]string, len(held.Nodes))
	for i, n := range held.Nodes {
		heldIDs[i] = n.ID
	}
	stored, err = s.Nodes(ctx, heldIDs)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	for i, n := range held.Nodes {
		if n.Name != stored[i].Name {
			t.Fatalf("after Close, %s is named %q, stored %q", n.ID, n.Name, stored[i].Name)
		}
	}
	if err := os.Remove(filepath.Join(dir, "stancegraph.topology")); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	check("open from the keys")
}
