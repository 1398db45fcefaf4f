package graph

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"strings"
)

// This file is the only place that builds or parses Badger keys. The key
// layout is documented in doc.go.

// Key families within a generation.
const (
	famNode    byte = 'n' // n <id>                      -> node value
	famOut     byte = 'o' // o <from> <type> <to>        -> edge value
	famIn      byte = 'i' // i <to> <type> <from>        -> empty
	famPos     byte = 'p' // p <position f64> <id>       -> empty (stances)
	famDate    byte = 'd' // d <statedAt u32> <id>       -> empty (dated stances)
	famWords   byte = 'w' // w <term> <first id>         -> posting block (postings.go)
	famTextLen byte = 'l' // l <id>                      -> text length u32
	// famTerm held one posting per key before blocks; Open converts it.
	famTerm byte = 't' // t <term> <id> -> term frequency u32, text length u32
)

// Meta keys live in generation 0, which is never dropped.
const metaGen uint32 = 0

var metaKeyGen = metaKey("gen") // the live generation, u32

func metaKey(name string) []byte {
	k := genPrefix(metaGen)
	k = append(k, 'm')
	return appendStr(k, name)
}

// genPrefix returns the 4-byte big-endian prefix of a generation.
func genPrefix(gen uint32) []byte {
	return binary.BigEndian.AppendUint32(make([]byte, 0, 64), gen)
}

// appendStr appends s so that no two strings or string sequences encode to
// the same bytes and byte order equals string order: every 0x00 in s
// becomes 0x00 0xff and the string ends with 0x00 0x01.
func appendStr(k []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			break
		}
		k = append(append(k, s[:i]...), 0, 0xff)
		s = s[i+1:]
	}
	return append(append(k, s...), 0, 1)
}

// appendStrPrefix appends s without its terminator, for prefix scans of
// every string that starts with s.
func appendStrPrefix(k []byte, s string) []byte {
	k = appendStr(k, s)
	return k[:len(k)-2]
}

var errBadKey = errors.New("malformed key")

// readStr decodes one string written by appendStr from the front of k and
// returns the rest.
func readStr(k []byte) (string, []byte, error) {
	buf := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		if k[i] != 0 {
			buf = append(buf, k[i])
			continue
		}
		if i+1 >= len(k) {
			return "", nil, errBadKey
		}
		switch k[i+1] {
		case 0xff:
			buf = append(buf, 0)
			i++
		case 1:
			return string(buf), k[i+2:], nil
		default:
			return "", nil, errBadKey
		}
	}
	return "", nil, errBadKey
}

// keyspace builds the keys of one generation.
type keyspace struct{ gen uint32 }

func (ks keyspace) prefix(fam byte) []byte { return append(genPrefix(ks.gen), fam) }

// appendPrefix appends the generation and family to dst; the keys of a
// bulk load are built into one reused buffer this way.
func (ks keyspace) appendPrefix(dst []byte, fam byte) []byte {
	return append(binary.BigEndian.AppendUint32(dst, ks.gen), fam)
}

// The key builders append to a buffer of their own; their append forms
// let a bulk load build every key into one reused buffer.

func (ks keyspace) node(id string) []byte { return ks.appendNode(make([]byte, 0, 64), id) }

func (ks keyspace) appendNode(dst []byte, id string) []byte {
	return appendStr(ks.appendPrefix(dst, famNode), id)
}

func (ks keyspace) out(t EdgeType, from, to string) []byte {
	return ks.appendOut(make([]byte, 0, 64), t, from, to)
}

func (ks keyspace) appendOut(dst []byte, t EdgeType, from, to string) []byte {
	return appendStr(appendStr(appendStr(ks.appendPrefix(dst, famOut), from), string(t)), to)
}

func (ks keyspace) in(t EdgeType, from, to string) []byte {
	return ks.appendIn(make([]byte, 0, 64), t, from, to)
}

func (ks keyspace) appendIn(dst []byte, t EdgeType, from, to string) []byte {
	return appendStr(appendStr(appendStr(ks.appendPrefix(dst, famIn), to), string(t)), from)
}

func (ks keyspace) pos(p float64, id string) []byte {
	return appendStr(binary.BigEndian.AppendUint64(ks.prefix(famPos), sortableFloat(p)), id)
}

func (ks keyspace) date(d Date, id string) []byte {
	return appendStr(binary.BigEndian.AppendUint32(ks.prefix(famDate), d.sortKey()), id)
}

func (ks keyspace) term(term, id string) []byte {
	return appendStr(appendStr(ks.prefix(famTerm), term), id)
}

func (ks keyspace) postings(term, first string) []byte {
	return ks.appendPostings(make([]byte, 0, 64), term, first)
}

