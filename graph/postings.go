package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Full-text postings are stored in blocks: one key per term and block,
//
//	g 'w' term firstID -> block
//
// where a block lists up to postingBlockMax postings of the term in id
// order, the first of them with id firstID. The blocks of a term cover
// disjoint id ranges: a block holds the ids from its firstID up to (not
// including) the next block's. A term in 10,000 nodes is then about 80 keys
// instead of 10,000, which makes a bulk load and a search of a common word
// several times cheaper; changing one node rewrites one block per term
// it gains or loses.
//
// A block is a uvarint count followed by each posting: the number of
// leading bytes its id shares with the previous id, the length of the rest
// and the rest, then the term frequency and the node's text length as
// uvarints. Ids strictly increase.

// Block sizes: a load and a split fill blocks with postingBlockTarget
// postings; a block that grows past postingBlockMax is split.
const (
	postingBlockTarget = 128
	postingBlockMax    = 2 * postingBlockTarget
)

// posting is one node's entry in a term's posting list.
type posting struct {
	id         string
	tf, length uint32
}

// appendBlock encodes ps, which must be sorted by id and non-empty.
func appendBlock(dst []byte, ps []posting) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ps)))
	prev := ""
	for _, p := range ps {
		shared := commonPrefix(prev, p.id)
		dst = binary.AppendUvarint(dst, uint64(shared))
		dst = binary.AppendUvarint(dst, uint64(len(p.id)-shared))
		dst = append(dst, p.id[shared:]...)
		dst = binary.AppendUvarint(dst, uint64(p.tf))
		dst = binary.AppendUvarint(dst, uint64(p.length))
		prev = p.id
	}
	return dst
}

// commonPrefix returns the length of the longest common prefix of a and
// b. It compares eight bytes at a time: the ids of a block share long
// prefixes ("stance/s02088...").
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if x := load64(a[i:]) ^ load64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// load64 reads the first eight bytes of s, little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

var errBadBlock = errors.New("malformed posting block")

// decodeBlock appends the postings of block b to ps. It checks the
// encoding: a count within bounds, ids strictly increasing, no bytes left.
func decodeBlock(b []byte, ps []posting) ([]posting, error) {
	count, b, ok := uvarint(b)
	if !ok || count == 0 || count > postingBlockMax {
		return ps, errBadBlock
	}
	var id []byte
	for range count {
		var shared, rest, tf, length uint64
		if shared, b, ok = uvarint(b); !ok || shared > uint64(len(id)) {
			return ps, errBadBlock
		}
		if rest, b, ok = uvarint(b); !ok || rest > uint64(len(b)) {
			return ps, errBadBlock
		}
		next := append(id[:shared:shared], b[:rest]...)
		b = b[rest:]
		if len(id) > 0 && bytes.Compare(next, id) <= 0 || len(next) == 0 {
			return ps, errBadBlock
		}
		id = next
		if tf, b, ok = uvarint(b); !ok || tf > 1<<32-1 {
			return ps, errBadBlock
		}
		if length, b, ok = uvarint(b); !ok || length > 1<<32-1 {
			return ps, errBadBlock
		}
		ps = append(ps, posting{string(id), uint32(tf), uint32(length)})
	}
	if len(b) != 0 {
		return ps, errBadBlock
	}
	return ps, nil
}

func uvarint(b []byte) (uint64, []byte, bool) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, b, false
	}
	return v, b[n:], true
}

// splitBlocks cuts a sorted posting list into blocks: one when it fits
// postingBlockMax, else pieces of about postingBlockTarget.
func splitBlocks(ps []posting) [][]posting {
	if len(ps) <= postingBlockMax {
		return [][]posting{ps}
	}
	n := (len(ps) + postingBlockTarget - 1) / postingBlockTarget
	out := make([][]posting, 0, n)
	for i := range n {
		out = append(out, ps[i*len(ps)/n:(i+1)*len(ps)/n])
	}
	return out
}

// blockCutter groups postings that arrive in (term, id) order into the
// blocks of a fresh index: a block ends at a new term or at
// postingBlockTarget postings. A load and the conversion of old stores
// use it.
type blockCutter struct {
	term string
	run  []posting
	emit func(term string, block []posting) error // the block is reused after
}

func (c *blockCutter) add(term string, p posting) error {
	if term != c.term || len(c.run) == postingBlockTarget {
		if err := c.flush(); err != nil {
			return err
		}
		c.term = term
	}
	c.run = append(c.run, p)
	return nil
}

// flush emits the block being filled, if any.
func (c *blockCutter) flush() error {
	if len(c.run) == 0 {
		return nil
	}
	err := c.emit(c.term, c.run)
	c.run = c.run[:0]
	return err
}

// termEdit is one planned change to a term's posting list: node id gains
// or updates its posting, or loses it (del).
type termEdit struct {
	id         string
	tf, length uint32
	del        bool
}

// editTerm records a posting change for the end of planning.
func (p *planner) editTerm(term string, e termEdit) {
	if p.termEdits == nil {
		p.termEdits = map[string][]termEdit{}
	}
	p.termEdits[term] = append(p.termEdits[term], e)
}

// writePostings turns the planned posting changes into block writes, term
// by term in term order.
func (p *planner) writePostings() error {
	for i, t := range slices.Sorted(maps.Keys(p.termEdits)) {
		if i%256 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		if err := p.writeTerm(t, p.termEdits[t]); err != nil {
			return fmt.Errorf("postings of %q: %w", t, err)
		}
	}
	return nil
}

