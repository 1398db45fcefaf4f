package seed

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stancegraph/stancegraph/graph"
)

// Applying a set from files stamps each file's origin in the store (see
// graph's Batch.StampOrigin) with what the file held: the SHA-256 of its
// bytes and of every textFile it read. The store clears a stamp as soon as
// anything else changes that origin's nodes or edges, so when every file
// of a set still has a stamp matching its current content, the store holds
// exactly what applying the set would write, and Unchanged can say so
// without parsing a byte.

// stampVersion changes whenever the loader starts reading the same bytes
// into different nodes and edges, which invalidates every stamp.
const stampVersion = 1

// Stamp flags.
const (
	// stampExact means the set was applied with prune: the origin holds
	// nothing the file does not.
	stampExact = 1 << iota
)

// digest is what a stamp records of one file.
type digest struct {
	sum   [sha256.Size]byte
	texts []textDigest // textFile contents read, in reading order
}

type textDigest struct {
	name string // relative to the seed root
	sum  [sha256.Size]byte
}

// encode returns the stamp: version, flags, the file's hash, then each
// text file's name (length-prefixed) and hash.
func (d *digest) encode(flags byte) []byte {
	b := make([]byte, 0, 2+sha256.Size+len(d.texts)*(sha256.Size+24))
	b = append(b, stampVersion, flags)
	b = append(b, d.sum[:]...)
	for _, t := range d.texts {
		b = binary.AppendUvarint(b, uint64(len(t.name)))
		b = append(b, t.name...)
		b = append(b, t.sum[:]...)
	}
	return b
}

// decodeStamp reads a stamp written by encode; ok is false for a stamp of
// another version or a malformed one.
func decodeStamp(b []byte) (d digest, flags byte, ok bool) {
	if len(b) < 2+sha256.Size || b[0] != stampVersion {
		return d, 0, false
	}
	flags = b[1]
	copy(d.sum[:], b[2:])
	rest := b[2+sha256.Size:]
	for len(rest) > 0 {
		n, k := binary.Uvarint(rest)
		if k <= 0 || uint64(len(rest)-k) < n+sha256.Size {
			return d, 0, false
		}
		t := textDigest{name: string(rest[k : k+int(n)])}
		copy(t.sum[:], rest[k+int(n):])
		d.texts = append(d.texts, t)
		rest = rest[k+int(n)+sha256.Size:]
	}
	return d, flags, true
}

// stampSet adds to b a stamp for every file of the set. A file whose
// content matches an exact stamp (from a pruning apply) keeps it exact
// when applied without prune: nothing of its origin was added since.
func stampSet(ctx context.Context, st *graph.Store, set *Set, prune bool, b *graph.Batch) error {
	if !set.stamped {
		return nil
	}
	stored, err := st.OriginStamps(ctx, set.files)
	if err != nil {
		return err
	}
	for i, f := range set.files {
		d := &set.parts[i].digest
		var flags byte
		if prune {
			flags = stampExact
		} else if old, oldFlags, ok := decodeStamp(stored[i]); ok && oldFlags&stampExact != 0 && sameDigest(&old, d) {
			flags = stampExact
		}
		b.StampOrigin(f, d.encode(flags))
	}
	return nil
}

func sameDigest(a, b *digest) bool {
	if a.sum != b.sum || len(a.texts) != len(b.texts) {
		return false
	}
	for i := range a.texts {
		if a.texts[i] != b.texts[i] {
			return false
		}
	}
	return true
}

// Unchanged reports whether applying the seed files at paths (as
// LoadPaths reads them) would change nothing: every file, and every
// textFile it reads, has the content it had when the set was last applied
// to st, and nothing else has changed what they wrote since. With prune,
// the last apply must have pruned too. It reads and hashes the files but
// parses none, which makes re-seeding an unchanged set cheap. Any doubt
// (a file never applied, a problem reading it) answers false, leaving the
// full load to report problems.
func Unchanged(ctx context.Context, st *graph.Store, prune bool, paths ...string) (bool, error) {
	srcs, err := pathSources(paths)
	if err != nil || len(srcs) == 0 {
		return false, nil
	}
	origins := make([]string, len(srcs))
	seen := make(map[string]bool, len(srcs))
	for i, s := range srcs {
		if seen[s.origin] || s.size > MaxFileSize {
			return false, nil
		}
		seen[s.origin] = true
		origins[i] = s.origin
	}
	stamps, err := st.OriginStamps(ctx, origins)
	if err != nil {
		return false, fmt.Errorf("seed: %w", err)
	}
	for i, s := range srcs {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		want, flags, ok := decodeStamp(stamps[i])
		if !ok || (prune && flags&stampExact == 0) {
			return false, nil
		}
		data, err := s.read()
		if err != nil || sha256.Sum256(data) != want.sum {
			return false, nil
		}
		for _, t := range want.texts {
			text, err := s.readFile(t.name)
			if err != nil || sha256.Sum256(text) != t.sum {
				return false, nil
			}
		}
	}
	return true, nil
}

// pathSources lists the seed files of paths, as LoadPaths reads them.
func pathSources(paths []string) ([]source, error) {
	var srcs []source
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		if info.IsDir() {
			more, err := fsSources(os.DirFS(p), ".", "")
			if err != nil {
				return nil, err
			}
			srcs = append(srcs, more...)
			continue
		}
		dir, base := filepath.Split(p)
		if dir == "" {
			dir = "."
		}
		more, err := fsSources(os.DirFS(dir), ".", base)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, more...)
	}
	return srcs, nil
}
