package graph

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// testMem builds a topology of n persons and topics with edges of two
// types and a deleted node, the way Apply changes it.
func testMem(n int) *mem {
	m := newMem()
	for i := range n {
		m.addNode(fmt.Sprintf("person/p%d", i), KindPerson, fmt.Sprintf("Person %d", i))
		m.addNode(fmt.Sprintf("topic/t%d", i), KindTopic, fmt.Sprintf("Topic %d", i))
	}
	es := m.newEdgeSet()
	for i := range n {
		p, _ := m.lookup(fmt.Sprintf("person/p%d", i))
		for j := range 3 {
			t, _ := m.lookup(fmt.Sprintf("topic/t%d", (i*7+j)%n))
			es.put([]EdgeType{Signed, HeldBy}[j%2], p, t)
		}
	}
	es.flush()
	// A deleted node leaves an empty slot that the snapshot skips.
	p, _ := m.lookup("person/p1")
	es = m.newEdgeSet()
	for _, a := range m.out.of(p) {
		es.del(m.types[a.typ], p, a.node)
	}
	es.flush()
	m.removeNode("person/p1")
	m.textDocs, m.textLen = 5, 77
	return m
}

// encodeFile returns the snapshot file writeTopology would write for m.
func encodeFile(t testing.TB, m *mem) []byte {
	t.Helper()
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := encodeTopology(w, m, 42, 7); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return binary.LittleEndian.AppendUint32(b.Bytes(), topoSum(b.Bytes()))
}

// edgesOf lists m's edges by id, sorted, and its nodes with their kinds.
func edgesOf(m *mem) (edges, nodes []string) {
	for u := range m.ids.len() {
		id := m.ids.at(uint32(u))
		if id == "" {
			continue
		}
		nodes = append(nodes, fmt.Sprintf("%s %d", id, m.kinds[u]))
		for _, a := range m.out.of(uint32(u)) {
			edges = append(edges, "out "+EdgeID(m.types[a.typ], id, m.ids.at(a.node)))
		}
		for _, a := range m.in.of(uint32(u)) {
			edges = append(edges, "in "+EdgeID(m.types[a.typ], m.ids.at(a.node), id))
		}
	}
	slices.Sort(nodes)
	return edges, nodes // edges in list order, which must survive
}

// checkMem checks what the rest of the package relies on: every id is
// found at its index, lists name live nodes and known types, in order.
func checkMem(t *testing.T, m *mem) {
	t.Helper()
	live := 0
	for i, id := range m.ids.all() {
		if id == "" {
			continue
		}
		live++
		if j, ok := m.lookup(id); !ok || j != uint32(i) {
			t.Fatalf("lookup(%q) = %d, %v; want %d", id, j, ok, i)
		}
		if !isIDOf(id, m.kinds[i]) {
			t.Fatalf("id %q of kind %d", id, m.kinds[i])
		}
		for _, l := range [][]adj{m.out.of(uint32(i)), m.in.of(uint32(i))} {
			for _, a := range l {
				if int(a.node) >= m.ids.len() || m.ids.at(a.node) == "" || int(a.typ) >= len(m.types) {
					t.Fatalf("list of %q holds %+v", id, a)
				}
			}
			if !slices.IsSortedFunc(l, m.adjCmp) {
				t.Fatalf("list of %q out of order", id)
			}
		}
	}
	if live != m.nodes() {
		t.Fatalf("%d live ids, index holds %d", live, m.nodes())
	}
}

