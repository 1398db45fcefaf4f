package export_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
)

type xmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type graphML struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string    `xml:"id,attr"`
			Data []xmlData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string    `xml:"id,attr"`
			Source string    `xml:"source,attr"`
			Target string    `xml:"target,attr"`
			Data   []xmlData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

func parseGraphML(t *testing.T, data []byte) *graphML {
	t.Helper()
	var g graphML
	if err := xml.Unmarshal(data, &g); err != nil {
		t.Fatalf("GraphML does not parse: %v\n%s", err, data)
	}
	return &g
}

// dataMap resolves GraphML data keys to attribute names.
func dataMap(g *graphML, data []xmlData) map[string]string {
	names := map[string]string{}
	for _, k := range g.Keys {
		names[k.ID] = k.Name
	}
	m := map[string]string{}
	for _, d := range data {
		m[names[d.Key]] = d.Value
	}
	return m
}

func TestGraphML(t *testing.T) {
	st := fixtureStore(t)
	g := parseGraphML(t, mustWrite(t, st, "graphml", export.Filter{}))
	nodes, edges := counts(t, st)
	if len(g.Graph.Nodes) != nodes || len(g.Graph.Edges) != edges {
		t.Fatalf("GraphML has %d nodes and %d edges, want %d and %d", len(g.Graph.Nodes), len(g.Graph.Edges), nodes, edges)
	}
	if g.Graph.EdgeDefault != "directed" {
		t.Errorf("edgedefault = %q", g.Graph.EdgeDefault)
	}
	byID := map[string]map[string]string{}
	for _, n := range g.Graph.Nodes {
		byID[n.ID] = dataMap(g, n.Data)
	}
	anna := byID["person/anna"]
	if anna["name"] != xmlClean(hostileName) || anna["label"] != xmlClean(hostileName) {
		t.Errorf("name = %q, want %q", anna["name"], xmlClean(hostileName))
	}
	if anna["description"] != xmlClean(hostileDesc) {
		t.Errorf("description = %q, want %q", anna["description"], xmlClean(hostileDesc))
	}
	if anna["kind"] != "PERSON" || anna["origin"] != "people.yaml" {
		t.Errorf("kind, origin = %q, %q", anna["kind"], anna["origin"])
	}
	var aliases []string
	if err := json.Unmarshal([]byte(anna["aliases"]), &aliases); err != nil || len(aliases) != 3 || aliases[2] != "אנה" {
		t.Errorf("aliases = %q (%v)", anna["aliases"], err)
	}
	s := byID["stance/anna-ai"]
	want := map[string]string{"kind": "STANCE", "position": "0.75", "confidence": "0.9", "neutral": "false", "stanceLabel": "SUPPORTS", "statedAt": "2025-02", "summary": "She wants <rules> & trust."}
	for k, v := range want {
		if s[k] != v {
			t.Errorf("stance %s = %q, want %q", k, s[k], v)
		}
	}
	var quotes []graph.Quote
	if err := json.Unmarshal([]byte(s["quotes"]), &quotes); err != nil || len(quotes) != 2 || quotes[0].Text != hostileQuote || quotes[1].Translation != hebrewQuote {
		t.Errorf("quotes = %q (%v)", s["quotes"], err)
	}
	if n := byID["stance/germany-energy"]; n["position"] != "0" || n["neutral"] != "true" || n["stanceLabel"] != "NEUTRAL" {
		t.Errorf("neutral stance = %v", n)
	}
	if _, ok := byID["person/bert"]["position"]; ok {
		t.Error("a person has a position")
	}
	if _, ok := byID["doc/article"]["text"]; ok {
		t.Error("GraphML carries document texts")
	}
	var found bool
	for _, e := range g.Graph.Edges {
		if e.ID != "person/anna|HOLDS_OFFICE|org/germany" {
			continue
		}
		found = true
		d := dataMap(g, e.Data)
		if e.Source != "person/anna" || e.Target != "org/germany" || d["type"] != "HOLDS_OFFICE" || d["role"] != "Ministerin für \"Digitales\" <&>" ||
			d["validFrom"] != "2021-12" || d["validTo"] != "2025" || d["origin"] != "people.yaml" {
			t.Errorf("edge = %+v %v", e, d)
		}
	}
	if !found {
		t.Error("HOLDS_OFFICE edge missing")
	}
	for _, k := range g.Keys {
		if k.Name == "position" && k.Type != "double" || k.Name == "neutral" && k.Type != "boolean" {
			t.Errorf("key %s has type %s", k.Name, k.Type)
		}
	}
}

type gexfSpell struct {
	Start string `xml:"start,attr"`
	End   string `xml:"end,attr"`
}

type gexfAtt struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

