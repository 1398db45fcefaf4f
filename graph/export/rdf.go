package export

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stancegraph/stancegraph/graph"
)

// The IRIs of the N-Quads export. A node's IRI is NodeNS followed by its id
// (https://stancegraph.org/id/person/olaf-scholz); predicates and classes
// live under Ontology; the named graph of a node or edge is OriginNS
// followed by its origin, the seed file that wrote it.
const (
	NodeNS   = "https://stancegraph.org/id/"
	Ontology = "https://stancegraph.org/ontology#"
	OriginNS = "https://stancegraph.org/origin/"

	rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	xsdNS = "http://www.w3.org/2001/XMLSchema#"
)

// appendIRI appends <prefix+s>, percent-encoding every byte of s that is
// not an unreserved URI character or '/'.
func appendIRI(dst []byte, prefix, s string) []byte {
	dst = append(dst, '<')
	dst = append(dst, prefix...)
	dst = appendPct(dst, s)
	return append(dst, '>')
}

// fragIRI returns <NodeNS+id#frag>.
func fragIRI(id, frag string) []byte {
	b := append([]byte{'<'}, NodeNS...)
	b = appendPct(b, id)
	b = append(b, '#')
	b = append(b, frag...)
	return append(b, '>')
}

func appendPct(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// appendLiteral appends s as an N-Quads string literal: '"', '\' and the
// line breaks escaped as \" \\ \n \r, tab as \t, other control characters
// as \u00XX, invalid UTF-8 replaced by U+FFFD. The same escapes are Go's,
// so Dgraph's loaders (strconv.Unquote) read it too.
func appendLiteral(dst []byte, s string) []byte {
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
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				dst = append(dst, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// validLang reports whether s is a language tag the N-Quads grammar
// accepts: [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*.
func validLang(s string) bool {
	if s == "" {
		return false
	}
	first, sub := true, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			sub++
		case c >= '0' && c <= '9' && !first:
			sub++
		case c == '-' && sub > 0:
			first, sub = false, 0
		default:
			return false
		}
	}
	return sub > 0
}

// className turns a kind into a class name: PERSON -> Person.
func className(k graph.Kind) string {
	s := k.String()
	return s[:1] + strings.ToLower(s[1:])
}

// quads builds N-Quads lines for one node or edge in a reused buffer.
type quads struct {
	b     []byte
	graph []byte // " <graph> .\n"
}

func (q *quads) setGraph(origin string) {
	q.graph = append(q.graph[:0], ' ')
	if origin == "" {
		q.graph = append(q.graph, "<"+strings.TrimSuffix(OriginNS, "/")+">"...)
	} else {
		q.graph = appendIRI(q.graph, OriginNS, origin)
	}
	q.graph = append(q.graph, " .\n"...)
}

// subject and predicate start a line; the object methods end it.
func (q *quads) start(subject []byte, pred string) {
	q.b = append(q.b, subject...)
	q.b = append(q.b, " <"...)
	q.b = append(q.b, pred...)
	q.b = append(q.b, "> "...)
}

func (q *quads) end() { q.b = append(q.b, q.graph...) }

func (q *quads) iri(subject []byte, pred string, obj []byte) {
	q.start(subject, pred)
	q.b = append(q.b, obj...)
	q.end()
}

func (q *quads) lit(subject []byte, pred, v string) {
	if v == "" {
		return
	}
	q.start(subject, pred)
	q.b = appendLiteral(q.b, v)
	q.end()
}

func (q *quads) lang(subject []byte, pred, v, lang string) {
	if v == "" {
		return
	}
	q.start(subject, pred)
	q.b = appendLiteral(q.b, v)
	if validLang(lang) {
		q.b = append(q.b, '@')
		q.b = append(q.b, lang...)
	}
	q.end()
}

func (q *quads) typed(subject []byte, pred, v, typ string) {
	q.start(subject, pred)
	q.b = appendLiteral(q.b, v)
	q.b = append(q.b, "^^<"...)
	q.b = append(q.b, typ...)
	q.b = append(q.b, '>')
	q.end()
}

func (q *quads) date(subject []byte, pred string, d graph.Date) {
	if d.IsZero() {
		return
	}
	typ := xsdNS + "date"
	switch {
	case d.Month() == 0:
		typ = xsdNS + "gYear"
	case d.Day() == 0:
		typ = xsdNS + "gYearMonth"
	}
	q.typed(subject, pred, d.String(), typ)
}

func (q *quads) sources(subject []byte, base string, srcs []graph.Source) {
	for i, s := range srcs {
		res := fragIRI(base, "source-"+strconv.Itoa(i+1))
		q.iri(subject, Ontology+"source", res)
		q.iri(res, rdfNS+"type", []byte("<"+Ontology+"Source>"))
		q.iri(res, Ontology+"document", appendIRI(nil, NodeNS, s.Document))
		q.lit(res, Ontology+"excerpt", s.Quote)
		q.lit(res, Ontology+"locator", s.Locator)
	}
}

// writeNQuads writes RDF 1.1 N-Quads: every node and edge in the named
// graph of its origin. A node is <NodeNS+id> with rdf:type <Ontology+Kind>
// and a literal per field; quotes and sources are resources of their own
// (<...#quote-1>, <...#source-1>) so that a quote keeps its language-tagged
// text, translation and source together. An edge is one triple
// <from> <Ontology+HELD_BY> <to> (relations keep their enum names, so none
// collides with a field such as statedAt); an edge with a role, dates or sources is
// also reified as an rdf:Statement <NodeNS+edge/from/TYPE/to> carrying them.
func writeNQuads(ctx context.Context, st *graph.Store, sel *Selection, w *bufio.Writer) error {
	var q quads
	var subj []byte
	err := eachNode(ctx, st, sel, func(n *graph.Node) error {
		q.b = q.b[:0]
		q.setGraph(n.Origin)
		subj = appendIRI(subj[:0], NodeNS, n.ID)
		o := Ontology
		q.iri(subj, rdfNS+"type", []byte("<"+o+className(n.Kind)+">"))
		q.lit(subj, o+"id", n.ID)
		q.lit(subj, o+"name", n.Name)
		for _, a := range n.Aliases {
			q.lit(subj, o+"alias", a)
		}
		q.lit(subj, o+"description", n.Description)
		q.lit(subj, o+"orgType", string(n.OrgType))
		q.lit(subj, o+"country", n.Country)
		if n.Scale != nil {
			q.lit(subj, o+"scaleNegative", n.Scale.Negative)
			q.lit(subj, o+"scalePositive", n.Scale.Positive)
		}
		if n.Kind == graph.KindStance {
			q.typed(subj, o+"position", num(n.Position), xsdNS+"double")
			q.typed(subj, o+"confidence", num(n.Confidence), xsdNS+"double")
			q.typed(subj, o+"neutral", strconv.FormatBool(n.Neutral), xsdNS+"boolean")
			q.lit(subj, o+"label", string(n.Label()))
		}
		q.lit(subj, o+"summary", n.Summary)
		q.date(subj, o+"statedAt", n.StatedAt)
		for i, qt := range n.Quotes {
			res := fragIRI(n.ID, "quote-"+strconv.Itoa(i+1))
			q.iri(subj, o+"quote", res)
			q.iri(res, rdfNS+"type", []byte("<"+o+"Quote>"))
			q.lang(res, o+"text", qt.Text, qt.Language)
			q.lang(res, o+"translation", qt.Translation, qt.TranslationLanguage)
			if qt.Source != "" {
				q.iri(res, o+"source", appendIRI(nil, NodeNS, qt.Source))
			}
		}
		q.lit(subj, o+"docType", string(n.DocType))
		q.date(subj, o+"publishedAt", n.PublishedAt)
		if n.URL != "" {
			q.typed(subj, o+"url", n.URL, xsdNS+"anyURI")
		}
		q.lit(subj, o+"language", n.Language)
		q.lang(subj, o+"text", n.Text, n.Language)
		q.date(subj, o+"startDate", n.StartDate)
		q.date(subj, o+"endDate", n.EndDate)
		q.lit(subj, o+"location", n.Location)
		if n.Amount != nil {
			q.typed(subj, o+"amount", num(n.Amount.Amount), xsdNS+"decimal")
			q.lit(subj, o+"currency", n.Amount.Currency)
		}
		q.date(subj, o+"announcedAt", n.AnnouncedAt)
		q.sources(subj, n.ID, n.Sources)
		_, err := w.Write(q.b)
		return err
	})
	if err != nil {
		return err
	}
	var from, to []byte
	return eachEdge(ctx, st, sel, func(e *graph.Edge) error {
		q.b = q.b[:0]
		q.setGraph(e.Origin)
		from = appendIRI(from[:0], NodeNS, e.From)
		to = appendIRI(to[:0], NodeNS, e.To)
		pred := Ontology + string(e.Type)
		q.iri(from, pred, to)
		if e.Role != "" || !e.ValidFrom.IsZero() || !e.ValidTo.IsZero() || len(e.Sources) > 0 {
			base := "edge/" + e.From + "/" + string(e.Type) + "/" + e.To
			subj = appendIRI(subj[:0], NodeNS, base)
			q.iri(subj, rdfNS+"type", []byte("<"+rdfNS+"Statement>"))
			q.iri(subj, rdfNS+"subject", from)
			q.iri(subj, rdfNS+"predicate", []byte("<"+pred+">"))
			q.iri(subj, rdfNS+"object", to)
			q.lit(subj, Ontology+"role", e.Role)
			q.date(subj, Ontology+"validFrom", e.ValidFrom)
			q.date(subj, Ontology+"validTo", e.ValidTo)
			q.sources(subj, base, e.Sources)
		}
		_, err := w.Write(q.b)
		return err
	})
}

// appendBlank appends the blank node of a node id, _:kind.slug: Dgraph
// allows no '/' in blank node names, and none may end with '.', so a slug
// ending in '.' gets a 'Z' (slugs are lower case, so this cannot collide).
func appendBlank(dst []byte, id string) []byte {
	dst = append(dst, "_:"...)
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == '/':
			dst = append(dst, '.')
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.':
			dst = append(dst, c)
		default: // not in a valid id; keep the name valid and distinct
			dst = fmt.Appendf(dst, "X%02X", c)
		}
	}
	if dst[len(dst)-1] == '.' {
		dst = append(dst, 'Z')
	}
	return dst
}

