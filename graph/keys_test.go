package graph

import (
	"bytes"
	"math"
	"testing"
)

// FuzzKeyEncoding proves that edge keys round-trip and that different
// (from, type, to) triples never share a key, whatever bytes the fields
// hold, and that key order is field order.
func FuzzKeyEncoding(f *testing.F) {
	f.Add("ab", "c", "d", "a", "bc", "d")
	f.Add("a\x00", "b", "", "a", "\x00b", "")
	f.Add("a\x00\x01", "", "x", "a", "\x00\x01x", "")
	f.Add("person/x", "HELD_BY", "stance/y", "person/x", "HELD_BY", "stance/y")
	f.Add("\xff\xff", "\x00\xff", "\x01", "\xff", "\xff\x00", "\xff\x01")
	f.Fuzz(func(t *testing.T, a1, t1, b1, a2, t2, b2 string) {
		ks := keyspace{gen: 7}
		k1 := ks.out(EdgeType(t1), a1, b1)
		k2 := ks.out(EdgeType(t2), a2, b2)
		for _, c := range []struct {
			k        []byte
			a, ty, b string
		}{{k1, a1, t1, b1}, {k2, a2, t2, b2}} {
			ty, a, b, err := ks.parseEdge(c.k, famOut)
			if err != nil || a != c.a || string(ty) != c.ty || b != c.b {
				t.Fatalf("round trip of (%q,%q,%q) gave (%q,%q,%q), %v", c.a, c.ty, c.b, a, ty, b, err)
			}
		}
		same := a1 == a2 && t1 == t2 && b1 == b2
		if bytes.Equal(k1, k2) != same {
			t.Fatalf("(%q,%q,%q) and (%q,%q,%q): keys equal=%v", a1, t1, b1, a2, t2, b2, !same)
		}
		// Order: keys sort as the tuples do.
		want := compareStr(a1, a2)
		if want == 0 {
			want = compareStr(t1, t2)
		}
		if want == 0 {
			want = compareStr(b1, b2)
		}
		if got := bytes.Compare(k1, k2); got != want {
			t.Fatalf("key order %d, tuple order %d for (%q,%q,%q) vs (%q,%q,%q)", got, want, a1, t1, b1, a2, t2, b2)
		}
		// In keys and other generations never collide with out keys.
		if bytes.Equal(ks.in(EdgeType(t1), a1, b1), k1) || bytes.Equal(keyspace{gen: 8}.out(EdgeType(t1), a1, b1), k1) {
			t.Fatal("families or generations collide")
		}
		// Term keys round-trip.
		term, id, err := ks.parseTerm(ks.term(a1, b1))
		if err != nil || term != a1 || id != b1 {
			t.Fatalf("term key round trip (%q,%q) gave (%q,%q), %v", a1, b1, term, id, err)
		}
	})
}

func FuzzSortableFloat(f *testing.F) {
	f.Add(0.0, math.Copysign(0, -1))
	f.Add(-1.0, 1.0)
	f.Add(0.33, -0.33)
	f.Fuzz(func(t *testing.T, a, b float64) {
		if a != a || b != b { // NaN has no order
			return
		}
		ua, ub := sortableFloat(a), sortableFloat(b)
		if (a < b) != (ua < ub) || (a == b) != (ua == ub) {
			t.Fatalf("order of %v,%v not kept: %x %x", a, b, ua, ub)
		}
		if got := unsortableFloat(ua); got != a {
			t.Fatalf("round trip %v gave %v", a, got)
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []string{"person/a", "stance/x.y_z-1"} {
		got, err := decodeCursor(encodeCursor(id))
		if err != nil || got != id {
			t.Fatalf("cursor of %q gave %q, %v", id, got, err)
		}
	}
	for _, bad := range []string{"!!", "AA", encodeCursor("x")[:1]} {
		if _, err := decodeCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func TestReadStrRejectsMalformed(t *testing.T) {
	for _, k := range [][]byte{{'a'}, {'a', 0}, {'a', 0, 2}, {0, 0xfe}} {
		if _, _, err := readStr(k); err == nil {
			t.Errorf("readStr(%q) accepted", k)
		}
	}
}
