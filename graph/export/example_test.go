package export_test

import (
	"context"
	"fmt"
	"os"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/export"
)

func ExampleWrite() {
	ctx := context.Background()
	st, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	var b graph.Batch
	b.PutNode(graph.Node{ID: "person/olaf-scholz", Name: "Olaf Scholz"})
	b.PutNode(graph.Node{ID: "org/germany", Name: "Germany", OrgType: graph.OrgState})
	b.PutEdge(graph.Edge{Type: graph.HoldsOffice, From: "person/olaf-scholz", To: "org/germany", Role: "Federal Chancellor"})
	if _, err := st.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	if err := export.Write(ctx, st, "jsonl", export.Filter{}, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"node":{"kind":"ORGANIZATION","id":"org/germany","name":"Germany","orgType":"STATE"}}
	// {"node":{"kind":"PERSON","id":"person/olaf-scholz","name":"Olaf Scholz"}}
	// {"edge":{"type":"HOLDS_OFFICE","from":"person/olaf-scholz","to":"org/germany","role":"Federal Chancellor"}}
}