// dgraphNodePredicates lists the predicates of the Dgraph type of a kind.
func dgraphNodePredicates(k graph.Kind) []string {
	preds := []string{"xid", "name", "aliases", "description", "origin", "sources"}
	switch k {
	case graph.KindOrganization:
		preds = append(preds, "orgType", "country")
	case graph.KindTopic:
		preds = append(preds, "scaleNegative", "scalePositive")
	case graph.KindStance:
		preds = append(preds, "position", "confidence", "neutral", "label", "summary", "statedAt", "quotes")
	case graph.KindDocument:
		preds = append(preds, "docType", "publishedAt", "url", "language", "text")
	case graph.KindEvent:
		preds = append(preds, "startDate", "endDate", "location")
	case graph.KindInitiative:
		preds = append(preds, "amount", "currency", "announcedAt")
	}
	// The edge types that may start at this kind, found by asking the
	// model's own validation.
	for _, t := range graph.EdgeTypes() {
		for _, to := range graph.Kinds() {
			e := graph.Edge{Type: t, From: k.Prefix() + "/a", To: to.Prefix() + "/b"}
			if e.Validate() == nil {
				preds = append(preds, string(t))
				break
			}
		}
	}
	return preds
}

// DgraphSchema returns the Dgraph schema (types and predicates with their
// indexes) for the data Write writes in the dgraph format; give both to
// dgraph live (-f data.rdf -s schema.txt) or dgraph bulk.
func DgraphSchema() string {
	var b strings.Builder
	b.WriteString(`# Dgraph schema for a stancegraph export (stancegraph export --format dgraph).
# Dates are strings in ISO order (2025 < 2025-02 < 2025-02-11): they may be
# partial, and the exact index supports eq, lt, le, gt and ge on them.
xid: string @index(exact) @upsert .
name: string @index(term, fulltext, trigram) .
aliases: [string] @index(term) .
description: string @index(fulltext) .
origin: string @index(exact) .
sources: [uid] .
orgType: string @index(exact) .
country: string @index(exact) .
scaleNegative: string .
scalePositive: string .
position: float @index(float) .
confidence: float @index(float) .
neutral: bool @index(bool) .
label: string @index(exact) .
summary: string @index(fulltext) .
statedAt: string @index(exact) .
quotes: [uid] .
docType: string @index(exact) .
publishedAt: string @index(exact) .
url: string .
language: string @index(exact) .
text: string @index(fulltext) .
startDate: string @index(exact) .
endDate: string @index(exact) .
location: string @index(term) .
amount: float @index(float) .
currency: string @index(exact) .
announcedAt: string @index(exact) .
quoteText: string @lang @index(fulltext) .
translation: string @lang @index(fulltext) .
quoteSource: uid @reverse .
document: uid @reverse .
excerpt: string .
locator: string .
`)
	for _, t := range graph.EdgeTypes() {
		fmt.Fprintf(&b, "%s: [uid] @reverse @count .\n", t)
	}
	for _, k := range graph.Kinds() {
		fmt.Fprintf(&b, "\ntype %s {\n", className(k))
		for _, p := range dgraphNodePredicates(k) {
			fmt.Fprintf(&b, "  %s\n", p)
		}
		b.WriteString("}\n")
	}
	b.WriteString("\ntype Quote {\n  quoteText\n  translation\n  quoteSource\n}\n")
	b.WriteString("\ntype Source {\n  document\n  excerpt\n  locator\n}\n")
	return b.String()
}

