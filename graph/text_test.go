package graph

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

func TestIndexTerms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"only punctuation", " ,.;-–— !?\t\n", nil},
		{"ascii", "The EU AI Act", []string{"the", "eu", "ai", "act"}},
		{"german case", "Regulierung der KI", []string{"regulierung", "der", "ki"}},
		{"umlaut adds ae oe ue", "München Köln Gebäude", []string{"munchen", "muenchen", "koln", "koeln", "gebaude", "gebaeude"}},
		{"capital umlaut", "ÄRGER Übermut", []string{"arger", "aerger", "ubermut", "uebermut"}},
		{"decomposed umlaut", "Mu\u0308nchen", []string{"munchen", "muenchen"}},
		{"eszett", "Großkapitalgeber Straße", []string{"grosskapitalgeber", "strasse"}},
		{"capital eszett", "GROẞ", []string{"gross"}},
		{"umlaut and eszett", "Größe", []string{"grosse", "groesse"}},
		{"french accents", "Élysée à Noël, où l'État", []string{"elysee", "a", "noel", "ou", "l", "etat"}},
		{"french compound", "Élysée-Palast", []string{"elysee", "palast", "elyseepalast"}},
		{"portuguese", "António Guterres, São João, coração", []string{"antonio", "guterres", "sao", "joao", "coracao"}},
		{"spanish", "Sánchez señor pingüino", []string{"sanchez", "senor", "pinguino", "pingueino"}},
		{"nordic and polish", "Søren Ærø Łódź", []string{"soren", "aero", "lodz"}},
		{"hyphen compound", "KI-Gigafabriken", []string{"ki", "gigafabriken", "kigigafabriken"}},
		{"unicode hyphen", "KI\u2010Gigafabriken", []string{"ki", "gigafabriken", "kigigafabriken"}},
		{"three parts with umlaut", "Nord-Süd-Gefälle", []string{"nord", "sud", "sued", "gefalle", "gefaelle", "nordsudgefalle", "nordsuedgefaelle"}},
		{"spaced dash is no compound", "KI - Fabrik, KI – Fabrik", []string{"ki", "fabrik", "ki", "fabrik"}},
		{"double hyphen is no compound", "a--b", []string{"a", "b"}},
		{"digits", "Art. 5 DSGVO 2024", []string{"art", "5", "dsgvo", "2024"}},
		{"number with separators", "200.000 und 1,5", []string{"200", "000", "200000", "und", "1", "5", "15"}},
		{"point after word joins nothing", "Abs.5 S.1", []string{"abs", "5", "s", "1"}},
		{"sentence end after number", "2024. Danach", []string{"2024", "danach"}},
		{"letters and digits", "G7 H2O", []string{"g7", "h2o"}},
		{"soft hyphen inside word", "Gigafa\u00adbriken", []string{"gigafabriken"}},
		{"ligature and full width", "ﬁnanz ＥＵ", []string{"finanz", "eu"}},
		{"arabic", "الذكاء الاصطناعي", []string{"الذكاء", "الاصطناعي"}},
		{"arabic harakat dropped", "مُحَمَّد", []string{"محمد"}},
		{"hebrew", "בינה מלאכותית", []string{"בינה", "מלאכותית"}},
		{"hebrew niqqud dropped", "שָׁלוֹם", []string{"שלום"}},
		{"rtl marks separate", "\u200fשלום\u200f", []string{"שלום"}},
		{"greek", "Τεχνητή Νοημοσύνη", []string{"τεχνητη", "νοημοσυνη"}},
		{"greek final sigma", "ΝΌΜΟΣ νόμος", []string{"νομοσ", "νομοσ"}},
		{"cyrillic", "Искусственный интеллект", []string{"искусственныи", "интеллект"}}, // marks go in every script
		{"cyrillic yo", "Ёлка", []string{"елка"}},
		{"han characters are words", "人工智能", []string{"人", "工", "智", "能"}},
		{"invalid utf-8 separates", "ab\xffcd\xc3", []string{"ab", "cd"}},
		{"lone combining mark", "\u0301", nil},
		{"emoji separate", "KI🤖Gipfel", []string{"ki", "gipfel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := indexTerms(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("indexTerms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// A bulk load keeps one tokenBuf for all texts: on the second pass
	// every word is one folded before, and the terms must not change.
	tb := new(tokenBuf)
	for pass := range 2 {
		for _, tt := range tests {
			var got []string
			eachIndexTerm(tt.in, tb, func(t string, _ bool) bool {
				got = append(got, t)
				return true
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("pass %d through one buffer: %q gives %q, want %q", pass+1, tt.in, got, tt.want)
			}
		}
	}
}

func TestQueryTerms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"blank", "   \t ", nil},
		{"punctuation only", "?!-- \"\" ()", nil},
		{"simple", "Friedrich Merz", []string{"friedrich", "merz"}},
		{"duplicates removed, order kept", "merz KI Merz ki MERZ", []string{"merz", "ki"}},
		{"umlaut folds without variant", "München", []string{"munchen"}},
		{"ue spelling kept", "Muenchen", []string{"muenchen"}},
		{"eszett", "Großkapitalgeber", []string{"grosskapitalgeber"}},
		{"accents", "António Élysée", []string{"antonio", "elysee"}},
		{"compound gives parts only", "KI-Gigafabriken", []string{"ki", "gigafabriken"}},
		{"number gives parts only", "1.000", []string{"1", "000"}},
		{"quotes and operators are separators", `"AI Act" +ban -delay`, []string{"ai", "act", "ban", "delay"}},
		{"invalid utf-8", "\xff\xfeMerz\x80", []string{"merz"}},
		{"arabic", "الذكاء", []string{"الذكاء"}},
		{"hebrew", "מלאכותית", []string{"מלאכותית"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := queryTerms(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("queryTerms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// textFinds reports whether a search for query would find text: every
// query term is one of the text's index terms.
func textFinds(text, query string) bool {
	qt := queryTerms(query)
	if len(qt) == 0 {
		return false
	}
	it := indexTerms(text)
	for _, q := range qt {
		if !slices.Contains(it, q) {
			return false
		}
	}
	return true
}

func TestTextSearchMatches(t *testing.T) {
	tests := []struct {
		text, query string
		want        bool
	}{
		{"António Costa", "antonio", true},
		{"António Costa", "António", true},
		{"ANTÓNIO COSTA", "antónio costa", true},
		{"Treffen im Élysée-Palast", "elysee", true},
		{"Treffen im Élysée-Palast", "Élysée-Palast", true},
		{"Treffen im Élysée-Palast", "elyseepalast", true},
		{"Treffen im Élysée-Palast", "palast", true},
		{"Regulierung", "regulierung", true},
		{"Die Regulierung der KI", "REGULIERUNG", true},
		{"Großkapitalgeber", "Großkapitalgeber", true},
		{"Großkapitalgeber", "grosskapitalgeber", true},
		{"Großkapitalgeber", "GROSSKAPITALGEBER", true},
		{"Grosskapitalgeber", "Großkapitalgeber", true},
		{"künstliche Intelligenz", "künstliche", true},
		{"künstliche Intelligenz", "kuenstliche", true},
		{"künstliche Intelligenz", "kunstliche", true},
		{"künstlicher Intelligenz", "künstliche", false}, // no stemming
		{"München", "München", true},
		{"München", "Muenchen", true},
		{"München", "munchen", true},
		{"Mu\u0308nchen", "München", true}, // decomposed text, composed query
		{"München", "Mu\u0308nchen", true},
		{"Munchen", "Muenchen", false}, // "ue" in text is not an umlaut
		{"50 KI-Gigafabriken", "Gigafabriken", true},
		{"50 KI-Gigafabriken", "KI-Gigafabriken", true},
		{"50 KI-Gigafabriken", "KIGigafabriken", true},
		{"50 KI Gigafabriken", "KI-Gigafabriken", true},
		{"50 KI-Gigafabriken", "Gigafabrik", false},
		{"200.000 Euro", "200.000", true},
		{"200.000 Euro", "200000", true},
		{"Friedrich Merz", "Merz Scholz", false},
		{"Friedrich Merz", "", false},
		{"الذكاء الاصطناعي", "الذكاء", true},
		{"בינה מלאכותית", "בִּינָה", true},
	}
	for _, tt := range tests {
		if got := textFinds(tt.text, tt.query); got != tt.want {
			t.Errorf("search %q in %q: found = %v, want %v (index %q, query %q)",
				tt.query, tt.text, got, tt.want, indexTerms(tt.text), queryTerms(tt.query))
		}
	}
}

func TestTextLimits(t *testing.T) {
	t.Run("long word cut at a rune boundary", func(t *testing.T) {
		got := indexTerms(strings.Repeat("ж", 100)) // 2 bytes a rune
		if len(got) != 1 || got[0] != strings.Repeat("ж", maxTermLen/2) {
			t.Fatalf("got %q", got)
		}
		odd := "a" + strings.Repeat("ж", 100) // the cut falls inside a rune
		got = indexTerms(odd)
		if len(got) != 1 || len(got[0]) != maxTermLen-1 || !utf8.ValidString(got[0]) {
			t.Fatalf("got %q (%d bytes)", got, len(got[0]))
		}
		if q := queryTerms(odd); !slices.Equal(q, got) {
			t.Errorf("query %q and index %q of a long word differ", q, got)
		}
	})
	t.Run("huge word", func(t *testing.T) {
		got := indexTerms(strings.Repeat("Ä", 1<<20))
		if len(got) != 2 || len(got[0]) != maxTermLen || len(got[1]) != maxTermLen {
			t.Fatalf("got %d terms %q", len(got), got)
		}
	})
	t.Run("terms per text", func(t *testing.T) {
		got := indexTerms(strings.Repeat("a ", maxTextTerms+100))
		if len(got) != maxTextTerms {
			t.Fatalf("got %d terms, want %d", len(got), maxTextTerms)
		}
	})
	t.Run("terms per query", func(t *testing.T) {
		var words []string
		for i := range 40 {
			words = append(words, fmt.Sprintf("w%d", i))
		}
		got := queryTerms(strings.Join(words, " "))
		if !slices.Equal(got, words[:maxQueryTerms]) {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("query length", func(t *testing.T) {
		got := queryTerms(strings.Repeat("x", maxQueryLen) + " late")
		if slices.Contains(got, "late") {
			t.Fatalf("read past %d bytes: %q", maxQueryLen, got)
		}
	})
	t.Run("huge compound", func(t *testing.T) {
		got := indexTerms(strings.Repeat("ab-", 10000) + "ab")
		if len(got) != 10002 {
			t.Fatalf("got %d terms", len(got))
		}
		if j := got[len(got)-1]; j != strings.Repeat("ab", maxTermLen/2) {
			t.Fatalf("joined = %q", j)
		}
	})
}

func TestTextNodeFields(t *testing.T) {
	n := &Node{
		ID: "stance/x", Kind: KindStance, Name: "Merz zu KI",
		Aliases: []string{"A1", "A2"},
		Summary: "S",
		Quotes: []Quote{
			{Text: "Q1", Language: "de", Translation: "T1"},
			{Text: "Q2", Language: "en"},
		},
	}
	want := []textField{
		{"name", "Merz zu KI", 3}, {"alias", "A1", 3}, {"alias", "A2", 3},
		{"summary", "S", 1}, {"quote", "Q1", 1}, {"translation", "T1", 1}, {"quote", "Q2", 1},
	}
	if got := nodeFields(n); !slices.Equal(got, want) {
		t.Errorf("nodeFields = %+v,\nwant %+v", got, want)
	}
	doc := &Node{ID: "doc/d", Name: "Gesetz", Text: "Volltext"}
	want = []textField{{"name", "Gesetz", 3}, {"text", "Volltext", 1}}
	if got := nodeFields(doc); !slices.Equal(got, want) {
		t.Errorf("nodeFields(doc) = %+v, want %+v", got, want)
	}
	person := &Node{ID: "person/p", Name: "P", Description: "Beschreibung"}
	want = []textField{{"name", "P", 3}, {"description", "Beschreibung", 1}}
	if got := nodeFields(person); !slices.Equal(got, want) {
		t.Errorf("nodeFields(person) = %+v, want %+v", got, want)
	}
}

func TestNodeTerms(t *testing.T) {
	n := &Node{
		ID: "person/merz", Name: "Merz",
		Aliases:     []string{"Friedrich Merz"},
		Description: "Merz sprach in München",
	}
	tf, length := nodeTerms(n)
	want := map[string]uint32{
		"merz":      3 + 3 + 1,
		"friedrich": 3,
		"sprach":    1,
		"in":        1,
		"munchen":   1,
		"muenchen":  1,
	}
	if !mapsEqual(tf, want) {
		t.Errorf("tf = %v, want %v", tf, want)
	}
	// Words only: 1 name word, 2 alias words (weight 3), 4 description words.
	if want := uint32(3*1 + 3*2 + 1*4); length != want {
		t.Errorf("length = %d, want %d", length, want)
	}

	stance := &Node{
		ID: "stance/s", Name: "KI-Gigafabriken",
		Summary: "Ja", Quotes: []Quote{{Text: "Ja ja", Language: "de", Translation: "Yes"}},
	}
	tf, length = nodeTerms(stance)
	want = map[string]uint32{"ki": 3, "gigafabriken": 3, "kigigafabriken": 3, "ja": 3, "yes": 1}
	if !mapsEqual(tf, want) {
		t.Errorf("stance tf = %v, want %v", tf, want)
	}
	if want := uint32(3*2 + 1 + 2 + 1); length != want {
		t.Errorf("stance length = %d, want %d", length, want)
	}

	empty, l := nodeTerms(&Node{})
	if len(empty) != 0 || l != 0 {
		t.Errorf("empty node: tf %v, length %d", empty, l)
	}
}

func TestNodeTermsBounded(t *testing.T) {
	var b strings.Builder
	for i := range maxNodeTerms + 5000 {
		fmt.Fprintf(&b, "w%d ", i)
	}
	b.WriteString("w0 w1")
	tf, length := nodeTerms(&Node{ID: "doc/big", Name: "Big", Text: b.String()})
	if len(tf) != maxNodeTerms {
		t.Errorf("distinct terms = %d, want the cap %d", len(tf), maxNodeTerms)
	}
	if tf["w0"] != 2 || tf["big"] != 3 {
		t.Errorf("tf[w0] = %d, tf[big] = %d: known terms must keep counting", tf["w0"], tf["big"])
	}
	if want := uint32(3 + maxNodeTerms + 5000 + 2); length != want {
		t.Errorf("length = %d, want %d", length, want)
	}
}

// TestCollectTermsAgreesWithNodeTerms checks that a bulk load's term
// collection, on two workers, gives every node the frequencies and length
// nodeTerms gives it (including a node past the cap on distinct terms),
// and that the dictionary it builds holds copies, not parts of the texts.
func TestCollectTermsAgreesWithNodeTerms(t *testing.T) {
	words := []string{"KI-Gigafabriken", "München", "Regulierung", "AI", "Act", "the", "1.000", "Élysée-Palast", "人工智能", "Straße", "ﬁnal", "x"}
	var nodes []*Node
	for i := range 3 * 4096 {
		var text strings.Builder
		for j := range i % 40 {
			fmt.Fprintf(&text, "%s %s ", words[(i+j)%len(words)], words[(i*j)%len(words)])
		}
		fmt.Fprintf(&text, "w%d", i%997)
		n := &Node{ID: fmt.Sprintf("doc/d%05d", i), Name: words[i%len(words)] + " Name", Text: text.String()}
		if i%5 == 0 {
			n.Quotes = []Quote{{Text: "Wir wollen Ökologie", Translation: "We want ecology"}}
		}
		nodes = append(nodes, n)
	}
	var big strings.Builder
	for i := range maxNodeTerms + 100 {
		fmt.Fprintf(&big, "big%d ", i)
	}
	nodes = append(nodes, &Node{ID: "doc/zbig", Name: "Big", Text: big.String() + "big0 big1"})

	lengths := make([]uint32, len(nodes))
	lt, err := collectTerms(context.Background(), nodes, lengths)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]map[string]uint32, len(nodes))
	for i := range got {
		got[i] = map[string]uint32{}
	}
	for ti, term := range lt.order {
		if lt.start[ti] == lt.start[ti+1] {
			t.Fatalf("term %q has no postings", term)
		}
		for _, p := range lt.postings[lt.start[ti]:lt.start[ti+1]] {
			got[p.node][term] = p.tf
		}
	}
	type span struct{ start, end uintptr }
	var texts []span // the texts' memory, by start
	for _, n := range nodes {
		for _, f := range nodeFields(n) {
			p := uintptr(unsafe.Pointer(unsafe.StringData(f.text)))
			texts = append(texts, span{p, p + uintptr(len(f.text))})
		}
	}
	slices.SortFunc(texts, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for _, term := range lt.order {
		p := uintptr(unsafe.Pointer(unsafe.StringData(term)))
		i, _ := slices.BinarySearchFunc(texts, p, func(s span, p uintptr) int { return cmp.Compare(s.start, p+1) })
		if i > 0 && p < texts[i-1].end {
			t.Fatalf("term %q is part of a node's text", term)
		}
	}
	for i, n := range nodes {
		want, length := nodeTerms(n)
		if !mapsEqual(got[i], want) || lengths[i] != length {
			t.Fatalf("node %s: collected %d terms, length %d; nodeTerms gives %d terms, length %d", n.ID, len(got[i]), lengths[i], len(want), length)
		}
	}
	if len(got[len(nodes)-1]) != maxNodeTerms {
		t.Errorf("the big node has %d terms, want the cap %d", len(got[len(nodes)-1]), maxNodeTerms)
	}
}

func mapsEqual(a, b map[string]uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestBM25(t *testing.T) {
	const docs, avg = 1000.0, 50.0
	base := bm25(2, 10, docs, 50, avg)
	if !(base > 0) {
		t.Fatalf("bm25 = %v, want > 0", base)
	}
	for tf := 1.0; tf < 100; tf++ {
		if a, b := bm25(tf, 10, docs, 50, avg), bm25(tf+1, 10, docs, 50, avg); !(b > a) {
			t.Errorf("tf %v -> %v: score %v -> %v, want higher", tf, tf+1, a, b)
		}
	}
	for df := 1.0; df < docs; df *= 2 {
		if a, b := bm25(2, df, docs, 50, avg), bm25(2, df*2, docs, 50, avg); !(b < a) {
			t.Errorf("df %v -> %v: score %v -> %v, want lower", df, df*2, a, b)
		}
	}
	if short, long := bm25(2, 10, docs, 10, avg), bm25(2, 10, docs, 500, avg); !(short > long) {
		t.Errorf("short doc %v <= long doc %v", short, long)
	}
	// Saturation: tf can never push a score past idf*(k1+1).
	idf := math.Log(1 + (docs-10+0.5)/(10+0.5))
	if s := bm25(1e9, 10, docs, 50, avg); s >= idf*(bm25K1+1) {
		t.Errorf("score %v is not below the bound %v", s, idf*(bm25K1+1))
	}
	if s := bm25(0, 10, docs, 50, avg); s != 0 {
		t.Errorf("tf 0 scores %v", s)
	}
	if s := bm25(5, docs, docs, 50, avg); !(s > 0) {
		t.Errorf("a term in every document scores %v, want a small positive score", s)
	}
	for _, c := range [][5]float64{
		{1, 0, 0, 0, 0}, {1, 5, 2, 10, 0}, {1, 1, 1, 0, 0}, {math.Inf(1), 1, 1, 1, 1}, {math.NaN(), 1, 1, 1, 1},
	} {
		if s := bm25(c[0], c[1], c[2], c[3], c[4]); math.IsNaN(s) || s < 0 {
			t.Errorf("bm25%v = %v", c, s)
		}
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct {
		name   string
		node   Node
		query  string
		prefix bool
		want   string
	}{
		{"name", Node{Name: "Friedrich Merz"}, "merz", false, "Friedrich [[Merz]]"},
		{"accents kept", Node{Name: "António Costa"}, "antonio", false, "[[António]] Costa"},
		{"every match marked", Node{Name: "Merz, merz, MERZ"}, "merz", false, "[[Merz]], [[merz]], [[MERZ]]"},
		{"umlaut spelling", Node{Name: "Rede in München"}, "muenchen", false, "Rede in [[München]]"},
		{"eszett", Node{Name: "Die Großkapitalgeber"}, "grosskapitalgeber", false, "Die [[Großkapitalgeber]]"},
		{"part of compound", Node{Name: "50 KI-Gigafabriken"}, "gigafabriken", false, "50 KI-[[Gigafabriken]]"},
		{"parts of compound", Node{Name: "50 KI-Gigafabriken"}, "KI-Gigafabriken", false, "50 [[KI]]-[[Gigafabriken]]"},
		{"joined compound marked whole", Node{Name: "50 KI-Gigafabriken"}, "kigigafabriken", false, "50 [[KI-Gigafabriken]]"},
		{"no match", Node{Name: "Friedrich Merz"}, "scholz", false, ""},
		{"no terms", Node{Name: "Friedrich Merz"}, "", false, ""},
		{"prefix off", Node{Name: "Friedrich Merz"}, "mer", false, ""},
		{"prefix on", Node{Name: "Friedrich Merz"}, "mer", true, "Friedrich [[Merz]]"},
		{"prefix only for the last term", Node{Name: "Friedrich Merz"}, "fr mer", true, "Friedrich [[Merz]]"},
		{"prefix with exact earlier term", Node{Name: "Friedrich Merz"}, "friedrich me", true, "[[Friedrich]] [[Merz]]"},
		{"prefix matches umlaut spelling", Node{Name: "Rede in München"}, "mue", true, "Rede in [[München]]"},
		{"prefix matches accent-folded", Node{Name: "Élysée-Palast"}, "ely", true, "[[Élysée]]-Palast"},
		{"prefix matches joined compound", Node{Name: "50 KI-Gigafabriken"}, "kigiga", true, "50 [[KI-Gigafabriken]]"},
		{"white space collapsed", Node{Name: "  Friedrich\n\n\tMerz \r\n"}, "merz", false, "Friedrich [[Merz]]"},
		{"invalid utf-8 replaced", Node{Name: "Merz\xff\xfeKanzler"}, "kanzler", false, "Merz\ufffd\ufffd[[Kanzler]]"},
		{"rtl", Node{Name: "בינה מלאכותית"}, "מלאכותית", false, "בינה [[מלאכותית]]"},
		{"translation field", Node{Name: "Stance", Quotes: []Quote{{Text: "Wir brauchen Regeln.", Translation: "We need rules."}}}, "rules", false, "We need [[rules]]."},
		{"more distinct terms beat the name", Node{Name: "Merz", Summary: "Merz will KI regulieren"}, "merz ki", false, "[[Merz]] will [[KI]] regulieren"},
		{"name wins a tie", Node{Name: "Merz", Summary: "Merz und Merz"}, "merz", false, "[[Merz]]"},
		{"more matches win among equal weights", Node{Name: "X", Summary: "Merz", Description: "Merz und Merz"}, "merz", false, "[[Merz]] und [[Merz]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := snippet(&tt.node, queryTerms(tt.query), tt.prefix)
			if got != tt.want {
				t.Errorf("snippet = %q, want %q", got, tt.want)
			}
		})
	}
}

// lorem is filler prose of about 450 bytes.
const lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. " +
	"Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. " +
	"Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. " +
	"Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim."

func TestSnippetCuts(t *testing.T) {
	text := lorem + " Die Regulierung künstlicher Intelligenz durch die Kommission in Brüssel ist umstritten. " + lorem
	n := &Node{ID: "doc/d", Name: "Dokument", Text: text}
	got := snippet(n, queryTerms("künstlicher Brüssel"), false)
	checkExcerpt(t, text, got)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet %q: want … at both ends", got)
	}
	for _, w := range []string{"[[künstlicher]]", "[[Brüssel]]"} {
		if !strings.Contains(got, w) {
			t.Errorf("snippet %q lacks %s", got, w)
		}
	}

	// The window goes where most distinct terms are, not to the first match.
	text = "Brüssel " + lorem + " Die Regulierung künstlicher Intelligenz in Brüssel. " + lorem
	got = snippet(&Node{Name: "D", Text: text}, queryTerms("künstlicher brüssel"), false)
	checkExcerpt(t, text, got)
	if !strings.Contains(got, "[[künstlicher]]") || !strings.Contains(got, "[[Brüssel]]") {
		t.Errorf("snippet %q misses the passage with both terms", got)
	}

	// A match at the very start or end needs no … on that side.
	text = "Regulierung " + lorem
	got = snippet(&Node{Name: "D", Text: text}, queryTerms("regulierung"), false)
	checkExcerpt(t, text, got)
	if !strings.HasPrefix(got, "[[Regulierung]] Lorem") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet %q", got)
	}
	text = lorem + " Regulierung."
	got = snippet(&Node{Name: "D", Text: text}, queryTerms("regulierung"), false)
	checkExcerpt(t, text, got)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "[[Regulierung]].") {
		t.Errorf("snippet %q", got)
	}

	// A word far longer than a snippet is clipped and its mark closed.
	huge := strings.Repeat("ä", 5000)
	text = lorem + " " + huge + " " + lorem
	got = snippet(&Node{Name: "D", Text: text}, queryTerms(huge), false)
	if !utf8.ValidString(got) || len(got) > 3*snippetLen || !strings.Contains(got, "[[ää") || !strings.Contains(got, "]]") {
		t.Errorf("snippet of a huge word: %q (%d bytes)", got, len(got))
	}

	// Invalid UTF-8 around the window never leaks.
	text = strings.Repeat("\xff\xc3 ab", 100) + " Merz " + strings.Repeat("\x80cd ", 100)
	got = snippet(&Node{Name: "D", Text: text}, []string{"merz"}, false)
	if !utf8.ValidString(got) || !strings.Contains(got, "[[Merz]]") {
		t.Errorf("snippet %q", got)
	}
}

// checkExcerpt checks that a snippet of text is about snippetLen bytes,
// cut at word boundaries, and apart from marks and … a piece of text.
func checkExcerpt(t *testing.T, text, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("snippet %q is not valid UTF-8", got)
	}
	plain := strings.NewReplacer("[[", "", "]]", "").Replace(got)
	plain = strings.TrimSuffix(strings.TrimPrefix(plain, "…"), "…")
	if len(plain) > snippetLen+20 || len(plain) < snippetLen/2 {
		t.Errorf("snippet %q: %d bytes of text, want about %d", got, len(plain), snippetLen)
	}
	i := strings.Index(text, plain)
	if i < 0 {
		t.Fatalf("snippet %q is not a piece of the text", got)
	}
	if i > 0 && isWordRuneBefore(text, i) && isWordRune(text, i) {
		t.Errorf("snippet %q starts inside a word", got)
	}
	if j := i + len(plain); j < len(text) && isWordRuneBefore(text, j) && isWordRune(text, j) {
		t.Errorf("snippet %q ends inside a word", got)
	}
}

var textFuzzSeeds = []string{
	"", " ", "Friedrich Merz", "KI-Gigafabriken", "Élysée-Palast", "António", "Großkapitalgeber ẞ",
	"München Muenchen munchen", "Mu\u0308nchen", "200.000,50 €", "a--b", "-a-", "1.2.3.4.5",
	"الذكاء الاصطناعي", "שָׁלוֹם", "人工智能", "ﬁ Ｗ ﷺ", "\xff\xfe\x80", "\u00ad\u200d\u0301",
	"Gigafa\u00adbriken", strings.Repeat("ä", 200), strings.Repeat("w ", 40), strings.Repeat("a-", 50),
}

func FuzzQueryTerms(f *testing.F) {
	for _, s := range textFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms := queryTerms(q)
		if len(terms) > maxQueryTerms {
			t.Fatalf("%d terms", len(terms))
		}
		for i, term := range terms {
			if term == "" || len(term) > maxTermLen || !utf8.ValidString(term) {
				t.Fatalf("bad term %q", term)
			}
			if slices.Contains(terms[:i], term) {
				t.Fatalf("duplicate term %q in %q", term, terms)
			}
		}
		// Searching a text for itself finds it.
		if len(q) <= maxQueryLen {
			index := indexTerms(q)
			for _, term := range terms {
				if !slices.Contains(index, term) {
					t.Fatalf("query term %q is not among the index terms %q", term, index)
				}
			}
		}
		for _, term := range indexTerms(q) {
			if term == "" || len(term) > maxTermLen || !utf8.ValidString(term) {
				t.Fatalf("bad index term %q", term)
			}
		}
	})
}

func FuzzSnippet(f *testing.F) {
	for _, s := range textFuzzSeeds {
		f.Add(s, "merz", false)
		f.Add(lorem+s+lorem, s, true)
	}
	f.Fuzz(func(t *testing.T, text, query string, prefix bool) {
		terms := queryTerms(query)
		got := snippet(&Node{Name: "x", Text: text}, terms, prefix)
		if !utf8.ValidString(got) {
			t.Fatalf("snippet %q is not valid UTF-8", got)
		}
		if len(got) > 4*snippetLen+len(terms)*4*snippetLen {
			t.Fatalf("snippet of %d bytes", len(got))
		}
		if strings.Count(got, "[[") < strings.Count(got, "]]") {
			t.Fatalf("unbalanced marks in %q", got)
		}
		// A text always matches its own words.
		if own := queryTerms(text); len(own) > 0 && len(text) <= maxQueryLen {
			if s := snippet(&Node{Name: "x", Text: text}, own, false); !strings.Contains(s, "[[") {
				t.Fatalf("text %q does not match its own terms %q: %q", text, own, s)
			}
		}
	})
}

func BenchmarkIndexTerms(b *testing.B) {
	text := strings.Repeat(lorem+" Die Regulierung künstlicher Intelligenz in München, Élysée-Palast. ", 100)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		indexTerms(text)
	}
}

// BenchmarkIndexTermsBaseline is the naive alternative: split on white
// space and lower-case, no folding.
func BenchmarkIndexTermsBaseline(b *testing.B) {
	text := strings.Repeat(lorem+" Die Regulierung künstlicher Intelligenz in München, Élysée-Palast. ", 100)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		var out []string
		for _, w := range strings.Fields(text) {
			out = append(out, strings.ToLower(w))
		}
		_ = out
	}
}

func BenchmarkSnippet(b *testing.B) {
	n := &Node{Name: "D", Text: strings.Repeat(lorem+" ", 200) + " Die Regulierung künstlicher Intelligenz. " + lorem}
	terms := queryTerms("künstlicher intelligenz")
	for b.Loop() {
		snippet(n, terms, false)
	}
}
