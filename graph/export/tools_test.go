package export_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// needTool skips the test when a tool is missing, or fails it when
// STANCEGRAPH_REQUIRE_TOOLS=1.
func needTool(t *testing.T, name string, check ...string) {
	t.Helper()
	if err := exec.Command(check[0], check[1:]...).Run(); err != nil {
		if os.Getenv("STANCEGRAPH_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (STANCEGRAPH_REQUIRE_TOOLS=1) but not available: %v", name, err)
		}
		t.Skipf("%s not available (%v); set STANCEGRAPH_REQUIRE_TOOLS=1 to make this a failure", name, err)
	}
}

const readWithNetworkx = `
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
x = nx.read_gexf(sys.argv[2])
out = {"graphml": [g.number_of_nodes(), g.number_of_edges()], "gexf": [x.number_of_nodes(), x.number_of_edges()]}
if "person/anna" in g:
    out["name"] = g.nodes["person/anna"]["name"]
    out["label"] = x.nodes["person/anna"]["label"]
    out["position"] = g.nodes["stance/anna-ai"]["position"]
    out["neutral"] = x.nodes["stance/germany-energy"]["neutral"]
    out["role"] = [d.get("role") for _, _, d in g.edges(data=True) if d.get("type") == "HOLDS_OFFICE"]
print(json.dumps(out))
`

// TestNetworkx reads the GraphML and GEXF exports with networkx, the
// reader most researchers use, and compares counts and attributes.
func TestNetworkx(t *testing.T) {
	needTool(t, "python3 with networkx", "python3", "-c", "import networkx")
	big := mustOpen(t)
	if err := synth.New(synth.Config{Edges: 3000, Seed: 7}).Load(context.Background(), big, 0); err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*graph.Store{"fixture": fixtureStore(t), "synth": big} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			gml, gexf := filepath.Join(dir, "g.graphml"), filepath.Join(dir, "g.gexf")
			if err := os.WriteFile(gml, mustWrite(t, st, "graphml", export.Filter{}), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(gexf, mustWrite(t, st, "gexf", export.Filter{}), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("python3", "-c", readWithNetworkx, gml, gexf).CombinedOutput()
			if err != nil {
				t.Fatalf("networkx: %v\n%s", err, out)
			}
			var got struct {
				GraphML, GEXF [2]int
				Name, Label   string
				Position      float64
				Neutral       bool
				Role          []string
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			nodes, edges := counts(t, st)
			if got.GraphML != [2]int{nodes, edges} || got.GEXF != [2]int{nodes, edges} {
				t.Errorf("networkx read GraphML %v and GEXF %v, want %v", got.GraphML, got.GEXF, [2]int{nodes, edges})
			}
			if name == "fixture" {
				if got.Name != xmlClean(hostileName) || got.Label != xmlClean(hostileName) || got.Position != 0.75 || !got.Neutral ||
					len(got.Role) != 1 || got.Role[0] != "Ministerin für \"Digitales\" <&>" {
					t.Errorf("networkx read %+v", got)
				}
			}
		})
	}
}