// dgraphLines builds Dgraph RDF lines (triples; Dgraph reads a fourth term
// as a namespace, so provenance is the origin predicate and facet).
type dgraphLines struct{ b []byte }

func (d *dgraphLines) start(subj []byte, pred string) {
	d.b = append(d.b, subj...)
	d.b = append(d.b, " <"...)
	d.b = append(d.b, pred...)
	d.b = append(d.b, "> "...)
}

func (d *dgraphLines) lit(subj []byte, pred, v string) {
	if v == "" {
		return
	}
	d.start(subj, pred)
	d.b = appendLiteral(d.b, v)
	d.b = append(d.b, " .\n"...)
}

func (d *dgraphLines) lang(subj []byte, pred, v, lang string) {
	if v == "" {
		return
	}
	d.start(subj, pred)
	d.b = appendLiteral(d.b, v)
	if validLang(lang) {
		d.b = append(d.b, '@')
		d.b = append(d.b, lang...)
	}
	d.b = append(d.b, " .\n"...)
}

func (d *dgraphLines) typed(subj []byte, pred, v, typ string) {
	d.start(subj, pred)
	d.b = appendLiteral(d.b, v)
	d.b = append(d.b, "^^<"...)
	d.b = append(d.b, typ...)
	d.b = append(d.b, "> .\n"...)
}

