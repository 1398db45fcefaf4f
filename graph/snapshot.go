package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"unsafe"
)

// A clean Close writes the in-memory topology to a snapshot file, and the
// next Open loads it instead of scanning every node and edge key, which
// makes a restart of a big graph fast. The snapshot is used only when it
// describes exactly the database being opened: its commit sequence and
// live generation must equal the database's (every commit advances the
// sequence) and its checksum must hold. Open removes the file once read, so
// a snapshot serves one Open; Restore removes it too, since a restored
// database starts its own sequence. A crash leaves no snapshot, and Open
// scans the keys.

const (
	topoFileName = "stancegraph.topology"
	topoMagic    = "SGTOPO08"
)

// writeTopology writes the snapshot of the topology; the caller holds wmu
// and no writer can commit.
func (s *Store) writeTopology(dir string) error {
	return writeFileAtomic(filepath.Join(dir, topoFileName), func(f *os.File) error {
		crc := crc32.NewIEEE() // see topoSum
		w := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
		if err := encodeTopology(w, s.mem, s.seq, s.gen.id); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		_, err := f.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
		return err
	})
}

// writeFileAtomic writes the file at path with write, into a temporary
// file that is synced and renamed over path: a crash leaves the old file
// or the new one, never part of it.
func writeFileAtomic(path string, write func(f *os.File) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// hasTopology reports whether dir holds a topology snapshot: the last Close
// was clean, since the Open before it removed the previous one.
func hasTopology(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, topoFileName))
	return err == nil
}