func TestTopologyCodecRoundTrip(t *testing.T) {
	m := testMem(500)
	f := decodeTopology(encodeFile(t, m))
	if f.err != nil {
		t.Fatal(f.err)
	}
	if f.seq != 42 || f.gen != 7 {
		t.Fatalf("header %d %d", f.seq, f.gen)
	}
	got := f.m
	checkMem(t, got)
	for i, id := range m.ids.all() {
		if id == "" {
			continue
		}
		if j, ok := got.lookup(id); !ok || got.names.raw(j) != m.names.raw(i) {
			t.Fatalf("%s: not decoded with its name %q", id, m.names.raw(i))
		}
	}
	we, wn := edgesOf(m)
	ge, gn := edgesOf(got)
	if !slices.Equal(we, ge) || !slices.Equal(wn, gn) {
		t.Fatal("the decoded topology differs")
	}
	if got.edges != m.edges || got.byKind != m.byKind || fmt.Sprint(got.byType) != fmt.Sprint(m.byType) ||
		got.textDocs != m.textDocs || got.textLen != m.textLen {
		t.Fatalf("counts %d %v %v %d/%d, want %d %v %v %d/%d", got.edges, got.byKind, got.byType, got.textDocs, got.textLen,
			m.edges, m.byKind, m.byType, m.textDocs, m.textLen)
	}

	// Both change alike after the load: new and deleted nodes and edges.
	for _, x := range []*mem{m, got} {
		x.addNode("org/new", KindOrganization, "New organization")
		es := x.newEdgeSet()
		o, _ := x.lookup("org/new")
		for i := range 200 {
			p, _ := x.lookup(fmt.Sprintf("person/p%d", i*2))
			es.put(MemberOf, p, o)
		}
		t0, _ := x.lookup("topic/t0")
		for _, a := range slices.Clone(x.in.of(t0)) {
			es.del(x.types[a.typ], a.node, t0)
		}
		es.flush()
		x.removeNode("topic/t0")
	}
	checkMem(t, got)
	we, wn = edgesOf(m)
	ge, gn = edgesOf(got)
	if !slices.Equal(wn, gn) || len(we) != len(ge) || got.edges != m.edges {
		t.Fatal("the decoded topology changed differently")
	}
	// And it encodes again to what decodes to the same.
	again := decodeTopology(encodeFile(t, got))
	if again.err != nil {
		t.Fatal(again.err)
	}
	checkMem(t, again.m)
}

// TestTopologyDamage flips bytes: the checksum refuses every flip, and
// with the checksum made to match, the checks refuse it or it decodes to
// a topology that keeps the invariants; it never panics. Such a forged
// file may hide ids from the index (the index is not rehashed at load).
func TestTopologyDamage(t *testing.T) {
	good := encodeFile(t, testMem(50))
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 3000 {
		data := slices.Clone(good)
		for range 1 + r.IntN(3) {
			data[r.IntN(len(data)-4)] ^= byte(1 + r.IntN(255))
		}
		if f := decodeTopology(data); f.err == nil {
			t.Fatalf("flip %d: a damaged snapshot was used", i)
		}
		body := data[:len(data)-4]
		binary.LittleEndian.PutUint32(data[len(data)-4:], topoSum(body))
		if f := decodeTopology(data); f.err == nil {
			checkMemStructure(t, f.m)
		}
	}
	for n := range len(good) {
		if f := decodeTopology(good[:n]); f.err == nil {
			t.Fatalf("a snapshot cut to %d bytes was used", n)
		}
	}
}

// checkMemStructure is checkMem without the order of lists and with
// lookups that may miss, which a well-formed but forged file may break
// without harm: what a lookup finds is the id asked for.
func checkMemStructure(t *testing.T, m *mem) {
	t.Helper()
	for i, id := range m.ids.all() {
		if j, ok := m.lookup(id); ok && m.ids.at(j) != id || !isIDOf(id, m.kinds[i]) {
			t.Fatalf("id %q at %d: lookup %d %v", id, i, j, ok)
		}
		for _, l := range [][]adj{m.out.of(uint32(i)), m.in.of(uint32(i))} {
			for _, a := range l {
				if int(a.node) >= m.ids.len() || int(a.typ) >= len(m.types) {
					t.Fatalf("list of %q holds %+v", id, a)
				}
			}
		}
	}
}

// FuzzDecodeTopology decodes arbitrary files with a matching checksum.
func FuzzDecodeTopology(f *testing.F) {
	f.Add(encodeFile(f, testMem(3)))
	f.Add(encodeFile(f, newMem()))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		binary.LittleEndian.PutUint32(data[len(data)-4:], topoSum(data[:len(data)-4]))
		if f := decodeTopology(data); f.err == nil {
			checkMemStructure(t, f.m)
		}
	})
}
