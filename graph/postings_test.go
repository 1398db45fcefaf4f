package graph

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/rs/zerolog"
)

func TestPostingBlockRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, postingBlockTarget, postingBlockMax} {
		seen := map[string]bool{}
		var ps []posting
		for len(ps) < n {
			id := fmt.Sprintf("stance/%s-%d", strings.Repeat("x", r.IntN(4)), r.IntN(100000))
			if !seen[id] {
				seen[id] = true
				ps = append(ps, posting{id, r.Uint32(), r.Uint32()})
			}
		}
		slices.SortFunc(ps, func(a, b posting) int { return strings.Compare(a.id, b.id) })
		got, err := decodeBlock(appendBlock(nil, ps), nil)
		if err != nil {
			t.Fatalf("%d postings: %v", n, err)
		}
		if !slices.Equal(got, ps) {
			t.Fatalf("%d postings: round trip changed them", n)
		}
	}
}

func TestPostingBlockMalformed(t *testing.T) {
	good := appendBlock(nil, []posting{{"person/a", 1, 2}, {"person/b", 3, 4}})
	uv := binary.AppendUvarint
	tests := map[string][]byte{
		"empty":          nil,
		"count zero":     uv(nil, 0),
		"count too big":  uv(nil, postingBlockMax+1),
		"truncated":      good[:len(good)-1],
		"trailing bytes": append(slices.Clone(good), 0),
		"shared too long": func() []byte {
			b := uv(nil, 1)
			return uv(uv(b, 1), 0)
		}(),
		"suffix past end":    uv(uv(uv(nil, 1), 0), 50),
		"empty id":           uv(uv(uv(uv(uv(nil, 1), 0), 0), 1), 1),
		"ids not increasing": appendBlock(nil, []posting{{"person/b", 1, 1}, {"person/a", 1, 1}}),
		"duplicate id":       appendBlock(nil, []posting{{"person/a", 1, 1}, {"person/a", 1, 1}}),
		"tf over 32 bits": func() []byte {
			b := uv(uv(uv(nil, 1), 0), 1)
			return uv(uv(append(b, 'a'), 1<<32), 1)
		}(),
	}
	for name, b := range tests {
		if _, err := decodeBlock(b, nil); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func FuzzDecodePostingBlock(f *testing.F) {
	f.Add(appendBlock(nil, []posting{{"person/a", 1, 2}, {"person/ab", 3, 4}, {"person/b", 5, 6}}))
	f.Add([]byte{1, 0, 1, 'a', 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := decodeBlock(b, nil)
		if err != nil {
			return
		}
		if len(ps) == 0 || len(ps) > postingBlockMax {
			t.Fatalf("decoded %d postings", len(ps))
		}
		for i := 1; i < len(ps); i++ {
			if ps[i-1].id >= ps[i].id {
				t.Fatalf("ids out of order: %q, %q", ps[i-1].id, ps[i].id)
			}
		}
		again, err := decodeBlock(appendBlock(nil, ps), nil)
		if err != nil || !slices.Equal(again, ps) {
			t.Fatalf("re-encoding changed the postings: %v", err)
		}
	})
}

func TestSplitBlocks(t *testing.T) {
	for _, n := range []int{1, postingBlockMax, postingBlockMax + 1, 1000} {
		ps := make([]posting, n)
		total := 0
		for _, b := range splitBlocks(ps) {
			if len(b) == 0 || len(b) > postingBlockMax {
				t.Fatalf("%d postings: a block of %d", n, len(b))
			}
			if n > postingBlockMax && (len(b) < postingBlockTarget/2 || len(b) > postingBlockTarget) {
				t.Fatalf("%d postings: a split block of %d", n, len(b))
			}
			total += len(b)
		}
		if total != n {
			t.Fatalf("%d postings split into %d", n, total)
		}
	}
}

// postingStore is an in-memory store for the tests below.
func postingStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open("", Options{InMemory: true, Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// blockSizes returns the number of postings of each block of term.
func blockSizes(t *testing.T, s *Store, term string) []int {
	t.Helper()
	var sizes []int
	err := s.read(context.Background(), false, func(v *view) error {
		it := v.txn.NewIterator(badger.IteratorOptions{Prefix: v.ks.postingsOf(term), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(b []byte) error {
				ps, err := decodeBlock(b, nil)
				sizes = append(sizes, len(ps))
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sizes
}

// TestPostingBlocksFollowChanges loads a graph whose few words each sit in
// hundreds of nodes, then changes it in random batches (new nodes before,
// between and after the stored ones, renames, deletes) and checks after
// each batch that the blocks hold exactly the postings the nodes give
// (Verify), that no block outgrows its bound, and that search finds every
// node by its own word.
func TestPostingBlocksFollowChanges(t *testing.T) {
	ctx := context.Background()
	s := postingStore(t)
	r := rand.New(rand.NewPCG(7, 8))
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	live := map[string]bool{}
	node := func(id string) *Node {
		var name []string
		for _, w := range words {
			if r.IntN(3) == 0 {
				name = append(name, w)
			}
		}
		// Every node also has a word of its own.
		name = append(name, "own"+strings.TrimPrefix(id, "person/"))
		return &Node{ID: id, Name: strings.Join(name, " ")}
	}
	newID := func() string {
		for {
			id := fmt.Sprintf("person/%c%05d", 'b'+r.IntN(24), r.IntN(100000))
			if !live[id] {
				return id
			}
		}
	}
	check := func(round int) {
		t.Helper()
		if err := s.Verify(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, w := range words {
			for _, n := range blockSizes(t, s, w) {
				if n == 0 || n > postingBlockMax {
					t.Fatalf("round %d: %q has a block of %d postings", round, w, n)
				}
			}
		}
	}

	// The first batch goes through the streaming load.
	b := &Batch{}
	for range loadThreshold + 1000 {
		id := newID()
		live[id] = true
		b.PutNode(*node(id))
	}
	if _, err := s.Apply(ctx, b, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	check(0)
	if n := len(blockSizes(t, s, "alpha")); n < 10 {
		t.Fatalf("alpha has %d blocks after the load, want many", n)
	}

	for round := 1; round <= 40; round++ {
		b := &Batch{}
		ids := slices.Sorted(func(yield func(string) bool) {
			for id := range live {
				if !yield(id) {
					return
				}
			}
		})
		for range 1 + r.IntN(400) {
			switch op := r.IntN(10); {
			case op < 4: // a new node, anywhere in id order ('a' sorts before all loaded ids)
				id := newID()
				if r.IntN(4) == 0 {
					id = fmt.Sprintf("person/a%05d", r.IntN(100000))
				}
				if live[id] {
					continue
				}
				live[id] = true
				b.PutNode(*node(id))
			case op < 8 && len(ids) > 0: // new words for a stored node
				b.PutNode(*node(ids[r.IntN(len(ids))]))
			case len(ids) > 0: // delete
				id := ids[r.IntN(len(ids))]
				if live[id] {
					delete(live, id)
					b.DeleteNode(id, false)
				}
			}
		}
		if _, err := s.Apply(ctx, b, ApplyOptions{}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		check(round)
	}

	// Every live node is found by its own word, and only it.
	n := 0
	for id := range live {
		if n++; n > 200 {
			break
		}
		hits, err := s.Search(ctx, "own"+strings.TrimPrefix(id, "person/"), SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].Node.ID != id {
			t.Fatalf("search for %s's own word: %d hits", id, len(hits))
		}
	}
}

// TestPostingsMigrate writes a store's postings the way stores did before
// blocks, one 't' key per term and node, and checks that Open converts
// them: after a complete conversion, and after one cut short.
func TestPostingsMigrate(t *testing.T) {
	ctx := context.Background()
	for _, cut := range []int{0, 500} {
		t.Run(fmt.Sprintf("cut=%d", cut), func(t *testing.T) {
			dir := t.TempDir()
			opts := Options{NoSync: true, MemTableSize: 1 << 20, Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)}
			s, err := Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			b := &Batch{}
			for i := range 3000 {
				b.PutNode(Node{ID: fmt.Sprintf("person/t%04d", i), Name: fmt.Sprintf("KI-Regulierung Gipfel %d", i%7)})
			}
			if _, err := s.Apply(ctx, b, ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			want, err := s.Search(ctx, "gipfel 3", SearchOptions{Limit: MaxSearchLimit})
			if err != nil || len(want) == 0 {
				t.Fatalf("search before: %d hits, %v", len(want), err)
			}
			// Rewrite the blocks as old-style keys.
			ks := keyspace{s.gen.id}
			var blocks [][]byte
			var olds []write
			err = s.db.View(func(txn *badger.Txn) error {
				it := txn.NewIterator(badger.IteratorOptions{Prefix: ks.prefix(famWords), PrefetchValues: true})
				defer it.Close()
				for it.Rewind(); it.Valid(); it.Next() {
					term, _, err := ks.parsePostings(it.Item().Key())
					if err != nil {
						return err
					}
					v, _ := it.Item().ValueCopy(nil)
					ps, err := decodeBlock(v, nil)
					if err != nil {
						return err
					}
					for _, p := range ps {
						val := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, p.tf), p.length)
						olds = append(olds, write{key: ks.term(term, p.id), val: val})
					}
					blocks = append(blocks, it.Item().KeyCopy(nil))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wb := s.db.NewWriteBatch()
			for _, k := range blocks {
				if err := wb.Delete(k); err != nil {
					t.Fatal(err)
				}
			}
			for _, w := range olds {
				if err := wb.Set(w.key, w.val); err != nil {
					t.Fatal(err)
				}
			}
			if err := wb.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(ctx); err == nil {
				t.Fatal("Verify passes with old-style postings")
			}
			if cut > 0 {
				// An interrupted conversion: one transaction's worth done.
				writes, n, err := s.postingsToBlocks(ks, cut)
				if err != nil || n != cut {
					t.Fatalf("converted %d postings: %v", n, err)
				}
				if err := s.db.Update(func(txn *badger.Txn) error { return stage(txn, writes) }); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(dir, opts); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Verify(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := s.Search(ctx, "gipfel 3", SearchOptions{Limit: MaxSearchLimit})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, func(a, b Hit) bool { return a.Node.ID == b.Node.ID && a.Score == b.Score }) {
				t.Fatalf("search after the conversion differs: %d hits, want %d", len(got), len(want))
			}
		})
	}
}

// TestDamagedPostingBlock overwrites one posting block with bytes that are
// no block: search, Verify and a change to the term each report ErrCorrupt
// instead of wrong results or a panic.
func TestDamagedPostingBlock(t *testing.T) {
	ctx := context.Background()
	s := postingStore(t)
	b := &Batch{}
	for i := range 300 {
		b.PutNode(Node{ID: fmt.Sprintf("person/p%03d", i), Name: fmt.Sprintf("Gipfel %d", i)})
	}
	if _, err := s.Apply(ctx, b, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	ks := keyspace{s.gen.id}
	err := s.db.Update(func(txn *badger.Txn) error {
		return txn.Set(ks.postings("gipfel", "person/p000"), []byte{2, 0, 1, 'x'})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Search(ctx, "gipfel", SearchOptions{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("search: %v, want ErrCorrupt", err)
	}
	if err := s.Verify(ctx); !errors.Is(err, ErrCorrupt) {
		t.Errorf("verify: %v, want ErrCorrupt", err)
	}
	b = &Batch{}
	b.PutNode(Node{ID: "person/p001", Name: "Gipfel Gipfel"})
	if _, err := s.Apply(ctx, b, ApplyOptions{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("apply: %v, want ErrCorrupt", err)
	}
}

// TestCommonPrefix checks the word-at-a-time prefix against a byte loop.
func TestCommonPrefix(t *testing.T) {
	slow := func(a, b string) int {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		return i
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		n := r.IntN(40)
		a := make([]byte, n)
		for i := range a {
			a[i] = byte('a' + r.IntN(3))
		}
		b := append([]byte(nil), a[:r.IntN(n+1)]...)
		for range r.IntN(20) {
			b = append(b, byte('a'+r.IntN(3)))
		}
		if got, want := commonPrefix(string(a), string(b)), slow(string(a), string(b)); got != want {
			t.Fatalf("commonPrefix(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}
