package graph_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

// damageOpts makes a store whose directory holds every kind of Badger
// file: a small memtable puts the documents' texts in the value log.
var damageOpts = graph.Options{MemTableSize: 1 << 20, GCInterval: -1}

// damagedStore writes a store to a new directory, closes it, and returns
// the directory and the store's content.
func damagedStore(t *testing.T) (dir, want string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "db")
	s := mustOpenDir(t, dir, damageOpts)
	mustApply(t, s, fixture())
	b := &graph.Batch{}
	for i := range 3 {
		b.PutNode(graph.Node{ID: fmt.Sprintf("doc/long%d", i), Name: "Long", DocType: graph.DocArticle,
			Text: strings.Repeat(fmt.Sprintf("regulation%d ", i), 20_000)})
	}
	mustApply(t, s, b)
	mustApply(t, s, bigBatch(300, 0))
	want = dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, want
}

// copyDir copies the regular files of src into a new directory dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// largestFile returns the largest file in dir with the suffix.
func largestFile(t *testing.T, dir, suffix string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	if err != nil || len(m) == 0 {
		t.Fatalf("want a %s file in %s, have %v (%v)", suffix, dir, m, err)
	}
	// The largest holds the data, should Badger have flushed others.
	best, size := "", int64(-1)
	for _, name := range m {
		if fi, err := os.Stat(name); err == nil && fi.Size() > size {
			best, size = name, fi.Size()
		}
	}
	return best
}

func truncateTo(t *testing.T, path string, size func(int64) int64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size(fi.Size())); err != nil {
		t.Fatal(err)
	}
}

// overwrite writes n bytes of garbage at off (negative: from the end).
func overwrite(t *testing.T, path string, off int64, n int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if off < 0 {
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		off += fi.Size()
	}
	junk := make([]byte, n)
	for i := range junk {
		junk[i] = byte(i*37 + 11)
	}
	if _, err := f.WriteAt(junk, off); err != nil {
		t.Fatal(err)
	}
}

func half(n int64) int64 { return n / 2 }

// TestOpenDamagedDirectory damages a closed store's files in one way each
// and checks that Open fails with an error that says what is wrong and
// how to restore, without a panic (Badger's panics in its own goroutines
// would kill the test binary), and that the directory is not left locked:
// with the files put back, the same process opens it.
func TestOpenDamagedDirectory(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   error // the error Open wraps
	}{
		{"table truncated to half", func(t *testing.T, dir string) { truncateTo(t, largestFile(t, dir, ".sst"), half) }, graph.ErrCorrupt},
		{"table truncated to 10 bytes", func(t *testing.T, dir string) {
			truncateTo(t, largestFile(t, dir, ".sst"), func(int64) int64 { return 10 })
		}, graph.ErrCorrupt},
		{"table empty", func(t *testing.T, dir string) {
			truncateTo(t, largestFile(t, dir, ".sst"), func(int64) int64 { return 0 })
		}, graph.ErrCorrupt},
		// After a crash (no topology snapshot) Open reads every block.
		{"table garbage in a block, after a crash", func(t *testing.T, dir string) {
			overwrite(t, largestFile(t, dir, ".sst"), 2000, 64)
			os.Remove(filepath.Join(dir, "stancegraph.topology"))
		}, graph.ErrCorrupt},
		{"table garbage in the footer", func(t *testing.T, dir string) { overwrite(t, largestFile(t, dir, ".sst"), -40, 40) }, graph.ErrCorrupt},
		{"table missing", func(t *testing.T, dir string) { os.Remove(largestFile(t, dir, ".sst")) }, graph.ErrCorrupt},
		{"value log header garbage", func(t *testing.T, dir string) { overwrite(t, largestFile(t, dir, ".vlog"), 0, 20) }, graph.ErrCorrupt},
		{"MANIFEST truncated", func(t *testing.T, dir string) { truncateTo(t, filepath.Join(dir, "MANIFEST"), half) }, graph.ErrCorrupt},
		{"MANIFEST empty", func(t *testing.T, dir string) {
			truncateTo(t, filepath.Join(dir, "MANIFEST"), func(int64) int64 { return 0 })
		}, graph.ErrCorrupt},
		{"MANIFEST garbage", func(t *testing.T, dir string) { overwrite(t, filepath.Join(dir, "MANIFEST"), 8, 16) }, graph.ErrCorrupt},
		{"MANIFEST bad magic", func(t *testing.T, dir string) { overwrite(t, filepath.Join(dir, "MANIFEST"), 0, 8) }, graph.ErrCorrupt},
		{"MANIFEST missing", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "MANIFEST")) }, graph.ErrCorrupt},
		{"KEYREGISTRY garbage", func(t *testing.T, dir string) { overwrite(t, filepath.Join(dir, "KEYREGISTRY"), 0, 28) }, graph.ErrCorrupt},
		{"KEYREGISTRY truncated", func(t *testing.T, dir string) { truncateTo(t, filepath.Join(dir, "KEYREGISTRY"), half) }, graph.ErrCorrupt},
		{"directory is a file", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, []byte("not a database"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, graph.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, want := damagedStore(t)
			pristine := dir + ".pristine"
			copyDir(t, dir, pristine)
			c.damage(t, dir)

			s, err := graph.Open(dir, graph.Options{MemTableSize: 1 << 20, Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)})
			if err == nil {
				s.Close()
				t.Fatal("a damaged directory opened")
			}
			t.Log(err)
			if !errors.Is(err, c.want) {
				t.Fatalf("error does not wrap %v", c.want)
			}
			if c.want == graph.ErrCorrupt && !strings.Contains(err.Error(), "stancegraph restore --db "+dir+" FILE") {
				t.Fatal("error does not say how to restore")
			}

			// Repaired, the directory opens in this process: no lock or
			// file was left held.
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			copyDir(t, pristine, dir)
			s = mustOpenDir(t, dir, damageOpts)
			defer s.Close()
			if dump(t, s) != want {
				t.Fatal("repaired store differs")
			}
			mustVerify(t, s)
		})
	}
}

