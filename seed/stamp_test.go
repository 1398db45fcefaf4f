package seed

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

// datasetDir copies the shipped dataset into a temp directory the test
// may edit.
func datasetDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("data")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func applyDir(t *testing.T, st *graph.Store, dir string, prune bool) graph.Result {
	t.Helper()
	set, err := LoadPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), st, set, ApplyOptions{Prune: prune})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantUnchanged(t *testing.T, st *graph.Store, dir string, prune, want bool, why string) {
	t.Helper()
	got, err := Unchanged(context.Background(), st, prune, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s: Unchanged(prune=%v) = %v, want %v", why, prune, got, want)
	}
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUnchanged(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	dir := datasetDir(t)
	wantUnchanged(t, st, dir, false, false, "never applied")
	applyDir(t, st, dir, false)
	wantUnchanged(t, st, dir, false, true, "just applied")
	wantUnchanged(t, st, dir, true, false, "applied without prune, asked with prune")

	// Editing a YAML file, or a text file one of them reads, is noticed;
	// applying again makes the set unchanged again.
	edit(t, filepath.Join(dir, "topics.yaml"), "name:", "name:  ")
	wantUnchanged(t, st, dir, false, false, "after editing topics.yaml")
	applyDir(t, st, dir, false)
	wantUnchanged(t, st, dir, false, true, "after applying the edit")
	edit(t, filepath.Join(dir, "ai-action-summit-2025.de.txt"), "Paris", "Paris ")
	wantUnchanged(t, st, dir, false, false, "after editing the article's text file")
	res := applyDir(t, st, dir, false)
	if res.NodesUpdated != 1 {
		t.Fatalf("applying the edited text updated %d nodes, want the article", res.NodesUpdated)
	}
	wantUnchanged(t, st, dir, false, true, "after applying the text edit")

	// A pruning apply makes the stamps exact; an ordinary apply of the
	// same files keeps them exact.
	applyDir(t, st, dir, true)
	wantUnchanged(t, st, dir, true, true, "after a pruning apply")
	applyDir(t, st, dir, false)
	wantUnchanged(t, st, dir, true, true, "after an ordinary apply of the same files")

	// Another writer changing a node of one of the files is noticed.
	set, err := LoadPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	var someID string
	if err := set.EachNode(func(n *graph.Node) error {
		if someID == "" && n.Origin == "actors.yaml" {
			someID = n.ID
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	n, err := st.Node(ctx, someID)
	if err != nil {
		t.Fatal(err)
	}
	n.Description = "changed by a mutation"
	n.Origin = "mutation"
	var b graph.Batch
	b.PutNode(n)
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	wantUnchanged(t, st, dir, false, false, "after a mutation changed "+someID)
	res = applyDir(t, st, dir, false)
	if res.NodesUpdated != 1 {
		t.Fatalf("re-seeding after the mutation updated %d nodes, want 1", res.NodesUpdated)
	}
	wantUnchanged(t, st, dir, false, true, "after re-seeding over the mutation")

	// A file added to the directory has no stamp yet.
	if err := os.WriteFile(filepath.Join(dir, "more.yaml"), []byte("people:\n  - id: person/new\n    name: New\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantUnchanged(t, st, dir, false, false, "after adding a file")
}

func TestStampRoundTrip(t *testing.T) {
	d := digest{texts: []textDigest{{name: "a/b.txt"}, {name: ""}}}
	d.sum[0], d.texts[0].sum[31] = 7, 9
	got, flags, ok := decodeStamp(d.encode(stampExact))
	if !ok || flags != stampExact || !sameDigest(&got, &d) {
		t.Fatalf("round trip: %+v %v %v", got, flags, ok)
	}
	for _, bad := range [][]byte{nil, {stampVersion}, append([]byte{stampVersion + 1, 0}, make([]byte, 32)...), append(d.encode(0), 5)} {
		if _, _, ok := decodeStamp(bad); ok {
			t.Errorf("decodeStamp(%x) accepted a malformed stamp", bad)
		}
	}
}
