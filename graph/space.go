package graph

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// defaultMinFreeBytes is the free disk space an on-disk store keeps in
// reserve. Badger maps its files into memory and grows them by writing
// through the mapping; on a full disk such a write kills the process with
// SIGBUS instead of returning an error. Writes it may do at any moment,
// without a batch of ours asking, need room: the open value-log file grows
// to 128 MiB, two 16 MiB memtables each have a write-ahead file, and a
// compaction writes its new tables (1 MiB each, tens of them for a small
// store) before it deletes the old ones. 256 MiB covers one full value-log
// file, both memtables and a compaction of 64 MiB with room to spare; it is
// little on any disk a server runs on.
const defaultMinFreeBytes = 256 << 20

// reserve is the free-space check before writes.
type reserve struct {
	dir  string
	min  int64 // <= 0: no check
	fits int64 // a batch estimated above this many bytes may be staged
}

func newReserve(dir string, opts Options, memtable int64) reserve {
	r := reserve{dir: dir, min: opts.MinFreeBytes, fits: memtable * 15 / 100}
	switch {
	case opts.InMemory || r.min < 0:
		r.min = 0
	case r.min == 0:
		r.min = defaultMinFreeBytes
	}
	return r
}

// checkSpace refuses a batch when the disk holding the database has less
// free space than the reserve plus an estimate of what the batch writes.
// A batch too big for one transaction may be staged, which copies the live
// data, so its estimate includes the data on disk.
func (s *Store) checkSpace(b *Batch) error {
	if s.space.min <= 0 {
		return nil
	}
	need := estimateBatch(b)
	if need > s.space.fits {
		need += dataBytes(s.space.dir)
	}
	return s.spaceFor(need, "this batch")
}

// checkRestoreSpace refuses a restore when the disk has less free space
// than the reserve plus twice the backup's size (when r tells it: a file,
// or a reader with Len), counting the data the restore replaces as free.
func (s *Store) checkRestoreSpace(r io.Reader) error {
	if s.space.min <= 0 {
		return nil
	}
	var size int64
	switch r := r.(type) {
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	case interface{ Len() int }:
		size = int64(r.Len())
	}
	return s.spaceFor(2*size-dataBytes(s.space.dir), "the restored data")
}

// spaceFor returns an error wrapping ErrNoSpace when the free space is
// below the reserve plus need. A failing statfs does not block writes: it
// is logged.
func (s *Store) spaceFor(need int64, what string) error {
	r := s.space
	free, err := freeBytes(r.dir)
	if err != nil {
		s.log.Warn().Err(err).Msg("cannot tell the free disk space; writing anyway")
		return nil
	}
	need = max(need, 0)
	if free >= r.min+need {
		return nil
	}
	return fmt.Errorf("%w: %s on the disk of %s, below the reserve of %s plus about %s for %s; nothing was written. Free some disk space (the reserve is Options.MinFreeBytes)",
		ErrNoSpace, formatBytes(free), r.dir, formatBytes(r.min), formatBytes(need), what)
}

// freeBytes is the space available to unprivileged writers on the file
// system holding dir.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return int64(uint64(st.Bavail) * uint64(st.Bsize)), nil
}

// dataBytes is the disk space taken by Badger's tables and value-log files
// in dir. A value-log file is sized far beyond its content and filled
// through a mapping, so what counts is its allocated blocks.
func dataBytes(dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext != ".sst" && ext != ".vlog" {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			n += int64(st.Blocks) * 512
		} else {
			n += fi.Size()
		}
	}
	return n
}

// estimateBatch guesses the bytes a batch makes Badger write: three times
// its strings and a fixed cost per node and edge, for the write-ahead log,
// the table the memtable is flushed to and a compaction's copy; a
// document's text twice more for its full-text postings. Deletions count
// as small writes.
func estimateBatch(b *Batch) int64 {
	var n int
	for _, o := range b.ops {
		switch o.kind {
		case opPutNode:
			nd := b.node(o)
			n += 128 + 4*len(nd.ID) + len(nd.Name) + len(nd.Description) + len(nd.Summary) + len(nd.Origin) +
				len(nd.URL) + len(nd.Location) + 3*len(nd.Text) + sourcesLen(nd.Sources)
			for _, a := range nd.Aliases {
				n += 2 * len(a)
			}
			for _, q := range nd.Quotes {
				n += 16 + len(q.Text) + len(q.Translation) + len(q.Source)
			}
		case opPutEdge:
			e := b.edge(o)
			n += 64 + 2*(len(e.Type)+len(e.From)+len(e.To)) + len(e.Role) + len(e.Origin) + sourcesLen(e.Sources)
		case opDeleteNode, opDeleteEdge:
			n += 64
		}
	}
	return 3 * int64(n)
}

func sourcesLen(srcs []Source) int {
	n := 0
	for _, s := range srcs {
		n += 8 + len(s.Document) + len(s.Quote) + len(s.Locator)
	}
	return n
}

// formatBytes writes n in MiB or GiB with one decimal, or in bytes when small.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
