package graph

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"math/bits"
	"unsafe"

	"github.com/dchest/siphash"
)

// idIndex maps node ids to dense indexes. It is an open-addressing hash
// table with linear probing whose slots are one word each: a 32-bit hash
// tag and the index plus one (0 is an empty slot). The keys are not in the
// table but in the idTable the caller passes, so building it for a loaded
// topology allocates one slice and no string. The home slot is
// derived from the tag alone, so growing and deleting (backward shift)
// never hash a string again. A built-in map was the bulk of Open's time on
// a big graph: every insert of a string key misses the cache twice.
//
// Ids come from clients and must not choose their slots, so the hash is
// SipHash-2-4 under a random key. The key is saved with the table in the
// topology snapshot, which lets the next Open use the table as it is
// instead of hashing every id again.
type idIndex struct {
	key   [2]uint64
	slots []uint64
	shift uint // 64 - log2(len(slots))
	n     int
}

const minIndexSlots = 8

// newIDIndex returns an index with room for n ids before it grows, under a
// new random key.
func newIDIndex(n int) idIndex {
	var k [16]byte
	rand.Read(k[:]) // never fails (crypto/rand)
	x := idIndex{key: [2]uint64{binary.LittleEndian.Uint64(k[:]), binary.LittleEndian.Uint64(k[8:])}}
	x.resize(n)
	return x
}

// loadIDIndex returns the index whose table, under key, holds n ids: a
// table saved by a snapshot. It checks what lookups rely on to end and
// to stay in bounds (a power-of-two table under 3/4 full of indexes below
// n), not that each id sits where its hash says: the snapshot's checksum
// keeps damage out, and a lookup compares the id it finds.
func loadIDIndex(key [2]uint64, slots []uint64, n int) (idIndex, error) {
	size := len(slots)
	if size < minIndexSlots || size&(size-1) != 0 || n*4 > size*3 {
		return idIndex{}, errors.New("the id index has a bad size")
	}
	used := 0
	for _, s := range slots {
		if s != 0 {
			if i := uint32(s); i == 0 || int(i) > n {
				return idIndex{}, errors.New("the id index names no node")
			}
			used++
		}
	}
	if used != n {
		return idIndex{}, errors.New("the id index does not hold every id")
	}
	return idIndex{key: key, slots: slots, shift: uint(64 - bits.TrailingZeros(uint(size))), n: n}, nil
}

// resize makes a table for n ids at a load of at most 3/4 and reinserts
// the current slots.
func (x *idIndex) resize(n int) {
	size := max(minIndexSlots, 1<<bits.Len(uint(n+n/3)))
	old := x.slots
	x.slots = make([]uint64, size)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		for h := x.home(s); ; h = (h + 1) & mask {
			if x.slots[h] == 0 {
				x.slots[h] = s
				break
			}
		}
	}
}

// len is the number of ids in the index.
func (x *idIndex) len() int { return x.n }

func (x *idIndex) tag(id string) uint64 {
	return siphash.Hash(x.key[0], x.key[1], unsafe.Slice(unsafe.StringData(id), len(id))) >> 32 << 32
}

// home is the first slot probed for a slot value (or tag): Fibonacci
// hashing of the tag's bits.
func (x *idIndex) home(s uint64) uint64 { return x.homeBits(s, x.shift) }

// homeBits is the top 64-shift bits of the mixed tag of s.
func (x *idIndex) homeBits(s uint64, shift uint) uint64 {
	return ((s >> 32) * 0x9e3779b97f4a7c15) >> shift
}

// find returns the index of id; ids holds the id of every index.
func (x *idIndex) find(ids *idTable, id string) (uint32, bool) {
	t := x.tag(id)
	mask := uint64(len(x.slots) - 1)
	for h := x.home(t); ; h = (h + 1) & mask {
		s := x.slots[h]
		if s == 0 {
			return 0, false
		}
		if s&^0xffffffff == t {
			if i := uint32(s) - 1; ids.at(i) == id {
				return i, true
			}
		}
	}
}

// insert adds id with index i, unless id is there already: then it
// returns the index it has and false. ids must hold the id of every index
// in the table; i need not be in it yet.
func (x *idIndex) insert(ids *idTable, id string, i uint32) (uint32, bool) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.resize(x.n + 1)
	}
	return x.insertTagged(ids, id, x.tag(id)|uint64(i+1))
}

// insertTagged inserts id with the slot value v: its tag and index plus
// one. The table must have room.
func (x *idIndex) insertTagged(ids *idTable, id string, v uint64) (uint32, bool) {
	i, t := uint32(v)-1, v&^0xffffffff
	mask := uint64(len(x.slots) - 1)
	for h := x.home(t); ; h = (h + 1) & mask {
		s := x.slots[h]
		if s == 0 {
			x.slots[h] = v
			x.n++
			return i, true
		}
		if s&^0xffffffff == t {
			if j := uint32(s) - 1; ids.at(j) == id {
				return j, false
			}
		}
	}
}

// remove deletes id, if present, and moves later slots of its probe
// sequence back so that no lookup passes an empty slot on its way.
func (x *idIndex) remove(ids *idTable, id string) {
	t := x.tag(id)
	mask := uint64(len(x.slots) - 1)
	h := x.home(t)
	for ; ; h = (h + 1) & mask {
		s := x.slots[h]
		if s == 0 {
			return
		}
		if s&^0xffffffff == t && ids.at(uint32(s)-1) == id {
			break
		}
	}
	x.n--
	hole := h
	for j := (h + 1) & mask; x.slots[j] != 0; j = (j + 1) & mask {
		// The slot at j may fill the hole if its home is not cyclically
		// within (hole, j].
		if (j-x.home(x.slots[j]))&mask >= (j-hole)&mask {
			x.slots[hole] = x.slots[j]
			hole = j
		}
	}
	x.slots[hole] = 0
}

// fill inserts every id of ids with its index into the empty index, sized
// for them by newIDIndex(ids.len()). It returns an id that is there twice, if
// any. It inserts in the order of the home slots, so that the writes go
// through the table from one end to the other instead of missing the
// cache at almost every id, which made inserting one by one the bulk of
// loading a snapshot.
func (x *idIndex) fill(ids *idTable) (dup string, ok bool) {
	const bucketBits = 10
	slots := make([]uint64, ids.len())
	for i := range slots {
		slots[i] = x.tag(ids.at(uint32(i))) | uint64(i+1)
	}
	// A counting sort by the top bits of the mixed tag, of which the home
	// slot is a prefix too.
	const shift = 64 - bucketBits
	var starts [1<<bucketBits + 1]int
	for _, s := range slots {
		starts[x.homeBits(s, shift)+1]++
	}
	for b := 1; b < len(starts); b++ {
		starts[b] += starts[b-1]
	}
	sorted := make([]uint64, len(slots))
	for _, s := range slots {
		b := x.homeBits(s, shift)
		sorted[starts[b]] = s
		starts[b]++
	}
	mask := uint64(len(x.slots) - 1)
	for _, v := range sorted {
		t := v &^ 0xffffffff
	probe:
		for h := x.home(t); ; h = (h + 1) & mask {
			switch s := x.slots[h]; {
			case s == 0:
				x.slots[h] = v
				break probe
			case s&^0xffffffff == t && ids.at(uint32(s)-1) == ids.at(uint32(v)-1):
				return ids.at(uint32(v) - 1), false
			}
		}
	}
	x.n = ids.len()
	return "", true
}
