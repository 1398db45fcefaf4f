package graph_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// egoAnswer is a neighbourhood as ego.py describes it: the nodes, and the
// edges as unordered pairs, each counted and hashed.
type egoAnswer struct {
	Nodes      int    `json:"nodes"`
	NodeSHA256 string `json:"node_sha256"`
	Edges      int    `json:"edges"`
	EdgeSHA256 string `json:"edge_sha256"`
}

// TestNeighborhoodMatchesNetworkx checks Neighborhood against networkx's
// ego_graph on a synthetic graph read as undirected: for seeded roots at
// radius 1, 2 and 3, the same nodes and the same edges among them (each
// pair of nodes once, as an undirected simple graph has it), with values
// and with keys only.
func TestNeighborhoodMatchesNetworkx(t *testing.T) {
	py := networkxPython(t)
	ctx := context.Background()
	s := mustOpen(t)
	gen := synth.New(synth.Config{Edges: 10_000, Seed: benchSeed})
	if err := gen.Load(ctx, s, benchChunk); err != nil {
		t.Fatal(err)
	}
	type query struct {
		root  string
		depth int
	}
	var queries []query
	for i, id := range gen.Sample(90, 4) {
		queries = append(queries, query{id, 1 + i%3})
	}
	dir := t.TempDir()
	edgesPath, rootsPath := filepath.Join(dir, "edges.tsv"), filepath.Join(dir, "roots.tsv")
	err := writeTSV(edgesPath, edgeEnds(gen))
	if err == nil {
		err = writeTSV(rootsPath, func(yield func(a, b string) bool) {
			for _, q := range queries {
				if !yield(q.root, strconv.Itoa(q.depth)) {
					return
				}
			}
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("testdata", "networkx", "ego.py"), edgesPath, rootsPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ego.py: %v: %s", err, stderr.String())
	}
	var want []egoAnswer
	lines := bufio.NewScanner(strings.NewReader(string(out)))
	for lines.Scan() {
		var a egoAnswer
		if err := json.Unmarshal(lines.Bytes(), &a); err != nil {
			t.Fatalf("ego.py output: %v: %s", err, lines.Text())
		}
		want = append(want, a)
	}
	if len(want) != len(queries) {
		t.Fatalf("ego.py answered %d queries, want %d", len(want), len(queries))
	}
	largest := 0
	for i, q := range queries {
		for _, keys := range []bool{false, true} {
			sg, err := s.Neighborhood(ctx, q.root, graph.NeighborhoodOptions{Depth: q.depth, Limit: graph.MaxNeighborhoodLimit,
				NodeKeysOnly: keys, EdgeKeysOnly: keys})
			if err != nil {
				t.Fatal(err)
			}
			if sg.Truncated {
				t.Fatalf("%s at depth %d: truncated at %d nodes; the test compares whole neighbourhoods", q.root, q.depth, len(sg.Nodes))
			}
			if got := egoOf(sg); got != want[i] {
				t.Errorf("%s at depth %d (keys only %v): ours %+v, networkx %+v", q.root, q.depth, keys, got, want[i])
			}
		}
		largest = max(largest, want[i].Nodes)
	}
	// A comparison of small neighbourhoods only would prove little.
	if largest < 500 {
		t.Fatalf("the largest neighbourhood has %d nodes: the test no longer reaches hubs", largest)
	}
	t.Logf("%d neighbourhoods match networkx; the largest has %d nodes", len(queries), largest)
}

// egoOf describes a subgraph as ego.py does.
func egoOf(sg graph.Subgraph) egoAnswer {
	var nodes []string
	for _, n := range sg.Nodes {
		nodes = append(nodes, n.ID)
	}
	pairs := map[string]bool{}
	for _, e := range sg.Edges {
		a, b := e.From, e.To
		if b < a {
			a, b = b, a
		}
		pairs[a+"\t"+b] = true
	}
	var edges []string
	for p := range pairs {
		edges = append(edges, p)
	}
	return egoAnswer{len(nodes), sortedSHA256(nodes), len(edges), sortedSHA256(edges)}
}

func sortedSHA256(lines []string) string {
	slices.Sort(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(h[:])
}
