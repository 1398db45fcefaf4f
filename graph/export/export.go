package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stancegraph/stancegraph/graph"
)

// ErrUnknownFormat means the export format is not one of Formats.
var ErrUnknownFormat = errors.New("unknown export format")

// Formats lists the formats of this package: every one is written by
// Write except csv, which writes two files and is written by WriteCSV.
func Formats() []string {
	return []string{"graphml", "gexf", "csv", "jsonl", "nquads", "dgraph"}
}

// Write streams the graph, narrowed by f, to w in one of the formats
// graphml, gexf, jsonl, nquads or dgraph (the N-Quads data; the schema is
// DgraphSchema). Nodes come first in id order, then edges in (from, type,
// to) order, each read from its own snapshot of the store. Memory stays
// flat whatever the size of the graph, except for a Topic filter, which
// holds the ids it keeps. It stops with ctx's error when ctx is done.
func Write(ctx context.Context, st *graph.Store, format string, f Filter, w io.Writer) error {
	var write func(context.Context, *graph.Store, *Selection, *bufio.Writer) error
	switch format {
	case "graphml":
		write = writeGraphML
	case "gexf":
		write = writeGEXF
	case "jsonl":
		write = writeJSONL
	case "nquads":
		write = writeNQuads
	case "dgraph":
		write = writeDgraph
	case "csv":
		return fmt.Errorf("%w: csv writes two files: use WriteCSV", ErrUnknownFormat)
	default:
		return fmt.Errorf("%w %q (want one of %s)", ErrUnknownFormat, format, strings.Join(Formats(), ", "))
	}
	sel, err := f.Select(ctx, st)
	if err != nil {
		return err
	}
	bw := newWriter(ctx, w)
	if err := write(ctx, st, sel, bw); err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	return nil
}

// ctxWriter refuses to write once ctx is done, so an export to a client
// that went away stops at the next buffer flush.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

func newWriter(ctx context.Context, w io.Writer) *bufio.Writer {
	return bufio.NewWriterSize(ctxWriter{ctx, w}, 64<<10)
}

// eachNode and eachEdge stream the selected nodes and edges.
func eachNode(ctx context.Context, st *graph.Store, sel *Selection, fn func(*graph.Node) error) error {
	return st.ForEachNode(ctx, func(n *graph.Node) error {
		if !sel.Node(n) {
			return nil
		}
		return fn(n)
	})
}

func eachEdge(ctx context.Context, st *graph.Store, sel *Selection, fn func(*graph.Edge) error) error {
	return st.ForEachEdge(ctx, func(e *graph.Edge) error {
		if !sel.Edge(e) {
			return nil
		}
		return fn(e)
	})
}

// attrType is the value type of an attribute in GraphML and GEXF.
type attrType uint8

const (
	tString attrType = iota
	tDouble
	tBool
)

func (t attrType) String() string {
	switch t {
	case tDouble:
		return "double"
	case tBool:
		return "boolean"
	}
	return "string"
}

// attr is one column of the flat node or edge table shared by CSV, GraphML
// and GEXF. get returns the value and whether the node or edge has one.
type attr[T any] struct {
	name string
	typ  attrType
	long bool // only in CSV: a document's full text
	get  func(*T) (string, bool)
}

func str(s string) (string, bool) { return s, s != "" }

func date(d graph.Date) (string, bool) { return d.String(), !d.IsZero() }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func ofKind(n *graph.Node, k graph.Kind, v string) (string, bool) {
	if n.Kind != k {
		return "", false
	}
	return v, v != ""
}