type gexf struct {
	XMLName xml.Name `xml:"http://gexf.net/1.3 gexf"`
	Version string   `xml:"version,attr"`
	Graph   struct {
		Mode       string `xml:"mode,attr"`
		TimeFormat string `xml:"timeformat,attr"`
		Attributes []struct {
			Class string `xml:"class,attr"`
			Attrs []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes []struct {
			ID     string      `xml:"id,attr"`
			Label  string      `xml:"label,attr"`
			Atts   []gexfAtt   `xml:"attvalues>attvalue"`
			Spells []gexfSpell `xml:"spells>spell"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID     string      `xml:"id,attr"`
			Source string      `xml:"source,attr"`
			Target string      `xml:"target,attr"`
			Label  string      `xml:"label,attr"`
			Atts   []gexfAtt   `xml:"attvalues>attvalue"`
			Spells []gexfSpell `xml:"spells>spell"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

func atts(as []gexfAtt) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		m[a.For] = a.Value
	}
	return m
}

func TestGEXF(t *testing.T) {
	st := fixtureStore(t)
	data := mustWrite(t, st, "gexf", export.Filter{})
	var g gexf
	if err := xml.Unmarshal(data, &g); err != nil {
		t.Fatalf("GEXF does not parse: %v\n%s", err, data)
	}
	nodes, edges := counts(t, st)
	if len(g.Graph.Nodes) != nodes || len(g.Graph.Edges) != edges {
		t.Fatalf("GEXF has %d nodes and %d edges, want %d and %d", len(g.Graph.Nodes), len(g.Graph.Edges), nodes, edges)
	}
	if g.Version != "1.3" || g.Graph.Mode != "dynamic" || g.Graph.TimeFormat != "date" {
		t.Errorf("version %q, mode %q, timeformat %q", g.Version, g.Graph.Mode, g.Graph.TimeFormat)
	}
	declared := map[string]bool{}
	for _, as := range g.Graph.Attributes {
		for _, a := range as.Attrs {
			declared[as.Class+"/"+a.ID] = true
		}
	}
	for _, n := range g.Graph.Nodes {
		a := atts(n.Atts)
		for k := range a {
			if !declared["node/"+k] {
				t.Errorf("node %s: attribute %s is not declared", n.ID, k)
			}
		}
		switch n.ID {
		case "person/anna":
			if n.Label != xmlClean(hostileName) || a["description"] != xmlClean(hostileDesc) || a["kind"] != "PERSON" {
				t.Errorf("anna = %q %v", n.Label, a)
			}
		case "stance/anna-ai":
			if len(n.Spells) != 1 || n.Spells[0].Start != "2025-02-01" || n.Spells[0].End != "" {
				t.Errorf("stance spells = %+v", n.Spells)
			}
			if a["position"] != "0.75" || a["stanceLabel"] != "SUPPORTS" || a["statedAt"] != "2025-02" {
				t.Errorf("stance attributes = %v", a)
			}
		case "stance/germany-energy", "person/bert":
			if len(n.Spells) != 0 {
				t.Errorf("%s has spells %+v", n.ID, n.Spells)
			}
		}
	}
	for _, e := range g.Graph.Edges {
		a := atts(e.Atts)
		for k := range a {
			if !declared["edge/"+k] {
				t.Errorf("edge %s: attribute %s is not declared", e.ID, k)
			}
		}
		switch e.ID {
		case "person/anna|HOLDS_OFFICE|org/germany":
			if len(e.Spells) != 1 || e.Spells[0] != (gexfSpell{"2021-12-01", "2025-12-31"}) {
				t.Errorf("spells = %+v", e.Spells)
			}
			if e.Label != "HOLDS_OFFICE" || a["role"] != "Ministerin für \"Digitales\" <&>" || a["validTo"] != "2025" {
				t.Errorf("edge = %q %v", e.Label, a)
			}
		case "org/germany|MEMBER_OF|org/eu":
			if len(e.Spells) != 1 || e.Spells[0] != (gexfSpell{"1958-01-01", ""}) {
				t.Errorf("spells = %+v", e.Spells)
			}
		case "stance/anna-ai|HELD_BY|person/anna":
			if len(e.Spells) != 0 {
				t.Errorf("undated edge has spells %+v", e.Spells)
			}
		}
	}
}

// TestXMLForbidden checks that no byte XML 1.0 forbids reaches the output,
// on its own, without trusting the parser.
func TestXMLForbidden(t *testing.T) {
	st := fixtureStore(t)
	for _, f := range []string{"graphml", "gexf"} {
		data := mustWrite(t, st, f, export.Filter{})
		if i := bytes.IndexByte(data, 0x01); i >= 0 {
			t.Errorf("%s: control character at byte %d", f, i)
		}
		if bytes.Contains(data, []byte("\uFFFE")) {
			t.Errorf("%s: U+FFFE in the output", f)
		}
		if !bytes.Contains(data, []byte("العربية")) || !bytes.Contains(data, []byte("עברית")) {
			t.Errorf("%s: RTL text not written as UTF-8", f)
		}
	}
}
