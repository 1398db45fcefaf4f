package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/stancegraph/stancegraph/graph"
)

// WriteCSV streams the graph, narrowed by f, as two RFC 4180 tables with a
// header row: one row per node to nodes and one row per edge to edges.
// Columns that do not apply to a row's kind are empty; lists (aliases,
// sources, quotes) are JSON arrays in one cell. README.md ("## Exports")
// documents the columns.
func WriteCSV(ctx context.Context, st *graph.Store, f Filter, nodes, edges io.Writer) error {
	sel, err := f.Select(ctx, st)
	if err != nil {
		return err
	}
	if err := writeNodesCSV(ctx, st, sel, nodes); err != nil {
		return fmt.Errorf("export csv: nodes: %w", err)
	}
	if err := writeEdgesCSV(ctx, st, sel, edges); err != nil {
		return fmt.Errorf("export csv: edges: %w", err)
	}
	return nil
}

// NodeColumns returns the header row of WriteCSV's node table.
func NodeColumns() []string {
	cols := []string{"id"}
	for _, a := range nodeAttrs() {
		cols = append(cols, a.name)
	}
	return cols
}

// EdgeColumns returns the header row of WriteCSV's edge table.
func EdgeColumns() []string {
	cols := []string{"id", "from", "to"}
	for _, a := range edgeAttrs() {
		cols = append(cols, a.name)
	}
	return cols
}

func writeNodesCSV(ctx context.Context, st *graph.Store, sel *Selection, w io.Writer) error {
	bw := newWriter(ctx, w)
	cw := csv.NewWriter(bw)
	attrs := nodeAttrs()
	row := NodeColumns()
	if err := cw.Write(row); err != nil {
		return err
	}
	err := eachNode(ctx, st, sel, func(n *graph.Node) error {
		row[0] = n.ID
		for i, a := range attrs {
			row[i+1], _ = a.get(n)
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeEdgesCSV(ctx context.Context, st *graph.Store, sel *Selection, w io.Writer) error {
	bw := newWriter(ctx, w)
	cw := csv.NewWriter(bw)
	attrs := edgeAttrs()
	row := EdgeColumns()
	if err := cw.Write(row); err != nil {
		return err
	}
	err := eachEdge(ctx, st, sel, func(e *graph.Edge) error {
		row[0], row[1], row[2] = e.ID(), e.From, e.To
		for i, a := range attrs {
			row[i+3], _ = a.get(e)
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
