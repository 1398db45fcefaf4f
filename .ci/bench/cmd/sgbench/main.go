// Command sgbench is stancegraph's performance proof: it runs stancegraph
// side by side with the alternatives researchers would pick (networkx,
// SQLite with FTS5, a brute-force scan, a bare net/http handler, raw
// Badger, cat), checks that every contender gives the same answers before
// any time counts, and prints the README's performance table.
//
// It is run by ../../run (the one command), which installs the tools and
// builds the binaries it needs:
//
//	sgbench -sizes 10k,100k -reps 5 -repo ../.. -bin stancegraph -rawbadger rawbadger -nx nx.py -out out
//
// Every measurement alternates the contenders for -reps repetitions; a
// repetition of a latency measurement is one pass over the whole query
// set, giving a p50 and a p99. The table shows the median over the
// repetitions of each, and the ratio's median with its min–max spread.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == serveAnswers {
		if err := runServeAnswers(os.Args[2:], os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "sgbench:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sgbench:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	sizes      []string
	reps       int
	seed       int64
	repo       string // the stancegraph repository (for go test of schema)
	bin        string // the stancegraph binary
	rawBadger  string // the rawbadger binary
	nxScript   string
	cacheDir   string
	outDir     string
	heySeconds int
	only       string // comma-separated groups to run: inproc,http,point,seed,export (empty: all)
}

// sizeEdges returns the edges of a named size, 0 for an unknown one.
func sizeEdges(s string) int {
	switch s {
	case "10k":
		return 10_000
	case "100k":
		return 100_000
	case "1M":
		return 1_000_000
	}
	return 0
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sgbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	sizes := fs.String("sizes", "10k,100k,1M", "comma-separated graph `sizes` in edges: 10k, 100k, 1M")
	fs.IntVar(&c.reps, "reps", 5, "alternated `repetitions` of every measurement (at least 5 for the table)")
	fs.Int64Var(&c.seed, "seed", 1, "synthetic graph `seed`")
	fs.StringVar(&c.repo, "repo", "../..", "stancegraph repository `dir`")
	fs.StringVar(&c.bin, "bin", "", "stancegraph `binary` (required)")
	fs.StringVar(&c.rawBadger, "rawbadger", "", "rawbadger `binary` (required)")
	fs.StringVar(&c.nxScript, "nx", "nx.py", "networkx `script`")
	fs.StringVar(&c.cacheDir, "cache", filepath.Join(os.TempDir(), "stancegraph-bench-cache"), "cache `dir` for the built databases")
	fs.StringVar(&c.outDir, "out", "out", "`dir` for results.json and results.md")
	fs.IntVar(&c.heySeconds, "hey-seconds", 5, "`seconds` of each hey load run")
	fs.StringVar(&c.only, "only", "", "run only these comma-separated `groups`: inproc, http, point, seed, export")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(*sizes, ",") {
		if sizeEdges(s) == 0 {
			return fmt.Errorf("unknown size %q: use 10k, 100k or 1M", s)
		}
		c.sizes = append(c.sizes, s)
	}
	if c.bin == "" || c.rawBadger == "" {
		return errors.New("-bin and -rawbadger are required (run .ci/bench/run)")
	}
	if c.reps < 1 {
		return errors.New("-reps must be at least 1")
	}
	log := zerolog.New(zerolog.ConsoleWriter{Out: stderr, TimeFormat: time.TimeOnly}).With().Timestamp().Logger()
	b := &bench{cfg: c, log: log, out: stdout}
	var err error
	for _, s := range c.sizes {
		if err = b.runSize(ctx, s); err != nil {
			err = fmt.Errorf("size %s: %w", s, err)
			break
		}
	}
	if werr := b.write(); werr != nil && err == nil {
		err = werr
	}
	return err
}

// bench collects the rows of one run.
type bench struct {
	cfg  config
	log  zerolog.Logger
	out  io.Writer
	rows []row

	pointDone bool
}

func (b *bench) want(group string) bool {
	if b.cfg.only == "" {
		return true
	}
	for _, g := range strings.Split(b.cfg.only, ",") {
		if g == group {
			return true
		}
	}
	return false
}

