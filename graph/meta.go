package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
)

// Two kinds of bookkeeping live beside the data, in the meta generation:
//
//   - The commit sequence counts committed batches. Every commit writes it
//     in its own transaction, and after the commit the store also records
//     it in a small file outside Badger (seqFileName), so that a database
//     that lost acknowledged commits (a damaged write-ahead log can make
//     Badger open without error but without them) is noticed at Open.
//   - Origin stamps: a writer may stamp an origin (a seed file) with a
//     value of its choice, such as the hash of the file's content, in the
//     same commit as the data. Any later batch that changes a node or edge
//     of that origin without stamping it again clears the stamp, so a
//     stamp that is still there proves that nothing but its writer has
//     changed that origin's data since.

var metaKeySeq = metaKey("seq") // the commit sequence, u64

const famStamp byte = 's' // meta generation: s <origin> -> stamp

func stampKey(origin string) []byte {
	return appendStr(append(genPrefix(metaGen), famStamp), origin)
}

// Seq returns the commit sequence: the number of batches committed since
// the database was created (or the backup it was restored from was).
func (s *Store) Seq() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seq
}

// OriginStamps returns the stamps of the given origins (nil where an origin
// has none); see Batch.StampOrigin.
func (s *Store) OriginStamps(ctx context.Context, origins []string) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	out := make([][]byte, len(origins))
	for i, o := range origins {
		if v, ok := s.stamps[o]; ok {
			out[i] = bytes.Clone(v)
		}
	}
	return out, nil
}

// loadMeta reads the commit sequence and the origin stamps.
func (s *Store) loadMeta() error {
	stamps := map[string][]byte{}
	var seq uint64
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKeySeq)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			if err := item.Value(func(v []byte) error {
				if len(v) != 8 {
					return fmt.Errorf("%w: bad commit sequence", ErrCorrupt)
				}
				seq = binary.BigEndian.Uint64(v)
				return nil
			}); err != nil {
				return err
			}
		}
		prefix := append(genPrefix(metaGen), famStamp)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			origin, rest, err := readStr(it.Item().Key()[len(prefix):])
			if err != nil || len(rest) != 0 {
				return fmt.Errorf("%w: bad stamp key %q", ErrCorrupt, it.Item().Key())
			}
			if stamps[origin], err = it.Item().ValueCopy(nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read commit sequence and stamps: %w", err)
	}
	s.seq, s.stamps = seq, stamps
	return nil
}

// touch notes that the batch changes data of origin; a stamp of that
// origin the batch does not renew is cleared.
func (p *planner) touch(origin string) {
	if _, ok := p.watch[origin]; ok {
		p.cleared[origin] = struct{}{}
	}
}

// planStamps prepares stamp bookkeeping before the diff: the origins whose
// stamps a change clears are those stamped now and not stamped again by b.
func (p *planner) planStamps(stored map[string][]byte, b *Batch) {
	p.stamps, p.cleared = b.stamps, map[string]struct{}{}
	for o := range stored {
		if _, renewed := b.stamps[o]; !renewed {
			if p.watch == nil {
				p.watch = map[string]struct{}{}
			}
			p.watch[o] = struct{}{}
		}
	}
	p.storedStamps = stored
}

// metaWrites returns the meta writes of a commit: the next commit
// sequence and the stamps that change. With all, every final stamp is
// written, for a load that starts from a cleared database.
func (p *planner) metaWrites(seq uint64, all bool) []write {
	ws := []write{{key: metaKeySeq, val: binary.BigEndian.AppendUint64(nil, seq)}}
	final := p.finalStamps()
	for o, v := range final {
		if old, ok := p.storedStamps[o]; all || !ok || !bytes.Equal(old, v) {
			ws = append(ws, write{key: stampKey(o), val: v})
		}
	}
	if !all {
		for o := range p.storedStamps {
			if _, ok := final[o]; !ok {
				ws = append(ws, write{key: stampKey(o), del: true})
			}
		}
	}
	return ws
}

// finalStamps returns the stamps after the batch.
func (p *planner) finalStamps() map[string][]byte {
	if p.final != nil {
		return p.final
	}
	p.final = maps.Clone(p.storedStamps)
	if p.final == nil {
		p.final = map[string][]byte{}
	}
	for o := range p.cleared {
		delete(p.final, o)
	}
	for o, v := range p.stamps {
		if v == nil {
			delete(p.final, o)
		} else {
			p.final[o] = v
		}
	}
	return p.final
}

