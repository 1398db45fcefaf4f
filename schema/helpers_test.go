package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
)

const testToken = "s3cret-token"

// mustOpen opens an in-memory store closed at the end of the test.
func mustOpen(tb testing.TB) *graph.Store {
	tb.Helper()
	st, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

func d(s string) graph.Date { return graph.MustDate(s) }

// fixture is a small graph around the 2025 Paris AI Action Summit.
func fixture(tb testing.TB, st *graph.Store) {
	tb.Helper()
	var b graph.Batch
	src := func(doc, quote string) []graph.Source {
		return []graph.Source{{Document: doc, Quote: quote, Locator: "para 1"}}
	}
	nodes := []graph.Node{
		{ID: "doc/paris-declaration", Name: "Statement on Inclusive and Sustainable Artificial Intelligence", DocType: graph.DocDeclaration,
			PublishedAt: d("2025-02-11"), URL: "https://example.org/paris", Language: "en", Text: "We affirm inclusive and sustainable AI."},
		{ID: "doc/vance-speech", Name: "Vance speech at the AI Action Summit", DocType: graph.DocSpeech, PublishedAt: d("2025-02-11"), Language: "en",
			Text: "Excessive regulation of the AI sector could kill a transformative industry."},
		{ID: "doc/scholz-speech", Name: "Rede von Olaf Scholz", DocType: graph.DocSpeech, PublishedAt: d("2025-02"), Language: "de",
			Text: "Wir brauchen eine kluge Regulierung der künstlichen Intelligenz."},
		{ID: "event/paris-summit", Name: "AI Action Summit", StartDate: d("2025-02-10"), EndDate: d("2025-02-11"), Location: "Paris",
			Sources: src("doc/paris-declaration", "")},
		{ID: "org/france", Name: "France", OrgType: graph.OrgState, Country: "FR", Aliases: []string{"French Republic"}},
		{ID: "org/germany", Name: "Germany", OrgType: graph.OrgState, Country: "DE", Description: "Federal Republic of Germany"},
		{ID: "org/usa", Name: "United States", OrgType: graph.OrgState, Country: "US", Aliases: []string{"USA"}},
		{ID: "org/un", Name: "United Nations", OrgType: graph.OrgIntergovernmental},
		{ID: "org/eu", Name: "European Union", OrgType: graph.OrgSupranational},
		{ID: "person/olaf-scholz", Name: "Olaf Scholz", Description: "German politician", Sources: src("doc/scholz-speech", "")},
		{ID: "person/jd-vance", Name: "J.D. Vance", Aliases: []string{"JD Vance"}},
		{ID: "person/antonio-guterres", Name: "António Guterres"},
		{ID: "topic/ai", Name: "AI governance", Scale: &graph.Scale{Negative: "leave AI ungoverned", Positive: "govern AI globally"}},
		{ID: "topic/ai-regulation", Name: "AI regulation", Description: "Binding rules for AI",
			Scale: &graph.Scale{Negative: "against binding rules", Positive: "for binding rules"}},
		{ID: "stance/vance-ai-2024", Name: "Sceptical of AI rules", Position: -0.4, Confidence: 0.6, StatedAt: d("2024"),
			Sources: src("doc/vance-speech", "")},
		{ID: "stance/vance-ai-regulation", Name: "Against strict regulation of AI", Position: -0.8, Confidence: 0.9,
			Summary: "Warns that excessive regulation could kill AI.", StatedAt: d("2025-02-11"),
			Quotes:  []graph.Quote{{Text: "Excessive regulation of the AI sector could kill a transformative industry.", Language: "en", Source: "doc/vance-speech"}},
			Sources: src("doc/vance-speech", "could kill a transformative industry")},
		{ID: "stance/scholz-ai-regulation", Name: "For smart regulation of AI", Position: 0.7, Confidence: 0.8, StatedAt: d("2025-02-11"),
			Quotes: []graph.Quote{{Text: "Wir brauchen eine kluge Regulierung der künstlichen Intelligenz.", Language: "de",
				Translation: "We need smart regulation of artificial intelligence.", TranslationLanguage: "en", Source: "doc/scholz-speech"}},
			Sources: src("doc/scholz-speech", "")},
		{ID: "stance/guterres-ai", Name: "For global AI governance", Position: 0.9, Confidence: 1, Neutral: false,
			Sources: src("doc/paris-declaration", "")},
		{ID: "initiative/current-ai", Name: "Current AI", Description: "Public interest AI partnership",
			Amount: &graph.Money{Amount: 400000000, Currency: "USD"}, AnnouncedAt: d("2025-02-10")},
	}
	for _, n := range nodes {
		n.Origin = "fixture.yaml"
		b.PutNode(n)
	}
	edges := []graph.Edge{
		{Type: graph.HeldBy, From: "stance/vance-ai-regulation", To: "person/jd-vance"},
		{Type: graph.HeldBy, From: "stance/vance-ai-2024", To: "person/jd-vance"},
		{Type: graph.HeldBy, From: "stance/scholz-ai-regulation", To: "person/olaf-scholz"},
		{Type: graph.HeldBy, From: "stance/guterres-ai", To: "person/antonio-guterres"},
		{Type: graph.OnTopic, From: "stance/vance-ai-regulation", To: "topic/ai-regulation"},
		{Type: graph.OnTopic, From: "stance/vance-ai-2024", To: "topic/ai-regulation"},
		{Type: graph.OnTopic, From: "stance/scholz-ai-regulation", To: "topic/ai-regulation"},
		{Type: graph.OnTopic, From: "stance/guterres-ai", To: "topic/ai"},
		{Type: graph.StatedAt, From: "stance/vance-ai-regulation", To: "event/paris-summit"},
		{Type: graph.StatedAt, From: "stance/scholz-ai-regulation", To: "event/paris-summit"},
		{Type: graph.OnBehalfOf, From: "stance/vance-ai-regulation", To: "org/usa"},
		{Type: graph.Supersedes, From: "stance/vance-ai-regulation", To: "stance/vance-ai-2024"},
		{Type: graph.RespondsTo, From: "stance/scholz-ai-regulation", To: "stance/vance-ai-regulation"},
		{Type: graph.EvidencedBy, From: "stance/vance-ai-regulation", To: "doc/vance-speech"},
		{Type: graph.HoldsOffice, From: "person/olaf-scholz", To: "org/germany", Role: "Federal Chancellor",
			ValidFrom: d("2021-12-08"), ValidTo: d("2025-05-06"), Sources: []graph.Source{{Document: "doc/scholz-speech"}}},
		{Type: graph.HoldsOffice, From: "person/jd-vance", To: "org/usa", Role: "Vice President", ValidFrom: d("2025-01-20")},
		{Type: graph.HoldsOffice, From: "person/antonio-guterres", To: "org/un", Role: "Secretary-General", ValidFrom: d("2017-01-01")},
		{Type: graph.MemberOf, From: "org/germany", To: "org/eu"},
		{Type: graph.MemberOf, From: "org/france", To: "org/eu"},
		{Type: graph.MemberOf, From: "org/germany", To: "org/un"},
		{Type: graph.MemberOf, From: "org/usa", To: "org/un"},
		{Type: graph.Signed, From: "org/france", To: "doc/paris-declaration"},
		{Type: graph.Signed, From: "org/germany", To: "doc/paris-declaration"},
		{Type: graph.DidNotSign, From: "org/usa", To: "doc/paris-declaration"},
		{Type: graph.Attended, From: "person/jd-vance", To: "event/paris-summit"},
		{Type: graph.Attended, From: "person/olaf-scholz", To: "event/paris-summit"},
		{Type: graph.Attended, From: "person/antonio-guterres", To: "event/paris-summit"},
		{Type: graph.Hosted, From: "org/france", To: "event/paris-summit"},
		{Type: graph.Announced, From: "org/france", To: "initiative/current-ai"},
		{Type: graph.Funds, From: "org/france", To: "initiative/current-ai"},
		{Type: graph.Published, From: "org/france", To: "doc/paris-declaration"},
		{Type: graph.IssuedAt, From: "doc/paris-declaration", To: "event/paris-summit"},
		{Type: graph.SubtopicOf, From: "topic/ai-regulation", To: "topic/ai"},
		{Type: graph.BasedIn, From: "org/un", To: "org/usa"},
		{Type: graph.Mentions, From: "doc/paris-declaration", To: "topic/ai"},
	}
	for _, e := range edges {
		e.Origin = "fixture.yaml"
		b.PutEdge(e)
	}
	if _, err := st.Apply(context.Background(), &b, graph.ApplyOptions{}); err != nil {
		tb.Fatalf("apply fixture: %v", err)
	}
}

// newAPI builds an API over a fresh fixture store.
func newAPI(tb testing.TB, cfg Config) (*API, *graph.Store) {
	tb.Helper()
	st := mustOpen(tb)
	fixture(tb, st)
	if t, ok := tb.(*testing.T); ok {
		cfg.Logger = zerolog.New(zerolog.NewTestWriter(t))
	}
	if cfg.Tokens == nil {
		cfg.Tokens = []string{testToken}
	}
	a, err := New(st, cfg)
	if err != nil {
		tb.Fatalf("new api: %v", err)
	}
	if _, ok := tb.(*testing.T); ok { // benchmarks time exec alone
		shadowed(tb, a)
	}
	return a, st
}

// resp is a decoded GraphQL response.
type resp struct {
	Status int
	Header http.Header
	Raw    []byte
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	}
	HasData bool
}

