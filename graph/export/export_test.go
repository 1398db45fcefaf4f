package export_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
)

func readCSV(t *testing.T, st *graph.Store, f export.Filter) (nodes, edges []map[string]string) {
	t.Helper()
	var nb, eb bytes.Buffer
	if err := export.WriteCSV(context.Background(), st, f, &nb, &eb); err != nil {
		t.Fatal(err)
	}
	table := func(b []byte, header []string) []map[string]string {
		r := csv.NewReader(bytes.NewReader(b))
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("CSV does not parse: %v\n%s", err, b)
		}
		if !slices.Equal(rows[0], header) {
			t.Fatalf("header = %v, want %v", rows[0], header)
		}
		var out []map[string]string
		for _, row := range rows[1:] {
			m := map[string]string{}
			for i, v := range row {
				m[header[i]] = v
			}
			out = append(out, m)
		}
		return out
	}
	return table(nb.Bytes(), export.NodeColumns()), table(eb.Bytes(), export.EdgeColumns())
}

func TestCSV(t *testing.T) {
	st := fixtureStore(t)
	nodes, edges := readCSV(t, st, export.Filter{})
	nn, ne := counts(t, st)
	if len(nodes) != nn || len(edges) != ne {
		t.Fatalf("CSV has %d nodes and %d edges, want %d and %d", len(nodes), len(edges), nn, ne)
	}
	for _, n := range nodes {
		switch n["id"] {
		case "person/anna":
			// encoding/csv's reader drops a carriage return before a newline.
			if n["name"] != hostileName || n["description"] != strings.ReplaceAll(hostileDesc, "\r\n", "\n") || n["kind"] != "PERSON" || n["position"] != "" || n["neutral"] != "" {
				t.Errorf("anna = %q", n)
			}
			var src []graph.Source
			if err := json.Unmarshal([]byte(n["sources"]), &src); err != nil || len(src) != 1 || src[0].Quote != "Bundeskanzler \"Olaf\" <Scholz>" {
				t.Errorf("sources = %q (%v)", n["sources"], err)
			}
		case "doc/article":
			if n["text"] != "Volltext\nmit \"Zitaten\" & <Markup>" || n["publishedAt"] != "2025-02-11" || n["url"] != "https://example.org/a?b=1&c=<2>" {
				t.Errorf("document = %q", n)
			}
		case "initiative/invest":
			if n["amount"] != "200000000000" || n["currency"] != "EUR" || n["announcedAt"] != "2025" {
				t.Errorf("initiative = %q", n)
			}
		case "stance/anna-ai":
			var q []graph.Quote
			if err := json.Unmarshal([]byte(n["quotes"]), &q); err != nil || len(q) != 2 || q[0].Text != hostileQuote || q[1].Text != arabicQuote {
				t.Errorf("quotes = %q (%v)", n["quotes"], err)
			}
		}
	}
	var found bool
	for _, e := range edges {
		if e["id"] == "person/anna|HOLDS_OFFICE|org/germany" {
			found = true
			if e["from"] != "person/anna" || e["to"] != "org/germany" || e["type"] != "HOLDS_OFFICE" || e["role"] != "Ministerin für \"Digitales\" <&>" || e["validFrom"] != "2021-12" {
				t.Errorf("edge = %q", e)
			}
		}
	}
	if !found {
		t.Error("HOLDS_OFFICE edge missing")
	}
}

