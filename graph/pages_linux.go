//go:build linux

package graph

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// releaseTablePages tells the kernel that this process no longer needs
// the pages of the table files it has mapped. Badger maps every table
// file, shared, and never writes a table once built, so the pages leave
// the process's resident set and stay in the page cache, from which a
// later read maps them again at the cost of a minor fault. A full scan
// and a load call it as they go, so that reading or writing the whole
// store does not keep the whole store resident: exporting a 1M-edge graph
// held its 170 MB of tables, seeding it the 250 MB it wrote. Errors are
// ignored: the pages are then only kept.
func (s *Store) releaseTablePages() {
	if s.dir == "" {
		return
	}
	dir, err := filepath.Abs(s.dir)
	if err == nil {
		dir, err = filepath.EvalSymlinks(dir)
	}
	if err != nil {
		return
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	prefix := dir + string(filepath.Separator)
	for line := range bytes.Lines(maps) {
		// start-end perms offset dev inode path
		f := strings.Fields(string(line))
		if len(f) < 6 {
			continue
		}
		path := strings.Join(f[5:], " ")
		if !strings.HasPrefix(path, prefix) || !strings.HasSuffix(path, ".sst") || !strings.Contains(f[1], "s") {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED)
	}
}

// detachPages replaces mapped pages, a page-aligned part of a mapping,
// with anonymous copies of them, in place and at once: what points into
// them reads the same bytes before and after, and the file they were
// mapped from is no longer held. It reports whether it did.
func detachPages(pages []byte) bool {
	anon, err := syscall.Mmap(-1, 0, len(pages), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS)
	if err != nil {
		return false
	}
	copy(anon, pages)
	const mremapMaymove, mremapFixed = 1, 2
	_, _, errno := syscall.Syscall6(syscall.SYS_MREMAP, uintptr(unsafe.Pointer(&anon[0])), uintptr(len(anon)), uintptr(len(pages)),
		mremapMaymove|mremapFixed, uintptr(unsafe.Pointer(&pages[0])), 0)
	if errno != 0 {
		syscall.Munmap(anon)
		return false
	}
	return true // the copy moved over pages; the runtime's record of anon is left behind
}
