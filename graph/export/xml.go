package export

import (
	"bufio"
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/stancegraph/stancegraph/graph"
)

// appendXML appends s escaped for XML 1.0 text and attribute values: the
// five markup characters as entities, tab, newline and carriage return as
// character references (so attribute values keep them), characters XML 1.0
// forbids (other C0 controls, U+FFFE, U+FFFF) dropped and invalid UTF-8
// replaced by U+FFFD. Everything else, including RTL scripts, is written
// as UTF-8.
func appendXML(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '&':
				dst = append(dst, "&amp;"...)
			case c == '<':
				dst = append(dst, "&lt;"...)
			case c == '>':
				dst = append(dst, "&gt;"...)
			case c == '"':
				dst = append(dst, "&quot;"...)
			case c == '\'':
				dst = append(dst, "&apos;"...)
			case c == '\t':
				dst = append(dst, "&#x9;"...)
			case c == '\n':
				dst = append(dst, "&#xA;"...)
			case c == '\r':
				dst = append(dst, "&#xD;"...)
			case c < 0x20:
				// forbidden in XML 1.0
			default:
				dst = append(dst, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = utf8.AppendRune(dst, utf8.RuneError)
		case r == 0xFFFE || r == 0xFFFF:
			// forbidden in XML 1.0
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// spellStart and spellEnd turn a possibly partial date into the first and
// the last day it covers, the bounds Edge.ActiveAt uses.
func spellStart(d graph.Date) string {
	m, day := max(d.Month(), 1), max(d.Day(), 1)
	return fmt.Sprintf("%04d-%02d-%02d", d.Year(), m, day)
}

func spellEnd(d graph.Date) string {
	m, day := d.Month(), d.Day()
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = time.Date(d.Year(), time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year(), m, day)
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// writeGraphML writes GraphML (http://graphml.graphdrawing.org) as read
// by networkx's read_graphml, Gephi, yEd and igraph. Every node also gets a
// "label" (its name), which Gephi shows.
func writeGraphML(ctx context.Context, st *graph.Store, sel *Selection, w *bufio.Writer) error {
	na, ea := nodeAttrs(), edgeAttrs()
	b := []byte(xmlHeader)
	b = append(b, `<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">`+"\n"...)
	b = append(b, `<key id="n_label" for="node" attr.name="label" attr.type="string"/>`+"\n"...)
	for _, a := range na {
		if !a.long {
			b = fmt.Appendf(b, `<key id="n_%s" for="node" attr.name="%s" attr.type="%s"/>`+"\n", a.name, a.name, a.typ)
		}
	}
	for _, a := range ea {
		b = fmt.Appendf(b, `<key id="e_%s" for="edge" attr.name="%s" attr.type="%s"/>`+"\n", a.name, a.name, a.typ)
	}
	b = append(b, `<graph id="stancegraph" edgedefault="directed">`+"\n"...)
	if _, err := w.Write(b); err != nil {
		return err
	}
	err := eachNode(ctx, st, sel, func(n *graph.Node) error {
		b = append(b[:0], `<node id="`...)
		b = appendXML(b, n.ID)
		b = append(b, `"><data key="n_label">`...)
		b = appendXML(b, n.Name)
		b = append(b, `</data>`...)
		for _, a := range na {
			if v, ok := a.get(n); ok && !a.long {
				b = appendData(b, "n_", a.name, v)
			}
		}
		b = append(b, "</node>\n"...)
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	err = eachEdge(ctx, st, sel, func(e *graph.Edge) error {
		b = append(b[:0], `<edge id="`...)
		b = appendXML(b, e.ID())
		b = append(b, `" source="`...)
		b = appendXML(b, e.From)
		b = append(b, `" target="`...)
		b = appendXML(b, e.To)
		b = append(b, `">`...)
		for _, a := range ea {
			if v, ok := a.get(e); ok {
				b = appendData(b, "e_", a.name, v)
			}
		}
		b = append(b, "</edge>\n"...)
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = w.WriteString("</graph>\n</graphml>\n")
	return err
}

// writeGEXF writes GEXF 1.3 (https://gexf.net) as read by Gephi and
// networkx's read_gexf: a dynamic graph whose stances live from their
// statedAt and whose edges live from validFrom to validTo, as spells of
// whole days (a partial date starts on its first day and ends on its
// last).
func writeGEXF(ctx context.Context, st *graph.Store, sel *Selection, w *bufio.Writer) error {
	na, ea := nodeAttrs(), edgeAttrs()
	b := []byte(xmlHeader)
	b = append(b, `<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">`+"\n"...)
	b = append(b, `<meta><creator>stancegraph</creator><description>stances on AI regulation: actors, topics, documents, events, initiatives and sourced positions</description></meta>`+"\n"...)
	b = append(b, `<graph mode="dynamic" defaultedgetype="directed" timeformat="date" timerepresentation="interval">`+"\n"...)
	b = append(b, `<attributes class="node" mode="static">`+"\n"...)
	for _, a := range na {
		if !a.long {
			b = fmt.Appendf(b, `<attribute id="%s" title="%s" type="%s"/>`+"\n", a.name, a.name, a.typ)
		}
	}
	b = append(b, "</attributes>\n"+`<attributes class="edge" mode="static">`+"\n"...)
	for _, a := range ea {
		b = fmt.Appendf(b, `<attribute id="%s" title="%s" type="%s"/>`+"\n", a.name, a.name, a.typ)
	}
	b = append(b, "</attributes>\n<nodes>\n"...)
	if _, err := w.Write(b); err != nil {
		return err
	}
	attvalue := func(b []byte, name, v string) []byte {
		b = append(b, `<attvalue for="`...)
		b = append(b, name...)
		b = append(b, `" value="`...)
		b = appendXML(b, v)
		return append(b, `"/>`...)
	}
	err := eachNode(ctx, st, sel, func(n *graph.Node) error {
		b = append(b[:0], `<node id="`...)
		b = appendXML(b, n.ID)
		b = append(b, `" label="`...)
		b = appendXML(b, n.Name)
		b = append(b, `"><attvalues>`...)
		for _, a := range na {
			if v, ok := a.get(n); ok && !a.long {
				b = attvalue(b, a.name, v)
			}
		}
		b = append(b, `</attvalues>`...)
		if n.Kind == graph.KindStance && !n.StatedAt.IsZero() {
			b = append(b, `<spells><spell start="`...)
			b = append(b, spellStart(n.StatedAt)...)
			b = append(b, `"/></spells>`...)
		}
		b = append(b, "</node>\n"...)
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := w.WriteString("</nodes>\n<edges>\n"); err != nil {
		return err
	}
	err = eachEdge(ctx, st, sel, func(e *graph.Edge) error {
		b = append(b[:0], `<edge id="`...)
		b = appendXML(b, e.ID())
		b = append(b, `" source="`...)
		b = appendXML(b, e.From)
		b = append(b, `" target="`...)
		b = appendXML(b, e.To)
		b = append(b, `" label="`...)
		b = appendXML(b, string(e.Type))
		b = append(b, `"><attvalues>`...)
		for _, a := range ea {
			if v, ok := a.get(e); ok {
				b = attvalue(b, a.name, v)
			}
		}
		b = append(b, `</attvalues>`...)
		if !e.ValidFrom.IsZero() || !e.ValidTo.IsZero() {
			b = append(b, `<spells><spell`...)
			if !e.ValidFrom.IsZero() {
				b = append(b, ` start="`...)
				b = append(b, spellStart(e.ValidFrom)...)
				b = append(b, '"')
			}
			if !e.ValidTo.IsZero() {
				b = append(b, ` end="`...)
				b = append(b, spellEnd(e.ValidTo)...)
				b = append(b, '"')
			}
			b = append(b, `/></spells>`...)
		}
		b = append(b, "</edge>\n"...)
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = w.WriteString("</edges>\n</graph>\n</gexf>\n")
	return err
}

// appendData appends a GraphML <data> element for the attribute key
// prefix+name with the escaped value v.
func appendData(b []byte, prefix, name, v string) []byte {
	b = append(b, `<data key="`...)
	b = append(b, prefix...)
	b = append(b, name...)
	b = append(b, `">`...)
	b = appendXML(b, v)
	return append(b, `</data>`...)
}
