//go:build linux

package graph

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestScanReleasesTablePages reads every node of an on-disk store, which
// maps pages of its tables into the process, and checks that
// releaseTablePages takes them out of the resident set and that the
// store reads as before.
func TestScanReleasesTablePages(t *testing.T) {
	const n = loadedPeople
	ctx := context.Background()
	s, dir := loadedStore(t, n)
	count := func() int {
		c := 0
		if err := s.ForEachNode(ctx, func(*Node) error { c++; return nil }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := count(); c != n {
		t.Fatalf("read %d nodes, want %d", c, n)
	}
	before := tableRSS(t, dir)
	if before == 0 {
		t.Fatal("reading every node left no table page resident")
	}
	s.releaseTablePages()
	if after := tableRSS(t, dir); after != 0 {
		t.Fatalf("table pages resident: %d kB before the release, %d kB after", before, after)
	}
	if c := count(); c != n {
		t.Fatalf("after the release read %d nodes, want %d", c, n)
	}
}

// TestLoadReleasesTablePages checks that a load, whose StreamWriter
// writes every table through a shared mapping, leaves none of the pages it
// wrote resident, and that the store reads them back.
func TestLoadReleasesTablePages(t *testing.T) {
	const n = loadedPeople
	ctx := context.Background()
	s, dir := loadedStore(t, n)
	tables, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil || len(tables) == 0 {
		t.Fatalf("the load wrote no table (%v)", err)
	}
	if kb := tableRSS(t, dir); kb != 0 {
		t.Fatalf("%d kB of the %d tables the load wrote are resident", kb, len(tables))
	}
	c := 0
	if err := s.ForEachNode(ctx, func(nd *Node) error {
		if want := fmt.Sprintf("person/p%06d", c); nd.ID != want {
			return fmt.Errorf("node %d is %s, want %s", c, nd.ID, want)
		}
		c++
		return nil
	}); err != nil || c != n {
		t.Fatalf("read %d nodes (%v), want %d", c, err, n)
	}
}

// loadedPeople is how many nodes loadedStore loads: enough for tables
// of a few MB.
const loadedPeople = 20000

// loadedStore opens an on-disk store and loads n people into it, as one
// batch (a stream load).
func loadedStore(t *testing.T, n int) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b := &Batch{}
	for i := range n {
		b.PutNode(Node{ID: fmt.Sprintf("person/p%06d", i), Name: fmt.Sprintf("Person %d", i), Description: strings.Repeat("regulation ", 30)})
	}
	if _, err := s.Apply(context.Background(), b, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// tableRSS sums the resident kB of the process's mappings of table files
// in dir.
func tableRSS(t *testing.T, dir string) int {
	t.Helper()
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, inTable := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && len(fields[1]) == 4:
			// A mapping's header: start-end perms offset dev inode [path].
			path := strings.Join(fields[5:], " ")
			inTable = strings.HasPrefix(path, dir+"/") && strings.HasSuffix(path, ".sst")
		case len(fields) == 3 && fields[0] == "Rss:" && inTable:
			kb, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			total += kb
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}
