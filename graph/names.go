package graph

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// nameTable holds every node's name by dense index, so that a walk that
// shows nodes by name reads no value from Badger. The names of a snapshot
// or a load are packed one after another in one string, cut at ends:
// nothing per node to allocate or for the collector to trace. A
// snapshot's table is used where the file is mapped, so names leave the
// store copied (own). Names set since (a commit's new and renamed nodes)
// go to a map.
type nameTable struct {
	packed string   // the names of nodes 0..len(ends)-1, one after another
	ends   []uint32 // ends[u] is where node u's name ends in packed
	// mapped is set when packed lives in the snapshot's mapping, which
	// Close releases: a name read from it is copied before it leaves mem
	// (own).
	mapped bool
	set    map[uint32]string // names set since packed was, by dense index
}

// packNames packs names into a table that owns its memory.
func packNames(names []string) nameTable {
	size := 0
	for _, n := range names {
		size += len(n)
	}
	if size > math.MaxUint32 { // past what u32 ends can cut: all in the map
		var t nameTable
		for i, n := range names {
			t.put(uint32(i), n)
		}
		return t
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]uint32, len(names))
	for i, n := range names {
		b.WriteString(n)
		ends[i] = uint32(b.Len())
	}
	return nameTable{packed: b.String(), ends: ends}
}

// viewNames checks a snapshot's name ends against its name bytes and
// returns a table that uses both where they are: data must stay mapped
// until Close, and nothing read from the table may outlive it uncopied.
func viewNames(endData, blob []byte, n uint64) (nameTable, error) {
	ends, ok := castSlice[uint32](endData, 4)
	if !ok {
		return nameTable{}, errors.New("the name ends are not aligned in memory")
	}
	if uint64(len(ends)) != n {
		return nameTable{}, fmt.Errorf("%d name ends for %d nodes", len(ends), n)
	}
	start := uint32(0)
	for u, end := range ends {
		if end < start {
			return nameTable{}, fmt.Errorf("name %d: bad end offset", u)
		}
		start = end
	}
	if uint64(start) != uint64(len(blob)) {
		return nameTable{}, errors.New("the name ends do not cover the name bytes")
	}
	if len(blob) == 0 {
		return nameTable{ends: ends}, nil
	}
	return nameTable{packed: unsafe.String(unsafe.SliceData(blob), len(blob)), ends: ends, mapped: true}, nil
}

// raw returns node u's name where it is, which may be the mapping: what
// leaves the store goes through own.
func (t *nameTable) raw(u uint32) string {
	if len(t.set) > 0 {
		if s, ok := t.set[u]; ok {
			return s
		}
	}
	if int(u) >= len(t.ends) {
		return ""
	}
	start := uint32(0)
	if u > 0 {
		start = t.ends[u-1]
	}
	return t.packed[start:t.ends[u]]
}

// own makes the names of nodes, read with raw, safe to keep after Close:
// names from the mapping are copied into one allocation for them all,
// which is cheaper than one copy each (a walk may list thousands).
func (t *nameTable) own(nodes []Node) {
	if !t.mapped {
		return
	}
	size := 0
	for i := range nodes {
		size += len(nodes[i].Name)
	}
	buf := make([]byte, size)
	off := 0
	for i := range nodes {
		n := copy(buf[off:], nodes[i].Name)
		if n > 0 {
			nodes[i].Name = unsafe.String(&buf[off], n)
		}
		off += n
	}
}

// put sets node u's name.
func (t *nameTable) put(u uint32, name string) {
	if t.set == nil {
		t.set = make(map[uint32]string)
	}
	t.set[u] = name
}

// forget drops what put set for a deleted node.
func (t *nameTable) forget(u uint32) { delete(t.set, u) }
