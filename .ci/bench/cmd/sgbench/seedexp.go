package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

// seedItemsPerFile splits the seed set into files the way seed's own
// benchmark does.
const seedItemsPerFile = 5000

// seedSet writes the synthetic graph as a seed set (cached): the graph is
// loaded into an in-memory store, with every unsourced stance given the
// first document as source (the format requires one), exported with
// seed.Export and cut into files of seedItemsPerFile items.
func seedSet(ctx context.Context, d *dataset) (string, error) {
	dir := filepath.Join(d.dir, "seedset")
	err := cached(filepath.Join(d.dir, "seedset.done"), func() error {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		st, err := graph.Open("", graph.Options{InMemory: true})
		if err != nil {
			return err
		}
		defer st.Close()
		var batch graph.Batch
		firstDoc := ""
		for n := range d.gen.Nodes {
			if n.Kind == graph.KindDocument && firstDoc == "" {
				firstDoc = n.ID
			}
			if n.Kind == graph.KindStance && len(n.Sources) == 0 {
				n.Sources = []graph.Source{{Document: firstDoc}}
			}
			batch.PutNode(n)
		}
		for e := range d.gen.Edges {
			batch.PutEdge(e)
		}
		if _, err := st.Apply(ctx, &batch, graph.ApplyOptions{}); err != nil {
			return err
		}
		one := filepath.Join(d.dir, "seed-export.yaml")
		f, err := os.Create(one)
		if err != nil {
			return err
		}
		if err := seed.Export(ctx, st, f, nil); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		defer os.Remove(one)
		return splitSeed(one, dir)
	})
	return dir, err
}

// splitSeed cuts an exported seed file into files of at most
// seedItemsPerFile items of one top-level list each.
func splitSeed(src, dir string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out *bufio.Writer
	var outF *os.File
	list, items, files := "", 0, 0
	closeOut := func() error {
		if out == nil {
			return nil
		}
		if err := out.Flush(); err != nil {
			return err
		}
		err := outF.Close()
		out, outF = nil, nil
		return err
	}
	open := func() error {
		if err := closeOut(); err != nil {
			return err
		}
		var err error
		outF, err = os.Create(filepath.Join(dir, fmt.Sprintf("%s-%04d.yaml", list, files)))
		if err != nil {
			return err
		}
		files++
		out = bufio.NewWriter(outF)
		_, err = out.WriteString(list + ":\n")
		items = 0
		return err
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || line == "":
			continue
		case !strings.HasPrefix(line, " ") && strings.HasSuffix(line, ":"):
			list = strings.TrimSuffix(line, ":")
			if err := open(); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(line, "  - ") || line == "  -":
			if items == seedItemsPerFile {
				if err := open(); err != nil {
					return err
				}
			}
			items++
		}
		if out == nil {
			return fmt.Errorf("%s: unexpected line before any list: %q", src, line)
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return closeOut()
}

// rawOptions are graph.Open's Badger options: durable, as a seed is.
func rawOptions(dir string) badger.Options {
	return badger.DefaultOptions(dir).WithLogger(nil).WithSyncWrites(true).
		WithMemTableSize(16 << 20).WithValueThreshold(1 << 20).WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).WithValueLogFileSize(128 << 20).WithNumMemtables(2).
		WithBaseTableSize(128 << 10).WithNumCompactors(2).WithMetricsEnabled(false)
}

// readKVs reads every key and value of a Badger directory.
func readKVs(dir string) ([]*pb.KV, error) {
	db, err := badger.Open(rawOptions(dir))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var kvs []*pb.KV
	err = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			kvs = append(kvs, &pb.KV{Key: it.Item().KeyCopy(nil), Value: v, Version: 1})
		}
		return nil
	})
	return kvs, err
}

