package graph

import (
	"context"
	"fmt"
	"testing"
)

// clearScratch fails t unless every bit of the scratch's bitmaps is 0,
// as every query must leave them.
func clearScratch(t *testing.T, sc *bfsScratch, after string) {
	t.Helper()
	for i, w := range sc.marks {
		if w != 0 {
			t.Fatalf("after %s, word %d of the scratch's marks is %#x", after, i, w)
		}
	}
}

// TestScratchLeftClear checks that path searches leave the scratch's
// bitmaps clear whether they find a walk, run out of depth, meet no other
// side or are cancelled, and that neighbourhood walks leave the pooled
// scratch clear too.
func TestScratchLeftClear(t *testing.T) {
	ctx := context.Background()
	// Large enough that a small search unmarks its nodes one by one
	// rather than clearing the whole bitmap.
	const n = 3000
	m := testMem(n)
	sc := new(bfsScratch)
	// testMem links person i to topics 7i, 7i+1 and 7i+2, so persons i
	// and i+2143 share a topic (7·2143 = 5n+1): p(i+2143k) is 2k edges
	// away.
	far := func(i int) int { return (i + 2143*(1+i%5)) % n }
	ends := func(i int) (uint32, uint32) {
		a, _ := m.lookup(fmt.Sprintf("person/p%d", i))
		b, _ := m.lookup(fmt.Sprintf("person/p%d", far(i)))
		return a, b
	}
	found := 0
	for i := 2; i < n; i += 61 {
		if i == 1 || far(i) == 1 {
			continue // testMem deletes p1
		}
		a, b := ends(i)
		if m.bidiBFS(ctx, sc, a, b, 8, 0, true) != nil {
			found++
		}
		clearScratch(t, sc, fmt.Sprintf("the path p%d → p%d", i, far(i)))
		m.bidiBFS(ctx, sc, a, b, 1, 0, true)
		clearScratch(t, sc, "a search one edge deep")
		mask, all := m.typeMask([]EdgeType{Signed})
		m.bidiBFS(ctx, sc, a, b, 8, mask, all)
		clearScratch(t, sc, "a search over one edge type")
	}
	if found < 20 {
		t.Fatalf("only %d searches found a walk: the test no longer covers them", found)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	a, b := ends(3)
	if m.bidiBFS(cancelled, sc, a, b, 8, 0, true) != nil {
		t.Fatal("a cancelled search found a walk")
	}
	clearScratch(t, sc, "a cancelled search")

	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var bt Batch
	for i := range 40 {
		bt.PutNode(Node{ID: fmt.Sprintf("org/o%d", i), Name: "O", OrgType: OrgOther})
	}
	for i := range 40 {
		for _, j := range []int{(i + 1) % 40, (i * 7) % 40} {
			if i != j {
				bt.PutEdge(Edge{Type: BasedIn, From: fmt.Sprintf("org/o%d", i), To: fmt.Sprintf("org/o%d", j)})
			}
		}
	}
	if _, err := s.Apply(ctx, &bt, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	used := 0
	for i := range 40 {
		o := NeighborhoodOptions{Depth: 1 + i%4, Limit: 1 + i%12}
		if _, err := s.Neighborhood(ctx, fmt.Sprintf("org/o%d", i), o); err != nil {
			t.Fatal(err)
		}
		// A scratch from the pool, usually the one the walk put back.
		sc := scratchPool.Get().(*bfsScratch)
		if len(sc.marks) > 0 {
			used++
			clearScratch(t, sc, fmt.Sprintf("a walk from o%d %+v", i, o))
		}
		scratchPool.Put(sc)
	}
	if used == 0 {
		t.Fatal("the pool never gave back a scratch a walk had used")
	}
}

// TestEdgeBetweenEitherSide checks that edgeBetween, which reads the lists
// of whichever end has fewer, picks the edge the rule names from u's
// lists: the first allowed out-edge of u to w in (type, id) order, else
// the first in-edge. The graph has hubs and pairs joined by several edges
// of different types in both directions.
func TestEdgeBetweenEitherSide(t *testing.T) {
	m := newMem()
	const n = 60
	for i := range n {
		m.addNode(fmt.Sprintf("org/o%02d", i), KindOrganization, "O")
	}
	types := []EdgeType{Funds, BasedIn, MemberOf, Mentions}
	es := m.newEdgeSet()
	idx := func(i int) uint32 { u, _ := m.lookup(fmt.Sprintf("org/o%02d", i)); return u }
	for i := range n {
		for j := range n {
			// Hubs o0 and o1 join everything; other pairs get 0–3 edges.
			k := (i*31 + j*17) % 5
			if i < 2 || j < 2 {
				k = 1 + (i+j)%3
			}
			for e := range k {
				if i != j && (i+j+e)%2 == 0 {
					es.put(types[(i+2*j+e)%len(types)], idx(i), idx(j))
				}
			}
		}
	}
	es.flush()
	// The rule, read from u's lists only.
	want := func(u, w uint32, mask uint64, all bool) edgeKey {
		for _, x := range m.out.of(u) {
			if x.node == w && (all || mask&(1<<x.typ) != 0) {
				return edgeKey{m.types[x.typ], m.ids.at(u), m.ids.at(w)}
			}
		}
		for _, x := range m.in.of(u) {
			if x.node == w && (all || mask&(1<<x.typ) != 0) {
				return edgeKey{m.types[x.typ], m.ids.at(w), m.ids.at(u)}
			}
		}
		return edgeKey{}
	}
	masks := [][]EdgeType{nil, {BasedIn}, {Funds, Mentions}, {MemberOf, BasedIn}}
	fromOther, joined := 0, 0
	for i := range n {
		for j := range n {
			u, w := idx(i), idx(j)
			if len(m.out.of(w))+len(m.in.of(w)) < len(m.out.of(u))+len(m.in.of(u)) {
				fromOther++
			}
			for _, ts := range masks {
				mask, all := m.typeMask(ts)
				got, exp := m.edgeBetween(u, w, mask, all), want(u, w, mask, all)
				if got != exp {
					t.Fatalf("edge between o%02d and o%02d over %v: %v, want %v", i, j, ts, got, exp)
				}
				if exp != (edgeKey{}) {
					joined++
				}
			}
		}
	}
	if fromOther < n || joined < n*n/4 {
		t.Fatalf("the graph no longer covers the cases: %d pairs read from w's side, %d joined", fromOther, joined)
	}
}
