package graph_test

import (
	"fmt"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

// BenchmarkCommit measures one small mutation (a node and an edge) on an
// on-disk store: durable (fsync of Badger's log and of the commit record,
// the default) against NoSync, where a machine crash may lose the last
// commits. The ratio is the price of durability on this disk.
func BenchmarkCommit(b *testing.B) {
	for _, mode := range []struct {
		name   string
		noSync bool
	}{{"durable", false}, {"nosync", true}} {
		b.Run(mode.name, func(b *testing.B) {
			s := mustOpenDir(b, b.TempDir(), graph.Options{NoSync: mode.noSync})
			defer s.Close()
			var setup graph.Batch
			setup.PutNode(org("hub", "bench"))
			mustApply(b, s, &setup)
			i := 0
			for b.Loop() {
				var batch graph.Batch
				id := fmt.Sprint("p", i)
				batch.PutNode(person(id, "bench"))
				batch.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/" + id, To: "org/hub", Origin: "bench"})
				mustApply(b, s, &batch)
				i++
			}
		})
	}
}
