package export

import (
	"bufio"
	"context"
	"encoding/json"

	"github.com/stancegraph/stancegraph/graph"
)

// jsonNode is graph.Node's JSON form with the kind by name and, on
// stances, the position, confidence and label always present (graph's
// form omits a zero position).
type jsonNode struct {
	Kind string `json:"kind"`
	*graph.Node
	Position   *float64 `json:"position,omitempty"`
	Confidence *float64 `json:"confidence,omitempty"`
	Label      string   `json:"label,omitempty"`
}

// writeJSONL writes one JSON object per line: {"node": {...}} for every
// node, then {"edge": {...}} for every edge, in graph's JSON forms.
func writeJSONL(ctx context.Context, st *graph.Store, sel *Selection, w *bufio.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err := eachNode(ctx, st, sel, func(n *graph.Node) error {
		jn := jsonNode{Kind: n.Kind.String(), Node: n}
		if n.Kind == graph.KindStance {
			jn.Position, jn.Confidence, jn.Label = &n.Position, &n.Confidence, string(n.Label())
		}
		return enc.Encode(struct {
			Node jsonNode `json:"node"`
		}{jn})
	})
	if err != nil {
		return err
	}
	return eachEdge(ctx, st, sel, func(e *graph.Edge) error {
		return enc.Encode(struct {
			Edge *graph.Edge `json:"edge"`
		}{e})
	})
}
