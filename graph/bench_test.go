package graph_test

// Benchmarks on synthetic stance graphs of 10k, 100k and 1M edges (package
// synth), and a cross-check of ShortestPath against networkx.
//
//	go test ./graph -run '^$' -bench 'Node|Hop|Path|Search|Networkx' -benchtime 1000x
//	go test ./graph -run '^$' -bench 'Load/' -benchtime 3x
//	go test ./graph -run TestShortestPathMatchesNetworkx -v
//
// -short skips the 1M graph, whose load takes minutes.
//
// Each size is generated and loaded into an on-disk store once per process
// and shared by the benchmarks; the stores are removed by
// removeBenchGraphs, which TestMain calls after the run, and a later run
// also removes those a killed run left behind.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

const (
	benchSeed    = 1
	benchChunk   = 250 // operations per Apply when loading: small enough for one Badger transaction
	benchDirGlob = "stancegraph-bench-*"
	maxPathDepth = 8
)

// benchGraph is a synthetic graph loaded into an on-disk store.
type benchGraph struct {
	gen   *synth.Generator
	store *graph.Store
	dir   string
	err   error

	nxOnce sync.Once
	nx     nxResult // networkx on Pairs(nxPairs), for BenchmarkVsNetworkx
	nxErr  error
}

var (
	benchMu     sync.Mutex
	benchGraphs = map[int]*benchGraph{}
)

// loadedGraph returns the store holding the synthetic graph of the given
// number of edges, building it on first use. The 1M graph is skipped under
// -short.
func loadedGraph(b *testing.B, edges int) *benchGraph {
	b.Helper()
	if edges >= 1_000_000 && testing.Short() {
		b.Skip("the 1M-edge graph is skipped under -short")
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	g, ok := benchGraphs[edges]
	if !ok {
		g = buildBenchGraph(b, edges)
		benchGraphs[edges] = g
	}
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g
}

func buildBenchGraph(b *testing.B, edges int) *benchGraph {
	if len(benchGraphs) == 0 {
		removeStaleBenchDirs()
	}
	g := &benchGraph{gen: synth.New(synth.Config{Edges: edges, Seed: benchSeed})}
	g.dir, g.err = os.MkdirTemp("", strings.Replace(benchDirGlob, "*", strconv.Itoa(os.Getpid())+"-*", 1))
	if g.err != nil {
		return g
	}
	start := time.Now()
	// The store outlives the benchmark that builds it, so it cannot log
	// to b; the zero Logger discards. NoSync: the load is setup here, not
	// the thing measured (BenchmarkLoad measures durable loads).
	g.store, g.err = graph.Open(g.dir, graph.Options{NoSync: true})
	if g.err != nil {
		return g
	}
	// One batch: an empty store takes it through the streaming load.
	if g.err = g.gen.Load(context.Background(), g.store, 0); g.err != nil {
		return g
	}
	c := g.gen.Counts()
	b.Logf("built the %d-edge graph (%d nodes) in %s in %v", c.Edges, c.Nodes, g.dir, time.Since(start).Round(time.Millisecond))
	return g
}

// removeBenchGraphs closes and deletes the stores the benchmarks built.
// TestMain calls it after m.Run.
func removeBenchGraphs() {
	benchMu.Lock()
	defer benchMu.Unlock()
	for k, g := range benchGraphs {
		if g.store != nil {
			g.store.Close()
		}
		if g.dir != "" {
			os.RemoveAll(g.dir)
		}
		delete(benchGraphs, k)
	}
	for k, dir := range closedGraphs {
		os.RemoveAll(dir)
		delete(closedGraphs, k)
	}
}

// removeStaleBenchDirs deletes the stores of benchmark runs whose process
// is gone (killed, or run without removeBenchGraphs).
func removeStaleBenchDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), benchDirGlob))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(filepath.Base(d), "stancegraph-bench-"), "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && p.Signal(syscall.Signal(0)) == nil {
			continue // still running
		}
		os.RemoveAll(d)
	}
}

// measure runs op b.N times, cycling i over n inputs, and reports the
// median and 99th percentile latency besides ns/op.
func measure(b *testing.B, n int, op func(i int) error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		err := op(i % n)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	p50, p99 := percentiles(lat)
	b.ReportMetric(float64(p50), "p50-ns")
	b.ReportMetric(float64(p99), "p99-ns")
}

