package graph

import (
	"fmt"
	"slices"
	"strings"
)

// mem is the in-memory topology of the graph: every node id with its kind
// and name, and every edge as a packed entry in both endpoints' adjacency
// lists. Traversals run on it instead of reading Badger edge by edge. It
// is derived data: read from the snapshot or rebuilt from the node values
// and edge keys at Open, and changed by Apply in the same critical section
// that commits the batch, so that a reader holding Store.mu sees mem and
// its Badger snapshot agree.
type mem struct {
	ids   idTable   // dense index -> id; "" for a deleted slot
	kinds []Kind    // dense index -> kind; 0 for a deleted slot
	names nameTable // dense index -> name
	index idIndex   // id -> dense index
	// out and in hold adjacency entries sorted by (type, neighbour id).
	out, in adjLists

	types   []EdgeType // edge type index -> type
	typeIdx map[EdgeType]uint8

	byKind [len(kindNames)]int
	byType map[EdgeType]int
	edges  int

	textDocs, textLen uint64 // for BM25: nodes with text and their total length
}

// adj is an adjacency entry: the neighbour's dense index and the edge type.
type adj struct {
	node uint32
	typ  uint8
}

func newMem() *mem {
	return &mem{index: newIDIndex(0), typeIdx: make(map[EdgeType]uint8), byType: make(map[EdgeType]int)}
}

func (m *mem) lookup(id string) (uint32, bool) {
	return m.index.find(&m.ids, id)
}

// nodes is the number of live nodes.
func (m *mem) nodes() int { return m.index.len() }

func (m *mem) typeOf(t EdgeType) uint8 {
	if i, ok := m.typeIdx[t]; ok {
		return i
	}
	i := uint8(len(m.types))
	m.types = append(m.types, t)
	m.typeIdx[t] = i
	return i
}

// addNode registers a node and returns its dense index; a node already
// there only takes the name.
func (m *mem) addNode(id string, k Kind, name string) uint32 {
	i := uint32(m.ids.len())
	if j, added := m.index.insert(&m.ids, id, i); !added {
		m.names.put(j, name)
		return j
	}
	m.appendNode(id, k)
	m.names.put(i, name)
	return i
}

// appendNode adds a node without indexing its id or naming it, for a load
// of many (buildMem, newLoadPlan), which packs the names after; reindex
// must follow before any lookup.
func (m *mem) appendNode(id string, k Kind) {
	m.ids.add(id)
	m.countNode(k)
}

// countNode adds the slots of a node of kind k but its id.
func (m *mem) countNode(k Kind) {
	m.kinds = append(m.kinds, k)
	m.out.add()
	m.in.add()
	m.byKind[k]++
}

// reindex builds the id index of all ids in one go (fill), under a new
// key; it returns an error naming an id that is there twice.
func (m *mem) reindex() error {
	m.index = newIDIndex(m.ids.len())
	if dup, ok := m.index.fill(&m.ids); !ok {
		return fmt.Errorf("id %q twice", dup)
	}
	return nil
}

// removeNode forgets a node; its edges must have been removed already.
func (m *mem) removeNode(id string) {
	i, ok := m.lookup(id)
	if !ok {
		return
	}
	m.byKind[m.kinds[i]]--
	m.index.remove(&m.ids, id)
	m.ids.kill(i)
	m.kinds[i] = 0
	m.names.forget(i)
	m.out.clear(i)
	m.in.clear(i)
}

// edgeSet collects adjacency changes and applies them list by list, so that
// a batch touching a hub sorts or filters its list once, not once per edge.
type edgeSet struct {
	m       *mem
	add     map[uint32][]adj // per list, for out lists; in lists keyed with inBit
	remove  map[uint32]map[adj]bool
	touched map[uint32]bool
}

const inBit = 1 << 31

func (m *mem) newEdgeSet() *edgeSet {
	return &edgeSet{m: m, add: map[uint32][]adj{}, remove: map[uint32]map[adj]bool{}, touched: map[uint32]bool{}}
}

func (s *edgeSet) put(t EdgeType, from, to uint32) {
	ti := s.m.typeOf(t)
	s.add[from] = append(s.add[from], adj{to, ti})
	s.add[to|inBit] = append(s.add[to|inBit], adj{from, ti})
	s.m.byType[t]++
	s.m.edges++
}

