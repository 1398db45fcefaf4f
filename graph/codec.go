package graph

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Value encodings. Nodes and edges are stored in a compact binary form
// behind a version byte. Node values are a sequence of fields, each a
// uvarint key (field number << 3 | wire type) and a payload: a uvarint, 8
// bytes of a float64, or a length-prefixed byte string (also used for
// nested records such as a source). A decoder skips fields it does not
// know, so fields can be added without a migration. Edges keep their
// identity (type, from, to) in the key and the rest in a fixed sequence.

const (
	nodeCodecV2 byte = 2
	edgeCodecV1 byte = 1
)

// Wire types.
const (
	wireVarint = 0
	wireFixed  = 1
	wireBytes  = 2
)

// Node field numbers. Never reuse a number.
const (
	fID = iota + 1
	fKind
	fName
	fAlias
	fDescription
	fSource
	fOrigin
	fOrgType
	fCountry
	fScale
	fPosition
	fConfidence
	fNeutral
	fSummary
	fQuote
	fStatedAt
	fDocType
	fPublishedAt
	fURL
	fLanguage
	fText
	fStartDate
	fEndDate
	fLocation
	fAmount
	fAnnouncedAt
)

var errBadValue = errors.New("malformed value")

// fieldWriter appends fields to a value. scratch holds a nested record
// while it is built, kept to be reused by the next one.
type fieldWriter struct{ b, scratch []byte }

func (w *fieldWriter) key(f, wire int) { w.b = binary.AppendUvarint(w.b, uint64(f<<3|wire)) }

func (w *fieldWriter) str(f int, s string) {
	if s != "" {
		w.key(f, wireBytes)
		w.b = appendLenStr(w.b, s)
	}
}

func (w *fieldWriter) uint(f int, v uint64) {
	if v != 0 {
		w.key(f, wireVarint)
		w.b = binary.AppendUvarint(w.b, v)
	}
}

func (w *fieldWriter) float(f int, v float64) {
	if v != 0 {
		w.key(f, wireFixed)
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
	}
}

func (w *fieldWriter) date(f int, d Date) { w.uint(f, uint64(d.sortKey())) }

// nested writes a record built by fn as one length-prefixed field.
func (w *fieldWriter) nested(f int, fn func(w *fieldWriter)) {
	inner := fieldWriter{b: w.scratch[:0]}
	fn(&inner)
	w.key(f, wireBytes)
	w.b = binary.AppendUvarint(w.b, uint64(len(inner.b)))
	w.b = append(w.b, inner.b...)
	w.scratch = inner.b
}

func encodeNode(n *Node) ([]byte, error) {
	w := fieldWriter{b: make([]byte, 0, 64+len(n.Name)+len(n.Text)+len(n.Summary)+len(n.Description))}
	w.node(n)
	return w.b, nil
}

// node appends the encoding of n to w.b; a bulk load reuses one writer
// for every node.
func (w *fieldWriter) node(n *Node) {
	w.b = append(w.b, nodeCodecV2)
	w.str(fID, n.ID)
	w.uint(fKind, uint64(n.Kind))
	w.str(fName, n.Name)
	for _, a := range n.Aliases {
		w.key(fAlias, wireBytes)
		w.b = appendLenStr(w.b, a)
	}
	w.str(fDescription, n.Description)
	for _, s := range n.Sources {
		w.nested(fSource, func(w *fieldWriter) {
			w.str(1, s.Document)
			w.str(2, s.Quote)
			w.str(3, s.Locator)
		})
	}
	w.str(fOrigin, n.Origin)
	w.str(fOrgType, string(n.OrgType))
	w.str(fCountry, n.Country)
	if n.Scale != nil {
		w.nested(fScale, func(w *fieldWriter) {
			w.str(1, n.Scale.Negative)
			w.str(2, n.Scale.Positive)
		})
	}
	w.float(fPosition, n.Position)
	w.float(fConfidence, n.Confidence)
	if n.Neutral {
		w.uint(fNeutral, 1)
	}
	w.str(fSummary, n.Summary)
	for _, q := range n.Quotes {
		w.nested(fQuote, func(w *fieldWriter) {
			w.str(1, q.Text)
			w.str(2, q.Language)
			w.str(3, q.Translation)
			w.str(4, q.TranslationLanguage)
			w.str(5, q.Source)
		})
	}
	w.date(fStatedAt, n.StatedAt)
	w.str(fDocType, string(n.DocType))
	w.date(fPublishedAt, n.PublishedAt)
	w.str(fURL, n.URL)
	w.str(fLanguage, n.Language)
	w.str(fText, n.Text)
	w.date(fStartDate, n.StartDate)
	w.date(fEndDate, n.EndDate)
	w.str(fLocation, n.Location)
	if n.Amount != nil {
		w.nested(fAmount, func(w *fieldWriter) {
			w.key(1, wireFixed) // always written: an amount of 0 is an amount
			w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(n.Amount.Amount))
			w.str(2, n.Amount.Currency)
		})
	}
	w.date(fAnnouncedAt, n.AnnouncedAt)
}

