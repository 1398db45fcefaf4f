package graph

import (
	"bytes"
	"reflect"
	"testing"
)

func sampleNodes() []Node {
	return []Node{
		{ID: "person/a", Kind: KindPerson, Name: "António", Aliases: []string{"A", "Ä"}, Description: "d",
			Sources: []Source{{Document: "doc/x", Quote: "q\x00uote", Locator: "¶1"}, {Document: "doc/y"}}, Origin: "f.yaml"},
		{ID: "org/o", Kind: KindOrganization, Name: "O", OrgType: OrgState, Country: "DE"},
		{ID: "topic/t", Kind: KindTopic, Name: "T", Scale: &Scale{Negative: "no", Positive: "yes"}},
		{ID: "stance/s", Kind: KindStance, Name: "S", Position: -0.8, Confidence: 0.9, Neutral: true, Summary: "sum",
			Quotes:   []Quote{{Text: "Regulierung", Language: "de", Translation: "regulation", TranslationLanguage: "en", Source: "doc/x"}},
			StatedAt: MustDate("2025-02")},
		{ID: "doc/d", Kind: KindDocument, Name: "D", DocType: DocArticle, PublishedAt: MustDate("2025-12-08"), URL: "u", Language: "de", Text: "t"},
		{ID: "event/e", Kind: KindEvent, Name: "E", StartDate: MustDate("2025"), EndDate: MustDate("2025-02-11"), Location: "Paris"},
		{ID: "initiative/i", Kind: KindInitiative, Name: "I", Amount: &Money{Amount: 0, Currency: "EUR"}, AnnouncedAt: MustDate("2025-02")},
	}
}

func TestNodeCodecRoundTrip(t *testing.T) {
	for _, n := range sampleNodes() {
		b, err := encodeNode(&n)
		if err != nil {
			t.Fatal(err)
		}
		var got Node
		if err := decodeNode(b, &got); err != nil {
			t.Fatalf("%s: %v", n.ID, err)
		}
		if !reflect.DeepEqual(got, n) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", n.ID, got, n)
		}
	}
}

// TestNodeCodecSkipsUnknownFields shows that a value written by a later
// version with an extra field still decodes.
func TestNodeCodecSkipsUnknownFields(t *testing.T) {
	n := sampleNodes()[0]
	b, _ := encodeNode(&n)
	w := fieldWriter{b: b}
	w.str(999, "a field from the future")
	w.uint(998, 7)
	w.float(997, 1.5)
	var got Node
	if err := decodeNode(w.b, &got); err != nil || !reflect.DeepEqual(got, n) {
		t.Fatalf("unknown fields: %v %+v", err, got)
	}
}

// FuzzNodeCodec decodes arbitrary bytes without panicking, and anything
// that decodes encodes and decodes to the same node.
func FuzzNodeCodec(f *testing.F) {
	for _, n := range sampleNodes() {
		b, _ := encodeNode(&n)
		f.Add(b)
	}
	f.Add([]byte{nodeCodecV2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var n Node
		if decodeNode(b, &n) != nil {
			return
		}
		b2, err := encodeNode(&n)
		if err != nil {
			t.Fatal(err)
		}
		var n2 Node
		if err := decodeNode(b2, &n2); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		b3, _ := encodeNode(&n2)
		if !bytes.Equal(b2, b3) {
			t.Fatal("encoding is not stable")
		}
	})
}

func FuzzEdgeCodec(f *testing.F) {
	e := Edge{Role: "Federal Chancellor", ValidFrom: MustDate("2021-12"), Origin: "x.yaml", Sources: []Source{{Document: "doc/a", Quote: "q", Locator: "l"}}}
	f.Add(encodeEdge(&e))
	f.Add([]byte{edgeCodecV1, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		var e Edge
		if decodeEdge(b, &e) != nil {
			return
		}
		var e2 Edge
		if err := decodeEdge(encodeEdge(&e), &e2); err != nil || !reflect.DeepEqual(e, e2) {
			t.Fatalf("round trip: %v %+v %+v", err, e, e2)
		}
	})
}