func (b *bench) add(r row) {
	r.judge()
	b.rows = append(b.rows, r)
	met := "no"
	switch {
	case r.reference():
		met = "—"
	case r.Met:
		met = "yes"
	}
	b.log.Info().Str("what", r.What).Str("size", r.Size).Str("ours", r.Ours.cell()).Str("baseline", r.Base.cell()).
		Str("ratio", fmt.Sprintf("%.2f (%.2f–%.2f)", r.Ratio.Median, r.Ratio.Min, r.Ratio.Max)).Str("goal", r.Goal).Str("met", met).Msg("measured")
}

func (b *bench) runSize(ctx context.Context, size string) error {
	d, err := prepare(ctx, b.log, b.cfg.cacheDir, size, sizeEdges(size), b.cfg.seed)
	if err != nil {
		return err
	}
	// One clean open and close of the cached store: its topology snapshot
	// is then in this build's format, as after any clean shutdown, so
	// that no copy of it starts by scanning every key because an older
	// build wrote the cache. The data stay as they are.
	cached, err := graph.Open(d.store, graph.Options{})
	if err != nil {
		return fmt.Errorf("open the cached store: %w", err)
	}
	if err := cached.Close(); err != nil {
		return fmt.Errorf("close the cached store: %w", err)
	}
	c := d.gen.Counts()
	b.log.Info().Str("size", size).Int("nodes", c.Nodes).Int("edges", c.Edges).Str("cache", d.dir).Msg("dataset ready")
	work := filepath.Join(d.dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(work)

	// The in-process store is a copy: the server runs on another one.
	if err := copyStore(d.store, filepath.Join(work, "inproc")); err != nil {
		return err
	}
	st, err := graph.Open(filepath.Join(work, "inproc"), graph.Options{})
	if err != nil {
		return fmt.Errorf("open the store: %w", err)
	}
	defer st.Close()
	q, err := buildQueries(ctx, d, st)
	if err != nil {
		return err
	}
	b.log.Info().Int("roots", len(q.roots)).Int("apiRoots", q.apiRoots).Int("pairs", len(q.pairs)).
		Int("topics", len(q.topics)).Int("searches", len(q.searches)).Msg("query sets drawn, stancegraph's answers computed")

	var nx *nxProc
	if b.want("inproc") || b.want("http") {
		py, err := findPython()
		if err != nil {
			return err
		}
		if nx, err = startNx(py, b.cfg.nxScript, d.nx); err != nil {
			return err
		}
		defer nx.close()
	}
	if b.want("inproc") {
		sq, err := newSQLite(d.sqlDB)
		if err != nil {
			return err
		}
		defer sq.db.Close()
		b.log.Info().Msg("checking every contender's answers")
		brute := newBruteIndex(d)
		if err := checkAnswers(ctx, q, sq, nx, brute); err != nil {
			return err
		}
		b.log.Info().Msg("all answers identical")
		if err := b.inProcess(ctx, size, st, q, sq, nx, brute); err != nil {
			return err
		}
	}
	if b.want("http") {
		if err := b.httpRows(ctx, d, work, q, nx); err != nil {
			return err
		}
	}
	if b.want("point") && !b.pointDone {
		// Independent of the size: the shipped dataset, measured once.
		b.pointDone = true
		if err := b.pointQuery(ctx); err != nil {
			return err
		}
	}
	if b.want("seed") {
		if err := b.seedRows(ctx, d, work); err != nil {
			return err
		}
	}
	if b.want("export") {
		if err := b.exportRows(ctx, d, work); err != nil {
			return err
		}
	}
	return nil
}

// alternate runs two passes reps times, alternating which goes first,
// after one untimed warm-up pass of each.
func (b *bench) alternate(ours, base func() ([]time.Duration, error)) (o, t [][]time.Duration, err error) {
	if _, err := ours(); err != nil {
		return nil, nil, err
	}
	if _, err := base(); err != nil {
		return nil, nil, err
	}
	for r := range b.cfg.reps {
		first, second := ours, base
		if r%2 == 1 {
			first, second = base, ours
		}
		x, err := first()
		if err != nil {
			return nil, nil, err
		}
		y, err := second()
		if err != nil {
			return nil, nil, err
		}
		if r%2 == 1 {
			x, y = y, x
		}
		o, t = append(o, x), append(t, y)
	}
	return o, t, nil
}

// latencyRow measures two contenders over the same queries and forms
// ratio = baseline p50 / our p50 (how many times faster we are).
func (b *bench) latencyRow(r row, oursName, baseName string, ours, base func() ([]time.Duration, error)) error {
	o, t, err := b.alternate(ours, base)
	if err != nil {
		return fmt.Errorf("%s: %w", r.What, err)
	}
	r.Ours, r.Base = latSide(oursName, o), latSide(baseName, t)
	var ratios []float64
	for i := range o {
		r.Queries = len(o[i])
		ratios = append(ratios, r.Base.Raw[i]/r.Ours.Raw[i])
	}
	r.Ratio, r.Reps, r.HigherOK = spreadOf(ratios), b.cfg.reps, true
	if r.RatioDef == "" {
		r.RatioDef = "baseline p50 / ours p50"
	}
	b.add(r)
	return nil
}

func latSide(name string, passes [][]time.Duration) side {
	s := side{Name: name, Unit: "ns"}
	var p50s, p99s []float64
	for _, p := range passes {
		a, z := pcts(p)
		p50s, p99s = append(p50s, a), append(p99s, z)
	}
	s.P50, s.P99, s.Raw = spreadOf(p50s), spreadOf(p99s), p50s
	return s
}

func (b *bench) inProcess(ctx context.Context, size string, st *graph.Store, q *querySet, sq *sqlite, nx *nxProc, brute *bruteIndex) error {
	// networkx holds ids and adjacency only, so the goal rows ask ours for
	// the same (ids, kinds and edge keys, from the in-memory topology); the
	// rows with values loaded from Badger are there for reference, and the
	// SQLite contender returns values too.
	egoWith := func(keys bool) func() ([]time.Duration, error) {
		o := graph.NeighborhoodOptions{Depth: 2, Limit: egoMaxNodes, NodeKeysOnly: keys, EdgeKeysOnly: keys}
		return func() ([]time.Duration, error) {
			return timeEach(len(q.roots), func(i int) error {
				_, err := st.Neighborhood(ctx, q.roots[i], o)
				return err
			})
		}
	}
	nxEgo := func() ([]time.Duration, error) { return nx.pass("ego") }
	if err := b.latencyRow(row{What: "2-hop neighbourhood, in-process", Size: size, Goal: "≥ 5× networkx", GoalVal: 5,
		Notes: "nodes within 2 hops ignoring direction, ≤ 10,000 nodes; ours returns node ids and kinds and the edges among them, ego_graph copies the subgraph"},
		"stancegraph Neighborhood (keys)", "networkx ego_graph", egoWith(true), nxEgo); err != nil {
		return err
	}
	if err := b.latencyRow(row{What: "2-hop neighbourhood with values, in-process", Size: size, Goal: "reference", GoalVal: 1,
		Notes: "ours also reads every node and edge value from Badger"},
		"stancegraph Neighborhood (values)", "networkx ego_graph", egoWith(false), nxEgo); err != nil {
		return err
	}
	sqlEgo := func() ([]time.Duration, error) {
		return timeEach(len(q.roots), func(i int) error {
			_, err := sq.egoIDs(ctx, q.roots[i])
			return err
		})
	}
	if err := b.latencyRow(row{What: "2-hop neighbourhood, in-process", Size: size, Goal: "faster than SQLite (≥ 1×)", GoalVal: 1,
		Notes: "both return node and edge values; SQLite: one statement returning node and edge rows with their JSON; " + sqliteSetup},
		"stancegraph Neighborhood (values)", "SQLite indexed join", egoWith(false), sqlEgo); err != nil {
		return err
	}
	pathWith := func(keys bool) func() ([]time.Duration, error) {
		o := graph.PathOptions{MaxDepth: graph.MaxPathDepth, NodeKeysOnly: keys, EdgeKeysOnly: keys}
		return func() ([]time.Duration, error) {
			return timeEach(len(q.pairs), func(i int) error {
				_, _, err := st.ShortestPath(ctx, q.pairs[i][0], q.pairs[i][1], o)
				return err
			})
		}
	}
	nxPath := func() ([]time.Duration, error) { return nx.pass("path") }
	if err := b.latencyRow(row{What: "shortest path, in-process", Size: size, Goal: "≥ 5× networkx (aim 10×)", GoalVal: 5,
		Notes: "identical lengths; ours returns the path's node ids and edge keys, networkx its length"},
		"stancegraph ShortestPath (keys)", "networkx shortest_path_length", pathWith(true), nxPath); err != nil {
		return err
	}
	if err := b.latencyRow(row{What: "shortest path with values, in-process", Size: size, Goal: "reference", GoalVal: 1,
		Notes: "ours also reads the path's node and edge values from Badger"},
		"stancegraph ShortestPath (values)", "networkx shortest_path_length", pathWith(false), nxPath); err != nil {
		return err
	}
	align := func() ([]time.Duration, error) {
		return timeEach(len(q.topics), func(i int) error {
			_, err := st.Alignment(ctx, q.topics[i], nil)
			return err
		})
	}
	sqlAl := func() ([]time.Duration, error) {
		return timeEach(len(q.topics), func(i int) error {
			_, err := sq.alignment(ctx, q.topics[i])
			return err
		})
	}
	if err := b.latencyRow(row{What: "alignment matrix for a topic", Size: size, Goal: "≥ 2× SQLite", GoalVal: 2,
		Notes: "every topic with ≤ 500 holders; identical pairs and scores (±1e-9); ours also loads the stances of each pair"},
		"stancegraph Alignment", "SQLite aggregate", align, sqlAl); err != nil {
		return err
	}
	search := func() ([]time.Duration, error) {
		return timeEach(len(q.searches), func(i int) error {
			_, err := st.Search(ctx, q.searches[i], graph.SearchOptions{})
			return err
		})
	}
	fts := func() ([]time.Duration, error) {
		return timeEach(len(q.searches), func(i int) error {
			_, err := sq.searchIDs(ctx, sq.sTop, q.foldedQ[i])
			return err
		})
	}
	if err := b.latencyRow(row{What: "full-text search (20 best hits with snippets)", Size: size, Goal: "≥ 0.5× FTS5", GoalVal: 0.5,
		Notes: "single-word prefix queries folding to ASCII letters, < 500 hits; identical hit sets; FTS5 ranks by bm25 with the same field weights"},
		"stancegraph Search", "SQLite FTS5", search, fts); err != nil {
		return err
	}
	scan := func() ([]time.Duration, error) {
		return timeEach(len(q.searches), func(i int) error {
			brute.search(q.foldedQ[i], 0)
			return nil
		})
	}
	return b.latencyRow(row{What: "full-text search (20 best hits with snippets)", Size: size, Goal: "≥ 20× brute-force scan", GoalVal: 20,
		Notes: "the scan reads every node's pre-folded text in memory and ranks nothing"},
		"stancegraph Search", "brute-force scan", search, scan)
}

// write saves results.json and results.md under the output directory and
// prints the table.
func (b *bench) write() error {
	if err := os.MkdirAll(b.cfg.outDir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(map[string]any{"reps": b.cfg.reps, "seed": b.cfg.seed, "sizes": b.cfg.sizes,
		"when": time.Now().UTC().Format(time.RFC3339), "rows": b.rows}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.cfg.outDir, "results.json"), data, 0o644); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "| what | size | ours p50 / p99 | baseline p50 / p99 | ratio: median (min–max) | goal | met? |\n|---|---|---|---|---|---|---|\n")
	for _, r := range b.rows {
		met := "**no**"
		switch {
		case r.reference():
			met = "—"
		case r.Met:
			met = "yes"
		}
		fmt.Fprintf(&md, "| %s | %s | %s: %s | %s: %s | %.2f (%.2f–%.2f) %s | %s | %s |\n", r.What, r.Size, r.Ours.Name, r.Ours.cell(),
			r.Base.Name, r.Base.cell(), r.Ratio.Median, r.Ratio.Min, r.Ratio.Max, r.RatioDef, r.Goal, met)
	}
	md.WriteString("\nNotes:\n")
	for _, r := range b.rows {
		if r.Notes != "" {
			q := ""
			if r.Queries > 0 {
				q = fmt.Sprintf("; %d queries", r.Queries)
			}
			fmt.Fprintf(&md, "- %s (%s): %s%s; %d repetitions\n", r.What, r.Size, r.Notes, q, r.Reps)
		}
	}
	if err := os.WriteFile(filepath.Join(b.cfg.outDir, "results.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	_, err = io.WriteString(b.out, md.String())
	return err
}
