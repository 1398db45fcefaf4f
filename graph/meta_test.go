package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

func person(id, origin string) graph.Node {
	return graph.Node{ID: "person/" + id, Kind: graph.KindPerson, Name: id, Origin: origin}
}

func org(id, origin string) graph.Node {
	return graph.Node{ID: "org/" + id, Kind: graph.KindOrganization, OrgType: graph.OrgState, Name: id, Origin: origin}
}

func TestSeqCountsCommits(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	if got := s.Seq(); got != 0 {
		t.Fatalf("new store: Seq %d, want 0", got)
	}
	var b graph.Batch
	b.PutNode(person("a", "x.yaml"))
	mustApply(t, s, &b)
	mustApply(t, s, &b) // identical: nothing to commit
	b = graph.Batch{}
	b.PutNode(person("b", "x.yaml"))
	mustApply(t, s, &b)
	if got := s.Seq(); got != 2 {
		t.Fatalf("after two changing batches and one identical: Seq %d, want 2", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, graph.Options{})
	defer s.Close()
	if got := s.Seq(); got != 2 {
		t.Fatalf("after reopening: Seq %d, want 2", got)
	}
}

// TestOpenRefusesLostCommits replaces the Badger files by an older copy
// of themselves, as a damaged write-ahead log can, and expects Open to
// notice from the commit record outside Badger.
func TestOpenRefusesLostCommits(t *testing.T) {
	dir := t.TempDir()
	old := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	var b graph.Batch
	b.PutNode(person("a", "x.yaml"))
	mustApply(t, s, &b)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	copyBadgerFiles(t, dir, old)
	s = mustOpenDir(t, dir, graph.Options{})
	for i := range 3 {
		b = graph.Batch{}
		b.PutNode(person(fmt.Sprint("n", i), "x.yaml"))
		mustApply(t, s, &b)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	removeBadgerFiles(t, dir)
	copyBadgerFiles(t, old, dir)

	_, err := graph.Open(dir, graph.Options{})
	if !errors.Is(err, graph.ErrLost) {
		t.Fatalf("Open of a database missing 3 acknowledged commits: %v, want ErrLost", err)
	}
	for _, want := range []string{"holds 1 commits but 4 were acknowledged", "stancegraph restore"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	s = mustOpenDir(t, dir, graph.Options{AcceptLoss: true})
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes != 1 {
		t.Fatalf("accepted database holds %d nodes, want the 1 it kept", c.Nodes)
	}
	mustVerify(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, graph.Options{}) // accepted once, the record matches again
	s.Close()
}

func TestRestoreResetsCommitRecord(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	var b graph.Batch
	b.PutNode(person("a", "x.yaml"))
	mustApply(t, s, &b)
	var backup bytes.Buffer
	if err := s.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		b = graph.Batch{}
		b.PutNode(person(fmt.Sprint("n", i), "x.yaml"))
		mustApply(t, s, &b)
	}
	if err := s.Restore(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	if got := s.Seq(); got != 1 {
		t.Fatalf("Seq after restoring a backup of commit 1: %d", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, graph.Options{}) // must not report lost commits
	s.Close()
}

func stampOf(t *testing.T, s *graph.Store, origin string) []byte {
	t.Helper()
	got, err := s.OriginStamps(context.Background(), []string{origin})
	if err != nil {
		t.Fatal(err)
	}
	return got[0]
}

func TestOriginStamps(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	defer func() { s.Close() }()

	var b graph.Batch
	b.PutNode(person("a", "x.yaml"))
	b.PutNode(org("b", "y.yaml"))
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/a", To: "org/b", Origin: "x.yaml"})
	b.StampOrigin("x.yaml", []byte("x1"))
	b.StampOrigin("y.yaml", []byte("y1"))
	mustApply(t, s, &b)
	if got := stampOf(t, s, "x.yaml"); string(got) != "x1" {
		t.Fatalf("stamp of x.yaml: %q", got)
	}
	seq := s.Seq()

	// Stamping again with the same value commits nothing.
	b = graph.Batch{}
	b.StampOrigin("x.yaml", []byte("x1"))
	mustApply(t, s, &b)
	if s.Seq() != seq {
		t.Fatal("an unchanged stamp was committed")
	}

	// Changing y's data clears y's stamp only.
	b = graph.Batch{}
	n := org("b", "y.yaml")
	n.Description = "changed"
	b.PutNode(n)
	mustApply(t, s, &b)
	if got := stampOf(t, s, "y.yaml"); got != nil {
		t.Fatalf("stamp of y.yaml after its node changed: %q", got)
	}
	if got := stampOf(t, s, "x.yaml"); string(got) != "x1" {
		t.Fatalf("stamp of x.yaml after another origin changed: %q", got)
	}

	// A node moving to another origin clears the stamp of its old one;
	// so does deleting an edge of x.
	b = graph.Batch{}
	b.StampOrigin("z.yaml", []byte("z1"))
	b.PutNode(person("a", "z.yaml"))
	mustApply(t, s, &b)
	if got := stampOf(t, s, "x.yaml"); got != nil {
		t.Fatalf("stamp of x.yaml after its node moved to z.yaml: %q", got)
	}
	if got := stampOf(t, s, "z.yaml"); string(got) != "z1" {
		t.Fatalf("stamp of z.yaml, renewed with the change: %q", got)
	}
	b = graph.Batch{}
	b.StampOrigin("x.yaml", []byte("x2"))
	mustApply(t, s, &b)
	b = graph.Batch{}
	b.DeleteEdge(graph.MemberOf, "person/a", "org/b")
	mustApply(t, s, &b)
	if got := stampOf(t, s, "x.yaml"); got != nil {
		t.Fatalf("stamp of x.yaml after its edge was deleted: %q", got)
	}

	// Stamps survive reopening; a refused batch changes none.
	b = graph.Batch{}
	b.StampOrigin("z.yaml", nil)
	b.StampOrigin("w.yaml", []byte("w1"))
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/a", To: "org/none"})
	if _, err := s.Apply(ctx, &b, graph.ApplyOptions{}); err == nil {
		t.Fatal("an edge to a missing node was accepted")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, graph.Options{})
	if got := stampOf(t, s, "z.yaml"); string(got) != "z1" {
		t.Fatalf("stamp of z.yaml after reopening: %q", got)
	}
	if got := stampOf(t, s, "w.yaml"); got != nil {
		t.Fatalf("a refused batch stored a stamp: %q", got)
	}
}

// TestStampsOfLoads covers the streamed load into an empty store, which
// starts by clearing the database, and a staged batch.
func TestStampsOfLoads(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	var b graph.Batch
	for i := range 6000 {
		b.PutNode(person(fmt.Sprint("p", i), "big.yaml"))
	}
	b.StampOrigin("big.yaml", []byte("v1"))
	mustApply(t, s, &b)
	if got := stampOf(t, s, "big.yaml"); string(got) != "v1" {
		t.Fatalf("stamp after a streamed load: %q", got)
	}
	if s.Seq() != 1 {
		t.Fatalf("Seq after a streamed load: %d", s.Seq())
	}
	b = graph.Batch{}
	for i := range 6000 {
		n := person(fmt.Sprint("p", i), "big.yaml")
		n.Description = strings.Repeat("long text ", 100)
		b.PutNode(n)
	}
	mustApply(t, s, &b) // too big for one transaction: staged
	if got := stampOf(t, s, "big.yaml"); got != nil {
		t.Fatalf("stamp after an unstamped staged change: %q", got)
	}
	if s.Seq() != 2 {
		t.Fatalf("Seq after a staged batch: %d", s.Seq())
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes != 6000 {
		t.Fatalf("%d nodes", c.Nodes)
	}
	mustVerify(t, s)
}

// badgerFiles lists the database files of dir, leaving out our own.
func badgerFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "stancegraph.") {
			out = append(out, e.Name())
		}
	}
	return out
}

func copyBadgerFiles(t *testing.T, from, to string) {
	t.Helper()
	for _, name := range badgerFiles(t, from) {
		data, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func removeBadgerFiles(t *testing.T, dir string) {
	t.Helper()
	for _, name := range badgerFiles(t, dir) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}
