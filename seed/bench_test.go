package seed

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
	"go.yaml.in/yaml/v3"
)

// The benchmarks write a synthetic graph (graph/synth) as a seed set into
// a directory kept under os.TempDir between runs, then compare:
//
//	BenchmarkRawYAML   go-yaml's parse of the files into yaml.Node, nothing else
//	BenchmarkParseOnly LoadPaths: parse, convert and check the set
//	BenchmarkSeed      LoadPaths + Apply into an empty on-disk store
//	BenchmarkReseed    Unchanged on the seeded store: hashes, no parse
//	BenchmarkReseedReparse LoadPaths + Apply of the unchanged set into the seeded store
//
// Each reports peak-RSS-MB, the process's peak resident memory during the
// timed runs, and cpu-s/op, the process's CPU time per run (Linux only;
// Seed's includes opening and closing its store).

func benchSizes() []int {
	if testing.Short() {
		return []int{100_000}
	}
	return []int{100_000, 1_000_000}
}

func BenchmarkRawYAML(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := synthSet(b, n)
			paths, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
			peak := startPeak(b)
			for b.Loop() {
				for _, p := range paths {
					data, err := os.ReadFile(p)
					if err != nil {
						b.Fatal(err)
					}
					var node yaml.Node
					if err := yaml.Unmarshal(data, &node); err != nil {
						b.Fatal(err)
					}
				}
			}
			peak.report(b)
		})
	}
}

func BenchmarkParseOnly(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := synthSet(b, n)
			peak := startPeak(b)
			for b.Loop() {
				if _, err := LoadPaths(dir); err != nil {
					b.Fatal(err)
				}
			}
			peak.report(b)
		})
	}
}

func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	// The soft heap limit `stancegraph seed` sets.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := synthSet(b, n)
			peak := startPeak(b)
			for b.Loop() {
				b.StopTimer()
				st, err := graph.Open(b.TempDir(), graph.Options{NoSync: true})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				set, err := LoadPaths(dir)
				if err != nil {
					b.Fatal(err)
				}
				res, err := Apply(ctx, st, set, ApplyOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if res.EdgesCreated != set.Edges() {
					b.Fatalf("created %d edges, want %d", res.EdgesCreated, set.Edges())
				}
				if err := st.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			peak.report(b)
		})
	}
}

// BenchmarkReseed measures what `stancegraph seed` does with an unchanged
// set: Unchanged hashes the files and finds their stamps intact.
func BenchmarkReseed(b *testing.B) { benchReseed(b, false) }

// BenchmarkReseedReparse parses the unchanged set and compares it with the
// store, as `stancegraph seed --reparse` does.
func BenchmarkReseedReparse(b *testing.B) { benchReseed(b, true) }

func benchReseed(b *testing.B, reparse bool) {
	ctx := context.Background()
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			dir := synthSet(b, n)
			st, err := graph.Open(b.TempDir(), graph.Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			set, err := LoadPaths(dir)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Apply(ctx, st, set, ApplyOptions{}); err != nil {
				b.Fatal(err)
			}
			set = nil
			runtime.GC()
			peak := startPeak(b)
			for b.Loop() {
				if !reparse {
					unchanged, err := Unchanged(ctx, st, false, dir)
					if err != nil {
						b.Fatal(err)
					}
					if !unchanged {
						b.Fatal("Unchanged says the just-seeded set changed")
					}
					continue
				}
				set, err := LoadPaths(dir)
				if err != nil {
					b.Fatal(err)
				}
				res, err := Apply(ctx, st, set, ApplyOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if res.Changed() {
					b.Fatalf("re-seed changed the store: %+v", res)
				}
			}
			peak.report(b)
		})
	}
}

func sizeName(n int) string {
	if n%1_000_000 == 0 {
		return "edges=" + strconv.Itoa(n/1_000_000) + "M"
	}
	return "edges=" + strconv.Itoa(n/1000) + "k"
}

// peakRSS measures the peak resident memory from its start (Linux: reset
// through /proc/self/clear_refs, read from VmHWM) and the CPU time used,
// which a machine shared with other jobs distorts less than wall time.
type peakRSS struct {
	ok  bool
	cpu time.Duration
}