// fieldReader walks the fields of a value.
type fieldReader struct {
	r reader
}

// next reads the next field's number and wire type; ok is false at the end
// or on error.
func (fr *fieldReader) next() (f, wire int, ok bool) {
	if fr.r.err != nil || len(fr.r.b) == 0 {
		return 0, 0, false
	}
	k := fr.r.uvarint()
	if k>>3 > 1<<20 {
		fr.r.err = errBadValue
	}
	return int(k >> 3), int(k & 7), fr.r.err == nil
}

func (fr *fieldReader) bytes() []byte {
	n := fr.r.uvarint()
	if fr.r.err != nil || n > uint64(len(fr.r.b)) {
		fr.r.err = errBadValue
		return nil
	}
	v := fr.r.b[:n]
	fr.r.b = fr.r.b[n:]
	return v
}

func (fr *fieldReader) float() float64 {
	if fr.r.err != nil || len(fr.r.b) < 8 {
		fr.r.err = errBadValue
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(fr.r.b))
	fr.r.b = fr.r.b[8:]
	return v
}

// skip passes over a field of an unknown number.
func (fr *fieldReader) skip(wire int) {
	switch wire {
	case wireVarint:
		fr.r.uvarint()
	case wireFixed:
		fr.float()
	case wireBytes:
		fr.bytes()
	default:
		fr.r.err = errBadValue
	}
}

// want checks that a known field came with its wire type.
func (fr *fieldReader) want(wire, want int) bool {
	if wire != want {
		fr.r.err = errBadValue
	}
	return fr.r.err == nil
}

func (fr *fieldReader) date(wire int) Date {
	if !fr.want(wire, wireVarint) {
		return Date{}
	}
	v := fr.r.uvarint()
	if v > math.MaxUint32 {
		fr.r.err = errBadValue
	}
	return dateFromKey(uint32(v))
}

// strings decodes a nested record of string fields 1..len(dst).
func (fr *fieldReader) strings(wire int, dst ...*string) {
	if !fr.want(wire, wireBytes) {
		return
	}
	inner := fieldReader{r: reader{b: fr.bytes()}}
	for {
		f, w, ok := inner.next()
		if !ok {
			break
		}
		if f >= 1 && f <= len(dst) && w == wireBytes {
			*dst[f-1] = string(inner.bytes())
		} else {
			inner.skip(w)
		}
	}
	if inner.r.err != nil {
		fr.r.err = inner.r.err
	}
}