// jsonCell encodes a list as JSON without HTML escaping; empty lists give
// no value.
func jsonCell[T any](list []T) (string, bool) {
	if len(list) == 0 {
		return "", false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(list); err != nil {
		return "", false
	}
	return strings.TrimSuffix(b.String(), "\n"), true
}

// nodeAttrs returns the node columns after id, in order; README.md
// ("## Exports") documents them.
func nodeAttrs() []attr[graph.Node] {
	return []attr[graph.Node]{
		{name: "kind", get: func(n *graph.Node) (string, bool) { return n.Kind.String(), true }},
		{name: "name", get: func(n *graph.Node) (string, bool) { return str(n.Name) }},
		{name: "aliases", get: func(n *graph.Node) (string, bool) { return jsonCell(n.Aliases) }},
		{name: "description", get: func(n *graph.Node) (string, bool) { return str(n.Description) }},
		{name: "origin", get: func(n *graph.Node) (string, bool) { return str(n.Origin) }},
		{name: "sources", get: func(n *graph.Node) (string, bool) { return jsonCell(n.Sources) }},
		{name: "orgType", get: func(n *graph.Node) (string, bool) { return str(string(n.OrgType)) }},
		{name: "country", get: func(n *graph.Node) (string, bool) { return str(n.Country) }},
		{name: "scaleNegative", get: func(n *graph.Node) (string, bool) {
			if n.Scale == nil {
				return "", false
			}
			return str(n.Scale.Negative)
		}},
		{name: "scalePositive", get: func(n *graph.Node) (string, bool) {
			if n.Scale == nil {
				return "", false
			}
			return str(n.Scale.Positive)
		}},
		{name: "position", typ: tDouble, get: func(n *graph.Node) (string, bool) { return ofKind(n, graph.KindStance, num(n.Position)) }},
		{name: "confidence", typ: tDouble, get: func(n *graph.Node) (string, bool) { return ofKind(n, graph.KindStance, num(n.Confidence)) }},
		{name: "neutral", typ: tBool, get: func(n *graph.Node) (string, bool) {
			return ofKind(n, graph.KindStance, strconv.FormatBool(n.Neutral))
		}},
		{name: "stanceLabel", get: func(n *graph.Node) (string, bool) { return ofKind(n, graph.KindStance, string(n.Label())) }},
		{name: "summary", get: func(n *graph.Node) (string, bool) { return str(n.Summary) }},
		{name: "statedAt", get: func(n *graph.Node) (string, bool) { return date(n.StatedAt) }},
		{name: "quotes", get: func(n *graph.Node) (string, bool) { return jsonCell(n.Quotes) }},
		{name: "docType", get: func(n *graph.Node) (string, bool) { return str(string(n.DocType)) }},
		{name: "publishedAt", get: func(n *graph.Node) (string, bool) { return date(n.PublishedAt) }},
		{name: "url", get: func(n *graph.Node) (string, bool) { return str(n.URL) }},
		{name: "language", get: func(n *graph.Node) (string, bool) { return str(n.Language) }},
		{name: "text", long: true, get: func(n *graph.Node) (string, bool) { return str(n.Text) }},
		{name: "startDate", get: func(n *graph.Node) (string, bool) { return date(n.StartDate) }},
		{name: "endDate", get: func(n *graph.Node) (string, bool) { return date(n.EndDate) }},
		{name: "location", get: func(n *graph.Node) (string, bool) { return str(n.Location) }},
		{name: "amount", typ: tDouble, get: func(n *graph.Node) (string, bool) {
			if n.Amount == nil {
				return "", false
			}
			return num(n.Amount.Amount), true
		}},
		{name: "currency", get: func(n *graph.Node) (string, bool) {
			if n.Amount == nil {
				return "", false
			}
			return str(n.Amount.Currency)
		}},
		{name: "announcedAt", get: func(n *graph.Node) (string, bool) { return date(n.AnnouncedAt) }},
	}
}

// edgeAttrs returns the edge columns after id, from and to.
func edgeAttrs() []attr[graph.Edge] {
	return []attr[graph.Edge]{
		{name: "type", get: func(e *graph.Edge) (string, bool) { return string(e.Type), true }},
		{name: "role", get: func(e *graph.Edge) (string, bool) { return str(e.Role) }},
		{name: "validFrom", get: func(e *graph.Edge) (string, bool) { return date(e.ValidFrom) }},
		{name: "validTo", get: func(e *graph.Edge) (string, bool) { return date(e.ValidTo) }},
		{name: "origin", get: func(e *graph.Edge) (string, bool) { return str(e.Origin) }},
		{name: "sources", get: func(e *graph.Edge) (string, bool) { return jsonCell(e.Sources) }},
	}
}