func TestJSONL(t *testing.T) {
	st := fixtureStore(t)
	data := mustWrite(t, st, "jsonl", export.Filter{})
	var nodes, edges int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var line struct {
			Node *struct {
				graph.Node
				Kind     string   `json:"kind"`
				Position *float64 `json:"position"`
				Label    string   `json:"label"`
			} `json:"node"`
			Edge *graph.Edge `json:"edge"`
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		switch {
		case line.Node != nil && line.Edge == nil:
			nodes++
			n := line.Node
			if n.ID == "person/anna" && (n.Name != hostileName || n.Description != hostileDesc || n.Kind != "PERSON") {
				t.Errorf("anna = %+v", n)
			}
			if n.ID == "stance/germany-energy" && (n.Position == nil || *n.Position != 0 || n.Label != "NEUTRAL") {
				t.Errorf("a zero position must be written: %s", sc.Text())
			}
			if n.ID == "stance/anna-ai" && (len(n.Quotes) != 2 || n.Quotes[1].Translation != hebrewQuote || n.StatedAt.String() != "2025-02") {
				t.Errorf("stance = %+v", n)
			}
		case line.Edge != nil && line.Node == nil:
			edges++
			if e := line.Edge; e.ID() == "person/anna|HOLDS_OFFICE|org/germany" && (e.Role != "Ministerin für \"Digitales\" <&>" || e.ValidTo.String() != "2025" || len(e.Sources) != 1) {
				t.Errorf("edge = %+v", e)
			}
		default:
			t.Errorf("line is neither one node nor one edge: %s", sc.Text())
		}
	}
	nn, ne := counts(t, st)
	if nodes != nn || edges != ne {
		t.Errorf("JSONL has %d nodes and %d edges, want %d and %d", nodes, edges, nn, ne)
	}
}

// The N-Quads grammar (https://www.w3.org/TR/n-quads/), line by line.
var (
	iriRE   = `<[^\x00-\x20<>"{}|^` + "`" + `\\]*>`
	blankRE = `_:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?`
	litRE   = `"(?:[^"\\\n\r]|\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*|\^\^` + iriRE + `)?`
	quadRE  = regexp.MustCompile(`^(` + iriRE + `|` + blankRE + `) (` + iriRE + `) (` + iriRE + `|` + blankRE + `|` + litRE + `) (` + iriRE + `|` + blankRE + `) \.$`)
	// Dgraph's RDF: triples, optionally with facets.
	facetRE  = `[A-Za-z][A-Za-z0-9_]*=` + `"(?:[^"\\\n\r]|\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4})*"`
	dgraphRE = regexp.MustCompile(`^(` + blankRE + `) <([A-Za-z][A-Za-z0-9_.]*)> (` + blankRE + `|` + litRE + `)(?: \(` + facetRE + `(?:, ` + facetRE + `)*\))? \.$`)
	litPart  = regexp.MustCompile(`^("(?:[^"\\]|\\.)*")(.*)$`)
)

type quad struct{ s, p, o, g string }

func parseNQuads(t *testing.T, data []byte) []quad {
	t.Helper()
	var out []quad
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		m := quadRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d is not an N-Quad: %q", i+1, line)
		}
		out = append(out, quad{m[1], m[2], m[3], m[4]})
	}
	return out
}

// literal decodes an N-Quads literal into its text and its tag or type.
func literal(t *testing.T, o string) (text, suffix string) {
	t.Helper()
	m := litPart.FindStringSubmatch(o)
	if m == nil {
		t.Fatalf("not a literal: %s", o)
	}
	s, err := strconv.Unquote(m[1])
	if err != nil {
		t.Fatalf("literal %s: %v", m[1], err)
	}
	return s, m[2]
}

