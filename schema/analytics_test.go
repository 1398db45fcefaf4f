package schema

import (
	"context"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

// datasetAPI serves the shipped dataset.
func datasetAPI(t *testing.T, cfg Config) *API {
	t.Helper()
	st := mustOpen(t)
	set, err := seed.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(context.Background(), st, set, seed.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg.Logger = zerolog.New(zerolog.NewTestWriter(t))
	a, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	shadowed(t, a)
	return a
}

// jsonAt walks decoded JSON by object keys and list indexes.
func jsonAt(v any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func idsAt(v any, steps ...any) []string {
	var out []string
	l, _ := jsonAt(v, steps...).([]any)
	for _, x := range l {
		id, _ := jsonAt(x, "id").(string)
		out = append(out, id)
	}
	return out
}

func floatOf(v any) float64 { f, _ := v.(float64); return f }

// TestAnalyticsOnDataset checks every analytics field on the shipped
// dataset against answers worked out by hand from seed/data/stances.yaml.
func TestAnalyticsOnDataset(t *testing.T) {
	a := datasetAPI(t, Config{})
	data := ok(t, post(t, a, `{
  coalitions(topic: "topic/ai-regulation") { members { id } meanPosition cohesion basis { id } }
  positions(topics: ["topic/ai-regulation"], actors: ["person/olaf-scholz", "person/jd-vance"]) {
    actor { id } topic { id } position stances basis { id }
  }
  similarity(actor: "person/jd-vance", first: 2) { actor { id } score sharedTopics topics { id } }
  divergences { person { id } organization { id } topic { id } personStance { id } organizationStance { id } gap links { type role } }
  stanceChanges { delta }
  timeline(topic: "topic/ai-regulation") { id }
  centrality(kinds: [PERSON, ORGANIZATION], edgeTypes: [HOLDS_OFFICE, MEMBER_OF, BASED_IN], first: 2) { node { id } degree betweenness exact }
}`, nil))

	t.Run("coalitions", func(t *testing.T) {
		var camps [][]string
		for i := range 3 {
			camps = append(camps, idsAt(data, "coalitions", i, "members"))
		}
		want := [][]string{{"org/china", "org/eu", "org/germany"}, {"person/olaf-scholz"}, {"person/jd-vance"}}
		if !slices.EqualFunc(camps, want, slices.Equal) || jsonAt(data, "coalitions", 3) != nil {
			t.Errorf("camps = %v, want %v", camps, want)
		}
		// Vance and Scholz fall in different camps on AI regulation.
		if !nearly(floatOf(jsonAt(data, "coalitions", 0, "meanPosition")), 0.7) || !nearly(floatOf(jsonAt(data, "coalitions", 1, "meanPosition")), 0.05) ||
			!nearly(floatOf(jsonAt(data, "coalitions", 0, "cohesion")), 1) {
			t.Errorf("coalitions = %v", jsonAt(data, "coalitions"))
		}
		if b := idsAt(data, "coalitions", 1, "basis"); !slices.Equal(b, []string{"stance/olaf-scholz-ai-act-application", "stance/olaf-scholz-ai-regulation"}) {
			t.Errorf("Scholz's camp rests on %v", b)
		}
	})
	t.Run("positions", func(t *testing.T) {
		// Vance: -0.8 on ai-regulation and -0.8 on its subtopic; Scholz:
		// 0.6 on ai-regulation and -0.5 on the AI Act, a subtopic.
		cells := jsonAt(data, "positions").([]any)
		if len(cells) != 2 || jsonAt(cells[0], "actor", "id") != "person/jd-vance" || !nearly(floatOf(jsonAt(cells[0], "position")), -0.8) ||
			floatOf(jsonAt(cells[0], "stances")) != 2 || !nearly(floatOf(jsonAt(cells[1], "position")), 0.05) || floatOf(jsonAt(cells[1], "stances")) != 2 {
			t.Errorf("positions = %v", cells)
		}
	})
	t.Run("similarity", func(t *testing.T) {
		// Vance and von der Leyen both see AI optimistically (0.9, 0.8);
		// Vance (-0.8, 0.9) against Scholz (0.6, 0) on regulation and outlook.
		want := (-0.8 * 0.6) / (math.Sqrt(0.8*0.8+0.9*0.9) * 0.6)
		if jsonAt(data, "similarity", 0, "actor", "id") != "person/ursula-von-der-leyen" || !nearly(floatOf(jsonAt(data, "similarity", 0, "score")), 1) ||
			jsonAt(data, "similarity", 1, "actor", "id") != "person/olaf-scholz" || !nearly(floatOf(jsonAt(data, "similarity", 1, "score")), want) ||
			floatOf(jsonAt(data, "similarity", 1, "sharedTopics")) != 2 || jsonAt(data, "similarity", 2) != nil {
			t.Errorf("similarity = %v", jsonAt(data, "similarity"))
		}
		if got := idsAt(data, "similarity", 1, "topics"); !slices.Equal(got, []string{"topic/ai-outlook", "topic/ai-regulation"}) {
			t.Errorf("shared topics = %v", got)
		}
	})
	t.Run("divergences", func(t *testing.T) {
		// Scholz favours a light AI Act (-0.5); Germany signed for binding
		// international rules (0.7).
		d := jsonAt(data, "divergences", 0)
		if jsonAt(d, "person", "id") != "person/olaf-scholz" || jsonAt(d, "organization", "id") != "org/germany" ||
			jsonAt(d, "topic", "id") != "topic/ai-regulation" || jsonAt(d, "personStance", "id") != "stance/olaf-scholz-ai-act-application" ||
			jsonAt(d, "organizationStance", "id") != "stance/germany-international-ai-regulation" || !nearly(floatOf(jsonAt(d, "gap")), 1.2) ||
			jsonAt(d, "links", 0, "role") != "Federal Chancellor" || jsonAt(d, "links", 1, "type") != "ON_BEHALF_OF" ||
			jsonAt(data, "divergences", 1) != nil {
			t.Errorf("divergences = %v", jsonAt(data, "divergences"))
		}
	})
	t.Run("changes and timeline", func(t *testing.T) {
		if l, _ := jsonAt(data, "stanceChanges").([]any); len(l) != 0 {
			t.Errorf("stanceChanges = %v", l)
		}
		if got := idsAt(data, "timeline"); len(got) != 7 || got[0] != "stance/china-international-ai-regulation" {
			t.Errorf("timeline = %v", got)
		}
	})
	t.Run("centrality", func(t *testing.T) {
		// spd - Scholz - Germany - Aleph Alpha is the longest chain of
		// offices, memberships and bases.
		if jsonAt(data, "centrality", 0, "node", "id") != "org/germany" || jsonAt(data, "centrality", 1, "node", "id") != "person/olaf-scholz" ||
			floatOf(jsonAt(data, "centrality", 0, "betweenness")) != 2 || floatOf(jsonAt(data, "centrality", 0, "degree")) != 2 ||
			jsonAt(data, "centrality", 0, "exact") != true {
			t.Errorf("centrality = %v", jsonAt(data, "centrality"))
		}
	})
}

func nearly(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAnalyticsErrors(t *testing.T) {
	a, _ := newAPI(t, Config{})
	for _, tc := range []struct{ query, code string }{
		{`{ similarity(actor: "topic/ai") { score } }`, "BAD_USER_INPUT"},
		{`{ similarity(actor: "person/nobody") { score } }`, "NOT_FOUND"},
		{`{ similarity(actor: "person/jd-vance", first: -1) { score } }`, "BAD_USER_INPUT"},
		{`{ positions(topics: ["topic/none"]) { position } }`, "NOT_FOUND"},
		{`{ positions(actors: ["topic/ai"]) { position } }`, "BAD_USER_INPUT"},
		{`{ coalitions(topic: "topic/ai", minScore: -1.5) { cohesion } }`, "BAD_USER_INPUT"},
		{`{ stanceChanges(threshold: 3) { delta } }`, "BAD_USER_INPUT"},
		{`{ stanceChanges(holder: "person/nobody") { delta } }`, "NOT_FOUND"},
		{`{ divergences(topic: "org/eu") { gap } }`, "BAD_USER_INPUT"},
		{`{ centrality(first: -1) { degree } }`, "BAD_USER_INPUT"},
		{`{ centrality(kinds: [SPACESHIP]) { degree } }`, "BAD_USER_INPUT"},
		{`{ timeline(topic: "topic/nothing-here") { id } }`, "NOT_FOUND"},
		{`{ timeline(topic: "topic/ai", from: "2026", to: "2025") { id } }`, "BAD_USER_INPUT"},
	} {
		r := post(t, a, tc.query, nil)
		if codes := r.codes(); len(codes) != 1 || codes[0] != tc.code {
			t.Errorf("%s: codes %v, want %s\n%s", tc.query, codes, tc.code, r.Raw)
		}
	}
}

// TestAnalyticsCost checks that the analytics lists are costed as longer
// than plain lists, so the estimator refuses big nested selections.
func TestAnalyticsCost(t *testing.T) {
	a, _ := newAPI(t, Config{MaxCost: 150})
	// 100 stances, each with its holder: 200 nodes.
	r := post(t, a, `{ timeline(topic: "topic/ai") { id holder { id } } }`, nil)
	if codes := r.codes(); len(codes) != 1 || codes[0] != string(CodeQueryTooComplex) {
		t.Errorf("timeline with holders under MaxCost 150: %v\n%s", codes, r.Raw)
	}
	ok(t, post(t, a, `{ timeline(topic: "topic/ai") { id } }`, nil))
	// centrality is costed by first.
	ok(t, post(t, a, `{ centrality(first: 50) { node { id } } }`, nil))
	r = post(t, a, `{ centrality(first: 100) { node { id } } }`, nil)
	if codes := r.codes(); len(codes) != 1 || codes[0] != string(CodeQueryTooComplex) {
		t.Errorf("centrality first 100 under MaxCost 150: %v", codes)
	}
}

// TestAnalyticsCapped checks that an answer longer than maxAnalyticsList is
// refused with advice, not cut.
func TestAnalyticsCapped(t *testing.T) {
	a, st := newAPI(t, Config{})
	var b graph.Batch
	for i := range maxAnalyticsList + 1 {
		id := "stance/many-" + string(rune('a'+i%26)) + "-" + strconv.Itoa(i)
		b.PutNode(graph.Node{ID: id, Name: id, Position: 0.1, Confidence: 1})
		b.PutEdge(graph.Edge{Type: graph.HeldBy, From: id, To: "person/olaf-scholz"})
		b.PutEdge(graph.Edge{Type: graph.OnTopic, From: id, To: "topic/ai"})
	}
	if _, err := st.Apply(context.Background(), &b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	r := post(t, a, `{ timeline(topic: "topic/ai") { id } }`, nil)
	if codes := r.codes(); len(codes) != 1 || codes[0] != string(CodeBadUserInput) {
		t.Errorf("timeline of %d stances: %v", maxAnalyticsList+3, codes)
	}
	ok(t, post(t, a, `{ timeline(topic: "topic/ai", from: "2025") { id } }`, nil))
}
