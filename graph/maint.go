package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Backup writes a full, consistent backup of the store to w in Badger's
// backup format. Writers are not blocked while it runs.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	return s.read(ctx, false, func(*view) error {
		// Badger's Stream opens one read transaction per goroutine, each at
		// its own timestamp, so a backup by several goroutines can mix
		// states before and after a commit. With one goroutine it is one
		// snapshot (TestOnlineBackupConsistency in cmd/stancegraph).
		stream := s.db.NewStream()
		stream.NumGo = 1
		stream.LogPrefix = "stancegraph.Backup"
		if _, err := stream.Backup(ctxWriter{ctx, w}, 0); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	})
}

// ctxWriter fails writes once the context is done, which stops a backup
// stream.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Restore replaces the store's content with a backup written by Backup and
// checks it. Readers and writers wait while it runs. If the backup is
// unreadable, the store is left empty or partly loaded and the error says
// so; restore again from a good backup.
func (s *Store) Restore(ctx context.Context, r io.Reader) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.checkRestoreSpace(r); err != nil {
		return err
	}
	s.gen.readers.Wait()
	s.epoch++ // pending drops of old generations must not touch the restored data
	if err := s.db.DropAll(); err != nil {
		return fmt.Errorf("restore: clear database: %w", err)
	}
	if err := s.db.Load(&frameChecker{r: r}, 256); err != nil {
		return fmt.Errorf("restore: load backup (the store may be partly loaded; restore again): %w", err)
	}
	if err := s.load(nil); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if s.seqf != nil {
		// The restored database starts its own commit count.
		if err := s.seqf.reset(s.seq); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}

// Verify rebuilds every secondary index (edge in-keys, stance position and
// date indexes, full-text postings and lengths) and the in-memory topology
// from the primary data (node and edge out-keys), and reports any
// difference, wrapped in ErrCorrupt.
func (s *Store) Verify(ctx context.Context) error {
	return s.read(ctx, true, func(v *view) error {
		want := map[string][]byte{} // expected index key -> value
		var problems []string
		report := func(format string, args ...any) {
			if len(problems) < 20 {
				problems = append(problems, fmt.Sprintf(format, args...))
			}
		}
		p := &planner{ks: v.ks}
		var byKind [len(kindNames)]int
		nodes := map[string]bool{}
		var textDocs, textLen uint64
		it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(famNode), PrefetchValues: true})
		for it.Rewind(); it.Valid(); it.Next() {
			id, err := v.ks.parseNode(it.Item().Key())
			if err != nil {
				it.Close()
				return fmt.Errorf("%w: node key: %v", ErrCorrupt, err)
			}
			n := new(Node)
			if err := it.Item().Value(func(b []byte) error { return decodeNode(b, n) }); err != nil {
				it.Close()
				return err
			}
			if n.ID != id {
				report("node key %s holds node %s", id, n.ID)
			}
			nodes[id] = true
			byKind[n.Kind]++
			if i, ok := v.mem.lookup(id); ok && v.mem.names.raw(i) != n.Name {
				report("memory names node %s %q, the store %q", id, v.mem.names.raw(i), n.Name)
			}
			p.indexNode(nil, n)
		}
		it.Close()
		for _, w := range p.writes {
			want[string(w.key)] = w.val
		}
		textDocs, textLen = uint64(p.textDocs), uint64(p.textLen)

		edges := map[edgeKey]bool{}
		if err := scanKeys(v.tx(), v.ks.prefix(famOut), func(k []byte) error {
			t, from, to, err := v.ks.parseEdge(k, famOut)
			if err != nil {
				return fmt.Errorf("%w: edge key: %v", ErrCorrupt, err)
			}
			if !nodes[from] || !nodes[to] {
				report("edge %s has a missing endpoint", EdgeID(t, from, to))
			}
			edges[edgeKey{t, from, to}] = true
			want[string(v.ks.in(t, from, to))] = nil
			return nil
		}); err != nil {
			return err
		}

		if err := verifyPostings(ctx, v, p.termEdits, report); err != nil {
			return err
		}

		// Every stored index key must be expected, with its value (no
		// key of the pre-block postings family 't' is).
		for _, fam := range []byte{famIn, famPos, famDate, famTerm, famTextLen} {
			it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(fam), PrefetchValues: true})
			for it.Rewind(); it.Valid(); it.Next() {
				if err := ctx.Err(); err != nil {
					it.Close()
					return err
				}
				k := string(it.Item().Key())
				val, err := it.Item().ValueCopy(nil)
				if err != nil {
					it.Close()
					return err
				}
				exp, ok := want[k]
				switch {
				case !ok:
					report("unexpected index key %q", k)
				case !bytes.Equal(exp, val):
					report("index key %q has value %x, want %x", k, val, exp)
				}
				delete(want, k)
			}
			it.Close()
		}
		for _, k := range slices.Sorted(maps.Keys(want)) {
			report("missing index key %q", k)
		}

		// The in-memory topology must match.
		m := v.mem
		for _, k := range Kinds() {
			if m.byKind[k] != byKind[k] {
				report("memory counts %d %s nodes, the store holds %d", m.byKind[k], k, byKind[k])
			}
		}
		if m.nodes() != len(nodes) {
			report("memory knows %d nodes, the store holds %d", m.nodes(), len(nodes))
		}
		memEdges := 0
		for u := range uint32(m.out.nodes()) {
			for _, a := range m.out.of(u) {
				memEdges++
				if !edges[edgeKey{m.types[a.typ], m.ids.at(u), m.ids.at(a.node)}] {
					report("memory has edge %s that the store lacks", EdgeID(m.types[a.typ], m.ids.at(u), m.ids.at(a.node)))
				}
			}
		}
		inEdges := 0
		for u := range uint32(m.in.nodes()) {
			for _, a := range m.in.of(u) {
				inEdges++
				if !edges[edgeKey{m.types[a.typ], m.ids.at(a.node), m.ids.at(u)}] {
					report("memory has incoming edge %s that the store lacks", EdgeID(m.types[a.typ], m.ids.at(a.node), m.ids.at(u)))
				}
			}
		}
		if memEdges != len(edges) || inEdges != len(edges) || m.edges != len(edges) {
			report("memory has %d out and %d in entries and counts %d edges; the store holds %d", memEdges, inEdges, m.edges, len(edges))
		}
		for u := range uint32(m.out.nodes()) {
			if !slices.IsSortedFunc(m.out.of(u), m.adjCmp) || !slices.IsSortedFunc(m.in.of(u), m.adjCmp) {
				report("adjacency of %s is out of order", m.ids.at(u))
			}
		}
		if m.textDocs != textDocs || m.textLen != textLen {
			report("memory text statistics %d/%d, want %d/%d", m.textDocs, m.textLen, textDocs, textLen)
		}
		if len(problems) > 0 {
			return fmt.Errorf("%w: %s", ErrCorrupt, strings.Join(problems, "; "))
		}
		return nil
	})
}