func TestNQuads(t *testing.T) {
	st := fixtureStore(t)
	qs := parseNQuads(t, mustWrite(t, st, "nquads", export.Filter{}))
	const id, ont = "<" + export.NodeNS, export.Ontology
	objects := func(s, p string) []string {
		var out []string
		for _, q := range qs {
			if q.s == s && q.p == "<"+p+">" {
				out = append(out, q.o)
			}
		}
		return out
	}
	types, rels := 0, 0
	for _, q := range qs {
		if q.p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" && strings.HasPrefix(q.s, id) && !strings.Contains(q.s, "#") && !strings.Contains(q.s, "/edge/") {
			types++
		}
		if strings.HasPrefix(q.p, "<"+ont) && strings.HasPrefix(q.o, id) && !strings.Contains(q.s, "#") && !strings.Contains(q.s, "/edge/") && q.p != "<"+ont+"quote>" && q.p != "<"+ont+"source>" {
			rels++
		}
	}
	nn, ne := counts(t, st)
	if types != nn || rels != ne {
		t.Errorf("N-Quads type %d nodes and link %d pairs, want %d and %d", types, rels, nn, ne)
	}
	anna := id + "person/anna>"
	if o := objects(anna, ont+"name"); len(o) != 1 {
		t.Fatalf("name of anna: %v", o)
	} else if s, suffix := literal(t, o[0]); s != hostileName || suffix != "" {
		t.Errorf("name = %q%s", s, suffix)
	}
	if s, _ := literal(t, objects(anna, ont+"description")[0]); s != hostileDesc {
		t.Errorf("description = %q", s)
	}
	for _, q := range qs {
		if q.s == anna && q.g != "<"+export.OriginNS+"people.yaml>" {
			t.Errorf("anna's quad in graph %s", q.g)
		}
		if q.s == id+"org/eu>" && strings.HasSuffix(q.p, "#type>") && q.g != "<"+export.OriginNS+"orgs/eu%20and%20friends.yaml>" {
			t.Errorf("eu's quad in graph %s", q.g)
		}
		if q.s == id+"stance/germany-energy>" && q.g != "<https://stancegraph.org/origin>" {
			t.Errorf("origin-less quad in graph %s", q.g)
		}
	}
	stance := id + "stance/anna-ai>"
	q1 := id + "stance/anna-ai#quote-1>"
	if got := objects(stance, ont+"quote"); !slices.Contains(got, q1) {
		t.Errorf("quotes of the stance: %v", got)
	}
	for _, c := range []struct{ s, p, text, suffix string }{
		{q1, ont + "text", hostileQuote, "@de"},
		{q1, ont + "translation", "\"We need <clear> rules & trust\", she said.", "@en"},
		{id + "stance/anna-ai#quote-2>", ont + "text", arabicQuote, "@ar"},
		{id + "stance/anna-ai#quote-2>", ont + "translation", hebrewQuote, "@he"},
		{stance, ont + "position", "0.75", "^^<http://www.w3.org/2001/XMLSchema#double>"},
		{stance, ont + "statedAt", "2025-02", "^^<http://www.w3.org/2001/XMLSchema#gYearMonth>"},
		{id + "stance/bert-ai>", ont + "statedAt", "2024", "^^<http://www.w3.org/2001/XMLSchema#gYear>"},
		{id + "doc/article>", ont + "publishedAt", "2025-02-11", "^^<http://www.w3.org/2001/XMLSchema#date>"},
		{id + "doc/article>", ont + "text", "Volltext\nmit \"Zitaten\" & <Markup>", "@de"},
		{id + "edge/person/anna/HOLDS_OFFICE/org/germany>", ont + "role", "Ministerin für \"Digitales\" <&>", ""},
	} {
		o := objects(c.s, c.p)
		if len(o) != 1 {
			t.Errorf("%s %s: %v", c.s, c.p, o)
			continue
		}
		if text, suffix := literal(t, o[0]); text != c.text || suffix != c.suffix {
			t.Errorf("%s %s = %q%s, want %q%s", c.s, c.p, text, suffix, c.text, c.suffix)
		}
	}
	if o := objects(anna, ont+"HOLDS_OFFICE"); len(o) != 1 || o[0] != id+"org/germany>" {
		t.Errorf("HOLDS_OFFICE = %v", o)
	}
}

