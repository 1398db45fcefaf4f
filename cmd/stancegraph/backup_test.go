package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

// memStore opens an in-memory store closed at the end of the test.
func memStore(tb testing.TB, opts graph.Options) *graph.Store {
	tb.Helper()
	opts.InMemory = true
	st, err := graph.Open("", opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// storeState is a checksum of every node and edge of a store, with the
// counts, so two stores can be compared without keeping their contents.
type storeState struct {
	Sum          string
	Nodes, Edges int
}

// stateOf reads st in key order (nodes by id, edges by from, type, to) and
// hashes the JSON of each node and edge.
func stateOf(tb testing.TB, st *graph.Store) storeState {
	tb.Helper()
	ctx := context.Background()
	h := sha256.New()
	enc := json.NewEncoder(h)
	var s storeState
	if err := st.ForEachNode(ctx, func(n *graph.Node) error { s.Nodes++; return enc.Encode(n) }); err != nil {
		tb.Fatal(err)
	}
	h.Write([]byte{0}) // nodes end here
	if err := st.ForEachEdge(ctx, func(e *graph.Edge) error { s.Edges++; return enc.Encode(e) }); err != nil {
		tb.Fatal(err)
	}
	s.Sum = hex.EncodeToString(h.Sum(nil))
	return s
}

// restored restores a backup into a fresh in-memory store and checks it
// with Verify.
func restored(tb testing.TB, backup io.Reader) *graph.Store {
	tb.Helper()
	st := memStore(tb, graph.Options{})
	if err := st.Restore(context.Background(), backup); err != nil {
		tb.Fatalf("restore: %v", err)
	}
	if err := st.Verify(context.Background()); err != nil {
		tb.Fatalf("restored backup fails Verify: %v", err)
	}
	return st
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline; the deadline only catches a hang, it does not time anything.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func listBackups(tb testing.TB, dir string) []string {
	tb.Helper()
	names, err := backupNames(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return names
}

func TestBackupFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want backupConfig
		err  string
	}{
		{nil, backupConfig{Keep: 7}, ""},
		{[]string{"--backup-dir", "b", "--backup-every", "6h", "--backup-keep", "3"}, backupConfig{"b", 6 * time.Hour, 3}, ""},
		{[]string{"--backup-dir", "b"}, backupConfig{"b", 0, 7}, ""}, // a directory alone is harmless
		{[]string{"--backup-every", "1h"}, backupConfig{}, "needs --backup-dir"},
		{[]string{"--backup-dir", "b", "--backup-every", "1h", "--backup-keep", "0"}, backupConfig{}, "keep at least 1"},
		{[]string{"--backup-dir", "b", "--backup-every", "-1s"}, backupConfig{}, "negative"},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		cfg := backupFlags(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := cfg.check()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || *cfg != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.args, *cfg, err, tc.want)
		}
		// A valid configuration starts; "off" starts nothing.
		cfg.Dir = filepath.Join(t.TempDir(), cfg.Dir)
		stop, err := startBackups(context.Background(), memStore(t, graph.Options{}), *cfg, zerolog.Nop())
		if err != nil {
			t.Errorf("%q: start: %v", tc.args, err)
			continue
		}
		stop()
	}
}

func TestBackupName(t *testing.T) {
	at := time.Date(2026, 11, 26, 22, 15, 0, 123e6, time.UTC)
	name := backupPrefix + at.Format(backupTimeFmt) + backupSuffix
	if name != "stancegraph-20261126T221500.123Z.backup" {
		t.Fatalf("name %s", name)
	}
	if got, ok := backupTime(name); !ok || !got.Equal(at) {
		t.Fatalf("backupTime(%s) = %v, %v", name, got, ok)
	}
	for _, foreign := range []string{
		"stancegraph-20261126T221500Z.backup", "stancegraph-20261126T221500.12Z.backup",
		"stancegraph-20261126T221500.123Z.backup.old", "old-stancegraph-20261126T221500.123Z.backup",
		"stancegraph-20261326T221500.123Z.backup", "stancegraph-latest.backup", "notes.txt",
	} {
		if _, ok := backupTime(foreign); ok {
			t.Errorf("%s taken for one of our backups", foreign)
		}
	}
}

// TestScheduledBackups runs the scheduler with a tiny interval: backups
// appear, only the newest keep stay, files that are not ours survive, and
// every kept backup restores to exactly the store's contents.
func TestScheduledBackups(t *testing.T) {
	ctx := context.Background()
	st := memStore(t, graph.Options{})
	set, err := seed.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Apply(ctx, st, set, seed.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	foreign := map[string]string{ // name -> content, must survive
		"notes.txt":                 "mine",
		"stancegraph-latest.backup": "not ours",
		"stancegraph-20250101T000000.000Z.backup.old": "not ours either",
	}
	for n, c := range foreign {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A directory with a backup's name is not a backup.
	if err := os.Mkdir(filepath.Join(dir, "stancegraph-20000101T000000.001Z.backup"), 0o755); err != nil {
		t.Fatal(err)
	}
	// An old backup of ours is pruned; a stale temporary file is removed.
	old := "stancegraph-20000101T000000.000Z.backup"
	stale := ".stancegraph-backup-123.tmp"
	for _, n := range []string{old, stale} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	const keep = 3
	stop, err := startBackups(ctx, st, backupConfig{Dir: dir, Every: 20 * time.Millisecond, Keep: keep}, zerolog.New(zerolog.NewTestWriter(t)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	newBackups := func() int {
		n := 0
		for _, name := range listBackups(t, dir) {
			seen[name] = true
		}
		for name := range seen {
			if name != old {
				n++
			}
		}
		return n
	}
	waitFor(t, "a first backup", func() bool { return newBackups() >= 1 })
	// A change: the backups written after it must hold it.
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/backup-witness", Name: "Backup Witness"})
	if _, err := st.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	before := newBackups()
	waitFor(t, "more backups than are kept", func() bool { return newBackups() >= before+keep+2 })
	stop()

	names := listBackups(t, dir)
	if len(names) != keep {
		t.Fatalf("%d backups kept, want %d: %v", len(names), keep, names)
	}
	for name := range seen {
		if !slices.Contains(names, name) && name > names[0] {
			t.Errorf("%s was deleted but is newer than the kept %s", name, names[0])
		}
	}
	for n, c := range foreign {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(b) != c {
			t.Errorf("foreign file %s: %q, %v", n, b, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "stancegraph-20000101T000000.001Z.backup")); err != nil || !fi.IsDir() {
		t.Errorf("directory with a backup name: %v", err)
	}
	for _, n := range []string{old, stale} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there: %v", n, err)
		}
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, backupTmp)); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}

	want := stateOf(t, st)
	for _, name := range names {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got := stateOf(t, restored(t, f))
		f.Close()
		if got != want {
			t.Errorf("%s restores to %d nodes, %d edges (%s); the store holds %d, %d (%s)",
				name, got.Nodes, got.Edges, got.Sum[:12], want.Nodes, want.Edges, want.Sum[:12])
		}
	}
}

// TestBackupFailureIsRetried removes the backup directory under a running
// scheduler: the failure is logged, and once the directory is back the
// next tick writes a backup.
func TestBackupFailureIsRetried(t *testing.T) {
	st := memStore(t, graph.Options{})
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/someone", Name: "Someone"})
	if _, err := st.Apply(context.Background(), b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	var logs syncBuffer
	log := zerolog.New(io.MultiWriter(&logs, zerolog.NewTestWriter(t)))
	stop, err := startBackups(context.Background(), st, backupConfig{Dir: dir, Every: 10 * time.Millisecond, Keep: 2}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	waitFor(t, "a first backup", func() bool { return len(listBackups(t, dir)) > 0 })
	// Renamed away in one step, so a backup being written cannot refill it.
	if err := os.Rename(dir, dir+".gone"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a logged failure", func() bool {
		return strings.Contains(logs.String(), `"level":"error"`) && strings.Contains(logs.String(), "backup failed")
	})
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a backup after the failure", func() bool {
		names, err := backupNames(dir)
		return err == nil && len(names) > 0
	})
}

// TestWriteBackupCancelled cancels a backup: it fails with the context's
// error and leaves nothing behind.
func TestWriteBackupCancelled(t *testing.T) {
	st := memStore(t, graph.Options{})
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/someone", Name: "Someone"})
	if _, err := st.Apply(context.Background(), b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := writeBackup(ctx, st, filepath.Join(dir, "x.backup")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled backup: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("cancelled backup left %v", entries)
	}
	// A closed store fails the same way: no file.
	st.Close()
	if _, err := writeBackup(context.Background(), st, filepath.Join(dir, "x.backup")); !errors.Is(err, graph.ErrClosed) {
		t.Fatalf("backup of a closed store: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("failed backup left %v", entries)
	}
}

// TestOnlineBackupConsistency takes backups while batches commit. Each
// batch keeps two invariants (an event with exactly as many attendees as
// its location says; two ledger nodes with the same description), and some
// are big enough to be staged under a new generation. The recorder knows
// the state after every commit; every backup must restore to one of those
// states exactly, pass Verify and keep the invariants.
func TestOnlineBackupConsistency(t *testing.T) {
	ctx := context.Background()
	// A small memtable makes the big batches stage.
	st := memStore(t, graph.Options{MemTableSize: 1 << 20})
	b := &graph.Batch{}
	for _, id := range []string{"org/ledger-a", "org/ledger-b"} {
		b.PutNode(graph.Node{ID: id, Name: "Ledger", OrgType: graph.OrgOther, Description: "start"})
	}
	if _, err := st.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}

	// Apply serializes writers anyway; the recorder also holds its lock
	// across the checksum, so each recorded state is a commit point. The
	// concurrency under test is between commits and backups.
	var (
		mu      sync.Mutex
		states  = map[storeState]bool{stateOf(t, st): true}
		commits atomic.Int64
		backups atomic.Int64
	)
	const writers, minBackups, maxBackups, minCommits, maxCommits = 3, 8, 16, 40, 400
	enough := func() bool {
		c := commits.Load()
		return c >= maxCommits || (c >= minCommits && backups.Load() >= minBackups)
	}
	var wg sync.WaitGroup
	errc := make(chan error, writers+2)
	for w := range writers {
		wg.Go(func() {
			for i := 0; !enough(); i++ {
				attendees := 1
				if w == 0 && i%10 == 5 {
					attendees = 300 // 3,300 key writes: staged
				}
				b := consistencyBatch(w, i, attendees)
				mu.Lock()
				_, err := st.Apply(ctx, b, graph.ApplyOptions{})
				if err == nil {
					states[stateOf(t, st)] = true
				}
				mu.Unlock()
				if err != nil {
					errc <- fmt.Errorf("writer %d batch %d: %w", w, i, err)
					return
				}
				commits.Add(1)
			}
		})
	}
	var (
		bmu    sync.Mutex
		images [][]byte
	)
	for range 2 { // two backups may run at once
		wg.Go(func() {
			for !enough() && backups.Load() < maxBackups {
				var buf bytes.Buffer
				if err := st.Backup(ctx, &buf); err != nil {
					errc <- fmt.Errorf("backup: %w", err)
					return
				}
				bmu.Lock()
				images = append(images, buf.Bytes())
				bmu.Unlock()
				backups.Add(1)
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}

	distinct := map[storeState]bool{}
	for i, img := range images {
		r := restored(t, bytes.NewReader(img))
		checkConsistencyInvariants(t, r, i)
		s := stateOf(t, r)
		if !states[s] {
			t.Fatalf("backup %d (%d nodes, %d edges) equals no commit point of the %d recorded", i, s.Nodes, s.Edges, len(states))
		}
		distinct[s] = true
	}
	t.Logf("%d commits, %d backups of %d distinct commit points", commits.Load(), len(images), len(distinct))
	if len(distinct) < 2 {
		t.Fatalf("all %d backups saw the same state: the backups did not overlap the commits", len(images))
	}
}

// consistencyBatch is batch i of writer w: an event with its attendees
// (its location says how many) and both ledgers set to the batch's name.
func consistencyBatch(w, i, attendees int) *graph.Batch {
	name := fmt.Sprintf("b-%d-%d", w, i)
	ev := "event/" + name
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: ev, Name: "Event " + name, Location: strconv.Itoa(attendees)})
	for j := range attendees {
		p := fmt.Sprintf("person/%s-%d", name, j)
		b.PutNode(graph.Node{ID: p, Name: "Attendee " + strconv.Itoa(j) + " of " + name})
		b.PutEdge(graph.Edge{Type: graph.Attended, From: p, To: ev})
	}
	for _, id := range []string{"org/ledger-a", "org/ledger-b"} {
		b.PutNode(graph.Node{ID: id, Name: "Ledger", OrgType: graph.OrgOther, Description: name})
	}
	return b
}

// checkConsistencyInvariants fails unless every event has all its
// attendees and the ledgers agree on a batch that is present.
func checkConsistencyInvariants(t *testing.T, st *graph.Store, backup int) {
	t.Helper()
	ctx := context.Background()
	events, err := st.NodesByKind(ctx, graph.KindEvent, graph.Page{First: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events.Nodes {
		in, err := st.Edges(ctx, ev.ID, graph.In, []graph.EdgeType{graph.Attended}, graph.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := strconv.Atoi(ev.Location); len(in) != want {
			t.Fatalf("backup %d: %s has %d of its %d attendees: half a batch", backup, ev.ID, len(in), want)
		}
	}
	a, errA := st.Node(ctx, "org/ledger-a")
	b, errB := st.Node(ctx, "org/ledger-b")
	if errA != nil || errB != nil || a.Description != b.Description {
		t.Fatalf("backup %d: ledgers disagree: %q vs %q (%v, %v)", backup, a.Description, b.Description, errA, errB)
	}
	if a.Description != "start" && !st.Has(ctx, "event/"+a.Description) {
		t.Fatalf("backup %d: ledgers name batch %s, whose event is missing", backup, a.Description)
	}
}
