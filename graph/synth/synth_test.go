package synth_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// digest hashes the JSON of every node and edge a generator emits.
func digest(t *testing.T, g *synth.Generator) [32]byte {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for n := range g.Nodes {
		if err := enc.Encode(n); err != nil {
			t.Fatal(err)
		}
	}
	for e := range g.Edges {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func TestDeterministic(t *testing.T) {
	cfg := synth.Config{Edges: 10_000, Seed: 42}
	a, b := digest(t, synth.New(cfg)), digest(t, synth.New(cfg))
	if a != b {
		t.Fatalf("two generators of %+v emitted different graphs", cfg)
	}
	if c := digest(t, synth.New(synth.Config{Edges: 10_000, Seed: 43})); c == a {
		t.Fatal("seeds 42 and 43 gave the same graph")
	}

	g1, g2 := synth.New(cfg), synth.New(cfg)
	if p1, p2 := g1.Pairs(50, 7), g2.Pairs(50, 7); !slices.Equal(p1, p2) {
		t.Fatal("Pairs differ between two generators of the same config")
	}
	if s1, s2 := g1.Sample(50, 7), g2.Sample(50, 7); !slices.Equal(s1, s2) {
		t.Fatal("Sample differs between two generators of the same config")
	}
	if q1, q2 := g1.Queries(20, 7), g2.Queries(20, 7); !slices.Equal(q1, q2) {
		t.Fatal("Queries differ between two generators of the same config")
	}
}

// emitted is what one pass over a generator produced.
type emitted struct {
	nodes  map[string]graph.Node
	counts graph.Counts
	heldBy map[string]int // stances per holder
	actors int
	text   strings.Builder
}

func collect(t *testing.T, g *synth.Generator) *emitted {
	t.Helper()
	em := &emitted{nodes: map[string]graph.Node{}, heldBy: map[string]int{},
		counts: graph.Counts{ByKind: map[graph.Kind]int{}, ByEdgeType: map[graph.EdgeType]int{}}}
	for n := range g.Nodes {
		if err := n.Validate(); err != nil {
			t.Fatalf("node %s: %v", n.ID, err)
		}
		if _, dup := em.nodes[n.ID]; dup {
			t.Fatalf("node id %s emitted twice", n.ID)
		}
		em.nodes[n.ID] = n
		em.counts.Nodes++
		em.counts.ByKind[n.Kind]++
		if n.Kind == graph.KindPerson || n.Kind == graph.KindOrganization {
			em.actors++
		}
		em.text.WriteString(strings.Join(append([]string{n.Name, n.Description, n.Summary, n.Text, n.Location}, n.Aliases...), " "))
		for _, q := range n.Quotes {
			em.text.WriteString(" " + q.Text + " " + q.Translation)
		}
		em.text.WriteByte('\n')
	}
	seen := map[string]bool{}
	for e := range g.Edges {
		if err := e.Validate(); err != nil {
			t.Fatalf("edge %s: %v", e.ID(), err)
		}
		if seen[e.ID()] {
			t.Fatalf("edge %s emitted twice", e.ID())
		}
		seen[e.ID()] = true
		for _, id := range []string{e.From, e.To} {
			if _, ok := em.nodes[id]; !ok {
				t.Fatalf("edge %s: endpoint %s is not a node", e.ID(), id)
			}
		}
		em.counts.Edges++
		em.counts.ByEdgeType[e.Type]++
		if e.Type == graph.HeldBy {
			em.heldBy[e.To]++
		}
	}
	return em
}

func TestValid(t *testing.T) {
	g := synth.New(synth.Config{Edges: 10_000, Seed: 1})
	em := collect(t, g)
	want := g.Counts()
	if em.counts.Nodes != want.Nodes || em.counts.Edges != want.Edges ||
		!maps.Equal(em.counts.ByKind, want.ByKind) || !maps.Equal(em.counts.ByEdgeType, want.ByEdgeType) {
		t.Fatalf("emitted %+v, Counts says %+v", em.counts, want)
	}
	// Every relation of the domain shows up, and stances dominate.
	for _, et := range graph.EdgeTypes() {
		if em.counts.ByEdgeType[et] == 0 {
			t.Errorf("no %s edges", et)
		}
	}
	for _, k := range graph.Kinds() {
		if em.counts.ByKind[k] == 0 {
			t.Errorf("no %s nodes", k)
		}
	}
	if s := em.counts.ByKind[graph.KindStance]; s < em.counts.Nodes/2 {
		t.Errorf("%d stances of %d nodes; want most nodes to be stances", s, em.counts.Nodes)
	}
	// The text has the German and accented words search benchmarks rely on.
	for _, w := range g.Queries(200, 1) {
		if !strings.Contains(em.text.String(), w) {
			t.Errorf("query term %q occurs in no name, text or quote", w)
		}
	}
	for _, w := range []string{"ü", "é", "ß", "Ł"} {
		if !strings.Contains(em.text.String(), w) {
			t.Errorf("no %q in the generated text", w)
		}
	}
}

func TestSmallGraphsValid(t *testing.T) {
	for _, n := range []int{0, 100, 2_500} {
		g := synth.New(synth.Config{Edges: n, Seed: 2})
		if em := collect(t, g); em.counts.Edges != g.Counts().Edges || em.counts.Edges < n {
			t.Errorf("Edges %d: emitted %d edges, Counts says %d", n, em.counts.Edges, g.Counts().Edges)
		}
	}
}

func TestEdgeCount(t *testing.T) {
	for _, n := range []int{3_000, 10_000, 100_000, 1_000_000} {
		c := synth.New(synth.Config{Edges: n, Seed: 5}).Counts()
		if d := c.Edges - n; d < -n/100 || d > n/100 {
			t.Errorf("Edges %d: generated %d edges, more than 1%% off", n, c.Edges)
		}
	}
}

func TestHubSkew(t *testing.T) {
	g := synth.New(synth.Config{Edges: 100_000, Seed: 3})
	em := collect(t, g)
	counts := slices.Collect(maps.Values(em.heldBy))
	slices.Sort(counts)
	slices.Reverse(counts)
	top := max(1, em.actors/100)
	held, total := 0, 0
	for i, c := range counts {
		if i < top {
			held += c
		}
		total += c
	}
	if total != em.counts.ByKind[graph.KindStance] {
		t.Fatalf("%d HELD_BY edges for %d stances", total, em.counts.ByKind[graph.KindStance])
	}
	share := float64(held) / float64(total)
	t.Logf("top %d of %d actors hold %.0f%% of %d stances", top, em.actors, 100*share, total)
	if share < 0.3 {
		t.Errorf("top 1%% of actors hold %.0f%% of stances; want at least 30%%", 100*share)
	}
}

func TestPairsAndSample(t *testing.T) {
	g := synth.New(synth.Config{Edges: 10_000, Seed: 9})
	ids := map[string]graph.Kind{}
	for n := range g.Nodes {
		ids[n.ID] = n.Kind
	}
	for _, p := range g.Pairs(500, 1) {
		if p[0] == p[1] {
			t.Fatalf("pair %v joins a node to itself", p)
		}
		for _, id := range p {
			if _, ok := ids[id]; !ok {
				t.Fatalf("pair %v: %s is not a node", p, id)
			}
		}
	}
	if slices.Equal(g.Pairs(20, 1), g.Pairs(20, 2)) {
		t.Error("Pairs ignores its seed")
	}
	for _, id := range g.Sample(500, 1, graph.KindTopic, graph.KindEvent) {
		if k := ids[id]; k != graph.KindTopic && k != graph.KindEvent {
			t.Fatalf("Sample of topics and events gave %s (kind %v)", id, k)
		}
	}
	kinds := map[graph.Kind]bool{}
	for _, id := range g.Sample(2000, 1) {
		k, ok := ids[id]
		if !ok {
			t.Fatalf("Sample gave %s, not a node", id)
		}
		kinds[k] = true
	}
	if len(kinds) != len(graph.Kinds()) {
		t.Errorf("2000 samples cover %d of %d kinds", len(kinds), len(graph.Kinds()))
	}
}

func TestLoad(t *testing.T) {
	s, err := graph.Open("", graph.Options{InMemory: true, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	g := synth.New(synth.Config{Edges: 10_000, Seed: 11})
	if err := g.Load(ctx, s, 250); err != nil {
		t.Fatal(err)
	}
	got, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	em := collect(t, g)
	if got.Nodes != em.counts.Nodes || got.Edges != em.counts.Edges ||
		!maps.Equal(got.ByKind, em.counts.ByKind) || !maps.Equal(got.ByEdgeType, em.counts.ByEdgeType) {
		t.Fatalf("store counts %+v, generator emitted %+v", got, em.counts)
	}
	// A second load writes identical values: nothing changes.
	if err := g.Load(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	if again, err := s.Counts(ctx); err != nil || again.Nodes != got.Nodes || again.Edges != got.Edges {
		t.Fatalf("after reloading: %+v, %v; want %+v", again, err, got)
	}
	n, err := s.Node(ctx, g.Sample(1, 1, graph.KindStance)[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Quotes) == 0 || n.StatedAt.IsZero() {
		t.Errorf("stored stance %s lost its quotes or date: %+v", n.ID, n)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, size := range []struct {
		name  string
		edges int
	}{{"10k", 10_000}, {"100k", 100_000}} {
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g := synth.New(synth.Config{Edges: size.edges, Seed: 1})
				for range g.Nodes {
				}
				for range g.Edges {
				}
			}
			b.ReportMetric(float64(size.edges)*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
		})
	}
}
