package graph_test

import (
	"context"
	"fmt"

	"github.com/stancegraph/stancegraph/graph"
)

func ExampleStore_ShortestPath() {
	ctx := context.Background()
	s, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/jd-vance", Name: "J.D. Vance"})
	b.PutNode(graph.Node{ID: "person/olaf-scholz", Name: "Olaf Scholz"})
	b.PutNode(graph.Node{ID: "topic/ai-regulation", Name: "AI regulation", Scale: &graph.Scale{Negative: "no binding rules", Positive: "strict binding rules"}})
	b.PutNode(graph.Node{ID: "stance/vance", Name: "Against strict regulation of AI", Position: -0.8, Confidence: 0.9})
	b.PutNode(graph.Node{ID: "stance/scholz", Name: "For clear rules on AI", Position: 0.6, Confidence: 0.9})
	b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/vance", To: "person/jd-vance"})
	b.PutEdge(graph.Edge{Type: graph.OnTopic, From: "stance/vance", To: "topic/ai-regulation"})
	b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/scholz", To: "person/olaf-scholz"})
	b.PutEdge(graph.Edge{Type: graph.OnTopic, From: "stance/scholz", To: "topic/ai-regulation"})
	r, err := s.Apply(ctx, b, graph.ApplyOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.NodesCreated, "nodes and", r.EdgesCreated, "edges created")

	p, ok, err := s.ShortestPath(ctx, "person/jd-vance", "person/olaf-scholz", graph.PathOptions{MaxDepth: 6})
	if err != nil || !ok {
		panic(err)
	}
	for _, e := range p.Edges {
		fmt.Println(e.From, e.Type.Verb(), e.To)
	}
	// Output:
	// 5 nodes and 4 edges created
	// stance/vance is held by person/jd-vance
	// stance/vance is on the topic topic/ai-regulation
	// stance/scholz is on the topic topic/ai-regulation
	// stance/scholz is held by person/olaf-scholz
}
