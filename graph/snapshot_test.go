package graph_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

// openLogged opens dir with a debug logger into buf.
func openLogged(t *testing.T, dir string, buf *bytes.Buffer) *graph.Store {
	t.Helper()
	buf.Reset()
	s, err := graph.Open(dir, graph.Options{Logger: zerolog.New(buf).Level(zerolog.DebugLevel), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func snapshotUsed(buf *bytes.Buffer) bool {
	return !strings.Contains(buf.String(), "topology snapshot not used")
}

// reopenedFixture writes the fixture into a store in dir, closes it and
// opens it again, from the snapshot the Close left.
func reopenedFixture(t *testing.T, dir string) *graph.Store {
	t.Helper()
	var log bytes.Buffer
	s := openLogged(t, dir, &log)
	mustApply(t, s, fixture())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openLogged(t, dir, &log)
	if !snapshotUsed(&log) {
		t.Fatalf("the store did not open from its snapshot:\n%s", log.String())
	}
	return s
}

func TestTopologySnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var log bytes.Buffer
	s := openLogged(t, dir, &log)
	mustApply(t, s, fixture())
	var b graph.Batch // leave deleted slots in the topology
	b.DeleteNode("stance/guterres", true)
	b.DeleteEdge(graph.Signed, "org/germany", "doc/declaration")
	mustApply(t, s, &b)
	want, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path, ok, err := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 6})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	snap := filepath.Join(dir, "stancegraph.topology")
	old, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}

	// A clean close: the next open loads the snapshot, and it is exact
	// (Verify compares the topology with one rebuilt from the keys). The
	// open consumes it: a crash from now on must not find it.
	s = openLogged(t, dir, &log)
	if _, err := os.Stat(snap); err == nil {
		t.Fatal("the snapshot is still there after the open that used it")
	}
	if !snapshotUsed(&log) {
		t.Fatalf("the snapshot of a clean close was not used:\n%s", log.String())
	}
	mustVerify(t, s)
	got, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Nodes != want.Nodes || got.Edges != want.Edges {
		t.Fatalf("counts from the snapshot %+v, want %+v", got, want)
	}
	again, ok, err := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 6})
	if err != nil || !ok || len(again.Edges) != len(path.Edges) {
		t.Fatalf("path from the snapshot: %v %v %v, want %d edges", again, ok, err, len(path.Edges))
	}
	// The loaded lists live in the mapped file (copy on write): edges
	// removed from a list and added to it change the store and never the
	// file, and the next snapshot holds the changes.
	b = graph.Batch{}
	b.PutNode(graph.Node{ID: "person/new", Name: "New"})
	b.DeleteEdge(graph.OnTopic, "stance/vance", "topic/ai-regulation")
	b.DeleteEdge(graph.HeldBy, "stance/scholz", "person/olaf-scholz")
	b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/scholz", To: "person/new"})
	b.PutEdge(graph.Edge{Type: graph.Mentions, From: "doc/article", To: "person/new"})
	b.PutEdge(graph.Edge{Type: graph.Mentions, From: "doc/article", To: "person/olaf-scholz"})
	mustApply(t, s, &b)
	mustVerify(t, s)
	changed, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Edges != want.Edges+1 {
		t.Fatalf("%d edges after removing 2 and adding 3 to %d", changed.Edges, want.Edges)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openLogged(t, dir, &log)
	if !snapshotUsed(&log) {
		t.Fatalf("the snapshot of a clean close was not used:\n%s", log.String())
	}
	mustVerify(t, s)
	if got, err := s.Counts(ctx); err != nil || got.Edges != changed.Edges || got.Nodes != changed.Nodes {
		t.Fatalf("counts from the second snapshot %+v, %v; want %+v", got, err, changed)
	}
	// A commit after the snapshot makes it stale: an old snapshot file put
	// back is refused by its commit sequence, and the store scans its keys.
	b = graph.Batch{}
	b.PutNode(graph.Node{ID: "person/newer", Name: "Newer"})
	mustApply(t, s, &b)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snap, old, 0o644); err != nil {
		t.Fatal(err)
	}
	s = openLogged(t, dir, &log)
	if snapshotUsed(&log) {
		t.Fatal("a snapshot older than the database was used")
	}
	if !s.Has(ctx, "person/new") || !s.Has(ctx, "person/newer") {
		t.Fatal("a node committed after the old snapshot is missing")
	}
	mustVerify(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A damaged snapshot is refused by its checksum.
	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(snap, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s = openLogged(t, dir, &log)
	defer s.Close()
	if snapshotUsed(&log) {
		t.Fatal("a damaged snapshot was used")
	}
	mustVerify(t, s)
}

// TestClosedSnapshotStore: a store whose topology lives in the snapshot's
// mapping answers nothing from it once closed, since Close releases the
// mapping; reads say the store is closed and Has finds nothing.
func TestClosedSnapshotStore(t *testing.T) {
	ctx := context.Background()
	s := reopenedFixture(t, t.TempDir())
	if !s.Has(ctx, "person/jd-vance") {
		t.Fatal("the store opened from its snapshot lacks a node")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.Has(ctx, "person/jd-vance") {
		t.Fatal("a closed store has a node")
	}
	if _, _, err := s.ShortestPath(ctx, "person/jd-vance", "org/usa", graph.PathOptions{MaxDepth: 3}); !errors.Is(err, graph.ErrClosed) {
		t.Fatalf("path on a closed store: %v, want ErrClosed", err)
	}
}

// TestIDsOutliveClose: ids read from a store opened from its snapshot
// point into the snapshot's mapping; once the store is closed they still
// read the same, and the removed snapshot file is no longer mapped.
func TestIDsOutliveClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := reopenedFixture(t, dir)
	hood, err := s.Neighborhood(ctx, "person/jd-vance", graph.NeighborhoodOptions{Depth: 2, Limit: 100, NodeKeysOnly: true, EdgeKeysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range hood.Nodes {
		ids = append(ids, n.ID)
	}
	want := strings.Join(ids, " ") // copied while the store is open
	if len(ids) < 5 {
		t.Fatalf("the neighbourhood holds %v", ids)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("ids after Close: %q, want %q", got, want)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps to check the mappings: %v", err)
	}
	if strings.Contains(string(maps), filepath.Join(dir, "stancegraph.topology")) {
		t.Fatalf("the snapshot is still mapped after Close:\n%s", maps)
	}
}
