package graph

import (
	"encoding/binary"
	"strings"
	"testing"
	"unsafe"
)

// TestNameTable: packed names, names set since, a snapshot's names used in
// place and copied on the way out (own), and damaged name ends refused.
func TestNameTable(t *testing.T) {
	names := []string{"Olaf Scholz", "", "Ursula von der Leyen", "António Guterres"}
	tab := packNames(names)
	for u, want := range names {
		if got := tab.raw(uint32(u)); got != want {
			t.Fatalf("packed name %d: %q, want %q", u, got, want)
		}
	}
	if got := tab.raw(9); got != "" {
		t.Fatalf("a node past the table is named %q", got)
	}
	tab.put(1, "J.D. Vance")
	tab.put(4, "Emmanuel Macron") // a node added after the pack
	tab.put(0, "Olaf Scholz (renamed)")
	tab.forget(0) // deleted: the packed name shows again, and nothing reads it
	for u, want := range []string{"Olaf Scholz", "J.D. Vance", "Ursula von der Leyen", "António Guterres", "Emmanuel Macron"} {
		if got := tab.raw(uint32(u)); got != want {
			t.Fatalf("name %d after changes: %q, want %q", u, got, want)
		}
	}

	// A snapshot's names: ends and bytes as the file lays them out.
	var ends, blob []byte
	for _, n := range names {
		blob = append(blob, n...)
		ends = binary.LittleEndian.AppendUint32(ends, uint32(len(blob)))
	}
	ends = append(make([]byte, 0, len(ends)+8), ends...) // 4-aligned: a fresh allocation
	view, err := viewNames(ends, blob, uint64(len(names)))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := uintptr(unsafe.Pointer(&blob[0])), uintptr(unsafe.Pointer(&blob[len(blob)-1]))
	nodes := make([]Node, len(names))
	for u, want := range names {
		if nodes[u].Name = view.raw(uint32(u)); nodes[u].Name != want {
			t.Fatalf("mapped name %d: %q, want %q", u, nodes[u].Name, want)
		}
	}
	view.own(nodes)
	for u, n := range nodes {
		if n.Name != names[u] {
			t.Fatalf("owned name %d: %q, want %q", u, n.Name, names[u])
		}
		if p := uintptr(unsafe.Pointer(unsafe.StringData(n.Name))); n.Name != "" && p >= lo && p <= hi {
			t.Fatalf("owned name %d points into the mapping", u)
		}
	}

	for _, c := range []struct {
		name string
		ends []uint32
		n    uint64
	}{
		{"decreasing", []uint32{5, 3, 20}, 3},
		{"short of the bytes", []uint32{5, 6, 7}, 3},
		{"past the bytes", []uint32{5, 6, 99}, 3},
		{"a count that differs", []uint32{5, 6, 20}, 4},
	} {
		var b []byte
		for _, e := range c.ends {
			b = binary.LittleEndian.AppendUint32(b, e)
		}
		if _, err := viewNames(b, []byte(strings.Repeat("x", 20)), c.n); err == nil {
			t.Errorf("%s name ends: accepted", c.name)
		}
	}
}