// TestBlockDamageAfterCleanClose: after a clean Close, Open reads only
// each table's footer, index and end blocks, so damage inside a block
// shows at the first read of that block, as an error and never as wrong
// data, and Verify, which reads everything, reports it.
func TestBlockDamageAfterCleanClose(t *testing.T) {
	dir, _ := damagedStore(t)
	overwrite(t, largestFile(t, dir, ".sst"), 2000, 64)
	s, err := graph.Open(dir, graph.Options{MemTableSize: 1 << 20, Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)})
	if err != nil {
		t.Fatalf("a cleanly closed store with a damaged block did not open: %v", err)
	}
	defer s.Close()
	if err := s.Verify(context.Background()); err == nil {
		t.Fatal("Verify read a damaged block without an error")
	} else {
		t.Log(err)
	}
}

// TestOpenUnreadableDirectory takes the permissions away from a database
// directory, its MANIFEST or a table. Root ignores permissions, so it
// skips when run as root.
func TestOpenUnreadableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which ignores file permissions")
	}
	for _, name := range []string{"", "MANIFEST", "table"} {
		t.Run("unreadable "+name, func(t *testing.T) {
			dir, want := damagedStore(t)
			path := filepath.Join(dir, name)
			if name == "table" {
				path = largestFile(t, dir, ".sst")
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(path, fi.Mode()) })
			_, err = graph.Open(dir, damageOpts)
			t.Log(err)
			if !errors.Is(err, fs.ErrPermission) {
				t.Fatalf("open: %v, want fs.ErrPermission", err)
			}
			if err := os.Chmod(path, fi.Mode()); err != nil {
				t.Fatal(err)
			}
			s := mustOpenDir(t, dir, damageOpts)
			defer s.Close()
			if dump(t, s) != want {
				t.Fatal("store differs once readable again")
			}
		})
	}
}

// TestDamagedValueLogFoundByVerify records a limit: Badger reads the value
// log only when a value is read, so Open accepts a truncated value log,
// and the damage shows as ErrCorrupt from reads and from Verify.
func TestDamagedValueLogFoundByVerify(t *testing.T) {
	dir, _ := damagedStore(t)
	truncateTo(t, largestFile(t, dir, ".vlog"), half)
	s := mustOpenDir(t, dir, damageOpts)
	defer s.Close()
	if err := s.Verify(context.Background()); !errors.Is(err, graph.ErrCorrupt) {
		t.Fatalf("verify of a store with a truncated value log: %v, want ErrCorrupt", err)
	}
}

// TestCleanStoreReopens is the opposite of the damage tests: the checks
// Open runs pass on a cleanly closed store, which keeps its content.
func TestCleanStoreReopens(t *testing.T) {
	dir, want := damagedStore(t)
	for range 2 {
		s := mustOpenDir(t, dir, damageOpts)
		if dump(t, s) != want {
			t.Fatal("reopened store differs")
		}
		mustVerify(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkOpen opens a store of 40,000 stances (closed cleanly, so with a
// topology snapshot), against Badger's bare Open of the same directory:
// the difference is what Open adds, mostly reading every table to check
// it. Closing is not timed.
func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	s := mustOpenDir(b, dir, graph.Options{NoSync: true})
	mustApply(b, s, bigBatch(40_000, 0))
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	var size int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".sst") {
			size += fi.Size()
		}
	}
	b.Logf("tables: %d bytes", size)
	b.Run("stancegraph", func(b *testing.B) {
		for b.Loop() {
			s, err := graph.Open(dir, graph.Options{GCInterval: -1})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer() // Close writes the topology snapshot the next Open reads
			s.Close()
			b.StartTimer()
		}
	})
	b.Run("badger", func(b *testing.B) {
		for b.Loop() {
			db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithMetricsEnabled(false).
				WithBlockCacheSize(32 << 20).WithIndexCacheSize(16 << 20).WithMemTableSize(16 << 20).WithNumMemtables(2).WithBaseTableSize(512 << 10))
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			db.Close()
			b.StartTimer()
		}
	})
}
