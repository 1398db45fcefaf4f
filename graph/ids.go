package graph

import (
	"encoding/binary"
	"iter"
	"strings"
)

// idTable holds every node's id by dense index. The ids of a snapshot or
// a load are packed one after another in one string, cut at ends: four
// bytes a node instead of a string header of sixteen, which the
// collector would trace on every cycle, and nothing to allocate per node.
// Ids added since (a commit's new nodes) are appended to more. A deleted
// node's slot reads as "".
type idTable struct {
	packed string // the ids of nodes 0..packedLen()-1, one after another
	// ends holds a little-endian u32 per packed node: where its id ends in
	// packed. A snapshot's ends are used where the file is mapped, which
	// need not be aligned for a []uint32.
	ends []byte
	more []string // the ids of nodes packedLen().., in order
	dead []uint64 // bit u set: node u was deleted; nil until one is
}

// packIDs packs ids, whose lengths add up to less than 4 GiB, into a
// table that owns its memory.
func packIDs(ids []string) idTable {
	size := 0
	for _, id := range ids {
		size += len(id)
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		b.WriteString(id)
		ends = binary.LittleEndian.AppendUint32(ends, uint32(b.Len()))
	}
	return idTable{packed: b.String(), ends: ends}
}

// packedLen is the number of packed slots.
func (t *idTable) packedLen() int { return len(t.ends) / 4 }

// len is the number of slots, deleted ones included.
func (t *idTable) len() int { return t.packedLen() + len(t.more) }

// at returns node u's id, "" for a deleted node; u must be below len.
func (t *idTable) at(u uint32) string {
	if w := int(u >> 6); w < len(t.dead) && t.dead[w]&(1<<(u&63)) != 0 {
		return ""
	}
	if n := t.packedLen(); int(u) >= n {
		return t.more[int(u)-n]
	}
	start := uint32(0)
	if u > 0 {
		start = binary.LittleEndian.Uint32(t.ends[4*u-4:])
	}
	return t.packed[start:binary.LittleEndian.Uint32(t.ends[4*u:])]
}

// all yields every slot's index and id, "" for a deleted node.
func (t *idTable) all() iter.Seq2[uint32, string] {
	return func(yield func(uint32, string) bool) {
		for u := range uint32(t.len()) {
			if !yield(u, t.at(u)) {
				return
			}
		}
	}
}

// add appends id as the next slot.
func (t *idTable) add(id string) { t.more = append(t.more, id) }

// kill marks node u deleted.
func (t *idTable) kill(u uint32) {
	if need := t.len()/64 + 1; len(t.dead) < need {
		t.dead = append(t.dead, make([]uint64, need-len(t.dead))...)
	}
	t.dead[u>>6] |= 1 << (u & 63)
}
