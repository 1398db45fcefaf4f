package graph

import (
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
	packed string   // the ids of nodes 0..len(ends)-1, one after another
	ends   []uint32 // ends[u] is where node u's id ends in packed
	more   []string // the ids of nodes len(ends).., in order
	dead   []uint64 // bit u set: node u was deleted; nil until one is
}

// packIDs packs the n ids id(0)..id(n-1), whose lengths add up to less
// than 4 GiB, into a table that owns its memory.
func packIDs(n int, id func(i int) string) idTable {
	size := 0
	for i := range n {
		size += len(id(i))
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]uint32, n)
	for i := range n {
		b.WriteString(id(i))
		ends[i] = uint32(b.Len())
	}
	return idTable{packed: b.String(), ends: ends}
}

// len is the number of slots, deleted ones included.
func (t *idTable) len() int { return len(t.ends) + len(t.more) }

// at returns node u's id, "" for a deleted node; u must be below len.
func (t *idTable) at(u uint32) string {
	if w := int(u >> 6); w < len(t.dead) && t.dead[w]&(1<<(u&63)) != 0 {
		return ""
	}
	if int(u) >= len(t.ends) {
		return t.more[int(u)-len(t.ends)]
	}
	start := uint32(0)
	if u > 0 {
		start = t.ends[u-1]
	}
	return t.packed[start:t.ends[u]]
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
