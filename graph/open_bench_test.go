package graph_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// closedGraphs holds, per edge count, the directory of a cleanly closed
// store with the synthetic graph, shared by the runs of BenchmarkOpenSynth
// in one process; guarded by benchMu and removed by removeBenchGraphs.
var closedGraphs = map[int]string{}

// closedGraph returns the directory of a cleanly closed store holding the
// synthetic graph of the given number of edges, building it on first use.
func closedGraph(b *testing.B, edges int) string {
	b.Helper()
	if edges >= 1_000_000 && testing.Short() {
		b.Skip("the 1M-edge graph is skipped under -short")
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	if dir, ok := closedGraphs[edges]; ok {
		return dir
	}
	if len(benchGraphs) == 0 && len(closedGraphs) == 0 {
		removeStaleBenchDirs()
	}
	dir, err := os.MkdirTemp("", strings.Replace(benchDirGlob, "*", strconv.Itoa(os.Getpid())+"-*", 1))
	if err != nil {
		b.Fatal(err)
	}
	closedGraphs[edges] = dir // removed even if the build fails
	start := time.Now()
	s, err := graph.Open(dir, graph.Options{NoSync: true, GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	gen := synth.New(synth.Config{Edges: edges, Seed: benchSeed})
	if err := gen.Load(context.Background(), s, 0); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	c := gen.Counts()
	b.Logf("built the %d-edge graph (%d nodes) in %s in %v", c.Edges, c.Nodes, dir, time.Since(start).Round(time.Millisecond))
	return dir
}

// BenchmarkOpenSynth measures Open of a cleanly closed store holding a
// synthetic graph (issue #8: ready in at most twice the time of opening
// the raw Badger database). Each iteration opens the raw Badger database
// of the same directory with the same options, then the store, and closes
// both untimed: ns/op is Open alone, badger-ns the median raw open, ratio
// the median of the per-iteration ratios, and heap-MB the live heap with
// the store open.
//
//	go test ./graph -run '^$' -bench OpenSynth -count 5
func BenchmarkOpenSynth(b *testing.B) {
	for _, size := range benchSizes[1:] {
		b.Run(size.name, func(b *testing.B) {
			dir := closedGraph(b, size.edges)
			opts := graph.Options{GCInterval: -1}
			bo := graph.BadgerOptions(dir, opts)
			var ours, raw []time.Duration
			var ratios []float64
			var heap uint64
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				t0 := time.Now()
				db, err := badger.Open(bo)
				if err != nil {
					b.Fatal(err)
				}
				r := time.Since(t0)
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0 = time.Now()
				s, err := graph.Open(dir, opts)
				if err != nil {
					b.Fatal(err)
				}
				o := time.Since(t0)
				b.StopTimer()
				if heap == 0 {
					var ms runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&ms)
					heap = ms.HeapAlloc
				}
				if err := s.Close(); err != nil { // writes the snapshot the next Open reads
					b.Fatal(err)
				}
				b.StartTimer()
				ours, raw = append(ours, o), append(raw, r)
				ratios = append(ratios, float64(o)/float64(r))
			}
			b.StopTimer()
			ourMed, _ := percentiles(ours)
			rawMed, _ := percentiles(raw)
			b.ReportMetric(float64(ourMed), "open-ns")
			b.ReportMetric(float64(rawMed), "badger-ns")
			b.ReportMetric(median(ratios), "ratio")
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		})
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
