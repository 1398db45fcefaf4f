package seed

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

func mustOpen(tb testing.TB) *graph.Store {
	tb.Helper()
	st, err := graph.Open("", graph.Options{InMemory: true, Logger: zerolog.New(zerolog.NewTestWriter(tb)).Level(zerolog.WarnLevel)})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return st
}

func mustLoad(tb testing.TB, fsys fstest.MapFS) *Set {
	tb.Helper()
	s, err := LoadFS(fsys, ".")
	if err != nil {
		tb.Fatalf("LoadFS: %v", err)
	}
	return s
}

func goodFS(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"actors.yaml", "topics.yaml", "summit.yaml", "docs/documents.yaml", "docs/article.de.txt"} {
		data, err := os.ReadFile("testdata/good/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func counts(t *testing.T, st *graph.Store) graph.Counts {
	t.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	return c
}

func TestApplyIdempotent(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	set := mustLoad(t, goodFS(t))

	res, err := Apply(ctx, st, set, ApplyOptions{})
	if err != nil {
		t.Fatalf("first Apply: %v", err)
	}
	if res.NodesCreated != set.Nodes() || res.EdgesCreated != set.Edges() || res.NodesUpdated+res.EdgesUpdated != 0 {
		t.Errorf("first Apply: %+v, want %d nodes and %d edges created", res, set.Nodes(), set.Edges())
	}
	if c := counts(t, st); c.Nodes != set.Nodes() || c.Edges != set.Edges() {
		t.Errorf("store holds %d nodes, %d edges; want %d, %d", c.Nodes, c.Edges, set.Nodes(), set.Edges())
	}
	n, err := st.Node(ctx, "doc/example-article")
	if err != nil {
		t.Fatal(err)
	}
	if n.Origin != "docs/documents.yaml" || !strings.Contains(n.Text, "klare Regeln") {
		t.Errorf("stored document: origin %q, text %q", n.Origin, n.Text)
	}
	e, err := st.Edge(ctx, graph.HeldBy, "stance/ada-example-ai-regulation", "person/ada-example")
	if err != nil {
		t.Fatalf("shorthand holder edge: %v", err)
	}
	if e.Origin != "summit.yaml" {
		t.Errorf("shorthand edge origin %q", e.Origin)
	}

	// The same set again, freshly parsed: nothing changes, and nothing
	// needs to be sent to the store at all.
	b, err := plan(ctx, st, mustLoad(t, goodFS(t)), ApplyOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 {
		t.Errorf("the batch of an unchanged set has %d operations, want 0", b.Len())
	}
	res, err = Apply(ctx, st, mustLoad(t, goodFS(t)), ApplyOptions{})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if res.Changed() {
		t.Errorf("second Apply changed the store: %+v", res)
	}
}

func TestApplyChangeOneField(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	fsys := goodFS(t)
	if _, err := Apply(ctx, st, mustLoad(t, fsys), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	data := string(fsys["summit.yaml"].Data)
	changed := strings.Replace(data, "position: 0.8", "position: 0.7", 1)
	if changed == data {
		t.Fatal("fixture lacks position: 0.8")
	}
	fsys["summit.yaml"] = &fstest.MapFile{Data: []byte(changed)}
	if b, err := plan(ctx, st, mustLoad(t, fsys), ApplyOptions{}); err != nil || b.Len() != 1 {
		t.Errorf("plan after one change: %v, %v; want one operation", b, err)
	}
	res, err := Apply(ctx, st, mustLoad(t, fsys), ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Result{NodesUpdated: 1}
	if res.NodesCreated != 0 || res.NodesUpdated != 1 || res.NodesDeleted != 0 || res.EdgesCreated+res.EdgesUpdated+res.EdgesDeleted != 0 {
		t.Errorf("Apply after one change: %+v, want %+v", res, want)
	}
	if c := res.ByKind[graph.KindStance]; c.Updated != 1 {
		t.Errorf("by kind: %+v, want one stance updated", res.ByKind)
	}
	n, _ := st.Node(ctx, "stance/ada-example-ai-regulation")
	if n.Position != 0.7 {
		t.Errorf("position = %v, want 0.7", n.Position)
	}
}

func TestApplyDryRun(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	set := mustLoad(t, goodFS(t))
	res, err := Apply(ctx, st, set, ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.NodesCreated != set.Nodes() || res.EdgesCreated != set.Edges() {
		t.Errorf("dry run reports %+v, want %d nodes and %d edges created", res, set.Nodes(), set.Edges())
	}
	if c := counts(t, st); c.Nodes != 0 || c.Edges != 0 {
		t.Errorf("dry run wrote %d nodes and %d edges", c.Nodes, c.Edges)
	}
}

func TestApplyPrune(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	fsys := goodFS(t)
	if _, err := Apply(ctx, st, mustLoad(t, fsys), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	// Writes of other origins: a mutation and another seed set.
	var b graph.Batch
	b.PutNode(graph.Node{ID: "person/from-mutation", Name: "M", Origin: "mutation"})
	b.PutNode(graph.Node{ID: "person/other-set", Name: "O", Origin: "other/people.yaml"})
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/from-mutation", To: "org/examplestan", Origin: "mutation"})
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}

	// Drop Bo Sample (and so his ANNOUNCED edge) and the SIGNED edge.
	actors := strings.Replace(string(fsys["actors.yaml"].Data), "  - id: person/bo-sample\n    name: Bo Sample\n", "", 1)
	summit := strings.Replace(string(fsys["summit.yaml"].Data), "    announcedBy: [person/bo-sample]\n", "", 1)
	summit = strings.Replace(summit, "  - {type: SIGNED, from: org/examplestan, to: doc/example-declaration}\n", "", 1)
	fsys["actors.yaml"] = &fstest.MapFile{Data: []byte(actors)}
	fsys["summit.yaml"] = &fstest.MapFile{Data: []byte(summit)}
	set := mustLoad(t, fsys)

	// Without prune nothing goes.
	res, err := Apply(ctx, st, set, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.NodesDeleted+res.EdgesDeleted != 0 || res.Changed() {
		t.Errorf("Apply without prune: %+v", res)
	}
	// A dry run with prune reports the deletions and makes none.
	res, err = Apply(ctx, st, set, ApplyOptions{Prune: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.NodesDeleted != 1 || res.EdgesDeleted != 2 {
		t.Errorf("dry-run prune: %+v, want 1 node and 2 edges deleted", res)
	}
	if !st.Has(ctx, "person/bo-sample") {
		t.Fatal("dry-run prune deleted a node")
	}
	res, err = Apply(ctx, st, set, ApplyOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.NodesDeleted != 1 || res.EdgesDeleted != 2 || res.NodesCreated+res.NodesUpdated+res.EdgesCreated+res.EdgesUpdated != 0 {
		t.Errorf("prune: %+v, want 1 node and 2 edges deleted", res)
	}
	if st.Has(ctx, "person/bo-sample") {
		t.Error("person/bo-sample survived the prune")
	}
	if _, err := st.Edge(ctx, graph.Signed, "org/examplestan", "doc/example-declaration"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("SIGNED edge after prune: %v", err)
	}
	for _, id := range []string{"person/from-mutation", "person/other-set", "person/ada-example"} {
		if !st.Has(ctx, id) {
			t.Errorf("prune deleted %s", id)
		}
	}
	if _, err := st.Edge(ctx, graph.MemberOf, "person/from-mutation", "org/examplestan"); err != nil {
		t.Errorf("prune touched the mutation's edge: %v", err)
	}
	if c := counts(t, st); c.Nodes != set.Nodes()+2 || c.Edges != set.Edges()+1 {
		t.Errorf("after prune: %d nodes, %d edges; want %d, %d", c.Nodes, c.Edges, set.Nodes()+2, set.Edges()+1)
	}
}

func TestApplyPruneRefusesForeignEdge(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	fsys := goodFS(t)
	if _, err := Apply(ctx, st, mustLoad(t, fsys), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	var b graph.Batch
	b.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/bo-sample", To: "org/example-union", Origin: "mutation"})
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	actors := strings.Replace(string(fsys["actors.yaml"].Data), "  - id: person/bo-sample\n    name: Bo Sample\n", "", 1)
	summit := strings.Replace(string(fsys["summit.yaml"].Data), "    announcedBy: [person/bo-sample]\n", "", 1)
	fsys["actors.yaml"] = &fstest.MapFile{Data: []byte(actors)}
	fsys["summit.yaml"] = &fstest.MapFile{Data: []byte(summit)}
	before := counts(t, st)
	_, err := Apply(ctx, st, mustLoad(t, fsys), ApplyOptions{Prune: true})
	if !errors.Is(err, graph.ErrHasEdges) {
		t.Fatalf("prune of a node a mutation's edge uses: %v, want ErrHasEdges", err)
	}
	if after := counts(t, st); after.Nodes != before.Nodes || after.Edges != before.Edges {
		t.Errorf("a refused prune changed the store: %+v -> %+v", before, after)
	}
}

func TestApplyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	fsys := goodFS(t)
	// One error in one file: nothing of any file is written.
	fsys["summit.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["summit.yaml"].Data), "position: 0.8", "position: 1.8", 1))}
	set, err := LoadFS(fsys, ".")
	if err == nil || set != nil {
		t.Fatalf("LoadFS of a broken set: %v, %v", set, err)
	}
	// A set whose only problem is a reference the store cannot resolve
	// fails in Apply, and writes nothing either.
	fsys = goodFS(t)
	fsys["extra.yaml"] = &fstest.MapFile{Data: []byte("people:\n  - {id: person/x, name: X}\nedges:\n  - {type: MEMBER_OF, from: person/x, to: org/nowhere}\n")}
	set, err = LoadFS(fsys, ".")
	if set == nil || !errors.Is(err, ErrDangling) {
		t.Fatalf("LoadFS with a dangling reference: set %v, err %v", set, err)
	}
	_, err = Apply(ctx, st, set, ApplyOptions{})
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].File != "extra.yaml" || es[0].Line != 4 || !errors.Is(err, ErrDangling) {
		t.Fatalf("Apply with a dangling reference: %v", err)
	}
	if c := counts(t, st); c.Nodes != 0 || c.Edges != 0 {
		t.Errorf("a failed Apply wrote %d nodes and %d edges", c.Nodes, c.Edges)
	}
}

// TestApplyResolvesFromStore applies a mutation-style document whose
// references point at nodes already in the store.
func TestApplyResolvesFromStore(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	if _, err := Apply(ctx, st, mustLoad(t, goodFS(t)), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := []byte(`stances:
  - id: stance/bo-sample-ai-regulation
    name: Against rules
    holder: person/bo-sample
    topic: topic/ai-regulation
    position: -0.6
    sources: [{document: doc/example-article, locator: "¶4"}]
`)
	set, err := ParseDocument("mutation", doc)
	if set == nil || !errors.Is(err, ErrDangling) {
		t.Fatalf("ParseDocument: %v", err)
	}
	res, err := Apply(ctx, st, set, ApplyOptions{})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if res.NodesCreated != 1 || res.EdgesCreated != 2 {
		t.Errorf("Apply: %+v, want 1 node and 2 edges created", res)
	}
	n, err := st.Node(ctx, "stance/bo-sample-ai-regulation")
	if err != nil || n.Origin != "mutation" || n.Confidence != 1 {
		t.Errorf("stored stance %+v, %v", n, err)
	}
	// Again: the set is small against the store, so plan looks its items
	// up one by one, and finds them all unchanged.
	if b, err := plan(ctx, st, set, ApplyOptions{}); err != nil || b.Len() != 0 {
		t.Errorf("plan of an applied document: %v, %v; want no operations", b, err)
	}
}

// TestApplyCycleThroughStore checks that a SUBTOPIC_OF edge of the set that
// closes a cycle with an edge already in the store is refused.
func TestApplyCycleThroughStore(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	var b graph.Batch
	for _, id := range []string{"topic/ai-governance", "topic/ai-regulation"} {
		b.PutNode(graph.Node{ID: id, Name: id, Scale: &graph.Scale{Negative: "n", Positive: "p"}, Origin: "mutation"})
	}
	b.PutEdge(graph.Edge{Type: graph.SubtopicOf, From: "topic/ai-governance", To: "topic/ai-regulation", Origin: "mutation"})
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := Apply(ctx, st, mustLoad(t, goodFS(t)), ApplyOptions{})
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || !errors.Is(err, ErrCycle) || es[0].File != "topics.yaml" || es[0].Line != 11 {
		t.Fatalf("Apply: %v, want one cycle at topics.yaml:11", err)
	}
	if c := counts(t, st); c.Nodes != 2 || c.Edges != 1 {
		t.Errorf("a refused Apply changed the store: %+v", c)
	}
}

func TestSummary(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t)
	doc := []byte("people:\n  - {id: person/a, name: A}\norganizations:\n  - {id: org/o, name: O, type: NGO}\nedges:\n  - {type: MEMBER_OF, from: person/a, to: org/o}\n")
	set, err := ParseDocument("mutation", doc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(ctx, st, set, ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := `nodes: 2 would be created, 0 would be updated, 0 would be deleted
  PERSON: 1 would be created, 0 would be updated, 0 would be deleted
  ORGANIZATION: 1 would be created, 0 would be updated, 0 would be deleted
edges: 1 would be created, 0 would be updated, 0 would be deleted
  MEMBER_OF: 1 would be created, 0 would be updated, 0 would be deleted
`
	if got := Summary(res, true); got != want {
		t.Errorf("Summary:\n%s\nwant:\n%s", got, want)
	}
}
