package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// BenchmarkCollectTerms collects the full-text terms of the nodes of a
// synthetic graph as a bulk load does, on every core, and reports the
// text read per second:
//
//	go test ./graph -run '^$' -bench CollectTerms -benchtime 3x -count 6
func BenchmarkCollectTerms(b *testing.B) {
	for _, size := range []int{100_000, 1_000_000} {
		if size == 1_000_000 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("%dk", size/1000), func(b *testing.B) {
			// In rank order, as a load reads them.
			var nodes []*graph.Node
			var text int64
			for n := range synth.New(synth.Config{Edges: size, Seed: 1}).Nodes {
				nodes = append(nodes, &n)
				text += int64(graph.TextBytes(&n))
			}
			slices.SortFunc(nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) })
			b.SetBytes(text)
			var terms, postings int
			for b.Loop() {
				var err error
				if terms, postings, err = graph.CollectTerms(context.Background(), nodes); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(terms), "terms")
			b.ReportMetric(float64(postings), "postings")
		})
	}
}
