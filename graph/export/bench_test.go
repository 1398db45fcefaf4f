package export_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// BenchmarkExport writes the synthetic graph (graph/synth; 100k edges with
// -short, else also 1M) from an on-disk store to io.Discard in every
// format, beside BenchmarkScan, the raw ForEachNode + ForEachEdge the
// exports are built on. Each reports edges/s, peak-heap-MB (live heap
// sampled every 5 ms, the open store's own memory included),
// export-heap-MB (the peak above the live heap at the start: what the
// export adds) and peak-RSS-MB (the process's resident peak during the
// timed runs, store caches included; Linux only).
//
//	go test ./graph/export -run '^$' -bench . -benchtime 1x
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes() {
		st := benchStore(b, n)
		_, edges := counts(b, st)
		for _, format := range export.Formats() {
			b.Run(fmt.Sprintf("%s/%s", sizeName(n), format), func(b *testing.B) {
				m := startMeasure()
				for b.Loop() {
					var err error
					if format == "csv" {
						err = export.WriteCSV(ctx, st, export.Filter{}, io.Discard, io.Discard)
					} else {
						err = export.Write(ctx, st, format, export.Filter{}, io.Discard)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				m.report(b, edges)
			})
		}
	}
}

// BenchmarkScan is the baseline: reading every node and edge, writing
// nothing.
func BenchmarkScan(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes() {
		st := benchStore(b, n)
		_, edges := counts(b, st)
		b.Run(sizeName(n), func(b *testing.B) {
			m := startMeasure()
			for b.Loop() {
				if err := st.ForEachNode(ctx, func(*graph.Node) error { return nil }); err != nil {
					b.Fatal(err)
				}
				if err := st.ForEachEdge(ctx, func(*graph.Edge) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, edges)
		})
	}
}

func benchSizes() []int {
	if testing.Short() {
		return []int{100_000}
	}
	return []int{100_000, 1_000_000}
}

func sizeName(n int) string {
	if n%1_000_000 == 0 {
		return "edges=" + strconv.Itoa(n/1_000_000) + "M"
	}
	return "edges=" + strconv.Itoa(n/1000) + "k"
}

// benchStore opens the synthetic graph of n edges in a directory kept under
// os.TempDir between runs, loading it on first use.
func benchStore(b *testing.B, n int) *graph.Store {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("stancegraph-export-bench-v2-%d", n))
	done := filepath.Join(dir, "loaded")
	if _, err := os.Stat(done); err != nil {
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		st, err := graph.Open(filepath.Join(dir, "db"), graph.Options{NoSync: true, GCInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		if err := synth.New(synth.Config{Edges: n, Seed: 1}).Load(context.Background(), st, 0); err != nil {
			b.Fatal(err)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	st, err := graph.Open(filepath.Join(dir, "db"), graph.Options{NoSync: true, GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// measure samples the live heap and resets the resident peak.
type measure struct {
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	heap  uint64
	base  uint64 // live heap at the start: the store's own memory
	rssOK bool
}

func startMeasure() *measure {
	runtime.GC()
	debug.FreeOSMemory()
	m := &measure{stop: make(chan struct{}), start: time.Now()}
	m.rssOK = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	m.base = sample[0].Value.Uint64()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			m.mu.Lock()
			m.heap = max(m.heap, sample[0].Value.Uint64())
			m.mu.Unlock()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *measure) report(b *testing.B, edges int) {
	close(m.stop)
	m.wg.Wait()
	b.ReportMetric(float64(edges)*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
	b.ReportMetric(float64(m.heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(m.heap-min(m.base, m.heap))/(1<<20), "export-heap-MB")
	if !m.rssOK {
		return
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB"))); err == nil {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			}
		}
	}
}