func (r *resp) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

func doHTTP(tb testing.TB, h http.Handler, req *http.Request) *resp {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	r := &resp{Status: res.StatusCode, Header: res.Header, Raw: body}
	if len(body) > 0 {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			tb.Fatalf("response is not a JSON object: %v\n%s", err, body)
		}
		if d, ok := raw["data"]; ok {
			r.HasData = true
			_ = json.Unmarshal(d, &r.Data)
		}
		if e, ok := raw["errors"]; ok {
			if err := json.Unmarshal(e, &r.Errors); err != nil {
				tb.Fatalf("errors malformed: %v\n%s", err, body)
			}
		}
	}
	return r
}

// post sends a GraphQL request as application/json.
func post(tb testing.TB, h http.Handler, query string, vars map[string]any, header ...string) *resp {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return doHTTP(tb, h, req)
}

func bearer() []string { return []string{"Authorization", "Bearer " + testToken} }

// ok checks a response has no errors.
func ok(tb testing.TB, r *resp) map[string]any {
	tb.Helper()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		tb.Fatalf("status %d, errors %v\n%s", r.Status, r.Errors, r.Raw)
	}
	return r.Data
}

func counts(tb testing.TB, st *graph.Store) graph.Counts {
	tb.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func jsonMarshal(v any) ([]byte, error)   { return json.Marshal(v) }
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
