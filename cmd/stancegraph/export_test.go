package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

// exportDB writes the shipped dataset into a database directory.
func exportDB(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	st, err := graph.Open(dir, graph.Options{Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	if err != nil {
		t.Fatal(err)
	}
	set, err := seed.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(context.Background(), st, set, seed.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// xmlCounts counts <node> and <edge> elements with a real XML parser.
func xmlCounts(t *testing.T, data []byte) (nodes, edges int) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nodes, edges
		}
		if err != nil {
			t.Fatalf("XML does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "node":
				nodes++
			case "edge":
				edges++
			}
		}
	}
}

func csvRows(t *testing.T, r io.Reader) [][]string {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return rows
}

func TestExportCommand(t *testing.T) {
	ctx := context.Background()
	db := exportDB(t)
	out := t.TempDir()
	run := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := runExport(ctx, append([]string{"--db", db}, args...), &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	if msg, err := run("--format", "graphml", "--out", filepath.Join(out, "g.graphml")); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	data, err := os.ReadFile(filepath.Join(out, "g.graphml"))
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges := xmlCounts(t, data)
	set, _ := seed.Dataset()
	if nodes != set.Nodes() || edges != set.Edges() {
		t.Errorf("GraphML has %d nodes and %d edges, want %d and %d", nodes, edges, set.Nodes(), set.Edges())
	}

	if msg, err := run("--format", "csv", "--out", filepath.Join(out, "csv")); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	for name, want := range map[string]int{"nodes.csv": set.Nodes(), "edges.csv": set.Edges()} {
		f, err := os.Open(filepath.Join(out, "csv", name))
		if err != nil {
			t.Fatal(err)
		}
		if rows := csvRows(t, f); len(rows)-1 != want {
			t.Errorf("%s has %d rows, want %d", name, len(rows)-1, want)
		}
		f.Close()
	}

	if msg, err := run("--format", "dgraph", "--out", filepath.Join(out, "dgraph")); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	schema, err := os.ReadFile(filepath.Join(out, "dgraph", "schema.txt"))
	if err != nil || !strings.Contains(string(schema), "xid: string @index(exact) @upsert .") {
		t.Errorf("schema.txt: %v\n%s", err, schema)
	}
	rdf, err := os.ReadFile(filepath.Join(out, "dgraph", "data.rdf"))
	if err != nil || bytes.Count(rdf, []byte("<xid>")) != set.Nodes() {
		t.Errorf("data.rdf has %d xids, want %d (%v)", bytes.Count(rdf, []byte("<xid>")), set.Nodes(), err)
	}

	// To standard output, filtered.
	var stdout, stderr bytes.Buffer
	if err := runExport(ctx, []string{"--db", db, "--format", "jsonl", "--kinds", "PERSON,organization", "--edge-types", "HOLDS_OFFICE"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if !strings.Contains(line, `"kind":"PERSON"`) && !strings.Contains(line, `"kind":"ORGANIZATION"`) && !strings.Contains(line, `"type":"HOLDS_OFFICE"`) {
			t.Errorf("filtered export holds %s", line)
		}
	}
	if !strings.Contains(stdout.String(), `"from":"person/olaf-scholz","to":"org/germany"`) {
		t.Error("Scholz's office is missing")
	}

	stdout.Reset()
	if err := runExport(ctx, []string{"--db", db, "--format", "yaml", "--topic", "topic/ai-regulation"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if _, err := seed.Parse("topic.yaml", stdout.Bytes(), nil); err != nil {
		t.Errorf("the YAML export does not load: %v", err)
	}
	if !strings.Contains(stdout.String(), "stance/olaf-scholz-ai-regulation") || strings.Contains(stdout.String(), "topic/ai-energy-demand") {
		t.Errorf("topic export:\n%s", stdout.String())
	}

	for _, bad := range [][]string{
		{"--format", "xml"},
		{"--format", "csv"}, // needs --out
		{"--format", "jsonl", "--kinds", "PEOPLE"},
		{"--format", "jsonl", "--edge-types", "LIKES"},
		{"--format", "jsonl", "--topic", "topic/nope"},
	} {
		if msg, err := run(bad...); err == nil {
			t.Errorf("%v succeeded:\n%s", bad, msg)
		}
	}
}

func TestExportHandler(t *testing.T) {
	db := exportDB(t)
	st, err := graph.Open(db, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mux := http.NewServeMux()
	mux.Handle("GET /export/{format}", exportHandler(st, zerolog.New(zerolog.NewTestWriter(t))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	set, _ := seed.Dataset()

	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}

	resp, body := get("/export/gexf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gexf+xml; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="stancegraph.gexf"` {
		t.Errorf("gexf: %d %v", resp.StatusCode, resp.Header)
	}
	if n, e := xmlCounts(t, body); n != set.Nodes() || e != set.Edges() {
		t.Errorf("GEXF has %d nodes and %d edges, want %d and %d", n, e, set.Nodes(), set.Edges())
	}

	resp, body = get("/export/csv")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"nodes.csv": set.Nodes(), "edges.csv": set.Edges()}
	if len(zr.File) != 2 {
		t.Errorf("the zip holds %d files", len(zr.File))
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if rows := csvRows(t, rc); len(rows)-1 != want[f.Name] {
			t.Errorf("%s has %d rows, want %d", f.Name, len(rows)-1, want[f.Name])
		}
		rc.Close()
	}

	resp, body = get("/export/dgraph?kinds=PERSON,ORGANIZATION")
	zr, err = zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if resp.StatusCode != 200 || err != nil || len(zr.File) != 2 || zr.File[0].Name != "data.rdf" || zr.File[1].Name != "schema.txt" {
		t.Errorf("dgraph: %d %v", resp.StatusCode, err)
	}

	resp, body = get("/export/yaml?topic=topic/ai-regulation")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/yaml") {
		t.Errorf("yaml: %d %v", resp.StatusCode, resp.Header)
	}
	if _, err := seed.Parse("topic.yaml", body, nil); err != nil {
		t.Errorf("the YAML export does not load: %v", err)
	}

	for path, code := range map[string]int{
		"/export/xml":                   404,
		"/export/jsonl?kinds=PEOPLE":    400,
		"/export/jsonl?edgeTypes=LIKES": 400,
		"/export/jsonl?topic=topic/x":   404,
		"/export/jsonl?topic=org/eu":    400,
		"/export/nquads?edgeTypes=":     200,
	} {
		if resp, body := get(path); resp.StatusCode != code {
			t.Errorf("%s: %d, want %d: %s", path, resp.StatusCode, code, body)
		}
	}
}

// TestExportHandlerClientGone: a request whose client has gone away stops
// without writing the export.
func TestExportHandlerClientGone(t *testing.T) {
	db := exportDB(t)
	st, err := graph.Open(db, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := exportHandler(st, zerolog.New(zerolog.NewTestWriter(t)))
	full := httptest.NewRecorder()
	h.ServeHTTP(full, httptest.NewRequest("GET", "/export/nquads", nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/export/nquads", nil).WithContext(ctx))
	if full.Body.Len() == 0 || rec.Body.Len() >= full.Body.Len() {
		t.Errorf("cancelled export wrote %d of %d bytes", rec.Body.Len(), full.Body.Len())
	}
}