// stampsChange reports whether the batch changes any stamp.
func (p *planner) stampsChange() bool {
	return !maps.EqualFunc(p.finalStamps(), p.storedStamps, bytes.Equal)
}

// seqFileName is the file, in the database directory, that records the
// commit sequence outside Badger.
const seqFileName = "stancegraph.seq"

// The sequence file holds two slots of 16 bytes, written alternately so
// that a torn write leaves the other intact: magic, sequence, CRC-32C of
// both.
const (
	seqSlotSize = 16
	seqMagic    = 0x53475351 // "SGSQ"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// seqFile is the open sequence file.
type seqFile struct {
	f    *os.File
	sync bool
}

// openSeqFile opens (or creates) the sequence file in dir and returns the
// highest sequence it records; ok is false when it records none.
func openSeqFile(dir string, sync bool) (sf *seqFile, seq uint64, ok bool, err error) {
	path := filepath.Join(dir, seqFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, false, fmt.Errorf("open the commit sequence file: %w", err)
	}
	buf := make([]byte, 2*seqSlotSize)
	if _, err := f.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, 0, false, fmt.Errorf("read the commit sequence file: %w", err)
	}
	for slot := range 2 {
		b := buf[slot*seqSlotSize : (slot+1)*seqSlotSize]
		if binary.BigEndian.Uint32(b) != seqMagic || crc32.Checksum(b[:12], castagnoli) != binary.BigEndian.Uint32(b[12:]) {
			continue
		}
		if v := binary.BigEndian.Uint64(b[4:12]); !ok || v > seq {
			seq, ok = v, true
		}
	}
	return &seqFile{f: f, sync: sync}, seq, ok, nil
}

// write records seq durably (with sync) in its slot.
func (sf *seqFile) write(seq uint64) error {
	var b [seqSlotSize]byte
	binary.BigEndian.PutUint32(b[:], seqMagic)
	binary.BigEndian.PutUint64(b[4:], seq)
	binary.BigEndian.PutUint32(b[12:], crc32.Checksum(b[:12], castagnoli))
	if _, err := sf.f.WriteAt(b[:], int64(seq%2)*seqSlotSize); err != nil {
		return fmt.Errorf("record commit %d in %s: %w", seq, seqFileName, err)
	}
	if sf.sync {
		if err := sf.f.Sync(); err != nil {
			return fmt.Errorf("record commit %d in %s: %w", seq, seqFileName, err)
		}
	}
	return nil
}

// reset records seq in both slots, after a restore set the sequence back.
func (sf *seqFile) reset(seq uint64) error {
	if err := sf.write(seq); err != nil {
		return err
	}
	var b [seqSlotSize]byte
	if _, err := sf.f.WriteAt(b[:], int64((seq+1)%2)*seqSlotSize); err != nil {
		return fmt.Errorf("reset %s: %w", seqFileName, err)
	}
	return sf.f.Sync()
}

// checkSeq opens the sequence file of an on-disk store and compares it with
// the database: a database behind the file has lost acknowledged commits.
// A database ahead of it (a crash between a commit and its record) only
// moves the file forward.
func (s *Store) checkSeq(dir string, opts Options) error {
	sf, fileSeq, ok, err := openSeqFile(dir, !opts.NoSync)
	if err != nil {
		return err
	}
	if ok && fileSeq > s.seq && !opts.AcceptLoss {
		sf.f.Close()
		return fmt.Errorf("open %q: %w: the database holds %d commits but %d were acknowledged "+
			"(Badger's write-ahead log was damaged or lost). Restore the latest backup with "+
			"`stancegraph restore --db %s FILE`, or, to keep what is left, open it once with "+
			"Options.AcceptLoss (`stancegraph serve --accept-loss`)", dir, ErrLost, s.seq, fileSeq, dir)
	}
	if ok && fileSeq > s.seq {
		s.log.Warn().Uint64("database", s.seq).Uint64("acknowledged", fileSeq).
			Msg("accepting a database that lost acknowledged commits")
		err = sf.reset(s.seq)
	} else if !ok || fileSeq < s.seq {
		err = sf.reset(s.seq)
	}
	if err != nil {
		sf.f.Close()
		return err
	}
	s.seqf = sf
	return nil
}

// recordSeq writes the committed sequence to the sequence file. The commit
// itself is durable already; a failure here is logged, since the next
// commit or Open repairs the record.
func (s *Store) recordSeq(seq uint64) {
	if s.seqf == nil {
		return
	}
	if err := s.seqf.write(seq); err != nil {
		s.log.Error().Err(err).Msg("record the commit sequence")
	}
}