func TestDgraph(t *testing.T) {
	st := fixtureStore(t)
	data := mustWrite(t, st, "dgraph", export.Filter{})
	schema := export.DgraphSchema()
	declared := map[string]bool{}
	for _, line := range strings.Split(schema, "\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			declared[name] = true
		}
	}
	for _, ty := range []string{"type Person {", "type Stance {", "type Quote {", "xid: string @index(exact) @upsert .", "HELD_BY: [uid] @reverse @count ."} {
		if !strings.Contains(schema, ty) {
			t.Errorf("schema lacks %q", ty)
		}
	}
	xids, edges := 0, 0
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		m := dgraphRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d is not Dgraph RDF: %q", i+1, line)
		}
		if p := m[2]; p != "dgraph.type" && !declared[p] {
			t.Errorf("line %d: predicate %s is not in the schema", i+1, p)
		}
		if m[2] == "xid" {
			xids++
		}
		if graph.EdgeType(m[2]).Valid() {
			edges++
		}
		if m[2] == "quoteText" && strings.HasPrefix(m[1], "_:stance.anna-ai") && !strings.HasSuffix(m[3], "@de") && !strings.HasSuffix(m[3], "@ar") {
			t.Errorf("quote without language: %s", line)
		}
	}
	nn, ne := counts(t, st)
	if xids != nn || edges != ne {
		t.Errorf("Dgraph RDF has %d xids and %d edges, want %d and %d", xids, edges, nn, ne)
	}
	want := `_:person.anna <HOLDS_OFFICE> _:org.germany (role="Ministerin für \"Digitales\" <&>", validFrom="2021-12", validTo="2025", origin="people.yaml", sources=`
	if !bytes.Contains(data, []byte(want)) {
		t.Errorf("HOLDS_OFFICE line with facets missing:\n%s", data)
	}
	for _, ty := range []string{"Person", "Organization", "Topic", "Stance", "Document", "Event", "Initiative"} {
		if !strings.Contains(schema, "type "+ty+" {") {
			t.Errorf("schema lacks type %s", ty)
		}
	}
	if !strings.Contains(schema, "type Person {\n  xid\n  name\n  aliases\n  description\n  origin\n  sources\n  EVIDENCED_BY\n  HOLDS_OFFICE\n  MEMBER_OF\n") {
		t.Errorf("Person type:\n%s", schema)
	}
}

func ids(t *testing.T, st *graph.Store, f export.Filter) (nodes, edges []string) {
	t.Helper()
	n, e := readCSV(t, st, f)
	for _, r := range n {
		nodes = append(nodes, r["id"])
	}
	for _, r := range e {
		edges = append(edges, r["id"])
	}
	return nodes, edges
}