// rawLoad writes the key-values into a fresh Badger directory with
// Badger's fastest path for an empty database, the StreamWriter.
func rawLoad(dir string, kvs []*pb.KV) (time.Duration, error) {
	db, err := badger.Open(rawOptions(dir))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	t0 := time.Now()
	sw := db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		return 0, err
	}
	buf := z.NewBuffer(64<<20, "sgbench")
	defer buf.Release()
	for _, kv := range kvs {
		badger.KVToBuffer(kv, buf)
		if buf.LenNoPadding() > 16<<20 {
			if err := sw.Write(buf); err != nil {
				return 0, err
			}
			buf.Reset()
		}
	}
	if err := sw.Write(buf); err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// seedRows measures seeding from YAML as users do it, with the commands
// in processes of their own: "stancegraph seed" into an empty database
// against "stancegraph validate" (parse and check only) of the same
// files, and the store part of seeding against a raw Badger load of the
// keys the seeded store holds.
func (b *bench) seedRows(ctx context.Context, d *dataset, work string) error {
	set, err := seedSet(ctx, d)
	if err != nil {
		return fmt.Errorf("write the seed set: %w", err)
	}
	var parse, seedT, raw, parseRSS, seedRSS []float64
	nkv := 0
	for r := range b.cfg.reps + 1 {
		if err := ctx.Err(); err != nil {
			return err
		}
		pt, prss, err := timedProc(b.cfg.bin, []string{"validate", set}, "")
		if err != nil {
			return fmt.Errorf("parse the seed set: %w", err)
		}
		dir := filepath.Join(work, fmt.Sprintf("seed%d", r))
		stt, srss, err := timedProc(b.cfg.bin, []string{"seed", "--db", dir, set}, "")
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		kvs, err := readKVs(dir)
		if err != nil {
			return fmt.Errorf("read the seeded keys: %w", err)
		}
		os.RemoveAll(dir)
		rdir := filepath.Join(work, fmt.Sprintf("raw%d", r))
		rt, err := rawLoad(rdir, kvs)
		if err != nil {
			return fmt.Errorf("raw badger load: %w", err)
		}
		os.RemoveAll(rdir)
		nkv = len(kvs)
		runtime.GC() // kvs is dead here
		if r == 0 {
			continue // warm-up
		}
		parse, seedT, raw = append(parse, float64(pt)), append(seedT, float64(stt)), append(raw, float64(rt))
		parseRSS, seedRSS = append(parseRSS, prss), append(seedRSS, srss)
	}
	var r1, r2, store []float64
	for i := range parse {
		r1 = append(r1, seedT[i]/parse[i])
		store = append(store, seedT[i]-parse[i])
		r2 = append(r2, raw[i]/(seedT[i]-parse[i]))
	}
	c := d.gen.Counts()
	note := fmt.Sprintf("stancegraph seed --db EMPTY vs stancegraph validate, each in a process of its own, of seed.Export's files of %d items (%d nodes, %d edges)", seedItemsPerFile, c.Nodes, c.Edges)
	b.add(row{What: "seed from YAML", Size: d.size, Ours: side{Name: "stancegraph seed", Unit: "ns", P50: spreadOf(seedT), Raw: seedT},
		Base: side{Name: "validate (parse only)", Unit: "ns", P50: spreadOf(parse), Raw: parse}, Ratio: spreadOf(r1), RatioDef: "ours / parse-only time",
		Goal: "≤ 2× parse-only", GoalVal: 2, Reps: b.cfg.reps, Notes: note})
	b.add(row{What: "seed from YAML: store part", Size: d.size, Ours: side{Name: "seed − parse", Unit: "ns", P50: spreadOf(store), Raw: store},
		Base: side{Name: "raw Badger StreamWriter", Unit: "ns", P50: spreadOf(raw), Raw: raw}, Ratio: spreadOf(r2), RatioDef: "raw load time / store part",
		Goal: "≥ 0.6× raw load speed", GoalVal: 0.6, HigherOK: true, Reps: b.cfg.reps,
		Notes: fmt.Sprintf("raw: the %d keys and values the seeded store holds, pre-encoded, StreamWriter with graph.Open's options", nkv)})
	b.add(row{What: "seed from YAML: peak RSS", Size: d.size, Ours: side{Name: "stancegraph seed", Unit: "MiB", P50: spreadOf(seedRSS), Raw: seedRSS},
		Base: side{Name: "validate", Unit: "MiB", P50: spreadOf(parseRSS), Raw: parseRSS}, Ratio: spreadOf(seedRSS), RatioDef: "MiB (absolute)",
		Goal: "≤ 1.5 GB (1,430 MiB)", GoalVal: 1.5e9 / (1 << 20), Reps: b.cfg.reps, Notes: note})
	return nil
}

