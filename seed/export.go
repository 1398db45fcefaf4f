package seed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/stancegraph/stancegraph/graph"
)

// Selector picks the nodes and edges Export writes. Edge must refuse an
// edge whose ends Node refuses. *export.Selection (package graph/export)
// is one.
type Selector interface {
	Node(n *graph.Node) bool
	Edge(e *graph.Edge) bool
}

// exportHeader opens every export; it is a comment, so it survives the
// round trip.
const exportHeader = "# stancegraph seed export (seed/README.md describes the format).\n"

// Export writes the store, or what sel selects of it (nil selects
// everything), as one seed file in a canonical form: nodes in id order,
// grouped in their lists (documents, events, initiatives, organizations,
// people, stances, topics), fields in the order of the format, then the
// edges list in (from, type, to) order; free text double-quoted, ids, enums
// and dates plain. An edge is written as its item's shorthand field (a
// stance's holder, a document's publisher, ...) when it carries no role,
// dates or sources, and in the edges list otherwise; for single-valued
// fields the first such edge by id is the shorthand and any others go to
// the edges list. Document texts are written inline (a textFile cannot be
// reproduced).
//
// Seeding the output into an empty store and exporting again gives the
// same bytes. What the format cannot hold is lost: origins (seeding gives
// every node and edge the file's name), aliases of kinds other than people
// and organizations, and the role, dates and sources of a stance's holder
// and topic edges when no plain one exists. A stance without sources is
// written without them, which the loader refuses.
//
// Export streams: it holds one node's edges at a time, plus the shorthand
// edges that point at documents, events and initiatives (publisher, host,
// announcedBy, funders).
func Export(ctx context.Context, st *graph.Store, w io.Writer, sel Selector) error {
	if sel == nil {
		sel = all{}
	}
	rev, err := reverseLinks(ctx, st, sel)
	if err != nil {
		return fmt.Errorf("seed: export: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	x := &exporter{w: bw, rev: rev}
	x.b = append(x.b, exportHeader...)
	if err := x.nodes(ctx, st, sel); err != nil {
		return fmt.Errorf("seed: export: %w", err)
	}
	if err := x.edges(ctx, st, sel); err != nil {
		return fmt.Errorf("seed: export: %w", err)
	}
	if err := x.flush(); err != nil {
		return fmt.Errorf("seed: export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("seed: export: %w", err)
	}
	return nil
}

type all struct{}

func (all) Node(*graph.Node) bool { return true }
func (all) Edge(*graph.Edge) bool { return true }

// plain reports whether an edge carries nothing a shorthand field cannot
// hold.
func plain(e *graph.Edge) bool {
	return e.Role == "" && e.ValidFrom.IsZero() && e.ValidTo.IsZero() && len(e.Sources) == 0
}

// revKey names the reversed shorthand field of a target node.
type revKey struct {
	t  graph.EdgeType
	to string
}

// reverseLinks collects the shorthand edges that point at the item that
// holds them: publisher and host (the first plain one by from) and
// announcedBy and funders (every plain one), in from order.
func reverseLinks(ctx context.Context, st *graph.Store, sel Selector) (map[revKey][]string, error) {
	rev := map[revKey][]string{}
	err := st.ForEachEdge(ctx, func(e *graph.Edge) error {
		switch e.Type {
		case graph.Published, graph.Hosted, graph.Announced, graph.Funds:
		default:
			return nil
		}
		if !plain(e) || !sel.Edge(e) {
			return nil
		}
		k := revKey{e.Type, e.To}
		if (e.Type == graph.Published || e.Type == graph.Hosted) && len(rev[k]) > 0 {
			return nil
		}
		rev[k] = append(rev[k], e.From)
		return nil
	})
	return rev, err
}

// isReverseShorthand reports whether the edge is written as its target's
// shorthand field.
func isReverseShorthand(rev map[revKey][]string, e *graph.Edge) bool {
	if !plain(e) {
		return false
	}
	return slices.Contains(rev[revKey{e.Type, e.To}], e.From)
}

// linkField is a shorthand field of an edge's start.
type linkField struct {
	name     string
	many     bool // a list field
	required bool // written even when no edge is plain
}

// forwardField returns the shorthand field of a kind for an edge type.
func forwardField(k graph.Kind, t graph.EdgeType) (linkField, bool) {
	switch k {
	case graph.KindTopic:
		if t == graph.SubtopicOf {
			return linkField{name: "parent"}, true
		}
	case graph.KindDocument:
		if t == graph.IssuedAt {
			return linkField{name: "event"}, true
		}
	case graph.KindStance:
		switch t {
		case graph.HeldBy:
			return linkField{name: "holder", required: true}, true
		case graph.OnTopic:
			return linkField{name: "topic", required: true}, true
		case graph.StatedAt:
			return linkField{name: "event"}, true
		case graph.OnBehalfOf:
			return linkField{name: "onBehalfOf"}, true
		case graph.Supersedes:
			return linkField{name: "supersedes"}, true
		case graph.RespondsTo:
			return linkField{name: "respondsTo", many: true}, true
		}
	}
	return linkField{}, false
}

// shorthands marks which of a node's outgoing edges (selected, in type,
// to order) are written as its shorthand fields, and returns the field
// values by name.
func shorthands(k graph.Kind, group []graph.Edge, chosen []bool) map[string][]string {
	var fields map[string][]string
	for i := 0; i < len(group); {
		j := i
		for j < len(group) && group[j].Type == group[i].Type {
			j++
		}
		f, ok := forwardField(k, group[i].Type)
		if ok {
			pick := -1
			for x := i; x < j; x++ {
				if plain(&group[x]) {
					if f.many {
						chosen[x] = true
					} else if pick < 0 {
						pick = x
					}
				}
			}
			if pick < 0 && f.required && !f.many {
				pick = i
			}
			if pick >= 0 {
				chosen[pick] = true
			}
			for x := i; x < j; x++ {
				if chosen[x] {
					if fields == nil {
						fields = map[string][]string{}
					}
					fields[f.name] = append(fields[f.name], group[x].To)
				}
			}
		}
		i = j
	}
	return fields
}

// edgeGroups yields the selected outgoing edges of each start node, in
// ForEachEdge order.
func edgeGroups(ctx context.Context, st *graph.Store, sel Selector) iter.Seq2[[]graph.Edge, error] {
	return func(yield func([]graph.Edge, error) bool) {
		var group []graph.Edge
		errStop := errors.New("stop")
		err := st.ForEachEdge(ctx, func(e *graph.Edge) error {
			if !sel.Edge(e) {
				return nil
			}
			if len(group) > 0 && group[0].From != e.From {
				if !yield(group, nil) {
					return errStop
				}
				group = group[:0]
			}
			group = append(group, *e)
			return nil
		})
		if errors.Is(err, errStop) {
			return
		}
		if err != nil {
			yield(nil, err)
			return
		}
		if len(group) > 0 {
			yield(group, nil)
		}
	}
}

// exporter writes YAML into a buffer flushed after every item.
type exporter struct {
	w    *bufio.Writer
	b    []byte
	rev  map[revKey][]string
	list string // the top-level list being written
}

func (x *exporter) flush() error {
	_, err := x.w.Write(x.b)
	x.b = x.b[:0]
	return err
}

// listOf names the top-level list of a kind.
func listOf(k graph.Kind) string {
	switch k {
	case graph.KindPerson:
		return "people"
	case graph.KindOrganization:
		return "organizations"
	case graph.KindTopic:
		return "topics"
	case graph.KindDocument:
		return "documents"
	case graph.KindEvent:
		return "events"
	case graph.KindInitiative:
		return "initiatives"
	case graph.KindStance:
		return "stances"
	}
	return ""
}

func (x *exporter) nodes(ctx context.Context, st *graph.Store, sel Selector) error {
	next, stop := iter.Pull2(edgeGroups(ctx, st, sel))
	defer stop()
	group, gerr, more := next()
	var chosen []bool
	err := st.ForEachNode(ctx, func(n *graph.Node) error {
		// Advance the edge stream to this node's edges.
		for more && gerr == nil && group[0].From < n.ID {
			group, gerr, more = next()
		}
		if gerr != nil {
			return gerr
		}
		if !sel.Node(n) {
			return nil
		}
		var out []graph.Edge
		if more && group[0].From == n.ID {
			out = group
		}
		chosen = append(chosen[:0], make([]bool, len(out))...)
		x.node(n, shorthands(n.Kind, out, chosen))
		return x.flush()
	})
	if err != nil {
		return err
	}
	return gerr
}

func (x *exporter) edges(ctx context.Context, st *graph.Store, sel Selector) error {
	var chosen []bool
	for group, err := range edgeGroups(ctx, st, sel) {
		if err != nil {
			return err
		}
		k, _ := graph.KindOf(group[0].From)
		chosen = append(chosen[:0], make([]bool, len(group))...)
		shorthands(k, group, chosen)
		for i := range group {
			e := &group[i]
			if chosen[i] || isReverseShorthand(x.rev, e) {
				continue
			}
			if x.list != "edges" {
				x.list = "edges"
				x.b = append(x.b, "edges:\n"...)
			}
			x.b = append(x.b, "  - type: "...)
			x.b = append(x.b, e.Type...)
			x.plainField("from", e.From)
			x.plainField("to", e.To)
			x.text("role", e.Role)
			x.date("validFrom", e.ValidFrom)
			x.date("validTo", e.ValidTo)
			x.b = append(x.b, '\n')
			x.sources(e.Sources)
			if err := x.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Field writers: each starts a new line at item indentation (4 spaces) and
// ends without a newline; the item's first line is "  - id: ...".

func (x *exporter) key(name string) {
	x.b = append(x.b, "\n    "...)
	x.b = append(x.b, name...)
	x.b = append(x.b, ": "...)
}

// blockKey starts a field whose value follows on the next lines.
func (x *exporter) blockKey(name string) {
	x.b = append(x.b, "\n    "...)
	x.b = append(x.b, name...)
	x.b = append(x.b, ':')
}

func (x *exporter) plainField(name, v string) {
	if v == "" {
		return
	}
	x.key(name)
	x.b = append(x.b, v...)
}

func (x *exporter) text(name, v string) {
	if v == "" {
		return
	}
	x.key(name)
	x.b = appendYAMLString(x.b, v)
}

func (x *exporter) date(name string, d graph.Date) {
	if !d.IsZero() {
		x.plainField(name, d.String())
	}
}

func (x *exporter) number(name string, v float64) {
	x.key(name)
	x.b = strconv.AppendFloat(x.b, v, 'f', -1, 64)
}

func (x *exporter) idList(name string, ids []string) {
	if len(ids) == 0 {
		return
	}
	x.key(name)
	x.b = append(x.b, '[')
	for i, id := range ids {
		if i > 0 {
			x.b = append(x.b, ", "...)
		}
		x.b = append(x.b, id...)
	}
	x.b = append(x.b, ']')
}

func (x *exporter) aliases(as []string) {
	if len(as) == 0 {
		return
	}
	x.key("aliases")
	x.b = append(x.b, '[')
	for i, a := range as {
		if i > 0 {
			x.b = append(x.b, ", "...)
		}
		x.b = appendYAMLString(x.b, a)
	}
	x.b = append(x.b, ']')
}

// sources writes a sources list after a completed line.
func (x *exporter) sources(srcs []graph.Source) {
	if len(srcs) == 0 {
		return
	}
	x.b = append(x.b, "    sources:\n"...)
	for _, s := range srcs {
		x.b = append(x.b, "      - document: "...)
		x.b = append(x.b, s.Document...)
		x.b = append(x.b, '\n')
		if s.Quote != "" {
			x.b = append(x.b, "        quote: "...)
			x.b = appendYAMLString(x.b, s.Quote)
			x.b = append(x.b, '\n')
		}
		if s.Locator != "" {
			x.b = append(x.b, "        locator: "...)
			x.b = appendYAMLString(x.b, s.Locator)
			x.b = append(x.b, '\n')
		}
	}
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (x *exporter) node(n *graph.Node, links map[string][]string) {
	if list := listOf(n.Kind); list != x.list {
		x.list = list
		x.b = append(x.b, list...)
		x.b = append(x.b, ":\n"...)
	}
	x.b = append(x.b, "  - id: "...)
	x.b = append(x.b, n.ID...)
	x.text("name", n.Name)
	switch n.Kind {
	case graph.KindPerson:
		x.aliases(n.Aliases)
		x.text("description", n.Description)
	case graph.KindOrganization:
		x.plainField("type", string(n.OrgType))
		x.aliases(n.Aliases)
		x.text("description", n.Description)
		x.text("country", n.Country)
	case graph.KindTopic:
		x.text("description", n.Description)
		if n.Scale != nil {
			x.blockKey("scale")
			x.b = append(x.b, "\n      negative: "...)
			x.b = appendYAMLString(x.b, n.Scale.Negative)
			x.b = append(x.b, "\n      positive: "...)
			x.b = appendYAMLString(x.b, n.Scale.Positive)
		}
		x.plainField("parent", first(links["parent"]))
	case graph.KindDocument:
		x.plainField("type", string(n.DocType))
		x.date("publishedAt", n.PublishedAt)
		x.text("url", n.URL)
		x.text("language", n.Language)
		x.text("text", n.Text)
		x.plainField("publisher", first(x.rev[revKey{graph.Published, n.ID}]))
		x.plainField("event", first(links["event"]))
	case graph.KindEvent:
		x.date("startDate", n.StartDate)
		x.date("endDate", n.EndDate)
		x.text("location", n.Location)
		x.plainField("host", first(x.rev[revKey{graph.Hosted, n.ID}]))
	case graph.KindInitiative:
		x.text("description", n.Description)
		if n.Amount != nil {
			x.key("amount")
			x.b = append(x.b, "{amount: "...)
			x.b = strconv.AppendFloat(x.b, n.Amount.Amount, 'f', -1, 64)
			x.b = append(x.b, ", currency: "...)
			x.b = appendYAMLString(x.b, n.Amount.Currency)
			x.b = append(x.b, '}')
		}
		x.date("announcedAt", n.AnnouncedAt)
		x.idList("announcedBy", x.rev[revKey{graph.Announced, n.ID}])
		x.idList("funders", x.rev[revKey{graph.Funds, n.ID}])
	case graph.KindStance:
		x.plainField("holder", first(links["holder"]))
		x.plainField("topic", first(links["topic"]))
		x.number("position", n.Position)
		x.number("confidence", n.Confidence)
		if n.Neutral {
			x.key("neutral")
			x.b = append(x.b, "true"...)
		}
		x.text("summary", n.Summary)
		if len(n.Quotes) > 0 {
			x.blockKey("quotes")
			for _, q := range n.Quotes {
				x.b = append(x.b, "\n      - text: "...)
				x.b = appendYAMLString(x.b, q.Text)
				x.b = append(x.b, "\n        language: "...)
				x.b = appendYAMLString(x.b, q.Language)
				tl := q.TranslationLanguage
				if q.Translation != "" {
					x.b = append(x.b, "\n        translation: "...)
					x.b = appendYAMLString(x.b, q.Translation)
					if tl == "" {
						tl = "en" // the loader's default, written out
					}
				}
				if tl != "" {
					x.b = append(x.b, "\n        translationLanguage: "...)
					x.b = appendYAMLString(x.b, tl)
				}
				if q.Source != "" {
					x.b = append(x.b, "\n        source: "...)
					x.b = append(x.b, q.Source...)
				}
			}
		}
		x.date("statedAt", n.StatedAt)
		x.plainField("event", first(links["event"]))
		x.plainField("onBehalfOf", first(links["onBehalfOf"]))
		x.plainField("supersedes", first(links["supersedes"]))
		x.idList("respondsTo", links["respondsTo"])
	}
	x.b = append(x.b, '\n')
	x.sources(n.Sources)
}

// appendYAMLString appends s as a YAML double-quoted scalar that go-yaml
// reads back to exactly s: '"' and '\' escaped, and every character YAML
// does not print or reads as a line break (C0 and C1 controls, DEL,
// U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF) as a \x, \u or named escape.
// Invalid UTF-8, which YAML cannot hold, becomes U+FFFD.
func appendYAMLString(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '"':
				dst = append(dst, '\\', '"')
			case c == '\\':
				dst = append(dst, '\\', '\\')
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
			default:
				dst = append(dst, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			r = utf8.RuneError
			dst = utf8.AppendRune(dst, r)
		case r < 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF:
			dst = append(dst, '\\', 'u', hex[r>>12], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
