package graph

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// Value encodings. Nodes are JSON behind a version byte: they are few,
// rich and read one at a time, and JSON lets fields be added without a
// migration. Edges are many and small, so they use a compact binary form;
// their identity (type, from, to) lives in the key, not the value.

const (
	nodeCodecV1 byte = 1
	edgeCodecV1 byte = 1
)

var errBadValue = errors.New("malformed value")

func encodeNode(n *Node) ([]byte, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("encode node %s: %w", n.ID, err)
	}
	return append([]byte{nodeCodecV1}, b...), nil
}

func decodeNode(v []byte, n *Node) error {
	if len(v) == 0 || v[0] != nodeCodecV1 {
		return fmt.Errorf("%w: node value version", ErrCorrupt)
	}
	if err := json.Unmarshal(v[1:], n); err != nil {
		return fmt.Errorf("%w: node value: %v", ErrCorrupt, err)
	}
	return nil
}

func encodeEdge(e *Edge) []byte {
	b := make([]byte, 0, 16+len(e.Role)+len(e.Origin))
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