// timedProc runs a command under GNU time and returns its wall time and
// peak RSS in MiB. (The rusage of a direct child would report this large
// process's RSS: the child inherits the high-water mark until it execs.)
func timedProc(name string, args []string, stdout string) (time.Duration, float64, error) {
	rssFile := stdout + ".rss"
	if stdout == "" {
		rssFile = filepath.Join(os.TempDir(), fmt.Sprintf("sgbench-%d.rss", os.Getpid()))
	}
	defer os.Remove(rssFile)
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", rssFile, name}, args...)...)
	if stdout != "" {
		f, err := os.Create(stdout)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		cmd.Stdout = f
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %w: %s", name, err, stderr.String())
	}
	took := time.Since(t0)
	data, err := os.ReadFile(rssFile)
	if err != nil {
		return 0, 0, fmt.Errorf("read the peak RSS of %s: %w", name, err)
	}
	kb, err := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
	if err != nil {
		return 0, 0, fmt.Errorf("peak RSS of %s: %w", name, err)
	}
	return took, kb / 1024, nil
}

// exportRows measures "stancegraph export --format jsonl" of the whole
// graph against cat of its output file into another file.
func (b *bench) exportRows(ctx context.Context, d *dataset, work string) error {
	dir := filepath.Join(work, "exp")
	if err := copyStore(d.store, dir); err != nil {
		return err
	}
	out, copyOut := filepath.Join(work, "export.jsonl"), filepath.Join(work, "cat.jsonl")
	var et, ct, erss, crss, eps []float64
	edges := float64(d.gen.Counts().Edges)
	for r := range b.cfg.reps + 1 {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, rss, err := timedProc(b.cfg.bin, []string{"export", "--db", dir, "--format", "jsonl", "--out", out}, "")
		if err != nil {
			return err
		}
		t2, rss2, err := timedProc("cat", []string{out}, copyOut)
		if err != nil {
			return err
		}
		if r == 0 {
			continue
		}
		et, ct, erss, crss = append(et, float64(t)), append(ct, float64(t2)), append(erss, rss), append(crss, rss2)
		eps = append(eps, edges/t.Seconds())
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("stancegraph export --format jsonl of %.0f edges and every node (%.0f MB) vs cat of that file into another", edges, float64(fi.Size())/1e6)
	b.add(row{What: "export (jsonl): speed", Size: d.size, Ours: side{Name: "export", Unit: "ns", P50: spreadOf(et), Raw: et},
		Base: side{Name: "cat", Unit: "ns", P50: spreadOf(ct), Raw: ct}, Ratio: spreadOf(eps), RatioDef: "edges/s (absolute)",
		Goal: "≥ 100k edges/s", GoalVal: 100_000, HigherOK: true, Reps: b.cfg.reps, Notes: note})
	b.add(row{What: "export (jsonl): peak RSS", Size: d.size, Ours: side{Name: "export", Unit: "MiB", P50: spreadOf(erss), Raw: erss},
		Base: side{Name: "cat", Unit: "MiB", P50: spreadOf(crss), Raw: crss}, Ratio: spreadOf(erss), RatioDef: "MiB (absolute)",
		Goal: "≤ 200 MB (190.7 MiB)", GoalVal: 200e6 / (1 << 20), Reps: b.cfg.reps, Notes: note})
	return nil
}
