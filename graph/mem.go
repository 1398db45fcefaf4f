package graph

import (
	"slices"
	"strings"
)

// mem is the in-memory topology of the graph: every node id with its kind
// and every edge as a packed entry in both endpoints' adjacency lists.
// Traversals run on it instead of reading Badger edge by edge. It is
// derived data: rebuilt from the edge keys at Open and changed by Apply in
// the same critical section that commits the batch, so that a reader
// holding Store.mu sees mem and its Badger snapshot agree.
type mem struct {
	ids   []string          // dense index -> id; "" for a deleted slot
	kinds []Kind            // dense index -> kind; 0 for a deleted slot
	index map[string]uint32 // id -> dense index
	// out and in hold adjacency entries sorted by (type, neighbour id).
	out, in [][]adj

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
	return &mem{index: make(map[string]uint32), typeIdx: make(map[EdgeType]uint8), byType: make(map[EdgeType]int)}
}

func (m *mem) lookup(id string) (uint32, bool) {
	i, ok := m.index[id]
	return i, ok
}

func (m *mem) typeOf(t EdgeType) uint8 {
	if i, ok := m.typeIdx[t]; ok {
		return i
	}
	i := uint8(len(m.types))
	m.types = append(m.types, t)
	m.typeIdx[t] = i
	return i
}

// addNode registers a node id and returns its dense index.
func (m *mem) addNode(id string, k Kind) uint32 {
	if i, ok := m.index[id]; ok {
		return i
	}
	i := uint32(len(m.ids))
	m.ids = append(m.ids, id)
	m.kinds = append(m.kinds, k)
	m.out = append(m.out, nil)
	m.in = append(m.in, nil)
	m.index[id] = i
	m.byKind[k]++
	return i
}

// removeNode forgets a node; its edges must have been removed already.
func (m *mem) removeNode(id string) {
	i, ok := m.index[id]
	if !ok {
		return
	}
	m.byKind[m.kinds[i]]--
	delete(m.index, id)
	m.ids[i], m.kinds[i], m.out[i], m.in[i] = "", 0, nil, nil
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
	list := func(k uint32) *[]adj {
		if k&inBit != 0 {
			return &m.in[k&^inBit]
		}
		return &m.out[k]
	}
	for k, rm := range s.remove {
		l := list(k)
		*l = slices.DeleteFunc(*l, func(a adj) bool { return rm[a] })
	}
	for k, add := range s.add {
		l := list(k)
		*l = append(*l, add...)
		m.sortAdj(*l)
	}
}

func (m *mem) sortAdj(l []adj) { slices.SortFunc(l, m.adjCmp) }

// adjCmp orders adjacency entries by edge type name, then neighbour id.
func (m *mem) adjCmp(a, b adj) int {
	if a.typ != b.typ {
		return strings.Compare(string(m.types[a.typ]), string(m.types[b.typ]))
	}
	return strings.Compare(m.ids[a.node], m.ids[b.node])
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
