package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

// defaultDB is where the database lives unless --db says otherwise.
const defaultDB = "./stancegraph-data"

// dbFlags are the flags of every command that opens a database.
type dbFlags struct {
	dir        string
	inMemory   bool
	acceptLoss bool
	minFree    int64
	// checkTables makes Open read every table block (stancegraph verify).
	checkTables bool
}

func (d *dbFlags) register(fs *flag.FlagSet, withMemory bool) {
	fs.StringVar(&d.dir, "db", defaultDB, "database `directory`")
	if withMemory {
		fs.BoolVar(&d.inMemory, "in-memory", false, "keep the database in memory only (nothing is saved)")
	}
	fs.Int64Var(&d.minFree, "min-free", 0, "refuse writes when the disk has less free space than this many `bytes` (0: 256 MiB, negative: never)")
	fs.BoolVar(&d.acceptLoss, "accept-loss", false, "open a database that lost acknowledged commits (see the error that suggests it) and keep what is left; restoring a backup is usually better")
}

// open opens the database, turning Badger's directory-lock error into a
// sentence that says what to do. When a soft memory limit is set (serve
// and seed set one), the collector waits for it while the store opens:
// Open builds the in-memory topology in one go (about 60 MB for a 1M-edge
// graph), and collections while the heap grows would trace it again and
// again.
func (d *dbFlags) open(log zerolog.Logger) (*graph.Store, error) {
	if debug.SetMemoryLimit(-1) < math.MaxInt64 {
		defer pauseGC()()
	}
	st, err := graph.Open(d.dir, graph.Options{InMemory: d.inMemory, Logger: log, AcceptLoss: d.acceptLoss, MinFreeBytes: d.minFree, CheckTables: d.checkTables})
	if errors.Is(err, graph.ErrLocked) {
		return nil, fmt.Errorf("%w\nstop that process (a running server?), or send seeds to it with --server URL and a token", err)
	}
	return st, err
}

// gcPause is the collector's state while stores open. GOGC is one setting
// for the whole process, so opens that overlap (tests run several commands
// in one process) share one pause, and the last to finish restores it.
var gcPause struct {
	sync.Mutex
	n    int
	prev int
}

// pauseGC turns the collector off until the returned function is called.
func pauseGC() (resume func()) {
	gcPause.Lock()
	defer gcPause.Unlock()
	if gcPause.n == 0 {
		gcPause.prev = debug.SetGCPercent(-1)
	}
	gcPause.n++
	return func() {
		gcPause.Lock()
		defer gcPause.Unlock()
		if gcPause.n--; gcPause.n == 0 {
			debug.SetGCPercent(gcPause.prev)
		}
	}
}

// seedOnStart applies the given seed paths, or the embedded dataset when
// the store is empty and no paths are given.
func seedOnStart(ctx context.Context, st *graph.Store, paths []string, log zerolog.Logger) error {
	var set *seed.Set
	var err error
	what := "embedded dataset"
	if len(paths) > 0 {
		what = strings.Join(paths, ", ")
		unchanged, uerr := seed.Unchanged(ctx, st, false, paths...)
		if uerr != nil {
			return uerr
		}
		if unchanged {
			log.Info().Str("seed", what).Msg("seed files unchanged since the last seed: nothing to apply")
			return nil
		}
		set, err = seed.LoadPaths(paths...)
		if set != nil {
			err = nil // only references to nodes in the store are unresolved; Apply checks them
		}
	} else {
		c, cerr := st.Counts(ctx)
		if cerr != nil {
			return cerr
		}
		if c.Nodes > 0 {
			return nil
		}
		set, err = seed.Dataset()
	}
	if err != nil {
		return fmt.Errorf("load %s:\n%w", what, err)
	}
	res, err := seed.Apply(ctx, st, set, seed.ApplyOptions{})
	if err != nil {
		return fmt.Errorf("apply %s: %w", what, err)
	}
	log.Info().Str("seed", what).Int("nodesCreated", res.NodesCreated).Int("nodesUpdated", res.NodesUpdated).
		Int("edgesCreated", res.EdgesCreated).Int("edgesUpdated", res.EdgesUpdated).Msg("seeded")
	return nil
}

// newLogger builds the root logger: JSON lines, or a console format for
// people.
func newLogger(w io.Writer, format, level string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		return zerolog.Logger{}, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", level)
	}
	switch format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05"}
	default:
		return zerolog.Logger{}, fmt.Errorf("unknown log format %q (want json or console)", format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// tokens reads the mutation tokens from STANCEGRAPH_TOKENS and the tokens
// file (one per line, # comments).
func tokens(file string) ([]string, error) {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && !strings.HasPrefix(s, "#") {
			out = append(out, s)
		}
	}
	for _, t := range strings.Split(os.Getenv("STANCEGRAPH_TOKENS"), ",") {
		add(t)
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read tokens file: %w", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			add(l)
		}
	}
	for _, t := range out {
		if len(t) < 16 {
			return nil, errors.New("every token must be at least 16 characters long")
		}
	}
	return out, nil
}