func startPeak(b *testing.B) peakRSS {
	runtime.GC()
	err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return peakRSS{ok: err == nil, cpu: cpuTime()}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (p peakRSS) report(b *testing.B) {
	b.ReportMetric((cpuTime()-p.cpu).Seconds()/float64(b.N), "cpu-s/op")
	if !p.ok {
		return
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err == nil {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			}
		}
	}
}

// synthSet returns a directory holding the synthetic graph of n edges as a
// seed set, writing it on first use.
func synthSet(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("stancegraph-seed-bench-v3-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir
	}
	if err := os.RemoveAll(dir); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := writeSynth(dir, synth.New(synth.Config{Edges: n, Seed: 1})); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// stanceLinks are a stance's shorthand fields, gathered from the edges.
type stanceLinks struct {
	holder, topic, event, onBehalfOf, supersedes string
	respondsTo                                   []string
}

const perFile = 5_000

// writeSynth writes the generator's graph as seed YAML: nodes by kind and
// edges in files of perFile items, a stance's own edges as its shorthand
// fields. Stances the generator leaves unsourced get the first document as
// source, because the format requires one.
func writeSynth(dir string, g *synth.Generator) error {
	links := map[string]*stanceLinks{}
	w := newChunkWriter(dir, "edges", "edges")
	var firstDoc string
	for e := range g.Edges {
		if strings.HasPrefix(e.From, "stance/") {
			l := links[e.From]
			if l == nil {
				l = &stanceLinks{}
				links[e.From] = l
			}
			switch e.Type {
			case graph.HeldBy:
				l.holder = e.To
				continue
			case graph.OnTopic:
				l.topic = e.To
				continue
			case graph.StatedAt:
				l.event = e.To
				continue
			case graph.OnBehalfOf:
				l.onBehalfOf = e.To
				continue
			case graph.Supersedes:
				l.supersedes = e.To
				continue
			case graph.RespondsTo:
				l.respondsTo = append(l.respondsTo, e.To)
				continue
			}
		}
		b := w.next()
		fmt.Fprintf(b, "  - type: %s\n    from: %s\n    to: %s\n", e.Type, e.From, e.To)
		if e.Role != "" {
			fmt.Fprintf(b, "    role: %s\n", q(e.Role))
		}
		if !e.ValidFrom.IsZero() {
			fmt.Fprintf(b, "    validFrom: %s\n", e.ValidFrom)
		}
		if !e.ValidTo.IsZero() {
			fmt.Fprintf(b, "    validTo: %s\n", e.ValidTo)
		}
		writeSources(b, e.Sources)
	}
	if err := w.close(); err != nil {
		return err
	}
	writers := map[graph.Kind]*chunkWriter{}
	for _, k := range graph.Kinds() {
		list := map[graph.Kind]string{graph.KindPerson: "people", graph.KindOrganization: "organizations",
			graph.KindTopic: "topics", graph.KindStance: "stances", graph.KindDocument: "documents",
			graph.KindEvent: "events", graph.KindInitiative: "initiatives"}[k]
		writers[k] = newChunkWriter(dir, list, list)
	}
	for n := range g.Nodes {
		if n.Kind == graph.KindDocument && firstDoc == "" {
			firstDoc = n.ID
		}
		b := writers[n.Kind].next()
		fmt.Fprintf(b, "  - id: %s\n    name: %s\n", n.ID, q(n.Name))
		// The format has aliases for people and organizations only.
		if len(n.Aliases) > 0 && (n.Kind == graph.KindPerson || n.Kind == graph.KindOrganization) {
			b.WriteString("    aliases: [")
			for i, a := range n.Aliases {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(q(a))
			}
			b.WriteString("]\n")
		}
		str := func(field, v string) {
			if v != "" {
				fmt.Fprintf(b, "    %s: %s\n", field, q(v))
			}
		}
		date := func(field string, d graph.Date) {
			if !d.IsZero() {
				fmt.Fprintf(b, "    %s: %s\n", field, d)
			}
		}
		str("description", n.Description)
		switch n.Kind {
		case graph.KindOrganization:
			fmt.Fprintf(b, "    type: %s\n", n.OrgType)
			str("country", n.Country)
		case graph.KindTopic:
			fmt.Fprintf(b, "    scale:\n      negative: %s\n      positive: %s\n", q(n.Scale.Negative), q(n.Scale.Positive))
		case graph.KindDocument:
			fmt.Fprintf(b, "    type: %s\n", n.DocType)
			date("publishedAt", n.PublishedAt)
			str("url", n.URL)
			str("language", n.Language)
			str("text", n.Text)
		case graph.KindEvent:
			date("startDate", n.StartDate)
			date("endDate", n.EndDate)
			str("location", n.Location)
		case graph.KindInitiative:
			if n.Amount != nil {
				fmt.Fprintf(b, "    amount: {amount: %s, currency: %s}\n", strconv.FormatFloat(n.Amount.Amount, 'f', -1, 64), n.Amount.Currency)
			}
			date("announcedAt", n.AnnouncedAt)
		case graph.KindStance:
			l := links[n.ID]
			if l == nil {
				return fmt.Errorf("stance %s has no edges", n.ID)
			}
			fmt.Fprintf(b, "    holder: %s\n    topic: %s\n    position: %s\n    confidence: %s\n",
				l.holder, l.topic, strconv.FormatFloat(n.Position, 'f', -1, 64), strconv.FormatFloat(n.Confidence, 'f', -1, 64))
			if n.Neutral {
				b.WriteString("    neutral: true\n")
			}
			str("summary", n.Summary)
			if len(n.Quotes) > 0 {
				b.WriteString("    quotes:\n")
				for _, qt := range n.Quotes {
					fmt.Fprintf(b, "      - text: %s\n        language: %s\n", q(qt.Text), qt.Language)
					if qt.Translation != "" {
						fmt.Fprintf(b, "        translation: %s\n        translationLanguage: %s\n", q(qt.Translation), qt.TranslationLanguage)
					}
					if qt.Source != "" {
						fmt.Fprintf(b, "        source: %s\n", qt.Source)
					}
				}
			}
			date("statedAt", n.StatedAt)
			for _, f := range [][2]string{{"event", l.event}, {"onBehalfOf", l.onBehalfOf}, {"supersedes", l.supersedes}} {
				if f[1] != "" {
					fmt.Fprintf(b, "    %s: %s\n", f[0], f[1])
				}
			}
			if len(l.respondsTo) > 0 {
				fmt.Fprintf(b, "    respondsTo: [%s]\n", strings.Join(l.respondsTo, ", "))
			}
			if len(n.Sources) == 0 {
				n.Sources = []graph.Source{{Document: firstDoc}}
			}
		}
		writeSources(b, n.Sources)
	}
	for _, w := range writers {
		if err := w.close(); err != nil {
			return err
		}
	}
	return nil
}

func writeSources(b *bytes.Buffer, srcs []graph.Source) {
	if len(srcs) == 0 {
		return
	}
	b.WriteString("    sources:\n")
	for _, s := range srcs {
		fmt.Fprintf(b, "      - document: %s\n", s.Document)
		if s.Quote != "" {
			fmt.Fprintf(b, "        quote: %s\n", q(s.Quote))
		}
		if s.Locator != "" {
			fmt.Fprintf(b, "        locator: %s\n", q(s.Locator))
		}
	}
}

// q quotes a string for YAML: Go's escapes are a subset of YAML's
// double-quoted ones.
func q(s string) string { return strconv.Quote(s) }

// chunkWriter writes a top-level list into files of perFile items.
type chunkWriter struct {
	dir, prefix, list string
	buf               bytes.Buffer
	items, files      int
	err               error
}

func newChunkWriter(dir, prefix, list string) *chunkWriter {
	return &chunkWriter{dir: dir, prefix: prefix, list: list}
}

// next returns the buffer to write the next item to.
func (w *chunkWriter) next() *bytes.Buffer {
	if w.items == perFile {
		w.flush()
	}
	if w.items == 0 {
		w.buf.WriteString(w.list + ":\n")
	}
	w.items++
	return &w.buf
}

func (w *chunkWriter) flush() {
	if w.items == 0 || w.err != nil {
		return
	}
	name := filepath.Join(w.dir, fmt.Sprintf("%s-%04d.yaml", w.prefix, w.files))
	f, err := os.Create(name)
	if err == nil {
		bw := bufio.NewWriter(f)
		_, err = bw.Write(w.buf.Bytes())
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	w.err = err
	w.buf.Reset()
	w.items = 0
	w.files++
}

func (w *chunkWriter) close() error {
	w.flush()
	return w.err
}