func decodeNode(v []byte, n *Node) error {
	if len(v) == 0 || v[0] != nodeCodecV2 {
		return fmt.Errorf("%w: node value version", ErrCorrupt)
	}
	fr := fieldReader{r: reader{b: v[1:]}}
	str := func(wire int) string {
		if !fr.want(wire, wireBytes) {
			return ""
		}
		return string(fr.bytes())
	}
	for {
		f, wire, ok := fr.next()
		if !ok {
			break
		}
		switch f {
		case fID:
			n.ID = str(wire)
		case fKind:
			if fr.want(wire, wireVarint) {
				n.Kind = Kind(fr.r.uvarint())
			}
		case fName:
			n.Name = str(wire)
		case fAlias:
			if len(n.Aliases) < MaxListLen {
				n.Aliases = append(n.Aliases, str(wire))
			} else {
				fr.r.err = errBadValue
			}
		case fDescription:
			n.Description = str(wire)
		case fSource:
			var s Source
			fr.strings(wire, &s.Document, &s.Quote, &s.Locator)
			if len(n.Sources) >= MaxListLen {
				fr.r.err = errBadValue
			}
			n.Sources = append(n.Sources, s)
		case fOrigin:
			n.Origin = str(wire)
		case fOrgType:
			n.OrgType = OrgType(str(wire))
		case fCountry:
			n.Country = str(wire)
		case fScale:
			sc := &Scale{}
			fr.strings(wire, &sc.Negative, &sc.Positive)
			n.Scale = sc
		case fPosition:
			if fr.want(wire, wireFixed) {
				n.Position = fr.float()
			}
		case fConfidence:
			if fr.want(wire, wireFixed) {
				n.Confidence = fr.float()
			}
		case fNeutral:
			if fr.want(wire, wireVarint) {
				n.Neutral = fr.r.uvarint() != 0
			}
		case fSummary:
			n.Summary = str(wire)
		case fQuote:
			var q Quote
			fr.strings(wire, &q.Text, &q.Language, &q.Translation, &q.TranslationLanguage, &q.Source)
			if len(n.Quotes) >= MaxListLen {
				fr.r.err = errBadValue
			}
			n.Quotes = append(n.Quotes, q)
		case fStatedAt:
			n.StatedAt = fr.date(wire)
		case fDocType:
			n.DocType = DocType(str(wire))
		case fPublishedAt:
			n.PublishedAt = fr.date(wire)
		case fURL:
			n.URL = str(wire)
		case fLanguage:
			n.Language = str(wire)
		case fText:
			n.Text = str(wire)
		case fStartDate:
			n.StartDate = fr.date(wire)
		case fEndDate:
			n.EndDate = fr.date(wire)
		case fLocation:
			n.Location = str(wire)
		case fAmount:
			if !fr.want(wire, wireBytes) {
				break
			}
			inner := fieldReader{r: reader{b: fr.bytes()}}
			m := &Money{}
			for {
				g, w, ok := inner.next()
				if !ok {
					break
				}
				switch {
				case g == 1 && w == wireFixed:
					m.Amount = inner.float()
				case g == 2 && w == wireBytes:
					m.Currency = string(inner.bytes())
				default:
					inner.skip(w)
				}
			}
			if inner.r.err != nil {
				fr.r.err = inner.r.err
			}
			n.Amount = m
		case fAnnouncedAt:
			n.AnnouncedAt = fr.date(wire)
		default:
			fr.skip(wire)
		}
	}
	if fr.r.err != nil {
		return fmt.Errorf("%w: node value", ErrCorrupt)
	}
	return nil
}

func encodeEdge(e *Edge) []byte {
	return appendEdge(make([]byte, 0, 16+len(e.Role)+len(e.Origin)), e)
}

// appendEdge appends the encoding of e's value fields to b.
func appendEdge(b []byte, e *Edge) []byte {
	b = append(b, edgeCodecV1)
	b = appendLenStr(b, e.Role)
	b = binary.BigEndian.AppendUint32(b, e.ValidFrom.sortKey())
	b = binary.BigEndian.AppendUint32(b, e.ValidTo.sortKey())
	b = appendLenStr(b, e.Origin)
	b = binary.AppendUvarint(b, uint64(len(e.Sources)))
	for _, s := range e.Sources {
		b = appendLenStr(b, s.Document)
		b = appendLenStr(b, s.Quote)
		b = appendLenStr(b, s.Locator)
	}
	return b
}

// decodeNodeName reads only the name of a node value (the third field, so
// that it stops early), for a scan that builds mem.
func decodeNodeName(v []byte) (string, error) {
	if len(v) == 0 || v[0] != nodeCodecV2 {
		return "", fmt.Errorf("%w: node value version", ErrCorrupt)
	}
	fr := fieldReader{r: reader{b: v[1:]}}
	var name string
	for {
		f, wire, ok := fr.next()
		if !ok {
			break
		}
		if f != fName {
			fr.skip(wire)
			continue
		}
		if fr.want(wire, wireBytes) {
			name = string(fr.bytes())
		}
		break
	}
	if fr.r.err != nil {
		return "", fmt.Errorf("%w: node value", ErrCorrupt)
	}
	return name, nil
}

// decodeEdge fills the value fields of e; the caller sets the identity.
func decodeEdge(v []byte, e *Edge) error {
	if len(v) == 0 || v[0] != edgeCodecV1 {
		return fmt.Errorf("%w: edge value version", ErrCorrupt)
	}
	r := reader{b: v[1:]}
	e.Role = r.str()
	e.ValidFrom = dateFromKey(r.u32())
	e.ValidTo = dateFromKey(r.u32())
	e.Origin = r.str()
	n := r.uvarint()
	if n > MaxListLen {
		r.err = errBadValue
	}
	e.Sources = nil
	for i := uint64(0); i < n && r.err == nil; i++ {
		e.Sources = append(e.Sources, Source{Document: r.str(), Quote: r.str(), Locator: r.str()})
	}
	if r.err != nil || len(r.b) != 0 {
		return fmt.Errorf("%w: edge value", ErrCorrupt)
	}
	return nil
}

func appendLenStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader decodes a value, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadValue
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) u32() uint32 {
	if r.err != nil || len(r.b) < 4 {
		r.err = errBadValue
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) str() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errBadValue
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
