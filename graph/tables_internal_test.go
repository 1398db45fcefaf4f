package graph

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tablesStore returns the directory of a cleanly closed store that holds
// tables, and the path of its largest table.
func tablesStore(t *testing.T) (dir, largest string) {
	t.Helper()
	dir = t.TempDir()
	s := openSpaceStore(t, dir, Options{NoSync: true})
	if _, err := s.Apply(context.Background(), spaceBatch(200, 20), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	var size int64 = -1
	for _, p := range tables {
		if fi, err := os.Stat(p); err == nil && fi.Size() > size {
			largest, size = p, fi.Size()
		}
	}
	if largest == "" {
		t.Fatal("the store wrote no table")
	}
	return dir, largest
}

// TestTablesRecord: a clean Close records every table, and the record
// holds a table exactly as long as its file is unchanged.
func TestTablesRecord(t *testing.T) {
	dir, largest := tablesStore(t)
	rec := readTables(dir)
	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(rec) != len(tables) {
		t.Fatalf("the record holds %d tables, the directory %d", len(rec), len(tables))
	}
	for _, p := range tables {
		if !unchanged(rec, p) {
			t.Fatalf("%s is not recorded as it is", p)
		}
	}
	if err := os.WriteFile(largest+".copy", mustRead(t, largest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(largest+".copy", largest); err != nil { // same bytes, another file
		t.Fatal(err)
	}
	if unchanged(rec, largest) {
		t.Fatal("a table replaced by a copy counts as unchanged")
	}
	if err := os.WriteFile(filepath.Join(dir, tablesFileName), []byte("stancegraph tables 1\n000001.sst x 1 2 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if readTables(dir) != nil {
		t.Fatal("a damaged record was read")
	}
}

// TestUnchangedTableIndexChecked: damage that leaves a table's stamp as
// recorded (written here by recording the table again after the damage)
// is still found in the index, the footer and the size, before Badger
// opens the table.
func TestUnchangedTableIndexChecked(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"index", func(t *testing.T, path string) {
			b := mustRead(t, path)
			sumLen := int(binary.BigEndian.Uint32(b[len(b)-4:]))
			lenAt := len(b) - 4 - sumLen - 4
			indexLen := int(binary.BigEndian.Uint32(b[lenAt:]))
			b[lenAt-indexLen/2] ^= 0xff
			mustWrite(t, path, b)
		}},
		{"footer", func(t *testing.T, path string) {
			b := mustRead(t, path)
			binary.BigEndian.PutUint32(b[len(b)-4:], 1<<30)
			mustWrite(t, path, b)
		}},
		{"truncated", func(t *testing.T, path string) {
			b := mustRead(t, path)
			mustWrite(t, path, b[:len(b)/2])
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, largest := tablesStore(t)
			c.damage(t, largest)
			if err := writeTables(dir); err != nil {
				t.Fatal(err)
			}
			if !unchanged(readTables(dir), largest) {
				t.Fatal("the damaged table is not recorded as it is")
			}
			err := checkFiles(dir, badgerOptions(dir, Options{}), false)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), filepath.Base(largest)) {
				t.Fatalf("checkFiles: %v, want damage in %s", err, filepath.Base(largest))
			}
			t.Log(err)
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
