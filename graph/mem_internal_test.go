package graph

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestValidSlugTable(t *testing.T) {
	for c := range 256 {
		want := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if got := validSlug(string([]byte{byte(c)})); got != want {
			t.Errorf("validSlug(%q) = %v, want %v", string(rune(c)), got, want)
		}
	}
	if !validSlug("") || validSlug("ab/c") || !validSlug("a-b_c.9") {
		t.Error("validSlug of whole slugs")
	}
}

// TestIDIndex inserts, finds and removes ids at random against a map,
// through growth and backward-shift deletes, with fill for the start.
func TestIDIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for i := range 3000 {
		ids = append(ids, fmt.Sprintf("person/p%d", i))
	}
	tab := packIDs(len(ids), func(i int) string { return ids[i] })
	x := newIDIndex(len(ids))
	if dup, ok := x.fill(&tab); !ok {
		t.Fatalf("fill found %q twice", dup)
	}
	want := map[string]uint32{}
	for i, id := range ids {
		want[id] = uint32(i)
	}
	check := func() {
		t.Helper()
		if x.len() != len(want) {
			t.Fatalf("len %d, want %d", x.len(), len(want))
		}
		for i, id := range ids {
			got, ok := x.find(&tab, id)
			w, wok := want[id]
			if ok != wok || ok && (got != w || got != uint32(i)) {
				t.Fatalf("find(%q) = %d, %v; want %d, %v", id, got, ok, w, wok)
			}
		}
		if _, ok := x.find(&tab, "person/none"); ok {
			t.Fatal("found an id never added")
		}
	}
	check()
	for range 20_000 {
		i := r.IntN(len(ids) + 50)
		switch {
		case i >= len(ids): // a new id
			id := fmt.Sprintf("org/o%d", len(ids))
			if _, added := x.insert(&tab, id, uint32(len(ids))); !added {
				t.Fatalf("insert(%q) found it", id)
			}
			ids = append(ids, id)
			tab.add(id)
			want[id] = uint32(len(ids) - 1)
		case r.IntN(2) == 0:
			x.remove(&tab, ids[i])
			delete(want, ids[i])
		default:
			got, added := x.insert(&tab, ids[i], uint32(i))
			_, had := want[ids[i]]
			if added == had || got != uint32(i) {
				t.Fatalf("insert(%q) = %d, %v with the id there: %v", ids[i], got, added, had)
			}
			want[ids[i]] = uint32(i)
		}
	}
	check()
	twice := append(slices.Clone(ids[:10]), ids[3])
	dups := packIDs(len(twice), func(i int) string { return twice[i] })
	if _, ok := x.fill(&dups); ok {
		t.Fatal("fill took a duplicate id")
	}
}

// TestAdjLists sets lists at random against plain slices, through moves
// and compaction, with windows of the arena as input.
func TestAdjLists(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var l adjLists
	var want [][]adj
	for range 100 {
		l.add()
		want = append(want, nil)
	}
	for step := range 50_000 {
		u := uint32(r.IntN(len(want)))
		var next []adj
		switch r.IntN(4) {
		case 0: // grow
			next = append(l.of(u), adj{uint32(step), uint8(step)})
		case 1: // shrink in place
			next = l.of(u)
			if len(next) > 0 {
				next = next[:len(next)-1]
			}
		case 2:
			l.clear(u)
			want[u] = nil
			continue
		default:
			next = make([]adj, r.IntN(40))
			for i := range next {
				next[i] = adj{uint32(r.IntN(1000)), uint8(i)}
			}
		}
		w := slices.Clone(next)
		l.set(u, next)
		want[u] = w
		if step%1000 == 0 {
			for v := range want {
				if !slices.Equal(l.of(uint32(v)), want[v]) {
					t.Fatalf("step %d: list %d = %v, want %v", step, v, l.of(uint32(v)), want[v])
				}
			}
		}
	}
	for v := range want {
		if !slices.Equal(l.of(uint32(v)), want[v]) {
			t.Fatalf("list %d = %v, want %v", v, l.of(uint32(v)), want[v])
		}
	}
	if l.free > len(l.arena)/2+1<<12 {
		t.Fatalf("%d of %d arena entries abandoned", l.free, len(l.arena))
	}
}