// finalEdits sorts a term's edits by id and keeps the last one per id.
func finalEdits(edits []termEdit) []termEdit {
	slices.SortStableFunc(edits, func(a, b termEdit) int { return cmp.Compare(a.id, b.id) })
	out := edits[:0]
	for i, e := range edits {
		if i+1 < len(edits) && edits[i+1].id == e.id {
			continue
		}
		out = append(out, e)
	}
	return out
}

// writeTerm applies the edits of one term: each stored block that an edit
// falls into is read once, changed, split if it grew too big, and written
// back under the key of its (possibly new) first id.
func (p *planner) writeTerm(term string, edits []termEdit) error {
	edits = finalEdits(edits)
	prefix := p.ks.postingsOf(term)
	fwd := p.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer fwd.Close()
	rev := p.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: true})
	defer rev.Close()
	// blockAt returns the item of the block that holds id: the last block
	// starting at or before id, else the term's first block.
	blockAt := func(id string) *badger.Item {
		rev.Seek(p.ks.postings(term, id))
		if rev.Valid() {
			return rev.Item()
		}
		fwd.Seek(prefix)
		if fwd.Valid() {
			return fwd.Item()
		}
		return nil
	}
	var stored []posting
	for len(edits) > 0 {
		item := blockAt(edits[0].id)
		var oldKey []byte
		var first string
		stored = stored[:0]
		n := len(edits) // edits that fall into this block
		if item != nil {
			oldKey = item.KeyCopy(nil)
			var err error
			if _, first, err = p.ks.parsePostings(oldKey); err != nil {
				return fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			var bad error
			if err := item.Value(func(v []byte) error {
				stored, bad = decodeBlock(v, stored)
				return nil
			}); err != nil {
				return err
			}
			if bad != nil {
				return fmt.Errorf("%w: %v", ErrCorrupt, bad)
			}
			// The block ends where the next one starts.
			fwd.Seek(p.ks.postings(term, max(first, edits[0].id)))
			if fwd.Valid() && bytes.Equal(fwd.Item().Key(), oldKey) {
				fwd.Next()
			}
			if fwd.Valid() {
				_, next, err := p.ks.parsePostings(fwd.Item().Key())
				if err != nil {
					return fmt.Errorf("%w: %v", ErrCorrupt, err)
				}
				n, _ = slices.BinarySearchFunc(edits, next, func(e termEdit, id string) int { return cmp.Compare(e.id, id) })
			}
		}
		merged := mergePostings(stored, edits[:n])
		edits = edits[n:]
		if len(merged) == 0 {
			if oldKey != nil {
				p.del(oldKey)
			}
			continue
		}
		for _, blk := range splitBlocks(merged) {
			p.set(p.ks.postings(term, blk[0].id), appendBlock(nil, blk))
		}
		if oldKey != nil && merged[0].id != first {
			p.del(oldKey)
		}
	}
	return nil
}

// mergePostings applies edits (sorted by id, one per id) to the sorted
// postings ps, into a new slice.
func mergePostings(ps []posting, edits []termEdit) []posting {
	out := make([]posting, 0, len(ps)+len(edits))
	i := 0
	for _, e := range edits {
		for i < len(ps) && ps[i].id < e.id {
			out = append(out, ps[i])
			i++
		}
		if i < len(ps) && ps[i].id == e.id {
			i++
		}
		if !e.del {
			out = append(out, posting{e.id, e.tf, e.length})
		}
	}
	return append(out, ps[i:]...)
}

// migratePostings converts the postings of a store written before blocks
// (one 't' key per term and node) into blocks. Each transaction converts
// a run of postings in key order and deletes their old keys, so an
// interrupted migration resumes where it stopped: blocks written later
// start after every id written before.
func (s *Store) migratePostings(ctx context.Context, ks keyspace) error {
	chunk := 1 << 14 // postings per transaction, halved while too big
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		writes, n, err := s.postingsToBlocks(ks, chunk)
		if err != nil || n == 0 {
			return err
		}
		err = s.db.Update(func(txn *badger.Txn) error { return stage(txn, writes) })
		if errors.Is(err, badger.ErrTxnTooBig) && chunk > 1 {
			chunk /= 2
			continue
		}
		if err != nil {
			return fmt.Errorf("convert postings to blocks: %w", err)
		}
		s.log.Info().Int("postings", n).Msg("converted full-text postings to blocks")
	}
}

// postingsToBlocks reads up to limit postings of the 't' family in key
// order and returns the writes that replace them with blocks, and how many
// it read.
func (s *Store) postingsToBlocks(ks keyspace, limit int) ([]write, int, error) {
	var blocks, dels []write
	cut := blockCutter{emit: func(term string, block []posting) error {
		blocks = append(blocks, write{key: ks.postings(term, block[0].id), val: appendBlock(nil, block)})
		return nil
	}}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: ks.prefix(famTerm), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid() && len(dels) < limit; it.Next() {
			term, id, err := ks.parseTerm(it.Item().Key())
			if err != nil {
				return fmt.Errorf("%w: term key: %v", ErrCorrupt, err)
			}
			var tf, length uint32
			if err := it.Item().Value(func(v []byte) error {
				if len(v) != 8 {
					return fmt.Errorf("%w: posting value", ErrCorrupt)
				}
				tf, length = binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:])
				return nil
			}); err != nil {
				return err
			}
			cut.add(term, posting{id, tf, length}) // emit never fails here
			dels = append(dels, write{key: it.Item().KeyCopy(nil), del: true})
		}
		return cut.flush()
	})
	return append(blocks, dels...), len(dels), err
}
