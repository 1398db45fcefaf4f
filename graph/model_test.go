package graph_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in, out string
		ok      bool
	}{
		{"2025", "2025", true}, {"2025-02", "2025-02", true}, {"2025-02-11", "2025-02-11", true},
		{"2024-02-29", "2024-02-29", true}, {"", "", true},
		{"2025-02-29", "", false}, {"2025-13", "", false}, {"2025-00", "", false}, {"2025-04-31", "", false},
		{"0000", "", false}, {"25", "", false}, {"2025/02", "", false}, {"2025-2-1", "", false}, {"２０２５", "", false},
		{"2025-02-1x", "", false}, {"1900-02-29", "", false}, {"2000-02-29", "2000-02-29", true},
	} {
		d, err := graph.ParseDate(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseDate(%q) error %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if err != nil && !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("ParseDate(%q) error %v does not wrap ErrInvalid", c.in, err)
		}
		if c.ok && d.String() != c.out {
			t.Errorf("ParseDate(%q) = %q", c.in, d)
		}
	}
}

func TestDateOrder(t *testing.T) {
	ordered := []string{"2024-12-31", "2025", "2025-01", "2025-01-01", "2025-01-31", "2025-02", "2025-02-11", "2026"}
	for i := range ordered {
		for j := range ordered {
			a, b := graph.MustDate(ordered[i]), graph.MustDate(ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s vs %s: %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestEdgeActiveAt(t *testing.T) {
	e := graph.Edge{ValidFrom: graph.MustDate("2021-12"), ValidTo: graph.MustDate("2025-05")}
	for _, c := range []struct {
		asOf string
		want bool
	}{
		{"", true}, {"2021", true}, {"2021-11", false}, {"2021-12-01", true}, {"2025-05-31", true},
		{"2025-06", false}, {"2020", false}, {"2025", true},
	} {
		var d graph.Date
		if c.asOf != "" {
			d = graph.MustDate(c.asOf)
		}
		if got := e.ActiveAt(d); got != c.want {
			t.Errorf("ActiveAt(%s) = %v, want %v", c.asOf, got, c.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	for id, want := range map[string]graph.Kind{
		"person/olaf-scholz": graph.KindPerson, "org/eu": graph.KindOrganization, "topic/a.b_c-1": graph.KindTopic,
		"stance/x": graph.KindStance, "doc/d": graph.KindDocument, "event/e": graph.KindEvent, "initiative/i": graph.KindInitiative,
	} {
		if got, err := graph.KindOf(id); err != nil || got != want {
			t.Errorf("KindOf(%q) = %v, %v", id, got, err)
		}
	}
	for _, id := range []string{"", "person", "person/", "Person/x", "person/X", "person/a b", "people/x", "person/ä", "person/a/b", "/x", "person/" + strings.Repeat("a", graph.MaxIDLen)} {
		if _, err := graph.KindOf(id); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("KindOf(%q) = %v, want ErrInvalid", id, err)
		}
	}
}

func TestNodeValidate(t *testing.T) {
	scale := &graph.Scale{Negative: "no", Positive: "yes"}
	bad := map[string]graph.Node{
		"kind mismatch":       {ID: "person/x", Kind: graph.KindTopic, Name: "X"},
		"no name":             {ID: "person/x"},
		"position > 1":        {ID: "stance/x", Name: "S", Position: 1.4},
		"position < -1":       {ID: "stance/x", Name: "S", Position: -1.01},
		"confidence > 1":      {ID: "stance/x", Name: "S", Confidence: 2},
		"confidence < 0":      {ID: "stance/x", Name: "S", Confidence: -0.1},
		"topic without scale": {ID: "topic/x", Name: "T"},
		"unknown org type":    {ID: "org/x", Name: "O", OrgType: "CLUB"},
		"missing doc type":    {ID: "doc/x", Name: "D"},
		"field of other kind": {ID: "person/x", Name: "P", Position: 0.5},
		"bad source":          {ID: "person/x", Name: "P", Sources: []graph.Source{{Document: "person/y"}}},
		"bad currency":        {ID: "initiative/x", Name: "I", Amount: &graph.Money{Amount: 1, Currency: "euro"}},
		"negative amount":     {ID: "initiative/x", Name: "I", Amount: &graph.Money{Amount: -1, Currency: "EUR"}},
		"event ends early":    {ID: "event/x", Name: "E", StartDate: graph.MustDate("2025-02-10"), EndDate: graph.MustDate("2025-02-09")},
		"quote without lang":  {ID: "stance/x", Name: "S", Quotes: []graph.Quote{{Text: "t"}}},
	}
	for name, n := range bad {
		if err := n.Validate(); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want ErrInvalid", name, err)
		}
	}
	good := []graph.Node{
		{ID: "person/x", Name: "P", Aliases: []string{"Pe"}},
		{ID: "topic/x", Name: "T", Scale: scale},
		{ID: "stance/x", Name: "S", Position: -1, Confidence: 1},
		{ID: "org/x", Name: "O", OrgType: graph.OrgCompany, Country: "FR"},
		{ID: "initiative/x", Name: "I", Amount: &graph.Money{Amount: 5e10, Currency: "EUR"}},
	}
	for _, n := range good {
		if err := n.Validate(); err != nil {
			t.Errorf("%s: %v", n.ID, err)
		}
		if n.Kind == 0 {
			k, _ := graph.KindOf(n.ID)
			n.Kind = k
		}
	}
}

func TestEdgeValidate(t *testing.T) {
	bad := []graph.Edge{
		{Type: graph.HeldBy, From: "stance/x", To: "topic/y"},    // holder must be an actor
		{Type: graph.OnTopic, From: "person/x", To: "topic/y"},   // only stances are on topics
		{Type: "LIKES", From: "person/x", To: "person/y"},        // unknown type
		{Type: graph.SubtopicOf, From: "topic/x", To: "topic/x"}, // self loop
		{Type: graph.Signed, From: "org/x", To: "doc/"},          // bad id
		{Type: graph.HoldsOffice, From: "person/x", To: "org/y", ValidFrom: graph.MustDate("2025"), ValidTo: graph.MustDate("2024")},
	}
	for _, e := range bad {
		if err := e.Validate(); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want ErrInvalid", e.ID(), err)
		}
	}
	ok := graph.Edge{Type: graph.Mentions, From: "doc/a", To: "stance/b"}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
	ty, from, to, err := graph.ParseEdgeID(ok.ID())
	if err != nil || ty != ok.Type || from != ok.From || to != ok.To {
		t.Errorf("ParseEdgeID(%q) = %v %v %v %v", ok.ID(), ty, from, to, err)
	}
	// A load validates every edge: a valid one costs no allocation, and a
	// bad source still names its edge.
	sourced := graph.Edge{Type: graph.HeldBy, From: "stance/b", To: "person/c", Sources: []graph.Source{{Document: "doc/a", Quote: "q"}}}
	if n := testing.AllocsPerRun(100, func() { _ = sourced.Validate() }); n != 0 {
		t.Errorf("a valid edge's Validate allocates %v times", n)
	}
	sourced.Sources[0].Document = "person/a"
	if err := sourced.Validate(); !errors.Is(err, graph.ErrInvalid) || err.Error() != `invalid: edge stance/b|HELD_BY|person/c: source 1: "person/a" is not a document id` {
		t.Errorf("bad source: %v", err)
	}
}

func TestLabelFor(t *testing.T) {
	for _, c := range []struct {
		p       float64
		neutral bool
		want    graph.Label
	}{{0.33, false, graph.LabelSupports}, {0.32, false, graph.LabelMixed}, {-0.33, false, graph.LabelOpposes}, {0, true, graph.LabelNeutral}, {-1, false, graph.LabelOpposes}} {
		if got := graph.LabelFor(c.p, c.neutral); got != c.want {
			t.Errorf("LabelFor(%v,%v) = %v, want %v", c.p, c.neutral, got, c.want)
		}
	}
}