// TestSideCountsChoice: counting frontiers lazily picks the side that
// exact counts pick, over random sequences of searches where the chosen
// side's frontier is replaced each round, as in bidiBFS.
func TestSideCountsChoice(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	degrees := make([]int, 512)
	for i := range degrees {
		// Mostly small lists and a few hubs, as in the synthetic graphs.
		degrees[i] = r.IntN(6)
		if r.IntN(40) == 0 {
			degrees[i] = 100 + r.IntN(5000)
		}
	}
	degree := func(u uint32) int { return degrees[u] }
	front := func() []uint32 {
		f := make([]uint32, 1+r.IntN(60))
		for i := range f {
			f[i] = uint32(r.IntN(len(degrees)))
		}
		return f
	}
	exact := func(f []uint32) int {
		n := 0
		for _, u := range f {
			n += degree(u)
		}
		return n
	}
	lazy := 0
	for range 2000 {
		fronts := [3][]uint32{nil, front(), front()}
		var c sideCounts
		for range 8 {
			want := uint8(1)
			if exact(fronts[2]) < exact(fronts[1]) {
				want = 2
			}
			got := c.choose(&fronts, degree)
			if got != want {
				t.Fatalf("chose side %d, exact counts %d and %d choose %d", got, exact(fronts[1]), exact(fronts[2]), want)
			}
			if c.counted[3-got] < len(fronts[3-got]) {
				lazy++
			}
			fronts[got] = front()
			c.reset(got)
		}
	}
	if lazy == 0 {
		t.Fatal("no choice left a frontier partly counted: the test does not reach the lazy case")
	}
}

// TestValueChunks adds values of every size class a load writes, from
// empty to larger than a chunk, and reads each back unchanged, also after
// the ones that followed it.
func TestValueChunks(t *testing.T) {
	var v valueChunks
	var want [][]byte
	sizes := []int{0, 1, 17, valueChunkSize / 4, valueChunkSize/4 + 1, 300, valueChunkSize, 5, valueChunkSize + 7, 40}
	for i := range 3000 {
		n := sizes[i%len(sizes)]
		if i > len(sizes) && n > 1000 {
			n = 1000 + i // keep the test small after one round of the large ones
		}
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(i*31 + j)
		}
		want = append(want, slices.Clone(b))
		v.add(b)
		if n > 0 {
			b[0]++ // the chunks hold a copy
		}
	}
	for i, w := range want {
		got := v.get(i)
		if !bytes.Equal(got, w) {
			t.Fatalf("value %d: %d bytes, want %d (%x…)", i, len(got), len(w), w[:min(8, len(w))])
		}
		if cap(got) != len(got) {
			t.Fatalf("value %d: capacity %d beyond its %d bytes, an append would overwrite the next", i, cap(got), len(got))
		}
	}
	for i, c := range v.chunks {
		if cap(c) > valueChunkSize && len(c) != cap(c) {
			t.Errorf("chunk %d: a large value's chunk of %d bytes holds %d", i, cap(c), len(c))
		}
	}

	// Two lists joined read as one, in order.
	var a, b valueChunks
	for i, w := range want {
		if i < 1700 {
			a.add(w)
		} else {
			b.add(w)
		}
	}
	a.join(&b)
	if len(a.refs) != len(want) {
		t.Fatalf("joined: %d values, want %d", len(a.refs), len(want))
	}
	for i, w := range want {
		if got := a.get(i); !bytes.Equal(got, w) {
			t.Fatalf("joined: value %d: %d bytes, want %d", i, len(got), len(w))
		}
	}
}

// TestIDTable packs ids, appends and deletes at random against a plain
// slice, deleting past the packed part and appending past the deletions.
func TestIDTable(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var want []string
	for i := range 200 {
		want = append(want, fmt.Sprintf("person/p%d", i))
	}
	tab := packIDs(len(want), func(i int) string { return want[i] })
	for range 2000 {
		switch i := r.IntN(len(want) + 20); {
		case i >= len(want):
			id := fmt.Sprintf("org/o%d", len(want))
			tab.add(id)
			want = append(want, id)
		default:
			tab.kill(uint32(i))
			want[i] = ""
		}
	}
	if tab.len() != len(want) {
		t.Fatalf("len %d, want %d", tab.len(), len(want))
	}
	n := 0
	for u, id := range tab.all() {
		if id != want[u] || tab.at(u) != id {
			t.Fatalf("slot %d: %q, at %q; want %q", u, id, tab.at(u), want[u])
		}
		n++
	}
	if n != len(want) {
		t.Fatalf("all yielded %d slots, want %d", n, len(want))
	}
}
