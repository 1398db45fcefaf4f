package seed

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unsafe"

	"github.com/stancegraph/stancegraph/graph"
)

func TestLoadGood(t *testing.T) {
	s, err := LoadFS(os.DirFS("testdata"), "good")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	want := []string{"actors.yaml", "docs/documents.yaml", "summit.yaml", "topics.yaml"}
	if got := s.Files(); len(got) != len(want) {
		t.Fatalf("files %v, want %v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("file %d = %q, want %q", i, got[i], want[i])
			}
		}
	}
	if s.Nodes() != 13 {
		t.Errorf("nodes = %d, want 13", s.Nodes())
	}
	// shorthand: parent, publisher, 2x doc event, host, announcedBy, funders,
	// 2x holder, 2x topic, event, onBehalfOf, respondsTo, supersedes; 4 explicit.
	if s.Edges() != 19 {
		t.Errorf("edges = %d, want 19", s.Edges())
	}
	doc, ok := s.Node("doc/example-article")
	if !ok {
		t.Fatal("doc/example-article missing")
	}
	text, err := os.ReadFile("testdata/good/docs/article.de.txt")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != string(text) {
		t.Errorf("textFile not loaded: %q", doc.Text)
	}
	if doc.Origin != "docs/documents.yaml" {
		t.Errorf("origin = %q", doc.Origin)
	}
	st, _ := s.Node("stance/ada-example-ai-regulation")
	if st.Position != 0.8 || st.Confidence != 0.9 || len(st.Quotes) != 1 || st.Quotes[0].Translation == "" || st.StatedAt != graph.MustDate("2025-02-10") {
		t.Errorf("stance fields: %+v", st)
	}
	st2, _ := s.Node("stance/examplestan-declaration")
	if st2.Confidence != 1 {
		t.Errorf("default confidence = %v, want 1", st2.Confidence)
	}
	var edges int
	_ = s.EachEdge(func(e *graph.Edge) error {
		if e.Origin == "" {
			t.Errorf("edge %s has no origin", e.ID())
		}
		if e.Type == graph.HoldsOffice && (e.Role != "Minister of Examples" || e.ValidTo != graph.MustDate("2026") || len(e.Sources) != 1) {
			t.Errorf("HOLDS_OFFICE edge: %+v", e)
		}
		edges++
		return nil
	})
	if edges != s.Edges() {
		t.Errorf("EachEdge visited %d edges", edges)
	}
}

// TestReadmeExample parses the complete example of README.md: it must be
// valid apart from the nodes it refers to without defining them.
func TestReadmeExample(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	if !ok {
		t.Fatal("README.md has no yaml example")
	}
	example, _, _ := strings.Cut(rest, "```")
	readFile := func(name string) ([]byte, error) { return []byte("Der Text von " + name), nil }
	set, err := Parse("README.md", []byte(example), readFile)
	if set == nil {
		t.Fatalf("the README example does not load: %v", err)
	}
	if set.Nodes() != 9 {
		t.Errorf("the README example has %d nodes, want 9 (one per entry)", set.Nodes())
	}
	for _, id := range []string{"person/olaf-scholz", "stance/jd-vance-ai-regulation", "initiative/investai"} {
		if _, ok := set.Node(id); !ok {
			t.Errorf("%s missing", id)
		}
	}
}

// TestParseSharesRepeats checks that the values a file repeats (references,
// language tags, a quote given again as its source's quote) are parsed into
// one string each, and that equal values of two files stay equal.
func TestParseSharesRepeats(t *testing.T) {
	const stances = `stances:
  - id: stance/a
    name: A on T
    holder: person/p
    topic: topic/t
    position: 0.5
    quotes:
      - text: "We welcome it."
        language: en
        source: doc/d
    sources:
      - document: doc/d
        quote: "We welcome it."
  - id: stance/b
    name: B on T
    holder: person/p
    topic: topic/t
    position: -0.5
    quotes:
      - text: "Wir lehnen es ab."
        language: de
        translation: "We reject it."
        translationLanguage: en
    sources:
      - document: doc/d
`
	const others = `people:
  - id: person/p
    name: P
topics:
  - id: topic/t
    name: T
    scale: {negative: against, positive: for}
documents:
  - id: doc/d
    name: D
    type: SPEECH
    language: en
`
	s, err := LoadFS(fstest.MapFS{"stances.yaml": {Data: []byte(stances)}, "others.yaml": {Data: []byte(others)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Node("stance/a")
	b, _ := s.Node("stance/b")
	same := func(what, x, y string) {
		t.Helper()
		if x != y {
			t.Fatalf("%s: %q and %q differ", what, x, y)
		}
		if unsafe.StringData(x) != unsafe.StringData(y) {
			t.Errorf("%s: %q is held twice", what, x)
		}
	}
	same("quote source and source document", a.Quotes[0].Source, a.Sources[0].Document)
	same("source documents of two stances", a.Sources[0].Document, b.Sources[0].Document)
	same("quote and source quote", a.Quotes[0].Text, a.Sources[0].Quote)
	same("language tags", a.Quotes[0].Language, b.Quotes[0].TranslationLanguage)
	if d, _ := s.Node("doc/d"); d.Language != a.Quotes[0].Language {
		t.Errorf("document language %q, want %q", d.Language, a.Quotes[0].Language)
	}
	var holders []string
	s.EachEdge(func(e *graph.Edge) error {
		if e.Type == graph.HeldBy {
			holders = append(holders, e.To)
		}
		return nil
	})
	if len(holders) != 2 {
		t.Fatalf("holder edges %v, want 2", holders)
	}
	same("holders", holders[0], holders[1])
}
