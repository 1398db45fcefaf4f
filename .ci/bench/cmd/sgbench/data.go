package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// dataset is one synthetic graph in every form the contenders need,
// built once and cached under cacheDir/seed<S>-<edges>.
type dataset struct {
	size  string
	edges int
	gen   *synth.Generator
	dir   string // the cache directory of this size
	store string // the stancegraph database directory (a pristine copy: never opened for writing by a run)
	sqlDB string // the SQLite database file
	nx    nxFiles
}

// nxFiles are the inputs of nx.py.
type nxFiles struct{ nodes, edges, ego, pairs string }

// cacheVersion changes when the cached forms change shape.
const cacheVersion = "v1"

func prepare(ctx context.Context, log zerolog.Logger, cacheDir, size string, edges int, seed int64) (*dataset, error) {
	d := &dataset{size: size, edges: edges, gen: synth.New(synth.Config{Edges: edges, Seed: seed})}
	d.dir = filepath.Join(cacheDir, fmt.Sprintf("%s-seed%d-%d", cacheVersion, seed, edges))
	d.store = filepath.Join(d.dir, "store")
	d.sqlDB = filepath.Join(d.dir, "sqlite.db")
	d.nx = nxFiles{filepath.Join(d.dir, "nodes.txt"), filepath.Join(d.dir, "edges.tsv"),
		filepath.Join(d.dir, "ego.txt"), filepath.Join(d.dir, "pairs.tsv")}
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return nil, fmt.Errorf("create the cache directory: %w", err)
	}
	if err := cached(filepath.Join(d.dir, "store.done"), func() error {
		os.RemoveAll(d.store)
		t0 := time.Now()
		st, err := graph.Open(d.store, graph.Options{NoSync: true})
		if err != nil {
			return err
		}
		if err := d.gen.Load(ctx, st, 0); err != nil {
			st.Close()
			return err
		}
		log.Info().Str("size", size).Dur("took", time.Since(t0)).Msg("built the stancegraph store")
		return st.Close()
	}); err != nil {
		return nil, fmt.Errorf("build the %s store: %w", size, err)
	}
	if err := cached(filepath.Join(d.dir, "sqlite.done"), func() error {
		t0 := time.Now()
		if err := buildSQLite(ctx, d.sqlDB, d.gen); err != nil {
			return err
		}
		log.Info().Str("size", size).Dur("took", time.Since(t0)).Msg("built the SQLite database")
		return nil
	}); err != nil {
		return nil, fmt.Errorf("build the %s SQLite database: %w", size, err)
	}
	if err := cached(filepath.Join(d.dir, "graph.done"), func() error {
		err := writeLines(d.nx.nodes, func(yield func(string) bool) {
			for n := range d.gen.Nodes {
				if !yield(n.ID) {
					return
				}
			}
		})
		if err != nil {
			return err
		}
		return writeLines(d.nx.edges, func(yield func(string) bool) {
			for e := range d.gen.Edges {
				if !yield(e.From + "\t" + e.To) {
					return
				}
			}
		})
	}); err != nil {
		return nil, fmt.Errorf("write the %s edge list: %w", size, err)
	}
	return d, nil
}

// cached runs build unless the marker file exists, and creates the marker
// when build succeeds.
func cached(marker string, build func() error) error {
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	if err := build(); err != nil {
		return err
	}
	return os.WriteFile(marker, nil, 0o644)
}

func writeLines(path string, lines func(yield func(string) bool)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	return errors.Join(w.Flush(), f.Close())
}

// copyStore copies the pristine store to a fresh directory for a process
// that opens it (Badger allows one process per directory, and a run must
// not change the cached copy).
func copyStore(src, dst string) error {
	os.RemoveAll(dst)
	out, err := exec.Command("cp", "-r", src, dst).CombinedOutput()
	if err != nil {
		return fmt.Errorf("copy %s: %w: %s", src, err, out)
	}
	return nil
}

