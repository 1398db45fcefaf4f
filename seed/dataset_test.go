package seed_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

// The shipped article and the ids the checks below rely on.
const (
	articleID   = "doc/ai-action-summit-2025-article"
	articleFile = "data/ai-action-summit-2025.de.txt"
)

// dataset is the shipped seed set applied to a fresh in-memory store, with
// every node and edge read back through the graph API.
type dataset struct {
	st    *graph.Store
	set   *seed.Set
	nodes map[string]graph.Node
	ids   []string // node ids in store order
	edges []graph.Edge
}

func loadDataset(t *testing.T) *dataset {
	t.Helper()
	ctx := context.Background()
	set, err := seed.Dataset()
	if err != nil {
		t.Fatalf("Dataset: %v", err)
	}
	st, err := graph.Open("", graph.Options{InMemory: true, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if _, err := seed.Apply(ctx, st, set, seed.ApplyOptions{}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	d := &dataset{st: st, set: set, nodes: map[string]graph.Node{}}
	err = st.ForEachNode(ctx, func(n *graph.Node) error {
		d.nodes[n.ID] = *n
		d.ids = append(d.ids, n.ID)
		return nil
	})
	if err != nil {
		t.Fatalf("ForEachNode: %v", err)
	}
	err = st.ForEachEdge(ctx, func(e *graph.Edge) error {
		d.edges = append(d.edges, *e)
		return nil
	})
	if err != nil {
		t.Fatalf("ForEachEdge: %v", err)
	}
	if len(d.nodes) != set.Nodes() || len(d.edges) != set.Edges() {
		t.Fatalf("store holds %d nodes and %d edges; the set has %d and %d", len(d.nodes), len(d.edges), set.Nodes(), set.Edges())
	}
	return d
}

// stances lists the stances matching q, page by page.
func (d *dataset) stances(t *testing.T, q graph.StanceQuery) []graph.Node {
	t.Helper()
	var out []graph.Node
	p := graph.Page{First: 100}
	for {
		page, err := d.st.Stances(context.Background(), q, p)
		if err != nil {
			t.Fatalf("Stances(%+v): %v", q, err)
		}
		out = append(out, page.Nodes...)
		if !page.HasNext {
			return out
		}
		p.After = page.EndCursor
	}
}

// edgesAt lists the edges of one type at a node in the direction.
func (d *dataset) edgesAt(t *testing.T, id string, dir graph.Direction, et graph.EdgeType) []graph.Edge {
	t.Helper()
	es, err := d.st.Edges(context.Background(), id, dir, []graph.EdgeType{et}, graph.Date{})
	if err != nil {
		t.Fatalf("Edges(%s, %s): %v", id, et, err)
	}
	return es
}

func TestDatasetStances(t *testing.T) {
	d := loadDataset(t)
	all := d.stances(t, graph.StanceQuery{})
	want := 0
	for _, n := range d.nodes {
		if n.Kind == graph.KindStance {
			want++
		}
	}
	if want == 0 || len(all) != want {
		t.Fatalf("Stances lists %d stances; the store holds %d stance nodes", len(all), want)
	}
	for _, s := range all {
		held := d.edgesAt(t, s.ID, graph.Out, graph.HeldBy)
		if len(held) != 1 {
			t.Errorf("%s: %d HELD_BY edges, want exactly 1", s.ID, len(held))
		} else if k := d.nodes[held[0].To].Kind; k != graph.KindPerson && k != graph.KindOrganization {
			t.Errorf("%s: held by %s, a %v; want a person or an organization", s.ID, held[0].To, k)
		}
		topics := d.edgesAt(t, s.ID, graph.Out, graph.OnTopic)
		if len(topics) != 1 {
			t.Errorf("%s: %d ON_TOPIC edges, want exactly 1", s.ID, len(topics))
		} else if d.nodes[topics[0].To].Kind != graph.KindTopic {
			t.Errorf("%s: ON_TOPIC points at %s, not a topic", s.ID, topics[0].To)
		}
		if len(s.Sources) == 0 {
			t.Errorf("%s: no sources", s.ID)
		}
		if len(s.Quotes) == 0 {
			t.Errorf("%s: no quotes", s.ID)
		}
		for i, q := range s.Quotes {
			if q.Source == "" || q.Translation == "" || q.TranslationLanguage == "" {
				t.Errorf("%s: quote %d lacks its source document or its translation: %+v", s.ID, i+1, q)
			}
		}
	}
}

// TestDatasetQuotesVerbatim checks every quote against the text of its
// source document, and a "¶N" locator against line N of that text.
func TestDatasetQuotesVerbatim(t *testing.T) {
	d := loadDataset(t)
	checked := 0
	check := func(owner, docID, quote, locator string) {
		t.Helper()
		doc, ok := d.nodes[docID]
		if !ok || doc.Kind != graph.KindDocument {
			t.Errorf("%s: source %q is not a document in the store", owner, docID)
			return
		}
		if quote == "" {
			return
		}
		checked++
		if doc.Text == "" {
			t.Errorf("%s: quote %q cites %s, which holds no text to check it against", owner, quote, docID)
			return
		}
		if !strings.Contains(doc.Text, quote) {
			t.Errorf("%s: quote not found verbatim in %s: %q", owner, docID, quote)
			return
		}
		if n, ok := strings.CutPrefix(locator, "¶"); ok {
			lines := strings.Split(doc.Text, "\n")
			i, err := strconv.Atoi(n)
			if err != nil || i < 1 || i > len(lines) {
				t.Errorf("%s: locator %q is not a paragraph of %s (1..%d)", owner, locator, docID, len(lines))
			} else if !strings.Contains(lines[i-1], quote) {
				t.Errorf("%s: quote %q is not in paragraph %s of %s", owner, quote, locator, docID)
			}
		}
	}
	for _, id := range d.ids {
		n := d.nodes[id]
		for _, s := range n.Sources {
			check(id, s.Document, s.Quote, s.Locator)
		}
		for _, q := range n.Quotes {
			check(id+" (quote)", q.Source, q.Text, "")
		}
	}
	for _, e := range d.edges {
		for _, s := range e.Sources {
			check(e.ID(), s.Document, s.Quote, s.Locator)
		}
	}
	if checked == 0 {
		t.Fatal("no quotes checked")
	}
	t.Logf("%d quotes found verbatim", checked)
}

func TestDatasetEveryNodeSourced(t *testing.T) {
	d := loadDataset(t)
	for _, id := range d.ids {
		if len(d.nodes[id].Sources) == 0 {
			t.Errorf("%s has no source", id)
		}
	}
}

// TestDatasetNoConsentForm checks that nothing of the publishing site's
// consent form, which followed the article on the page, entered the graph.
func TestDatasetNoConsentForm(t *testing.T) {
	d := loadDataset(t)
	banned := []string{"Vogel", "Einwilligung", "Newsletter", "Datenschutz", "Werbepartner"}
	scan := func(what string, v any) {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		s := strings.ToLower(string(b))
		for _, w := range banned {
			if strings.Contains(s, strings.ToLower(w)) {
				t.Errorf("%s contains %q", what, w)
			}
		}
	}
	for _, id := range d.ids {
		scan(id, d.nodes[id])
	}
	for _, e := range d.edges {
		scan(e.ID(), e)
	}
}

func TestDatasetArticleText(t *testing.T) {
	d := loadDataset(t)
	want, err := os.ReadFile(articleFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := d.st.Node(context.Background(), articleID)
	if err != nil {
		t.Fatalf("Node(%s): %v", articleID, err)
	}
	if doc.Text != string(want) {
		t.Errorf("%s: text differs from %s (%d bytes stored, %d in the file)", articleID, articleFile, len(doc.Text), len(want))
	}
	if !strings.HasSuffix(doc.Text, "\nStand: 08.12.2025\n") {
		t.Errorf("%s: text does not end with its date stamp line", articleID)
	}
	if doc.DocType != graph.DocArticle || doc.Language != "de" || doc.PublishedAt != graph.MustDate("2025-12-08") {
		t.Errorf("%s: type %s, language %q, publishedAt %s; want ARTICLE, de, 2025-12-08", articleID, doc.DocType, doc.Language, doc.PublishedAt)
	}
	if pub := d.edgesAt(t, articleID, graph.In, graph.Published); len(pub) != 0 {
		t.Errorf("%s: has a publisher, but the article names none", articleID)
	}
	// The article mentions every person and organization of the dataset.
	for _, id := range d.ids {
		if k := d.nodes[id].Kind; k != graph.KindPerson && k != graph.KindOrganization {
			continue
		}
		if _, err := d.st.Edge(context.Background(), graph.Mentions, articleID, id); err != nil {
			t.Errorf("%s does not mention %s: %v", articleID, id, err)
		}
	}
}

// TestDatasetVanceScholzOpposed checks the dataset's headline contrast:
// Vance and Scholz take opposite sides on AI regulation itself.
func TestDatasetVanceScholzOpposed(t *testing.T) {
	d := loadDataset(t)
	sign := func(holder string) float64 {
		t.Helper()
		ss := d.stances(t, graph.StanceQuery{Holders: []string{holder}, Topics: []string{"topic/ai-regulation"}})
		if len(ss) == 0 {
			t.Fatalf("%s holds no stance on topic/ai-regulation", holder)
		}
		var s float64
		for _, n := range ss {
			switch {
			case n.Position == 0:
				t.Fatalf("%s: position 0 has no sign", n.ID)
			case s != 0 && (s < 0) != (n.Position < 0):
				t.Fatalf("%s holds stances of both signs on topic/ai-regulation", holder)
			}
			s = n.Position
		}
		return s
	}
	vance, scholz := sign("person/jd-vance"), sign("person/olaf-scholz")
	if vance >= 0 || scholz <= 0 {
		t.Errorf("positions on topic/ai-regulation: Vance %v, Scholz %v; want Vance against, Scholz for", vance, scholz)
	}
}

// TestDatasetReapply checks that the shipped ids are stable: applying the
// dataset a second time changes nothing.
func TestDatasetReapply(t *testing.T) {
	d := loadDataset(t)
	res, err := seed.Apply(context.Background(), d.st, d.set, seed.ApplyOptions{})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if res.Changed() {
		t.Errorf("second Apply changed the store: %+v", res)
	}
}
