package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	topoMagic    = "SGTOPO02"
)

// writeTopology writes the snapshot of the topology; the caller holds wmu
// and no writer can commit.
func (s *Store) writeTopology(dir string) error {
	path := filepath.Join(dir, topoFileName)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	crc := crc32.New(castagnoli)
	w := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
	err = encodeTopology(w, s.mem, s.seq, s.gen.id)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		_, err = f.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
	}
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

// encodeTopology writes the header and m: live node ids in dense order,
// the edge types, then every node's out and in lists (count, then
// neighbour and type of each), then the text statistics.
func encodeTopology(w *bufio.Writer, m *mem, seq uint64, gen uint32) error {
	var buf []byte
	put := func() error {
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	buf = append(buf, topoMagic...)
	buf = binary.BigEndian.AppendUint64(buf, seq)
	buf = binary.BigEndian.AppendUint32(buf, gen)
	// Deleted slots are left out: live nodes are renumbered densely.
	renum := make([]uint32, len(m.ids))
	live := uint32(0)
	for i, id := range m.ids {
		if id != "" {
			renum[i] = live
			live++
		}
	}
	buf = binary.AppendUvarint(buf, uint64(live))
	for _, id := range m.ids {
		if id == "" {
			continue
		}
		buf = binary.AppendUvarint(buf, uint64(len(id)))
		buf = append(buf, id...)
		if len(buf) > 64<<10 {
			if err := put(); err != nil {
				return err
			}
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(m.types)))
	for _, t := range m.types {
		buf = binary.AppendUvarint(buf, uint64(len(t)))
		buf = append(buf, t...)
	}
	for i, id := range m.ids {
		if id == "" {
			continue
		}
		for _, list := range [2][]adj{m.out[i], m.in[i]} {
			buf = binary.AppendUvarint(buf, uint64(len(list)))
			for _, a := range list {
				buf = binary.AppendUvarint(buf, uint64(renum[a.node]))
				buf = append(buf, a.typ)
			}
		}
		if len(buf) > 64<<10 {
			if err := put(); err != nil {
				return err
			}
		}
	}
	buf = binary.BigEndian.AppendUint64(buf, m.textDocs)
	buf = binary.BigEndian.AppendUint64(buf, m.textLen)
	return put()
}

// errStaleTopology marks a snapshot that does not describe the database.
var errStaleTopology = errors.New("the topology snapshot does not match the database")

// topoFile is a decoded snapshot file, not yet matched with a database.
type topoFile struct {
	seq uint64
	gen uint32
	m   *mem
	err error
}

// readTopologyAsync reads and decodes the snapshot in dir in the
// background, while Badger opens; load matches it with the database.
func readTopologyAsync(dir string) <-chan topoFile {
	ch := make(chan topoFile, 1)
	go func() { ch <- readTopologyFile(dir) }()
	return ch
}

// readTopologyFile reads and decodes the snapshot in dir.
func readTopologyFile(dir string) topoFile {
	data, err := os.ReadFile(filepath.Join(dir, topoFileName))
	if err != nil {
		return topoFile{err: err}
	}
	if len(data) < len(topoMagic)+12+4 {
		return topoFile{err: errStaleTopology}
	}
	body, sum := data[:len(data)-4], binary.BigEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return topoFile{err: fmt.Errorf("%w: checksum", errStaleTopology)}
	}
	r := &reader{b: body}
	if string(r.raw(len(topoMagic))) != topoMagic {
		return topoFile{err: errStaleTopology}
	}
	f := topoFile{seq: r.u64(), gen: r.u32()}
	if r.err != nil {
		return topoFile{err: errStaleTopology}
	}
	if f.m, err = decodeTopology(r); err != nil {
		return topoFile{err: fmt.Errorf("%w: %v", errStaleTopology, err)}
	}
	return f
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

// decodeTopology reads what encodeTopology wrote after the header. Counts
// are checked against the bytes left, so a malformed file cannot make it
// allocate much.
func decodeTopology(r *reader) (*mem, error) {
	m := newMem()
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return nil, errBadValue
	}
	m.index = make(map[string]uint32, n) // sized once: growing it was half the work
	m.ids = make([]string, 0, n)
	m.kinds = make([]Kind, 0, n)
	m.out, m.in = make([][]adj, 0, n), make([][]adj, 0, n)
	for range n {
		id := r.str()
		if r.err != nil {
			return nil, r.err
		}
		k, err := KindOf(id)
		if err != nil {
			return nil, err
		}
		m.addNode(id, k)
	}
	nt := r.uvarint()
	if nt > 255 {
		return nil, errBadValue
	}
	for range nt {
		m.typeOf(EdgeType(r.str()))
	}
	// All lists share one backing array, grown as needed; each list is
	// capped so that appending to it later copies instead of overwriting
	// its neighbour.
	var backing []adj
	var perType [256]int
	for i := range m.ids {
		for side := range 2 {
			c := r.uvarint()
			if r.err != nil || c > uint64(len(r.b)/2) {
				return nil, errBadValue
			}
			if c == 0 {
				continue
			}
			if cap(backing)-len(backing) < int(c) {
				backing = make([]adj, 0, max(int(c), 1<<16))
			}
			start := len(backing)
			for range c {
				nb := r.uvarint()
				t := r.raw(1)
				if r.err != nil || nb >= n || int(t[0]) >= len(m.types) {
					return nil, errBadValue
				}
				backing = append(backing, adj{node: uint32(nb), typ: t[0]})
			}
			list := backing[start:len(backing):len(backing)]
			if side == 0 {
				m.out[i] = list
				for _, a := range list {
					perType[a.typ]++
				}
				m.edges += len(list)
			} else {
				m.in[i] = list
			}
		}
	}
	for t, c := range perType[:len(m.types)] {
		if c > 0 {
			m.byType[m.types[t]] = c
		}
	}
	m.textDocs, m.textLen = r.u64(), r.u64()
	if r.err != nil || len(r.b) != 0 {
		return nil, errBadValue
	}
	return m, nil
}
