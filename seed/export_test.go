package seed_test

import (
	"bytes"
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
	"github.com/stancegraph/stancegraph/graph/synth"
	"github.com/stancegraph/stancegraph/seed"
)

func exportOpen(tb testing.TB) *graph.Store {
	tb.Helper()
	st, err := graph.Open("", graph.Options{InMemory: true, Logger: zerolog.New(zerolog.NewTestWriter(tb)).Level(zerolog.WarnLevel)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func exportYAML(tb testing.TB, st *graph.Store, sel seed.Selector) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := seed.Export(context.Background(), st, &b, sel); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// reseed applies an export to an empty store.
func reseed(tb testing.TB, data []byte) *graph.Store {
	tb.Helper()
	set, err := seed.Parse("export.yaml", data, nil)
	if err != nil {
		tb.Fatalf("the export does not load: %v\n%s", err, data)
	}
	st := exportOpen(tb)
	if _, err := seed.Apply(context.Background(), st, set, seed.ApplyOptions{}); err != nil {
		tb.Fatalf("the export does not apply: %v", err)
	}
	return st
}

// sameGraph compares two stores node by node and edge by edge, ignoring
// origins (seeding sets them to the file name).
func sameGraph(t *testing.T, a, b *graph.Store) {
	t.Helper()
	ctx := context.Background()
	var an, bn []graph.Node
	var ae, be []graph.Edge
	for _, c := range []struct {
		st    *graph.Store
		nodes *[]graph.Node
		edges *[]graph.Edge
	}{{a, &an, &ae}, {b, &bn, &be}} {
		if err := c.st.ForEachNode(ctx, func(n *graph.Node) error {
			n.Origin = ""
			*c.nodes = append(*c.nodes, *n)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := c.st.ForEachEdge(ctx, func(e *graph.Edge) error {
			e.Origin = ""
			*c.edges = append(*c.edges, *e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(an) != len(bn) || len(ae) != len(be) {
		t.Fatalf("%d nodes and %d edges became %d and %d", len(an), len(ae), len(bn), len(be))
	}
	for i := range an {
		if !reflect.DeepEqual(an[i], bn[i]) {
			t.Errorf("node changed:\n%+v\n%+v", an[i], bn[i])
		}
	}
	for i := range ae {
		if !reflect.DeepEqual(ae[i], be[i]) {
			t.Errorf("edge changed:\n%+v\n%+v", ae[i], be[i])
		}
	}
}

// TestExportRoundTripDataset: export the shipped dataset, seed it into an
// empty store, export again: the same bytes and the same graph.
func TestExportRoundTripDataset(t *testing.T) {
	set, err := seed.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	st := exportOpen(t)
	if _, err := seed.Apply(context.Background(), st, set, seed.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	first := exportYAML(t, st, nil)
	st2 := reseed(t, first)
	second := exportYAML(t, st2, nil)
	if !bytes.Equal(first, second) {
		t.Fatalf("the second export differs from the first:\n%s", firstDiff(first, second))
	}
	sameGraph(t, st, st2)
	// The canonical form uses the shorthand fields.
	for _, want := range []string{"\n    holder: person/jd-vance\n", "\n    topic: topic/ai-regulation\n", "\nstances:\n", "\nedges:\n  - type: "} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("the export lacks %q", want)
		}
	}
}

// TestExportRoundTripSynth does the same on a generated graph of about
// 5,000 edges.
func TestExportRoundTripSynth(t *testing.T) {
	ctx := context.Background()
	g := synth.New(synth.Config{Edges: 5000, Seed: 3})
	st := exportOpen(t)
	var b graph.Batch
	var firstDoc string
	for n := range g.Nodes {
		if n.Kind == graph.KindDocument && firstDoc == "" {
			firstDoc = n.ID
		}
		b.PutNode(n)
	}
	for e := range g.Edges {
		b.PutEdge(e)
	}
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	// The format requires a source on every stance; the generator leaves
	// some without.
	var fix graph.Batch
	if err := st.ForEachNode(ctx, func(n *graph.Node) error {
		if n.Kind == graph.KindStance && len(n.Sources) == 0 {
			n.Sources = []graph.Source{{Document: firstDoc}}
			fix.PutNode(*n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, &fix, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	first := exportYAML(t, st, nil)
	st2 := reseed(t, first)
	second := exportYAML(t, st2, nil)
	if !bytes.Equal(first, second) {
		t.Fatalf("the second export differs from the first:\n%s", firstDiff(first, second))
	}
	c1, _ := st.Counts(ctx)
	c2, _ := st2.Counts(ctx)
	if c1.Nodes != c2.Nodes || c1.Edges != c2.Edges || !reflect.DeepEqual(c1.ByEdgeType, c2.ByEdgeType) {
		t.Errorf("counts changed: %+v -> %+v", c1, c2)
	}
}

// TestExportText round-trips hostile text exactly, and shows the choice
// between shorthand fields and the edges list.
func TestExportText(t *testing.T) {
	ctx := context.Background()
	hostile := "„Zitat“ mit \"Anführung\", 'Apostroph', <tag> & Co.\nZeile 2\r\n\tTab; العربية: نحن بحاجة إلى قواعد; עברית: כללים ברורים 🤖 \x01\x7f\u0085\u2028\u2029\ufeff# not a comment: {[,]} *a &b !c %d @e `f` ---"
	st := exportOpen(t)
	src := []graph.Source{{Document: "doc/a", Quote: hostile, Locator: "¶ 1\n2"}}
	var b graph.Batch
	for _, n := range []graph.Node{
		{ID: "person/p", Name: hostile, Aliases: []string{"yes", "null", "1.5", hostile}, Description: hostile, Sources: src},
		{ID: "org/o", Name: "true", OrgType: graph.OrgState, Country: "NO"},
		{ID: "topic/t", Name: "T", Scale: &graph.Scale{Negative: hostile, Positive: "~"}},
		{ID: "topic/u", Name: "U", Scale: &graph.Scale{Negative: "-", Positive: "+"}},
		{ID: "topic/v", Name: "V", Scale: &graph.Scale{Negative: "-", Positive: "+"}},
		{ID: "doc/a", Name: "A", DocType: graph.DocArticle, Language: "no", Text: hostile + "\n", URL: "https://example.org/?q=\"x\"&y"},
		{ID: "event/e", Name: "E", StartDate: graph.MustDate("2025"), Location: hostile},
		{ID: "initiative/i", Name: "I", Amount: &graph.Money{Amount: 1e21, Currency: "EUR"}},
		{ID: "stance/s", Name: "S", Position: 0, Confidence: 0, Neutral: true, Summary: hostile, Sources: src,
			Quotes: []graph.Quote{{Text: hostile, Language: "ar", Translation: hostile, Source: "doc/a"}, {Text: "x", Language: "he", TranslationLanguage: "en"}}},
	} {
		b.PutNode(n)
	}
	for _, e := range []graph.Edge{
		{Type: graph.HeldBy, From: "stance/s", To: "person/p"},
		{Type: graph.OnTopic, From: "stance/s", To: "topic/t", Role: "main"}, // no plain one: the shorthand loses the role
		{Type: graph.SubtopicOf, From: "topic/t", To: "topic/u"},
		{Type: graph.SubtopicOf, From: "topic/t", To: "topic/v"}, // a second parent goes to the edges list
		{Type: graph.Published, From: "org/o", To: "doc/a", Role: hostile},
		{Type: graph.Funds, From: "org/o", To: "initiative/i"},
		{Type: graph.HoldsOffice, From: "person/p", To: "org/o", Role: hostile, ValidFrom: graph.MustDate("2021-12"), Sources: src},
	} {
		b.PutEdge(e)
	}
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	first := exportYAML(t, st, nil)
	st2 := reseed(t, first)
	if second := exportYAML(t, st2, nil); !bytes.Equal(first, second) {
		t.Fatalf("the second export differs from the first:\n%s", firstDiff(first, second))
	}
	for _, id := range []string{"person/p", "stance/s", "doc/a", "topic/t", "event/e", "org/o", "initiative/i"} {
		a, _ := st.Node(ctx, id)
		b, err := st2.Node(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		a.Origin, b.Origin = "", ""
		if id == "stance/s" {
			a.Quotes[0].TranslationLanguage = "en" // the loader's default, made explicit
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s changed:\n%+v\n%+v", id, a, b)
		}
	}
	e, err := st2.Edge(ctx, graph.Published, "org/o", "doc/a")
	if err != nil || e.Role != hostile {
		t.Errorf("PUBLISHED with a role: %+v, %v", e, err)
	}
	e, err = st2.Edge(ctx, graph.OnTopic, "stance/s", "topic/t")
	if err != nil || e.Role != "" {
		t.Errorf("ON_TOPIC: %+v, %v", e, err)
	}
	for _, want := range []string{"\n    parent: topic/u\n", "\n  - type: SUBTOPIC_OF\n    from: topic/t\n    to: topic/v\n", "\n    funders: [org/o]\n", "\n  - type: PUBLISHED\n"} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("the export lacks %q:\n%s", want, first)
		}
	}
}

// TestExportSelector exports the stances on a topic with their holders
// and sources; the result loads on its own.
func TestExportSelector(t *testing.T) {
	ctx := context.Background()
	set, err := seed.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	st := exportOpen(t)
	if _, err := seed.Apply(ctx, st, set, seed.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	sel, err := export.Filter{Topic: "topic/ai-regulation"}.Select(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	data := exportYAML(t, st, sel)
	st2 := reseed(t, data)
	if n, err := st2.Node(ctx, "stance/jd-vance-ai-regulation"); err != nil || n.Position != -0.8 {
		t.Errorf("Vance's stance: %+v, %v", n, err)
	}
	if st2.Has(ctx, "topic/ai-energy-demand") || st2.Has(ctx, "event/ai-action-summit-2025") {
		t.Error("the topic export holds nodes outside the topic")
	}
	c1, _ := st.Counts(ctx)
	c2, _ := st2.Counts(ctx)
	if c2.Nodes == 0 || c2.Nodes >= c1.Nodes {
		t.Errorf("the topic export has %d of %d nodes", c2.Nodes, c1.Nodes)
	}
}

// firstDiff shows the first differing line of two exports.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ: " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl)) + " lines"
}
