package seed

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stancegraph/stancegraph/graph"
)

// Summary describes a Result for people, as `stancegraph seed` prints it:
// a line for nodes and one for edges, then one per kind and edge type that
// changed, in contract order. With dryRun it says "would be".
func Summary(res graph.Result, dryRun bool) string {
	var b strings.Builder
	verb := ""
	if dryRun {
		verb = "would be "
	}
	line := func(indent, what string, c graph.Change) {
		fmt.Fprintf(&b, "%s%s: %d %screated, %d %supdated, %d %sdeleted\n", indent, what, c.Created, verb, c.Updated, verb, c.Deleted, verb)
	}
	line("", "nodes", graph.Change{Created: res.NodesCreated, Updated: res.NodesUpdated, Deleted: res.NodesDeleted})
	for _, k := range graph.Kinds() {
		if c := res.ByKind[k]; c != (graph.Change{}) {
			line("  ", k.String(), c)
		}
	}
	line("", "edges", graph.Change{Created: res.EdgesCreated, Updated: res.EdgesUpdated, Deleted: res.EdgesDeleted})
	types := graph.EdgeTypes()
	for t := range res.ByEdgeType {
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	for _, t := range types {
		if c := res.ByEdgeType[t]; c != (graph.Change{}) {
			line("  ", string(t), c)
		}
	}
	return b.String()
}
