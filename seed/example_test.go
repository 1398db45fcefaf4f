package seed_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

func ExampleParseDocument() {
	doc := []byte(`people:
  - id: person/ada
    name: Ada
topics:
  - id: topic/ai-regulation
    name: AI regulation
    scale: {negative: "-1 means no binding rules", positive: "+1 means strict binding rules"}
documents:
  - {id: doc/interview, name: Interview, type: ARTICLE}
stances:
  - id: stance/ada-ai-regulation
    name: For strict rules
    holder: person/ada
    topic: topic/ai-regulation
    position: 1.4
    sources: [{document: doc/interview, locator: "¶3"}]
`)
	_, err := seed.ParseDocument("example.yaml", doc)
	fmt.Println(err)

	fixed := bytes.Replace(doc, []byte("position: 1.4"), []byte("position: 0.9"), 1)
	set, err := seed.ParseDocument("example.yaml", fixed)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	for range 2 {
		res, err := seed.Apply(context.Background(), st, set, seed.ApplyOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("nodes created %d, edges created %d\n", res.NodesCreated, res.EdgesCreated)
	}
	// Output:
	// example.yaml:15:15: stances[0] (stance/ada-ai-regulation): position 1.4 is outside -1..+1
	// nodes created 4, edges created 2
	// nodes created 0, edges created 0
}