// sqlitePragmas are set on the SQLite contender's connection: WAL,
// a 64 MiB page cache, the file memory-mapped, temporary tables in memory.
const sqlitePragmas = `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
PRAGMA mmap_size = 1073741824; PRAGMA temp_store = MEMORY;`

// sqliteSchema is the SQLite contender's layout: integer surrogate keys,
// edges clustered by (src, type, dst) with a covering index on
// (dst, type, src), the stance position as a column, and an FTS5 table of
// the same searchable fields as stancegraph's index.
const sqliteSchema = `
CREATE TABLE nodes (nid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, name TEXT NOT NULL, position REAL, data TEXT NOT NULL);
CREATE TABLE edges (src INTEGER NOT NULL, type TEXT NOT NULL, dst INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (src, type, dst)) WITHOUT ROWID;
CREATE INDEX edges_dst ON edges (dst, type, src);
CREATE VIRTUAL TABLE fts USING fts5 (name, aliases, description, summary, quotes, translations, text, tokenize = 'unicode61 remove_diacritics 2');
`

// sqliteSetup names the layout and pragmas in the output.
const sqliteSetup = "nodes(nid INTEGER PRIMARY KEY, id UNIQUE, position); edges PRIMARY KEY(src,type,dst) WITHOUT ROWID + INDEX(dst,type,src); " +
	"FTS5 unicode61 remove_diacritics 2; WAL, synchronous=NORMAL, cache_size=64MiB, mmap_size=1GiB, temp_store=MEMORY; ANALYZE; prepared statements"

func openSQLite(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one connection: the pragmas hold for every statement
	if _, err := db.Exec(sqlitePragmas); err != nil {
		db.Close()
		return nil, fmt.Errorf("set the sqlite pragmas: %w", err)
	}
	return db, nil
}

func buildSQLite(ctx context.Context, path string, gen *synth.Generator) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	db, err := openSQLite(path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(sqliteSchema); err != nil {
		return fmt.Errorf("create the schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insNode, err := tx.Prepare(`INSERT INTO nodes (nid, id, kind, name, position, data) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insFTS, err := tx.Prepare(`INSERT INTO fts (rowid, name, aliases, description, summary, quotes, translations, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insEdge, err := tx.Prepare(`INSERT INTO edges (src, type, dst, data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	nid := map[string]int64{}
	for n := range gen.Nodes {
		id := int64(len(nid) + 1)
		nid[n.ID] = id
		data, err := json.Marshal(n)
		if err != nil {
			return err
		}
		var pos any
		if n.Kind == graph.KindStance {
			pos = n.Position
		}
		if _, err := insNode.Exec(id, n.ID, n.Kind.String(), n.Name, pos, string(data)); err != nil {
			return fmt.Errorf("insert node %s: %w", n.ID, err)
		}
		f := textOf(&n)
		if _, err := insFTS.Exec(id, f.name, f.aliases, f.description, f.summary, f.quotes, f.translations, f.text); err != nil {
			return fmt.Errorf("index node %s: %w", n.ID, err)
		}
	}
	for e := range gen.Edges {
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := insEdge.Exec(nid[e.From], string(e.Type), nid[e.To], string(data)); err != nil {
			return fmt.Errorf("insert edge %s: %w", e.ID(), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.Exec(`INSERT INTO fts (fts) VALUES ('optimize'); ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// nodeText is the searchable text of a node, field by field, as
// graph/text.go's nodeFields takes it.
type nodeText struct {
	name, aliases, description, summary, quotes, translations, text string
}

func textOf(n *graph.Node) nodeText {
	var q, t []string
	for _, x := range n.Quotes {
		q = append(q, x.Text)
		if x.Translation != "" {
			t = append(t, x.Translation)
		}
	}
	return nodeText{n.Name, strings.Join(n.Aliases, "\n"), n.Description, n.Summary,
		strings.Join(q, "\n"), strings.Join(t, "\n"), n.Text}
}