func (ks keyspace) appendPostings(dst []byte, term, first string) []byte {
	return appendStr(appendStr(ks.appendPrefix(dst, famWords), term), first)
}

func (ks keyspace) textLen(id string) []byte { return appendStr(ks.prefix(famTextLen), id) }

// Prefixes for scans.

func (ks keyspace) nodesOfKind(k Kind) []byte {
	return appendStrPrefix(ks.prefix(famNode), k.Prefix()+"/")
}

func (ks keyspace) outOf(from string) []byte { return appendStr(ks.prefix(famOut), from) }

func (ks keyspace) outOfType(from string, t EdgeType) []byte {
	return appendStr(ks.outOf(from), string(t))
}

func (ks keyspace) inOf(to string) []byte { return appendStr(ks.prefix(famIn), to) }

func (ks keyspace) inOfType(to string, t EdgeType) []byte {
	return appendStr(ks.inOf(to), string(t))
}

// postingsOf is the prefix of the posting blocks of term; with prefix set,
// of every term that starts with term.
func (ks keyspace) postingsOf(term string) []byte { return appendStr(ks.prefix(famWords), term) }

func (ks keyspace) postingsStarting(term string) []byte {
	return appendStrPrefix(ks.prefix(famWords), term)
}

// Decoders. Each takes a whole key and checks its family.

func (ks keyspace) body(k []byte, fam byte) ([]byte, error) {
	if len(k) < 5 || binary.BigEndian.Uint32(k) != ks.gen || k[4] != fam {
		return nil, errBadKey
	}
	return k[5:], nil
}

func (ks keyspace) parseNode(k []byte) (string, error) {
	b, err := ks.body(k, famNode)
	if err != nil {
		return "", err
	}
	id, rest, err := readStr(b)
	if err == nil && len(rest) != 0 {
		err = errBadKey
	}
	return id, err
}

// parseEdge decodes an out key (from, type, to) or an in key (to, type, from).
func (ks keyspace) parseEdge(k []byte, fam byte) (t EdgeType, from, to string, err error) {
	b, err := ks.body(k, fam)
	if err != nil {
		return "", "", "", err
	}
	a, b, err := readStr(b)
	if err != nil {
		return "", "", "", err
	}
	ts, b, err := readStr(b)
	if err != nil {
		return "", "", "", err
	}
	c, b, err := readStr(b)
	if err != nil || len(b) != 0 {
		return "", "", "", errBadKey
	}
	if fam == famIn {
		a, c = c, a
	}
	return EdgeType(ts), a, c, nil
}

func (ks keyspace) parsePos(k []byte) (float64, string, error) {
	b, err := ks.body(k, famPos)
	if err != nil || len(b) < 8 {
		return 0, "", errBadKey
	}
	p := unsortableFloat(binary.BigEndian.Uint64(b))
	id, rest, err := readStr(b[8:])
	if err == nil && len(rest) != 0 {
		err = errBadKey
	}
	return p, id, err
}

func (ks keyspace) parseDate(k []byte) (Date, string, error) {
	b, err := ks.body(k, famDate)
	if err != nil || len(b) < 4 {
		return Date{}, "", errBadKey
	}
	d := dateFromKey(binary.BigEndian.Uint32(b))
	id, rest, err := readStr(b[4:])
	if err == nil && len(rest) != 0 {
		err = errBadKey
	}
	return d, id, err
}

// parseTerm decodes a key of the pre-block 't' family.
func (ks keyspace) parseTerm(k []byte) (term, id string, err error) {
	return ks.parseTermID(k, famTerm)
}

// parsePostings decodes the key of a posting block: term and first id.
func (ks keyspace) parsePostings(k []byte) (term, first string, err error) {
	return ks.parseTermID(k, famWords)
}

func (ks keyspace) parseTermID(k []byte, fam byte) (term, id string, err error) {
	b, err := ks.body(k, fam)
	if err != nil {
		return "", "", err
	}
	term, b, err = readStr(b)
	if err != nil {
		return "", "", err
	}
	id, b, err = readStr(b)
	if err == nil && len(b) != 0 {
		err = errBadKey
	}
	return term, id, err
}

// sortableFloat maps a float64 to a uint64 whose order is the float order.
func sortableFloat(f float64) uint64 {
	if f == 0 {
		f = 0 // -0 sorts with +0
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

func unsortableFloat(u uint64) float64 {
	if u&(1<<63) != 0 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

// Cursors are opaque to clients: base64url of a version byte and the id.

func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{1}, id...))
}

func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 1 {
		return "", invalidf("malformed cursor %q", c)
	}
	return string(b[1:]), nil
}