// removeTopology removes the snapshot file, durably.
func removeTopology(dir string) error {
	err := os.Remove(filepath.Join(dir, topoFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// The snapshot is laid out for a load without parsing: after a fixed
// header come the edge types, then arrays of fixed-width little-endian
// numbers that Open reads in straight loops, and a CRC-32 of everything
// before it:
//
//	magic, commit seq u64, generation u32,
//	nodes n u32, types u32, edges e u32, id bytes u64, text docs u64, text length u64,
//	id index key 2 u64, id index slots s u32, name bytes u64
//	types:   each a u8 length and the name
//	padding: zero bytes up to a multiple of 8 from the start of the file
//	id ends: n u32, the end of each id in the id bytes (one starts where the last ends)
//	kinds:   n bytes
//	ids:     the id bytes
//	padding: zero bytes up to a multiple of 8 from the start of the file
//	id index: s u64, the idIndex table
//	out spans, in spans: n each of (offset u32, length u32, room u32), the
//	         span of each node's list in the entries (room = length)
//	out entries, in entries: e each of (neighbour u32, edge type u8, 3 zero bytes)
//	name ends: n u32, the end of each node's name in the name bytes
//	names:   the name bytes
//
// The ids, kinds, index, spans, entries and names are their in-memory
// layout on a little-endian machine, so that Open uses them where the file
// is mapped instead of building or copying them (decodeIDs, loadIDIndex,
// viewLists, viewNames). Deleted
// slots are left out: live nodes are renumbered densely, in the index too.
const topoHeaderLen = len(topoMagic) + 8 + 4 + 3*4 + 3*8 + 2*8 + 4 + 8

// The widths of a span and an entry in the file.
const (
	spanBytes = 12
	adjBytes  = 8
)

// encodeTopology writes m as described above, without the checksum.
func encodeTopology(w *bufio.Writer, m *mem, seq uint64, gen uint32) error {
	le := binary.LittleEndian
	renum := make([]uint32, m.ids.len())
	live, idBytes, nameBytes, edges := uint32(0), uint64(0), uint64(0), 0
	for i := range renum {
		if id := m.ids.at(uint32(i)); id != "" {
			renum[i] = live
			live++
			idBytes += uint64(len(id))
			nameBytes += uint64(len(m.names.raw(uint32(i))))
			edges += len(m.out.of(uint32(i)))
		}
	}
	if idBytes > math.MaxUint32 || nameBytes > math.MaxUint32 || edges > math.MaxUint32 || edges != m.edges || len(m.index.slots) > math.MaxUint32 {
		return fmt.Errorf("a topology of %d id bytes, %d name bytes, %d (%d) edges and %d index slots does not fit a snapshot", idBytes, nameBytes, edges, m.edges, len(m.index.slots))
	}
	buf := make([]byte, 0, 64<<10)
	written := 0 // bytes flushed, for the padding
	flush := func() error {
		n, err := w.Write(buf)
		written += n
		buf = buf[:0]
		return err
	}
	// each calls fn for every live node and writes the buffer as it fills.
	each := func(fn func(i int)) error {
		for i := range m.ids.len() {
			if m.ids.at(uint32(i)) == "" {
				continue
			}
			fn(i)
			if len(buf) > 60<<10 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	}
	buf = append(buf, topoMagic...)
	buf = le.AppendUint64(buf, seq)
	buf = le.AppendUint32(buf, gen)
	buf = le.AppendUint32(buf, live)
	buf = le.AppendUint32(buf, uint32(len(m.types)))
	buf = le.AppendUint32(buf, uint32(edges))
	buf = le.AppendUint64(buf, idBytes)
	buf = le.AppendUint64(buf, m.textDocs)
	buf = le.AppendUint64(buf, m.textLen)
	buf = le.AppendUint64(buf, m.index.key[0])
	buf = le.AppendUint64(buf, m.index.key[1])
	buf = le.AppendUint32(buf, uint32(len(m.index.slots)))
	buf = le.AppendUint64(buf, nameBytes)
	for _, t := range m.types {
		if len(t) > math.MaxUint8 {
			return fmt.Errorf("edge type %.20q... is too long for a snapshot", t)
		}
		buf = append(buf, byte(len(t)))
		buf = append(buf, t...)
	}
	buf = append(buf, make([]byte, padTo8(uint64(written+len(buf))))...)
	end := uint32(0)
	steps := []func(i int){
		func(i int) { end += uint32(len(m.ids.at(uint32(i)))); buf = le.AppendUint32(buf, end) },
		func(i int) { buf = append(buf, byte(m.kinds[i])) },
		func(i int) { buf = append(buf, m.ids.at(uint32(i))...) },
	}
	for _, step := range steps {
		if err := each(step); err != nil {
			return err
		}
	}
	buf = append(buf, make([]byte, padTo8(uint64(written+len(buf))))...)
	for _, s := range m.index.slots {
		if s != 0 {
			s = s&^0xffffffff | uint64(renum[uint32(s)-1]+1)
		}
		buf = le.AppendUint64(buf, s)
		if len(buf) > 60<<10 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	steps = steps[:0]
	for _, lists := range [2]*adjLists{&m.out, &m.in} {
		off := uint32(0)
		steps = append(steps, func(i int) {
			n := uint32(len(lists.of(uint32(i))))
			buf = le.AppendUint32(le.AppendUint32(le.AppendUint32(buf, off), n), n)
			off += n
		})
	}
	for _, lists := range [2]*adjLists{&m.out, &m.in} {
		steps = append(steps, func(i int) {
			for _, a := range lists.of(uint32(i)) {
				buf = append(le.AppendUint32(buf, renum[a.node]), a.typ, 0, 0, 0)
			}
		})
	}
	end = 0
	steps = append(steps,
		func(i int) { end += uint32(len(m.names.raw(uint32(i)))); buf = le.AppendUint32(buf, end) },
		func(i int) { buf = append(buf, m.names.raw(uint32(i))...) },
	)
	for _, step := range steps {
		if err := each(step); err != nil {
			return err
		}
	}
	return nil
}

// topoSum is the snapshot's checksum: CRC-32 (IEEE), which Go computes
// with carry-less multiplication about four times as fast as CRC-32C
// (27 against 6.7 GB/s here), and which was a quarter of Open's CPU.
func topoSum(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// padTo8 is the number of zero bytes that bring off to a multiple of 8.
func padTo8(off uint64) uint64 { return (8 - off%8) % 8 }

// errStaleTopology marks a snapshot that does not describe the database.
var errStaleTopology = errors.New("the topology snapshot does not match the database")

// topoFile is a decoded snapshot file, not yet matched with a database.
type topoFile struct {
	seq     uint64
	gen     uint32
	m       *mem
	err     error
	removed bool // the file is gone, durably
	// data is the mapping of the file, which m's lists, index, kinds and
	// ids live in; nil when nothing is mapped. ids is the part that holds
	// the id bytes.
	data, ids []byte
}

// free unmaps the file of a topology that was not used: m must not be
// used after, and nothing read from it may be kept.
func (f topoFile) free() {
	if f.data != nil {
		unmapKeeping(f.data, nil)
	}
}

// release unmaps the file of a topology that was used, once m is no longer
// read, except the pages of the id bytes: the ids handed out point into
// them (see decodeIDs). Those are copied into anonymous memory at the same
// addresses, which stays for as long as the process runs: about the size
// of the ids, once per Open that used a snapshot. Where that cannot be
// done the file's pages stay mapped, and the removed file's space on disk
// stays taken until the process exits.
func (f topoFile) release() {
	if f.data != nil {
		unmapKeeping(f.data, f.ids)
	}
}

// pendingTopology is a snapshot being mapped and decoded in the
// background while Open checks the directory and Badger opens.
type pendingTopology struct {
	done  chan topoFile
	owned chan bool
	taken bool
}

// readTopologyAsync starts reading the snapshot in dir. The file is
// removed (a snapshot serves one Open, see load) once own(true) says that
// Open holds the directory; should Open fail after that, the next one
// scans the keys.
func readTopologyAsync(dir string) *pendingTopology {
	p := &pendingTopology{done: make(chan topoFile, 1), owned: make(chan bool, 1)}
	go func() {
		var removed bool
		var wg sync.WaitGroup
		wg.Go(func() { removed = <-p.owned && removeTopology(dir) == nil }) // mostly waiting for the disk
		f := readTopologyFile(dir)
		wg.Wait()
		f.removed = removed
		p.done <- f
	}()
	return p
}

// own says whether Open holds the directory, so that the file may go.
func (p *pendingTopology) own(ok bool) { p.owned <- ok }

// wait returns the decoded file, which the caller then owns.
func (p *pendingTopology) wait() topoFile {
	p.taken = true
	return <-p.done
}

// discard frees the file in the background unless wait took it.
func (p *pendingTopology) discard() {
	if p != nil && !p.taken {
		p.taken = true
		go func() { (<-p.done).free() }()
	}
}

// readTopologyFile maps and decodes the snapshot in dir. The topology it
// returns lives in the mapping, until free or release.
func readTopologyFile(dir string) topoFile {
	data, err := mapFile(filepath.Join(dir, topoFileName))
	if err != nil {
		return topoFile{err: err}
	}
	f := decodeTopology(data)
	if f.err != nil {
		unmapKeeping(data, nil)
		return f
	}
	f.data = data
	return f
}

// mapFile maps the file at path into memory, populated and private:
// writes copy the page they change and never reach the file, which stays
// mapped after it is unlinked. Reading a big snapshot into a fresh buffer
// instead costs a copy and a page fault per 4 KiB of it.
func mapFile(path string) (data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 || fi.Size() > math.MaxInt32 {
		return nil, fmt.Errorf("%w: a file of %d bytes", errStaleTopology, fi.Size())
	}
	// Populating a writable private mapping would copy every page at once;
	// the pages are mapped read-only first and made writable after.
	data, err = syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	if err := syscall.Mprotect(data, syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
		syscall.Munmap(data)
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	return data, nil
}

// unmapKeeping unmaps data, a mapping made by mapFile, except the pages
// that hold keep, a part of it (none when keep is empty), which it
// detaches from the file if it can. Errors are ignored: the pages then
// stay mapped.
func unmapKeeping(data, keep []byte) {
	if len(keep) == 0 {
		syscall.Munmap(data)
		return
	}
	page := os.Getpagesize()
	round := func(n int) int { return (n + page - 1) &^ (page - 1) }
	at := int(uintptr(unsafe.Pointer(unsafe.SliceData(keep))) - uintptr(unsafe.Pointer(unsafe.SliceData(data))))
	all := unsafe.Slice(unsafe.SliceData(data), round(len(data))) // the mapping ends on a page boundary
	lo, hi := at&^(page-1), round(at+len(keep))
	detachPages(all[lo:hi])
	// Raw calls: syscall.Munmap takes only a whole mapping.
	if lo > 0 {
		syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(&all[0])), uintptr(lo), 0)
	}
	if hi < len(all) {
		syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(&all[hi])), uintptr(len(all)-hi), 0)
	}
}

// match returns the snapshot's topology if it describes the database at
// commit seq with live generation gen.
func (f topoFile) match(seq uint64, gen uint32) (*mem, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.seq != seq || f.gen != gen {
		return nil, fmt.Errorf("%w: it is of commit %d, generation %d; the database is at %d, %d", errStaleTopology, f.seq, f.gen, seq, gen)
	}
	return f.m, nil
}

// decodeTopology checks and decodes a snapshot file. A damaged file fails
// the checksum. Beyond that, the checks are those that keep every later
// use in bounds and the counts right: every count and offset against the
// file's size before anything is allocated, every id a valid id of its
// kind, every entry a node and a type that exist, the id index and the
// spans well formed, and as many edges of each type in the in lists as in
// the out lists. The checksum, the ids and the lists are checked in
// parallel.
func decodeTopology(data []byte) topoFile {
	bad := func(why string, args ...any) topoFile {
		return topoFile{err: fmt.Errorf("%w: %s", errStaleTopology, fmt.Sprintf(why, args...))}
	}
	if len(data) < topoHeaderLen+4 || string(data[:len(topoMagic)]) != topoMagic {
		return bad("not a snapshot of this version")
	}
	le := binary.LittleEndian
	h := data[len(topoMagic):]
	f := topoFile{seq: le.Uint64(h), gen: le.Uint32(h[8:])}
	n, nt, e := uint64(le.Uint32(h[12:])), uint64(le.Uint32(h[16:])), uint64(le.Uint32(h[20:]))
	idBytes, textDocs, textLen := le.Uint64(h[24:]), le.Uint64(h[32:]), le.Uint64(h[40:])
	key, slots := [2]uint64{le.Uint64(h[48:]), le.Uint64(h[56:])}, uint64(le.Uint32(h[64:]))
	nameBytes := le.Uint64(h[68:])
	body := data[topoHeaderLen : len(data)-4]
	if nt > 256 || idBytes > math.MaxUint32 || nameBytes > math.MaxUint32 {
		return bad("%d edge types, %d id bytes, %d name bytes", nt, idBytes, nameBytes)
	}
	m := &mem{
		typeIdx:  make(map[EdgeType]uint8, nt),
		byType:   make(map[EdgeType]int, nt),
		edges:    int(e),
		textDocs: textDocs,
		textLen:  textLen,
	}
	for range nt {
		if len(body) == 0 || int(body[0]) >= len(body) {
			return bad("edge types")
		}
		t := EdgeType(body[1 : 1+body[0]])
		if _, dup := m.typeIdx[t]; dup {
			return bad("edge type %q twice", t)
		}
		m.typeIdx[t] = uint8(len(m.types))
		m.types = append(m.types, t)
		body = body[1+len(t):]
	}
	// n, e < 2^32 and idBytes and nameBytes are checked first: no overflow.
	typesEnd := uint64(len(data) - 4 - len(body)) // file offset after the types
	pad0 := padTo8(typesEnd)
	pad := padTo8(typesEnd + pad0 + 5*n + idBytes)
	if idBytes > uint64(len(body)) || uint64(len(body)) != pad0+n*(4+1)+idBytes+pad+slots*8+n*spanBytes*2+e*adjBytes*2+n*4+nameBytes {
		return bad("%d bytes for %d nodes, %d id bytes, %d name bytes and %d edges", len(body), n, idBytes, nameBytes, e)
	}
	cut := func(size uint64) []byte {
		b := body[:size]
		body = body[size:]
		return b
	}
	cut(pad0)
	idEnds, kinds, ids := cut(4*n), cut(n), cut(idBytes)
	cut(pad)
	index := cut(slots * 8)
	outSpans, inSpans := cut(n*spanBytes), cut(n*spanBytes)
	outAdj, inAdj := cut(e*adjBytes), cut(e*adjBytes)
	nameEnds, names := cut(4*n), cut(nameBytes)

	// The checksum, the ids and names and the lists are checked side by
	// side.
	var sumErr, idErr, listErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		if topoSum(data[:len(data)-4]) != le.Uint32(data[len(data)-4:]) {
			sumErr = errors.New("checksum")
		}
	})
	wg.Go(func() {
		idErr = decodeIDs(m, kinds, idEnds, ids, key, index)
		if idErr == nil {
			m.names, idErr = viewNames(nameEnds, names, n)
		}
	})
	var outTypes, inTypes [256]int
	m.out, outTypes, listErr = viewLists(outSpans, outAdj, n, nt)
	if listErr == nil {
		m.in, inTypes, listErr = viewLists(inSpans, inAdj, n, nt)
	}
	wg.Wait()
	if err := errors.Join(sumErr, listErr, idErr); err != nil {
		return bad("%v", err)
	}
	if outTypes != inTypes {
		return bad("the in lists do not hold as many edges of each type as the out lists")
	}
	for t, c := range outTypes[:nt] {
		if c > 0 {
			m.byType[m.types[t]] = c
		}
	}
	f.m, f.ids = m, ids
	return f
}

// decodeIDs fills m.ids, m.kinds and m.byKind, and m.index with the
// table saved under key, all used where they are, like viewLists' lists.
// Ids leave the store as they are, pointing into the mapping: Close keeps
// the pages of the id bytes (topoFile.release). Copying them instead cost
// about a seventh of the time to start a server on a 1M-edge store, most
// of it faulting in fresh pages.
func decodeIDs(m *mem, kinds, endData, blob []byte, key [2]uint64, index []byte) error {
	n := len(kinds)
	if !nativeLayout() {
		return errors.New("the ids are laid out for a little-endian machine")
	}
	slots, okS := castSlice[uint64](index, 8)
	ends, okE := castSlice[uint32](endData, 4)
	if !okS || !okE || len(ends) != n {
		return errors.New("the id ends and index are not aligned in memory")
	}
	var err error
	if m.index, err = loadIDIndex(key, slots, n); err != nil {
		return err
	}
	start := uint32(0)
	for i, end := range ends {
		if end < start || end > uint32(len(blob)) {
			return fmt.Errorf("id %d: bad end offset", i)
		}
		id, k := unsafe.String(unsafe.SliceData(blob[start:]), end-start), Kind(kinds[i])
		if !isIDOf(id, k) {
			return fmt.Errorf("id %d: %q is not an id of kind %d", i, id, k)
		}
		m.byKind[k]++
		start = end
	}
	if start != uint32(len(blob)) {
		return errors.New("id bytes left over")
	}
	m.ids = idTable{packed: unsafe.String(unsafe.SliceData(blob), len(blob)), ends: ends}
	m.kinds = unsafe.Slice((*Kind)(unsafe.SliceData(kinds)), n)
	return nil
}

// viewLists checks one side's spans and entries and returns lists that
// use them where they are, without a copy: data must stay as it is for
// as long as the lists live (a private mapping, which the lists may
// change, copy on write). It checks what keeps every use of the lists in
// bounds: the spans follow each other through the entries, and every
// entry names a node below n and a type below nt. Damage is the
// checksum's to find. It returns the number of entries of each type.
func viewLists(spanData, adjData []byte, n, nt uint64) (adjLists, [256]int, error) {
	var perType [256]int
	if !nativeLayout() {
		return adjLists{}, perType, errors.New("the lists are laid out for a little-endian machine")
	}
	spans, okS := castSlice[span](spanData, spanBytes)
	entries, okA := castSlice[adj](adjData, adjBytes)
	if !okS || !okA {
		return adjLists{}, perType, errors.New("the lists are not aligned in memory")
	}
	start := uint64(0)
	for u, s := range spans {
		if uint64(s.off) != start || s.len != s.cap {
			return adjLists{}, perType, fmt.Errorf("node %d: bad list span", u)
		}
		start += uint64(s.len)
	}
	if start != uint64(len(entries)) {
		return adjLists{}, perType, errors.New("the list spans do not cover the entries")
	}
	// One straight pass: the largest neighbour and a count per type.
	var top uint32
	for _, a := range entries {
		top = max(top, a.node)
		perType[a.typ]++
	}
	if len(entries) > 0 && uint64(top) >= n {
		return adjLists{}, perType, fmt.Errorf("a list names node %d of %d", top, n)
	}
	for t := nt; t < uint64(len(perType)); t++ {
		if perType[t] != 0 {
			return adjLists{}, perType, fmt.Errorf("a list names edge type %d of %d", t, nt)
		}
	}
	return adjLists{spans: spans, arena: entries}, perType, nil
}

// nativeLayout reports whether spans and entries are in memory what they
// are in a snapshot file: little-endian, 12 and 8 bytes wide.
func nativeLayout() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1 &&
		unsafe.Sizeof(span{}) == spanBytes && unsafe.Sizeof(adj{}) == adjBytes && unsafe.Offsetof(adj{}.typ) == 4
}

// castSlice views b as a slice of T, each size bytes wide; it fails when b
// is not aligned for T. T must hold no pointers.
func castSlice[T any](b []byte, size int) ([]T, bool) {
	if len(b) == 0 {
		return nil, true
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	if uintptr(p)%unsafe.Alignof(*new(T)) != 0 {
		return nil, false
	}
	return unsafe.Slice((*T)(p), len(b)/size), true
}
