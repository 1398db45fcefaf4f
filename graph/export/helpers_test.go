package export_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
)

// mustOpen opens an in-memory store closed at the end of the test.
func mustOpen(tb testing.TB) *graph.Store {
	tb.Helper()
	s, err := graph.Open("", graph.Options{InMemory: true, Logger: zerolog.New(zerolog.NewTestWriter(tb)).Level(zerolog.WarnLevel)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Hostile text for the escaping checks: quotes, apostrophes, newlines,
// tabs, markup, German, Arabic and Hebrew (right to left), an emoji, a
// control character and a non-character XML 1.0 forbids.
const (
	hostileName  = "Anna \"die Regulatorin\" O'Brien <&> Ärger über „Regeln“"
	hostileDesc  = "Zeile eins\nZeile zwei\r\n\tmit Tab; العربية: تنظيم الذكاء الاصطناعي; עברית: רגולציה של בינה מלאכותית 🤖 \x01bell\uFFFE end </node>]]>"
	hostileQuote = "„Wir brauchen <klare> Regeln & Vertrauen“, sagte sie.\n\"Zitat\""
	arabicQuote  = "نحن بحاجة إلى قواعد واضحة"
	hebrewQuote  = "אנחנו צריכים כללים ברורים"
)

// fixture writes a small graph covering every kind, the escaping cases,
// partial dates, sources on nodes and edges and three origins (one with a
// space, one empty).
func fixture(tb testing.TB, st *graph.Store) {
	tb.Helper()
	src := []graph.Source{{Document: "doc/article", Quote: "Bundeskanzler \"Olaf\" <Scholz>", Locator: "¶10"}}
	var b graph.Batch
	nodes := []graph.Node{
		{ID: "person/anna", Name: hostileName, Aliases: []string{"Anna", "آنا", "אנה"}, Description: hostileDesc, Sources: src, Origin: "people.yaml"},
		{ID: "person/bert", Name: "Bert", Origin: "people.yaml"},
		{ID: "org/eu", Name: "European Union", OrgType: graph.OrgSupranational, Origin: "orgs/eu and friends.yaml"},
		{ID: "org/germany", Name: "Germany", OrgType: graph.OrgState, Country: "DE", Origin: "orgs/eu and friends.yaml"},
		{ID: "topic/ai", Name: "AI governance", Scale: &graph.Scale{Negative: "-1: none", Positive: "+1: \"all\""}, Origin: "topics.yaml"},
		{ID: "topic/ai-regulation", Name: "AI regulation", Scale: &graph.Scale{Negative: "against", Positive: "for"}, Origin: "topics.yaml"},
		{ID: "topic/energy", Name: "Energy", Scale: &graph.Scale{Negative: "against", Positive: "for"}, Origin: "topics.yaml"},
		{ID: "doc/article", Name: "Artikel", DocType: graph.DocArticle, Language: "de", URL: "https://example.org/a?b=1&c=<2>",
			PublishedAt: graph.MustDate("2025-02-11"), Text: "Volltext\nmit \"Zitaten\" & <Markup>", Origin: "docs.yaml"},
		{ID: "doc/other", Name: "Other", DocType: graph.DocReport, Origin: "docs.yaml"},
		{ID: "event/summit", Name: "AI Action Summit", StartDate: graph.MustDate("2025-02"), EndDate: graph.MustDate("2025-02"), Location: "Paris", Origin: "docs.yaml"},
		{ID: "initiative/invest", Name: "InvestAI", Amount: &graph.Money{Amount: 200000000000, Currency: "EUR"}, AnnouncedAt: graph.MustDate("2025"), Origin: "docs.yaml"},
		{ID: "stance/anna-ai", Name: "For rules", Position: 0.75, Confidence: 0.9, Summary: "She wants <rules> & trust.",
			StatedAt: graph.MustDate("2025-02"), Sources: src, Origin: "stances.yaml", Quotes: []graph.Quote{
				{Text: hostileQuote, Language: "de", Translation: "\"We need <clear> rules & trust\", she said.", TranslationLanguage: "en", Source: "doc/article"},
				{Text: arabicQuote, Language: "ar", Translation: hebrewQuote, TranslationLanguage: "he"},
			}},
		{ID: "stance/germany-energy", Name: "Neutral on energy", Position: 0, Confidence: 1, Neutral: true, Origin: ""},
		{ID: "stance/bert-ai", Name: "Against rules", Position: -0.5, Confidence: 1, StatedAt: graph.MustDate("2024"), Origin: "stances.yaml"},
	}
	for _, n := range nodes {
		b.PutNode(n)
	}
	edges := []graph.Edge{
		{Type: graph.HoldsOffice, From: "person/anna", To: "org/germany", Role: "Ministerin für \"Digitales\" <&>", ValidFrom: graph.MustDate("2021-12"), ValidTo: graph.MustDate("2025"), Sources: src, Origin: "people.yaml"},
		{Type: graph.MemberOf, From: "org/germany", To: "org/eu", ValidFrom: graph.MustDate("1958-01-01"), Origin: "orgs/eu and friends.yaml"},
		{Type: graph.SubtopicOf, From: "topic/ai-regulation", To: "topic/ai", Origin: "topics.yaml"},
		{Type: graph.HeldBy, From: "stance/anna-ai", To: "person/anna", Origin: "stances.yaml"},
		{Type: graph.OnTopic, From: "stance/anna-ai", To: "topic/ai-regulation", Origin: "stances.yaml"},
		{Type: graph.StatedAt, From: "stance/anna-ai", To: "event/summit", Origin: "stances.yaml"},
		{Type: graph.EvidencedBy, From: "stance/bert-ai", To: "doc/other", Origin: "stances.yaml"},
		{Type: graph.HeldBy, From: "stance/bert-ai", To: "person/bert", Origin: "stances.yaml"},
		{Type: graph.OnTopic, From: "stance/bert-ai", To: "topic/ai", Origin: "stances.yaml"},
		{Type: graph.RespondsTo, From: "stance/bert-ai", To: "stance/anna-ai", Origin: "stances.yaml"},
		{Type: graph.HeldBy, From: "stance/germany-energy", To: "org/germany"},
		{Type: graph.OnTopic, From: "stance/germany-energy", To: "topic/energy"},
		{Type: graph.Published, From: "org/eu", To: "doc/article", Origin: "docs.yaml"},
		{Type: graph.Hosted, From: "org/germany", To: "event/summit", Origin: "docs.yaml"},
		{Type: graph.Announced, From: "org/eu", To: "initiative/invest", Origin: "docs.yaml"},
		{Type: graph.Funds, From: "org/eu", To: "initiative/invest", Origin: "docs.yaml"},
		{Type: graph.Attended, From: "person/bert", To: "event/summit", Role: "guest", Origin: "people.yaml"},
	}
	for _, e := range edges {
		b.PutEdge(e)
	}
	if _, err := st.Apply(context.Background(), &b, graph.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
}

// fixtureStore opens a store holding the fixture.
func fixtureStore(tb testing.TB) *graph.Store {
	st := mustOpen(tb)
	fixture(tb, st)
	return st
}

// export runs Write and returns the output.
func mustWrite(tb testing.TB, st *graph.Store, format string, f export.Filter) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := export.Write(context.Background(), st, format, f, &buf); err != nil {
		tb.Fatalf("export %s: %v", format, err)
	}
	return buf.Bytes()
}

// xmlClean is what XML keeps of s: the characters XML 1.0 forbids dropped.
func xmlClean(s string) string {
	var b []rune
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			continue
		}
		b = append(b, r)
	}
	return string(b)
}

// counts returns the number of nodes and edges in the store.
func counts(tb testing.TB, st *graph.Store) (nodes, edges int) {
	tb.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return c.Nodes, c.Edges
}