func (d *dgraphLines) uid(subj []byte, pred string, obj []byte) {
	d.start(subj, pred)
	d.b = append(d.b, obj...)
	d.b = append(d.b, " .\n"...)
}

func (d *dgraphLines) date(subj []byte, pred string, v graph.Date) { d.lit(subj, pred, v.String()) }

func (d *dgraphLines) sources(subj []byte, srcs []graph.Source) {
	for i, s := range srcs {
		res := append(append([]byte(nil), subj...), 'S')
		res = strconv.AppendInt(res, int64(i+1), 10)
		d.uid(subj, "sources", res)
		d.lit(res, "dgraph.type", "Source")
		d.uid(res, "document", appendBlank(nil, s.Document))
		d.lit(res, "excerpt", s.Quote)
		d.lit(res, "locator", s.Locator)
	}
}

// writeDgraph writes RDF for Dgraph's live and bulk loaders: every node is
// the blank node _:kind.slug with dgraph.type, its id as xid and a
// predicate per field; quotes and sources are nodes of types Quote and
// Source (_:kind.slugQ1, _:kind.slugS1); an edge is <TYPE> between the blank
// nodes, with role, validFrom, validTo, origin and sources (JSON) as
// facets.
func writeDgraph(ctx context.Context, st *graph.Store, sel *Selection, w *bufio.Writer) error {
	var d dgraphLines
	var subj []byte
	err := eachNode(ctx, st, sel, func(n *graph.Node) error {
		d.b = d.b[:0]
		subj = appendBlank(subj[:0], n.ID)
		d.lit(subj, "dgraph.type", className(n.Kind))
		d.lit(subj, "xid", n.ID)
		d.lit(subj, "name", n.Name)
		for _, a := range n.Aliases {
			d.lit(subj, "aliases", a)
		}
		d.lit(subj, "description", n.Description)
		d.lit(subj, "origin", n.Origin)
		d.lit(subj, "orgType", string(n.OrgType))
		d.lit(subj, "country", n.Country)
		if n.Scale != nil {
			d.lit(subj, "scaleNegative", n.Scale.Negative)
			d.lit(subj, "scalePositive", n.Scale.Positive)
		}
		if n.Kind == graph.KindStance {
			d.typed(subj, "position", num(n.Position), "xs:double")
			d.typed(subj, "confidence", num(n.Confidence), "xs:double")
			d.typed(subj, "neutral", strconv.FormatBool(n.Neutral), "xs:boolean")
			d.lit(subj, "label", string(n.Label()))
		}
		d.lit(subj, "summary", n.Summary)
		d.date(subj, "statedAt", n.StatedAt)
		for i, qt := range n.Quotes {
			res := append(append([]byte(nil), subj...), 'Q')
			res = strconv.AppendInt(res, int64(i+1), 10)
			d.uid(subj, "quotes", res)
			d.lit(res, "dgraph.type", "Quote")
			d.lang(res, "quoteText", qt.Text, qt.Language)
			d.lang(res, "translation", qt.Translation, qt.TranslationLanguage)
			if qt.Source != "" {
				d.uid(res, "quoteSource", appendBlank(nil, qt.Source))
			}
		}
		d.lit(subj, "docType", string(n.DocType))
		d.date(subj, "publishedAt", n.PublishedAt)
		d.lit(subj, "url", n.URL)
		d.lit(subj, "language", n.Language)
		d.lit(subj, "text", n.Text)
		d.date(subj, "startDate", n.StartDate)
		d.date(subj, "endDate", n.EndDate)
		d.lit(subj, "location", n.Location)
		if n.Amount != nil {
			d.typed(subj, "amount", num(n.Amount.Amount), "xs:double")
			d.lit(subj, "currency", n.Amount.Currency)
		}
		d.date(subj, "announcedAt", n.AnnouncedAt)
		d.sources(subj, n.Sources)
		_, err := w.Write(d.b)
		return err
	})
	if err != nil {
		return err
	}
	var to []byte
	return eachEdge(ctx, st, sel, func(e *graph.Edge) error {
		d.b = d.b[:0]
		subj = appendBlank(subj[:0], e.From)
		to = appendBlank(to[:0], e.To)
		d.start(subj, string(e.Type))
		d.b = append(d.b, to...)
		sep := " ("
		facet := func(k, v string) {
			if v == "" {
				return
			}
			d.b = append(d.b, sep...)
			d.b = append(d.b, k...)
			d.b = append(d.b, '=')
			d.b = appendLiteral(d.b, v)
			sep = ", "
		}
		facet("role", e.Role)
		facet("validFrom", e.ValidFrom.String())
		facet("validTo", e.ValidTo.String())
		facet("origin", e.Origin)
		if s, ok := jsonCell(e.Sources); ok {
			facet("sources", s)
		}
		if sep == ", " {
			d.b = append(d.b, ')')
		}
		d.b = append(d.b, " .\n"...)
		_, err := w.Write(d.b)
		return err
	})
}