func TestFilters(t *testing.T) {
	st := fixtureStore(t)
	for _, c := range []struct {
		name   string
		f      export.Filter
		nodes  []string
		edges  []string
		format string
	}{
		{name: "kinds", f: export.Filter{Kinds: []graph.Kind{graph.KindPerson, graph.KindOrganization}},
			nodes: []string{"org/eu", "org/germany", "person/anna", "person/bert"},
			edges: []string{"org/germany|MEMBER_OF|org/eu", "person/anna|HOLDS_OFFICE|org/germany"}},
		{name: "edge types", f: export.Filter{EdgeTypes: []graph.EdgeType{graph.HeldBy}},
			edges: []string{"stance/anna-ai|HELD_BY|person/anna", "stance/bert-ai|HELD_BY|person/bert", "stance/germany-energy|HELD_BY|org/germany"}},
		{name: "topic", f: export.Filter{Topic: "topic/ai"},
			nodes: []string{"doc/article", "doc/other", "person/anna", "person/bert", "stance/anna-ai", "stance/bert-ai", "topic/ai", "topic/ai-regulation"},
			edges: []string{"stance/anna-ai|HELD_BY|person/anna", "stance/anna-ai|ON_TOPIC|topic/ai-regulation",
				"stance/bert-ai|EVIDENCED_BY|doc/other", "stance/bert-ai|HELD_BY|person/bert", "stance/bert-ai|ON_TOPIC|topic/ai",
				"stance/bert-ai|RESPONDS_TO|stance/anna-ai", "topic/ai-regulation|SUBTOPIC_OF|topic/ai"}},
		{name: "subtopic", f: export.Filter{Topic: "topic/ai-regulation"},
			nodes: []string{"doc/article", "person/anna", "stance/anna-ai", "topic/ai-regulation"},
			edges: []string{"stance/anna-ai|HELD_BY|person/anna", "stance/anna-ai|ON_TOPIC|topic/ai-regulation"}},
		{name: "topic and kinds", f: export.Filter{Topic: "topic/ai", Kinds: []graph.Kind{graph.KindStance, graph.KindPerson}},
			nodes: []string{"person/anna", "person/bert", "stance/anna-ai", "stance/bert-ai"},
			edges: []string{"stance/anna-ai|HELD_BY|person/anna", "stance/bert-ai|HELD_BY|person/bert", "stance/bert-ai|RESPONDS_TO|stance/anna-ai"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			nodes, edges := ids(t, st, c.f)
			if c.nodes != nil && !slices.Equal(nodes, c.nodes) {
				t.Errorf("nodes = %v, want %v", nodes, c.nodes)
			}
			if !slices.Equal(edges, c.edges) {
				t.Errorf("edges = %v, want %v", edges, c.edges)
			}
			// Every format applies the same filter.
			g := parseGraphML(t, mustWrite(t, st, "graphml", c.f))
			if len(g.Graph.Nodes) != len(nodes) || len(g.Graph.Edges) != len(edges) {
				t.Errorf("GraphML has %d nodes, %d edges; CSV %d, %d", len(g.Graph.Nodes), len(g.Graph.Edges), len(nodes), len(edges))
			}
			if n := bytes.Count(mustWrite(t, st, "jsonl", c.f), []byte("\n")); n != len(nodes)+len(edges) {
				t.Errorf("JSONL has %d lines, want %d", n, len(nodes)+len(edges))
			}
		})
	}
	ctx := context.Background()
	if err := export.Write(ctx, st, "jsonl", export.Filter{Topic: "topic/nope"}, io.Discard); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown topic: %v", err)
	}
	if err := export.Write(ctx, st, "jsonl", export.Filter{Topic: "person/anna"}, io.Discard); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("topic that is a person: %v", err)
	}
	if err := export.Write(ctx, st, "jsonl", export.Filter{EdgeTypes: []graph.EdgeType{"LIKES"}}, io.Discard); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown edge type: %v", err)
	}
}

func TestUnknownFormat(t *testing.T) {
	st := mustOpen(t)
	for _, f := range []string{"", "xml", "csv", "GRAPHML"} {
		if err := export.Write(context.Background(), st, f, export.Filter{}, io.Discard); !errors.Is(err, export.ErrUnknownFormat) {
			t.Errorf("format %q: %v", f, err)
		}
	}
}

func TestEmpty(t *testing.T) {
	st := mustOpen(t)
	g := parseGraphML(t, mustWrite(t, st, "graphml", export.Filter{}))
	if len(g.Graph.Nodes)+len(g.Graph.Edges) != 0 {
		t.Errorf("empty store exported %d elements", len(g.Graph.Nodes)+len(g.Graph.Edges))
	}
	for _, f := range []string{"jsonl", "nquads", "dgraph"} {
		if out := mustWrite(t, st, f, export.Filter{}); len(out) != 0 {
			t.Errorf("%s of an empty store: %q", f, out)
		}
	}
}

// failAfter fails writes after n bytes, like a client that went away.
type failAfter struct {
	n      int
	cancel context.CancelFunc
}

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		w.cancel()
		return 0, errors.New("connection reset")
	}
	return len(p), nil
}

func TestCancel(t *testing.T) {
	st := fixtureStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []string{"graphml", "gexf", "jsonl", "nquads", "dgraph"} {
		if err := export.Write(ctx, st, f, export.Filter{}, io.Discard); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v", f, err)
		}
	}
	if err := export.WriteCSV(ctx, st, export.Filter{}, io.Discard, io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("csv with a cancelled context: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	if err := export.Write(ctx, st, "nquads", export.Filter{}, &failAfter{n: 10, cancel: cancel}); err == nil {
		t.Error("a failing writer gave no error")
	}
}
