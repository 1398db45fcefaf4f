package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rs/zerolog"
)

// spaceBatch holds n people, each with a stance on one topic.
func spaceBatch(n, offset int) *Batch {
	b := &Batch{}
	b.PutNode(Node{ID: "topic/space", Name: "Space", Scale: &Scale{Negative: "no", Positive: "yes"}})
	for i := offset; i < offset+n; i++ {
		p, st := fmt.Sprintf("person/p%05d", i), fmt.Sprintf("stance/s%05d", i)
		b.PutNode(Node{ID: p, Name: "Person " + p})
		b.PutNode(Node{ID: st, Name: "Stance on space", Position: 0.5, Confidence: 1})
		b.PutEdge(Edge{Type: HeldBy, From: st, To: p})
		b.PutEdge(Edge{Type: OnTopic, From: st, To: "topic/space"})
	}
	return b
}

func openSpaceStore(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	o.Logger = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	s, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustFree(t *testing.T, dir string) int64 {
	t.Helper()
	free, err := freeBytes(dir)
	if err != nil {
		t.Fatal(err)
	}
	return free
}

// storeState is what a refused write must leave unchanged.
func storeState(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%+v\n", c)
	if err := s.ForEachNode(ctx, func(n *Node) error { fmt.Fprintf(&sb, "%s %s\n", n.ID, n.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// TestReserveRefusesWrites sets a reserve larger than the free space of
// the test's disk: every write is refused with ErrNoSpace and nothing
// changes; without the reserve the same writes go through.
func TestReserveRefusesWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openSpaceStore(t, dir, Options{MinFreeBytes: -1})
	if _, err := s.Apply(ctx, spaceBatch(10, 0), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	want := storeState(t, s)
	s.Close()

	s = openSpaceStore(t, dir, Options{MinFreeBytes: mustFree(t, dir) + 1<<30})
	defer s.Close()
	_, err := s.Apply(ctx, spaceBatch(10, 10), ApplyOptions{})
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("apply below the reserve: %v, want ErrNoSpace", err)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Fatalf("error %q does not name the directory", err)
	}
	t.Log(err)
	if got := storeState(t, s); got != want {
		t.Fatalf("a refused batch changed the store:\n%s\nwant\n%s", got, want)
	}
	if err := s.checkRestoreSpace(bytes.NewReader(make([]byte, 10))); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("restore below the reserve: %v, want ErrNoSpace", err)
	}

	// The in-memory store and a store with the check turned off write.
	mem := openSpaceStore(t, "", Options{InMemory: true, MinFreeBytes: 1 << 62})
	defer mem.Close()
	if _, err := mem.Apply(ctx, spaceBatch(10, 10), ApplyOptions{}); err != nil {
		t.Fatalf("in-memory store: %v", err)
	}
}

func TestReserveDefaults(t *testing.T) {
	for _, c := range []struct {
		opts Options
		want int64
	}{
		{Options{}, defaultMinFreeBytes},
		{Options{MinFreeBytes: 5}, 5},
		{Options{MinFreeBytes: -1}, 0},
		{Options{InMemory: true, MinFreeBytes: 5}, 0},
	} {
		if got := newReserve("d", c.opts, 1<<20).min; got != c.want {
			t.Errorf("%+v: reserve %d, want %d", c.opts, got, c.want)
		}
	}
}

// TestEstimateBatchGrows checks that the estimate grows with the batch
// and counts a document's text.
func TestEstimateBatchGrows(t *testing.T) {
	small, big := estimateBatch(spaceBatch(10, 0)), estimateBatch(spaceBatch(1000, 0))
	if small <= 0 || big < 50*small {
		t.Fatalf("estimates %d for 10 stances, %d for 1000", small, big)
	}
	doc := &Batch{}
	doc.PutNode(Node{ID: "doc/d", Name: "D", DocType: DocArticle, Text: strings.Repeat("word ", 100_000)})
	if got := estimateBatch(doc); got < 500_000*3 {
		t.Fatalf("a 500 kB text is estimated at %d bytes", got)
	}
}

// TestReserveOnFullDisk runs a store on a 64 MiB tmpfs, fills the file
// system to just below the reserve, and checks that writes are refused
// with ErrNoSpace, that the store is unchanged and the process alive, and
// that writes succeed again once space is freed. It needs to mount a
// tmpfs (root with CAP_SYS_ADMIN); unprivileged, for example in a
// default container or CI runner, it skips even with
// STANCEGRAPH_REQUIRE_TOOLS=1, since no tool can be installed to make it
// run.
func TestReserveOnFullDisk(t *testing.T) {
	ctx := context.Background()
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=64m"); err != nil {
		if os.Getenv("STANCEGRAPH_REQUIRE_TOOLS") == "1" && os.Geteuid() == 0 && !errors.Is(err, syscall.EPERM) {
			t.Fatalf("mount a tmpfs as root: %v", err)
		}
		t.Skipf("cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	const reserve = 16 << 20
	dir := filepath.Join(mnt, "db")
	s := openSpaceStore(t, dir, Options{MemTableSize: 1 << 20, MinFreeBytes: reserve, GCInterval: -1})
	t.Cleanup(func() { s.Close() }) // before the unmount; closes the reopened store too
	if _, err := s.Apply(ctx, spaceBatch(50, 0), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	want := storeState(t, s)

	// Fill the disk until 12 MiB are free, below the 16 MiB reserve.
	filler := filepath.Join(mnt, "filler")
	fill := func(leave int64) {
		t.Helper()
		f, err := os.OpenFile(filler, os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, _ := f.Stat()
		grow := mustFree(t, mnt) - leave
		if err := syscall.Fallocate(int(f.Fd()), 0, fi.Size(), grow); err != nil {
			t.Fatalf("fill the disk: %v", err)
		}
	}
	fill(12 << 20)
	_, err := s.Apply(ctx, spaceBatch(10, 50), ApplyOptions{})
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("apply on a full disk: %v, want ErrNoSpace", err)
	}
	t.Log(err)
	if got := storeState(t, s); got != want {
		t.Fatal("a refused batch changed the store")
	}

	// 4 MiB above the reserve: a small batch fits, one with 3 MiB of
	// text is estimated above what is left and refused.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	fill(reserve + 4<<20)
	docs := &Batch{}
	for i := range 3 {
		docs.PutNode(Node{ID: fmt.Sprintf("doc/d%d", i), Name: "D", DocType: DocArticle, Text: strings.Repeat("word ", 200_000)})
	}
	if _, err := s.Apply(ctx, docs, ApplyOptions{}); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("a batch estimated above the free space: %v, want ErrNoSpace", err)
	}
	if _, err := s.Apply(ctx, spaceBatch(10, 50), ApplyOptions{}); err != nil {
		t.Fatalf("a small batch with room for it: %v", err)
	}

	// With the filler gone everything is written, and survives a reopen.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, docs, ApplyOptions{}); err != nil {
		t.Fatalf("apply after freeing space: %v", err)
	}
	want = storeState(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openSpaceStore(t, dir, Options{MemTableSize: 1 << 20, MinFreeBytes: reserve, GCInterval: -1})
	if got := storeState(t, s); got != want {
		t.Fatal("reopened store differs")
	}
}