func (s *edgeSet) del(t EdgeType, from, to uint32) {
	ti := s.m.typeOf(t)
	s.mark(from, adj{to, ti})
	s.mark(to|inBit, adj{from, ti})
	if s.m.byType[t]--; s.m.byType[t] == 0 {
		delete(s.m.byType, t)
	}
	s.m.edges--
}

func (s *edgeSet) mark(list uint32, a adj) {
	if s.remove[list] == nil {
		s.remove[list] = map[adj]bool{}
	}
	s.remove[list][a] = true
}

// flush applies removals, then additions, then restores the sort order.
func (s *edgeSet) flush() {
	m := s.m
	list := func(k uint32) (*adjLists, uint32) {
		if k&inBit != 0 {
			return &m.in, k &^ inBit
		}
		return &m.out, k
	}
	for k, rm := range s.remove {
		l, u := list(k)
		l.set(u, slices.DeleteFunc(l.of(u), func(a adj) bool { return rm[a] }))
	}
	for k, add := range s.add {
		l, u := list(k)
		next := append(l.of(u), add...) // a copy: of caps the list
		m.sortAdj(next)
		l.set(u, next)
	}
}

func (m *mem) sortAdj(l []adj) { slices.SortFunc(l, m.adjCmp) }

// adjCmp orders adjacency entries by edge type name, then neighbour id.
func (m *mem) adjCmp(a, b adj) int {
	if a.typ != b.typ {
		return strings.Compare(string(m.types[a.typ]), string(m.types[b.typ]))
	}
	return strings.Compare(m.ids.at(a.node), m.ids.at(b.node))
}

// typeMask returns a bit set of type indexes for the given types; nil
// types means all.
func (m *mem) typeMask(types []EdgeType) (mask uint64, all bool) {
	if len(types) == 0 {
		return 0, true
	}
	for _, t := range types {
		if i, ok := m.typeIdx[t]; ok && i < 64 {
			mask |= 1 << i
		}
	}
	return mask, false
}

// adjLists holds one side's adjacency lists in one array, each list a span
// of it, so that neither holds a pointer for the garbage collector to scan
// and a snapshot loads into two arrays. A list that outgrows its span
// moves to the end of the array; the array is compacted when more than
// half of it is abandoned. Offsets are 32-bit: up to 2^32 entries.
type adjLists struct {
	spans []span
	arena []adj
	free  int // arena entries outside every span
}

// span is a list's place in the arena: its length and its room.
type span struct{ off, len, cap uint32 }

// of returns node u's list. It is capped: appending to it copies. It is
// valid until the next change of the lists.
func (l *adjLists) of(u uint32) []adj {
	s := l.spans[u]
	return l.arena[s.off : s.off+s.len : s.off+s.len]
}

// nodes is the number of lists, live or not.
func (l *adjLists) nodes() int { return len(l.spans) }

// add appends an empty list for a new node.
func (l *adjLists) add() { l.spans = append(l.spans, span{}) }

// clear empties u's list and gives up its room.
func (l *adjLists) clear(u uint32) {
	l.free += int(l.spans[u].cap)
	l.spans[u] = span{}
}

// set replaces u's list with list, which may be a window of the arena.
func (l *adjLists) set(u uint32, list []adj) {
	s := &l.spans[u]
	if len(list) <= int(s.cap) {
		copy(l.arena[s.off:s.off+s.cap], list)
		s.len = uint32(len(list))
		return
	}
	// list may be a window of the arena: compacting and appending
	// allocate a new one and leave the old one as it is.
	l.clear(u)
	if l.free > len(l.arena)/2 && l.free > 1<<12 {
		l.compact()
	}
	c := len(list) + len(list)/4 // room to grow without moving again
	off := len(l.arena)
	l.arena = append(l.arena, list...)
	l.arena = append(l.arena, make([]adj, c-len(list))...)
	l.spans[u] = span{uint32(off), uint32(len(list)), uint32(c)}
}

// compact copies the lists into a new arena without room to spare.
func (l *adjLists) compact() {
	n := 0
	for _, s := range l.spans {
		n += int(s.len)
	}
	arena := make([]adj, 0, n+n/8)
	for i, s := range l.spans {
		l.spans[i] = span{uint32(len(arena)), s.len, s.len}
		arena = append(arena, l.arena[s.off:s.off+s.len]...)
	}
	l.arena, l.free = arena, 0
}