// percentiles returns the median and the 99th percentile (nearest rank).
func percentiles(lat []time.Duration) (p50, p99 time.Duration) {
	if len(lat) == 0 {
		return 0, 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := func(p float64) time.Duration { return s[max(0, int(math.Ceil(p*float64(len(s))))-1)] }
	return rank(0.50), rank(0.99)
}

var benchSizes = []struct {
	name  string
	edges int
}{{"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// BenchmarkLoad measures bulk loading through Apply into a fresh durable
// on-disk store, in batches of benchChunk operations. Batches are built
// before the timer starts, so only the store is measured.
func BenchmarkLoad(b *testing.B) {
	for _, size := range benchSizes[:2] {
		b.Run(size.name, func(b *testing.B) {
			gen := synth.New(synth.Config{Edges: size.edges, Seed: benchSeed})
			batches := loadBatches(gen)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				s, err := graph.Open(b.TempDir(), graph.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for _, batch := range batches {
					if _, err := s.Apply(ctx, batch, graph.ApplyOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			c := gen.Counts()
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(c.Edges*b.N)/secs, "edges/s")
			b.ReportMetric(float64(c.Nodes*b.N)/secs, "nodes/s")
		})
	}
}

// loadBatches cuts the generator's nodes, then edges, into batches of
// benchChunk operations, the way (*synth.Generator).Load does.
func loadBatches(gen *synth.Generator) []*graph.Batch {
	var out []*graph.Batch
	cur := &graph.Batch{}
	next := func() {
		if cur.Len() >= benchChunk {
			out = append(out, cur)
			cur = &graph.Batch{}
		}
	}
	for n := range gen.Nodes {
		cur.PutNode(n)
		next()
	}
	for e := range gen.Edges {
		cur.PutEdge(e)
		next()
	}
	if cur.Len() > 0 {
		out = append(out, cur)
	}
	return out
}

// BenchmarkNode measures point reads of nodes of every kind.
func BenchmarkNode(b *testing.B) {
	b.Run("100k", func(b *testing.B) {
		g := loadedGraph(b, 100_000)
		ids := g.gen.Sample(10_000, 1)
		ctx := context.Background()
		measure(b, len(ids), func(i int) error {
			_, err := g.store.Node(ctx, ids[i])
			return err
		})
	})
}

// BenchmarkEdges1Hop measures listing all edges at a node, both directions.
func BenchmarkEdges1Hop(b *testing.B) {
	b.Run("100k", func(b *testing.B) {
		g := loadedGraph(b, 100_000)
		ids := g.gen.Sample(10_000, 2)
		ctx := context.Background()
		measure(b, len(ids), func(i int) error {
			_, err := g.store.Edges(ctx, ids[i], graph.Both, nil, graph.Date{})
			return err
		})
	})
}

// BenchmarkNeighborhood2Hop measures two-hop neighbourhoods with the
// default node limit, from nodes of every kind (hubs hit the limit).
func BenchmarkNeighborhood2Hop(b *testing.B) {
	for _, size := range benchSizes[1:] {
		b.Run(size.name, func(b *testing.B) {
			g := loadedGraph(b, size.edges)
			ids := g.gen.Sample(2_000, 3)
			ctx := context.Background()
			measure(b, len(ids), func(i int) error {
				_, err := g.store.Neighborhood(ctx, ids[i], graph.NeighborhoodOptions{Depth: 2})
				return err
			})
		})
	}
}

// BenchmarkNeighborhood2HopAll asks for whole 2-hop neighbourhoods (up to
// MaxNeighborhoodLimit nodes), as .ci/bench compares with networkx.
func BenchmarkNeighborhood2HopAll(b *testing.B) {
	for _, size := range benchSizes[1:2] {
		b.Run(size.name, func(b *testing.B) {
			g := loadedGraph(b, size.edges)
			ids := g.gen.Sample(300, 3)
			ctx := context.Background()
			measure(b, len(ids), func(i int) error {
				_, err := g.store.Neighborhood(ctx, ids[i], graph.NeighborhoodOptions{Depth: 2, Limit: graph.MaxNeighborhoodLimit})
				return err
			})
		})
	}
}

// BenchmarkShortestPath measures shortest paths of at most maxPathDepth
// edges between mostly connected pairs, with the path's values read from
// the store and with keys only, and reports the share found.
func BenchmarkShortestPath(b *testing.B) {
	for _, size := range benchSizes[1:] {
		for _, keys := range []bool{false, true} {
			name := size.name + "/values"
			if keys {
				name = size.name + "/keys"
			}
			b.Run(name, func(b *testing.B) {
				g := loadedGraph(b, size.edges)
				pairs := g.gen.Pairs(1_000, 4)
				ctx := context.Background()
				o := graph.PathOptions{MaxDepth: maxPathDepth, NodeKeysOnly: keys, EdgeKeysOnly: keys}
				found := 0
				measure(b, len(pairs), func(i int) error {
					_, ok, err := g.store.ShortestPath(ctx, pairs[i][0], pairs[i][1], o)
					if ok {
						found++
					}
					return err
				})
				b.ReportMetric(float64(found)/float64(b.N), "found/op")
			})
		}
	}
}

// BenchmarkSearch measures full-text queries of single names and words,
// German and accented ones among them.
func BenchmarkSearch(b *testing.B) {
	b.Run("100k", func(b *testing.B) {
		g := loadedGraph(b, 100_000)
		queries := g.gen.Queries(1_000, 5)
		ctx := context.Background()
		hits := 0
		measure(b, len(queries), func(i int) error {
			h, err := g.store.Search(ctx, queries[i], graph.SearchOptions{})
			hits += len(h)
			return err
		})
		b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
	})
}

// nxResult is the output of testdata/networkx/paths.py.
type nxResult struct {
	Lengths  []int   `json:"lengths"` // -1: no path
	MedianNS float64 `json:"median_ns"`
	P99NS    float64 `json:"p99_ns"`
	Pairs    int     `json:"pairs"`
}

const requireToolsEnv = "STANCEGRAPH_REQUIRE_TOOLS"

// networkxPython returns a python3 that can import networkx. Without one
// it skips tb, or fails it when STANCEGRAPH_REQUIRE_TOOLS=1.
func networkxPython(tb testing.TB) string {
	tb.Helper()
	var candidates []string
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "/usr/bin/python3")
	for _, py := range candidates {
		if exec.Command(py, "-c", "import networkx").Run() == nil {
			return py
		}
	}
	msg := "python3 with networkx not found; install Debian python3-networkx or set " + requireToolsEnv + "=1 to make this fail"
	if os.Getenv(requireToolsEnv) == "1" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// runNetworkx writes the generator's edges and the pairs as TSV files in
// dir and runs paths.py on them.
func runNetworkx(py, dir string, gen *synth.Generator, pairs [][2]string) (nxResult, error) {
	edgesPath, pairsPath := filepath.Join(dir, "edges.tsv"), filepath.Join(dir, "pairs.tsv")
	err := writeTSV(edgesPath, edgeEnds(gen))
	if err == nil {
		err = writeTSV(pairsPath, func(yield func(a, b string) bool) {
			for _, p := range pairs {
				if !yield(p[0], p[1]) {
					return
				}
			}
		})
	}
	if err != nil {
		return nxResult{}, err
	}
	cmd := exec.Command(py, filepath.Join("testdata", "networkx", "paths.py"), edgesPath, pairsPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nxResult{}, fmt.Errorf("paths.py: %w: %s", err, stderr.String())
	}
	var r nxResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nxResult{}, fmt.Errorf("paths.py output: %w", err)
	}
	if r.Pairs != len(pairs) || len(r.Lengths) != len(pairs) {
		return nxResult{}, fmt.Errorf("paths.py answered %d pairs (%d lengths), want %d", r.Pairs, len(r.Lengths), len(pairs))
	}
	return r, nil
}

// edgeEnds is the rows of the generator's edges for writeTSV: from, to.
func edgeEnds(gen *synth.Generator) func(yield func(a, b string) bool) {
	return func(yield func(a, b string) bool) {
		for e := range gen.Edges {
			if !yield(e.From, e.To) {
				return
			}
		}
	}
}

func writeTSV(path string, rows func(yield func(a, b string) bool)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for a, b := range rows {
		w.WriteString(a)
		w.WriteByte('\t')
		w.WriteString(b)
		w.WriteByte('\n')
	}
	return errors.Join(w.Flush(), f.Close())
}

// comparePaths checks our ShortestPath against networkx's lengths: the
// same length where networkx finds a path of at most maxPathDepth edges,
// no path otherwise; and each path found must be a real walk between the
// pair. It returns how many pairs networkx connects within the depth.
func comparePaths(tb testing.TB, s *graph.Store, pairs [][2]string, want []int) int {
	tb.Helper()
	ctx := context.Background()
	connected, bad := 0, 0
	for i, p := range pairs {
		path, ok, err := s.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: maxPathDepth})
		if err != nil {
			tb.Fatalf("ShortestPath(%s, %s): %v", p[0], p[1], err)
		}
		reachable := want[i] >= 0 && want[i] <= maxPathDepth
		if reachable {
			connected++
		}
		switch {
		case ok != reachable:
			tb.Errorf("ShortestPath(%s, %s): ok=%v, networkx length %d", p[0], p[1], ok, want[i])
			bad++
		case ok && len(path.Edges) != want[i]:
			tb.Errorf("ShortestPath(%s, %s): %d edges, networkx %d", p[0], p[1], len(path.Edges), want[i])
			bad++
		case ok:
			if err := checkWalk(path, p[0], p[1]); err != nil {
				tb.Errorf("ShortestPath(%s, %s): %v", p[0], p[1], err)
				bad++
			}
		}
		if bad >= 10 {
			tb.Fatal("too many mismatches")
		}
	}
	return connected
}

// checkWalk reports whether the path starts at from, ends at to, and each
// edge joins consecutive nodes in one direction or the other.
func checkWalk(p graph.Path, from, to string) error {
	if len(p.Nodes) != len(p.Edges)+1 || p.Nodes[0].ID != from || p.Nodes[len(p.Nodes)-1].ID != to {
		return fmt.Errorf("path of %d nodes and %d edges does not run from %s to %s", len(p.Nodes), len(p.Edges), from, to)
	}
	for i, e := range p.Edges {
		a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
		if !(e.From == a && e.To == b || e.From == b && e.To == a) {
			return fmt.Errorf("edge %d (%s) does not join %s and %s", i, e.ID(), a, b)
		}
	}
	return nil
}

// TestShortestPathMatchesNetworkx compares path lengths on the 10k graph
// with networkx, run as a separate python3 process.
func TestShortestPathMatchesNetworkx(t *testing.T) {
	py := networkxPython(t)
	s := mustOpen(t)
	gen := synth.New(synth.Config{Edges: 10_000, Seed: benchSeed})
	if err := gen.Load(context.Background(), s, benchChunk); err != nil {
		t.Fatal(err)
	}
	pairs := gen.Pairs(400, 6)
	nx, err := runNetworkx(py, t.TempDir(), gen, pairs)
	if err != nil {
		t.Fatal(err)
	}
	connected := comparePaths(t, s, pairs, nx.Lengths)
	// A comparison where nothing connects would prove little.
	if connected < len(pairs)/2 {
		t.Fatalf("networkx connects only %d of %d pairs within %d edges", connected, len(pairs), maxPathDepth)
	}
	t.Logf("%d of %d pairs connected within %d edges; networkx median %.0f ns, p99 %.0f ns per call",
		connected, len(pairs), maxPathDepth, nx.MedianNS, nx.P99NS)
}

// BenchmarkVsNetworkx measures ShortestPath on the 1M graph next to
// networkx's shortest_path_length on the same pairs, after checking that
// both agree on every length. ratio is our median over networkx's.
func BenchmarkVsNetworkx(b *testing.B) {
	for _, keys := range []bool{false, true} {
		name := "1M/values"
		if keys {
			name = "1M/keys"
		}
		b.Run(name, func(b *testing.B) { benchVsNetworkx(b, keys) })
	}
}

// benchVsNetworkx times ShortestPath, with the path's values read or keys
// only, against networkx's shortest_path_length on the same pairs.
func benchVsNetworkx(b *testing.B, keys bool) {
	g := loadedGraph(b, 1_000_000)
	py := networkxPython(b)
	pairs := g.gen.Pairs(200, 7)
	g.nxOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stancegraph-nx-")
		if err != nil {
			g.nxErr = err
			return
		}
		defer os.RemoveAll(dir)
		g.nx, g.nxErr = runNetworkx(py, dir, g.gen, pairs)
		if g.nxErr == nil {
			comparePaths(b, g.store, pairs, g.nx.Lengths)
		}
	})
	if g.nxErr != nil {
		b.Fatal(g.nxErr)
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		p := pairs[i%len(pairs)]
		t0 := time.Now()
		if _, _, err := g.store.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: maxPathDepth, NodeKeysOnly: keys, EdgeKeysOnly: keys}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	p50, p99 := percentiles(lat)
	b.ReportMetric(float64(p50), "p50-ns")
	b.ReportMetric(float64(p99), "p99-ns")
	b.ReportMetric(g.nx.MedianNS, "nx-p50-ns")
	b.ReportMetric(g.nx.P99NS, "nx-p99-ns")
	b.ReportMetric(float64(p50)/g.nx.MedianNS, "ratio")
}
