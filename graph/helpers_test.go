package graph_test

import (
	"context"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
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

// mustOpenDir opens an on-disk store in dir; the caller closes it.
func mustOpenDir(tb testing.TB, dir string, o graph.Options) *graph.Store {
	tb.Helper()
	o.Logger = zerolog.New(zerolog.NewTestWriter(tb)).Level(zerolog.WarnLevel)
	s, err := graph.Open(dir, o)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func mustApply(tb testing.TB, s *graph.Store, b *graph.Batch) graph.Result {
	tb.Helper()
	r, err := s.Apply(context.Background(), b, graph.ApplyOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustVerify(tb testing.TB, s *graph.Store) {
	tb.Helper()
	if err := s.Verify(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

var article = graph.Source{Document: "doc/article", Quote: "Vance", Locator: "¶10"}

// fixture builds a small summit graph: two people with opposite stances on
// a topic and its subtopic, their states, the UN and a declaration.
func fixture() *graph.Batch {
	b := &graph.Batch{}
	fixtureInto(b)
	return b
}

// fixtureInto adds the fixture's operations to b.
func fixtureInto(b *graph.Batch) {
	b.PutNode(graph.Node{ID: "doc/article", Name: "Article about the AI Action Summit", DocType: graph.DocArticle, Language: "de",
		Text: "Auf dem KI-Gipfel sprach sich US-Vizepräsident J.D. Vance gegen eine strikte Regulierung aus. Bundeskanzler Olaf Scholz hatte sich im Élysée-Palast für klare Regeln ausgesprochen."})
	b.PutNode(graph.Node{ID: "doc/declaration", Name: "Paris declaration", DocType: graph.DocDeclaration})
	b.PutNode(graph.Node{ID: "person/jd-vance", Name: "J.D. Vance", Aliases: []string{"Vance"}, Sources: []graph.Source{article}})
	b.PutNode(graph.Node{ID: "person/olaf-scholz", Name: "Olaf Scholz", Description: "Bundeskanzler"})
	b.PutNode(graph.Node{ID: "person/antonio-guterres", Name: "António Guterres", Description: "UN-Generalsekretär"})
	b.PutNode(graph.Node{ID: "org/usa", Name: "United States", OrgType: graph.OrgState, Country: "US"})
	b.PutNode(graph.Node{ID: "org/germany", Name: "Germany", OrgType: graph.OrgState, Country: "DE"})
	b.PutNode(graph.Node{ID: "org/un", Name: "United Nations", OrgType: graph.OrgIntergovernmental})
	b.PutNode(graph.Node{ID: "topic/ai-regulation", Name: "AI regulation", Scale: &graph.Scale{Negative: "against", Positive: "for"}})
	b.PutNode(graph.Node{ID: "topic/ai-act", Name: "AI Act application", Scale: &graph.Scale{Negative: "against", Positive: "for"}})
	b.PutNode(graph.Node{ID: "event/summit", Name: "AI Action Summit", Location: "Paris", StartDate: graph.MustDate("2025-02")})
	b.PutNode(graph.Node{ID: "stance/vance", Name: "Against strict regulation", Position: -0.8, Confidence: 0.9, StatedAt: graph.MustDate("2025-02-11"),
		Summary: "Vance opposes strict regulation.", Quotes: []graph.Quote{{Text: "Regulierung erdrosseln", Language: "de", Translation: "strangle regulation", TranslationLanguage: "en"}},
		Sources: []graph.Source{article}})
	b.PutNode(graph.Node{ID: "stance/scholz", Name: "For clear rules", Position: 0.7, Confidence: 0.9, StatedAt: graph.MustDate("2025-02"), Sources: []graph.Source{article}})
	b.PutNode(graph.Node{ID: "stance/scholz-act", Name: "Innovation-friendly AI Act", Position: 0.5, Confidence: 0.8, Sources: []graph.Source{article}})
	b.PutNode(graph.Node{ID: "stance/guterres", Name: "AI for all", Position: 0.6, Confidence: 0.8, Sources: []graph.Source{article}})
	for _, e := range []graph.Edge{
		{Type: graph.SubtopicOf, From: "topic/ai-act", To: "topic/ai-regulation"},
		{Type: graph.HeldBy, From: "stance/vance", To: "person/jd-vance"},
		{Type: graph.OnTopic, From: "stance/vance", To: "topic/ai-regulation"},
		{Type: graph.StatedAt, From: "stance/vance", To: "event/summit"},
		{Type: graph.HeldBy, From: "stance/scholz", To: "person/olaf-scholz"},
		{Type: graph.OnTopic, From: "stance/scholz", To: "topic/ai-regulation"},
		{Type: graph.HeldBy, From: "stance/scholz-act", To: "person/olaf-scholz"},
		{Type: graph.OnTopic, From: "stance/scholz-act", To: "topic/ai-act"},
		{Type: graph.HeldBy, From: "stance/guterres", To: "person/antonio-guterres"},
		{Type: graph.OnTopic, From: "stance/guterres", To: "topic/ai-regulation"},
		{Type: graph.HoldsOffice, From: "person/jd-vance", To: "org/usa", Role: "Vice President", ValidFrom: graph.MustDate("2025-01")},
		{Type: graph.HoldsOffice, From: "person/olaf-scholz", To: "org/germany", Role: "Federal Chancellor", ValidFrom: graph.MustDate("2021-12"), ValidTo: graph.MustDate("2025-05")},
		{Type: graph.HoldsOffice, From: "person/antonio-guterres", To: "org/un", Role: "Secretary-General"},
		{Type: graph.Signed, From: "org/germany", To: "doc/declaration"},
		{Type: graph.DidNotSign, From: "org/usa", To: "doc/declaration"},
		{Type: graph.Mentions, From: "doc/article", To: "person/jd-vance", Sources: []graph.Source{article}},
	} {
		b.PutEdge(e)
	}
}
