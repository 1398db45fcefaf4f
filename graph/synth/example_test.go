package synth_test

import (
	"fmt"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

func ExampleGenerator() {
	g := synth.New(synth.Config{Edges: 10_000, Seed: 1})
	c := g.Counts()
	fmt.Println(c.Edges, "edges,", c.Nodes, "nodes,", c.ByKind[graph.KindStance], "stances")
	for n := range g.Nodes {
		if n.Kind == graph.KindStance {
			fmt.Println(n.ID, n.Quotes[0].Language, n.Label())
			break
		}
	}
	// Output:
	// 10001 edges, 3085 nodes, 2646 stances
	// stance/s0000000 de OPPOSES
}
