package graph

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"google.golang.org/protobuf/proto"
)

// tablesFileName names, inside the database directory, the record of the
// table files as a clean Close left them. Open reads the end blocks only
// of the tables that changed since, and of the others the footer and
// index (checkIndex): mapping every table to read its end blocks, which
// Badger then reads again, took a tenth of the CPU to open a 1M-edge
// store, for files that nothing but damage to the disk itself changes
// without a trace.
const tablesFileName = "stancegraph.tables"

const tablesMagic = "stancegraph tables 1"

// tableStamp identifies one state of a table file: Badger writes a table
// once and never again, so a file with the same inode, size and change
// time is the file that was recorded. The change time cannot be set from
// outside the kernel: a rewrite, a truncation or a copy over the file
// moves it.
type tableStamp struct {
	ino, size, ctimeSec, ctimeNsec int64
}

func stampOf(info os.FileInfo) (tableStamp, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return tableStamp{}, false
	}
	return tableStamp{ino: int64(st.Ino), size: st.Size, ctimeSec: int64(st.Ctim.Sec), ctimeNsec: int64(st.Ctim.Nsec)}, true
}

// writeTables records the table files in dir, which must be closed: a
// line per table with its name and stamp, replacing the old record at
// once (writeFileAtomic).
func writeTables(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(tablesMagic + "\n")
	for _, e := range entries {
		if _, ok := table.ParseFileID(e.Name()); !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		s, ok := stampOf(info)
		if !ok {
			return nil // no stamps on this system: every Open checks every table
		}
		fmt.Fprintf(&b, "%s %d %d %d %d\n", e.Name(), s.ino, s.size, s.ctimeSec, s.ctimeNsec)
	}
	return writeFileAtomic(filepath.Join(dir, tablesFileName), func(f *os.File) error {
		_, err := f.WriteString(b.String())
		return err
	})
}

// readTables returns the recorded stamps by table file name; a missing or
// unreadable record is an empty one, which trusts no table.
func readTables(dir string) map[string]tableStamp {
	f, err := os.Open(filepath.Join(dir, tablesFileName))
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || sc.Text() != tablesMagic {
		return nil
	}
	out := map[string]tableStamp{}
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			return nil
		}
		var n [4]int64
		for i, s := range fields[1:] {
			if n[i], err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil
			}
		}
		out[fields[0]] = tableStamp{ino: n[0], size: n[1], ctimeSec: n[2], ctimeNsec: n[3]}
	}
	if sc.Err() != nil {
		return nil
	}
	return out
}

// unchanged says whether the table file at path is the one recorded.
func unchanged(recorded map[string]tableStamp, path string) bool {
	want, ok := recorded[filepath.Base(path)]
	if !ok {
		return false
	}
	info, err := os.Stat(path)
	if err != nil {
		return false
	}
	got, ok := stampOf(info)
	return ok && got == want
}

// checkIndex reads a table's footer and index with plain reads and checks
// the index against its checksum: what Badger would crash on (a footer
// pointing outside the file) or silently drop the table for (an index
// failing its checksum), at a fraction of checkTable's cost, which maps
// the whole file and reads its end blocks too. buf is reused between
// calls.
func checkIndex(path string, buf *[]byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	read := func(off, n int64) ([]byte, error) {
		if n < 0 || off < 0 || off+n > size {
			return nil, fmt.Errorf("the footer points outside the file (%d bytes at %d of %d)", n, off, size)
		}
		if int64(cap(*buf)) < n {
			*buf = make([]byte, n)
		}
		b := (*buf)[:n]
		if _, err := f.ReadAt(b, off); err != nil {
			return nil, err
		}
		return b, nil
	}
	pos := size - 4
	b, err := read(pos, 4)
	if err != nil {
		return err
	}
	sumLen := int64(binary.BigEndian.Uint32(b))
	pos -= sumLen
	if b, err = read(pos, sumLen); err != nil {
		return err
	}
	var sum pb.Checksum
	if err := proto.Unmarshal(b, &sum); err != nil {
		return fmt.Errorf("the index checksum is unreadable: %w", err)
	}
	pos -= 4
	if b, err = read(pos, 4); err != nil {
		return err
	}
	indexLen := int64(binary.BigEndian.Uint32(b))
	pos -= indexLen
	if b, err = read(pos, indexLen); err != nil {
		return err
	}
	if err := y.VerifyChecksum(b, &sum); err != nil {
		return fmt.Errorf("the index fails its checksum")
	}
	return nil
}