// verifyPostings checks the posting blocks against the postings the nodes
// give (want, as planned for an empty store): each block well formed, its
// key naming its first id, the blocks of a term in ascending disjoint
// ranges, and every posting expected, with its values, and present.
func verifyPostings(ctx context.Context, v *view, want map[string][]termEdit, report func(string, ...any)) error {
	type key struct{ term, id string }
	exp := map[key]termEdit{}
	for t, es := range want {
		for _, e := range es {
			exp[key{t, e.id}] = e
		}
	}
	it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(famWords), PrefetchValues: true})
	defer it.Close()
	var ps []posting
	lastTerm, lastID := "", ""
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		term, first, err := v.ks.parsePostings(it.Item().Key())
		if err != nil {
			report("malformed posting block key %q", it.Item().Key())
			continue
		}
		ps = ps[:0]
		if err := it.Item().Value(func(b []byte) error {
			ps, err = decodeBlock(b, ps)
			return nil
		}); err != nil {
			return err
		}
		switch {
		case err != nil:
			report("posting block %q/%q: %v", term, first, err)
			continue
		case ps[0].id != first:
			report("posting block %q/%q starts with %q", term, first, ps[0].id)
		case term == lastTerm && first <= lastID:
			report("posting block %q/%q overlaps the one before (up to %q)", term, first, lastID)
		}
		lastTerm, lastID = term, ps[len(ps)-1].id
		for _, p := range ps {
			e, ok := exp[key{term, p.id}]
			switch {
			case !ok:
				report("unexpected posting %q in %q", term, p.id)
			case e.tf != p.tf || e.length != p.length:
				report("posting %q in %q has tf %d and length %d, want %d and %d", term, p.id, p.tf, p.length, e.tf, e.length)
			}
			delete(exp, key{term, p.id})
		}
	}
	missing := slices.SortedFunc(maps.Keys(exp), func(a, b key) int {
		return cmp.Or(strings.Compare(a.term, b.term), strings.Compare(a.id, b.id))
	})
	for _, k := range missing {
		report("missing posting %q in %q", k.term, k.id)
	}
	return nil
}

// maxBackupFrame bounds one frame of a backup stream. Badger's Load trusts
// the length prefix of each frame and allocates it, so a damaged or hostile
// stream could crash the process; frameChecker refuses such a frame first.
const maxBackupFrame = 256 << 20

// frameChecker passes a backup stream through while checking its framing:
// a little-endian uint64 length, then that many bytes, repeated.
type frameChecker struct {
	r      io.Reader
	header [8]byte
	inHdr  int    // header bytes seen of the current frame
	left   uint64 // body bytes still to pass
}

func (f *frameChecker) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	for i := 0; i < n; {
		if f.left > 0 {
			step := min(uint64(n-i), f.left)
			f.left -= step
			i += int(step)
			continue
		}
		f.header[f.inHdr] = p[i]
		f.inHdr++
		i++
		if f.inHdr == 8 {
			f.inHdr = 0
			f.left = binary.LittleEndian.Uint64(f.header[:])
			if f.left > maxBackupFrame {
				return 0, fmt.Errorf("%w: not a stancegraph backup (frame of %d bytes)", ErrInvalid, f.left)
			}
		}
	}
	return n, err
}
