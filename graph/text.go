package graph

// Full-text processing: how node text becomes index terms, how a query
// becomes search terms, the BM25 score and the snippet of a hit.
//
// A word is a run of letters, digits and combining marks (invalid UTF-8
// and everything else separates words; a soft hyphen or zero-width joiner
// inside a word is ignored). A Han, Hiragana or Katakana character is a word
// of its own, since those scripts do not separate words with spaces.
//
// Folding turns a word into its term: compatibility decomposition (NFKD,
// so "ﬁ" is "fi" and "Ｗ" is "w"), combining marks dropped (accents:
// "António" is "antonio", "Élysée" is "elysee"), lower case, "ß" as "ss",
// and a few letters that do not decompose spelled in ASCII ("ø" is "o",
// "æ" is "ae", "ł" is "l"). German umlauts fold to the bare vowel, so
// "München" is "munchen"; at index time a word with an umlaut also yields
// the spelling with "ae", "oe", "ue" ("muenchen"), so that the queries
// "München", "Munchen" and "Muenchen" all find it. A query is folded
// without that extra spelling.
//
// Words joined by a hyphen ("KI-Gigafabriken"), and numbers joined by '.'
// or ',' ("1.000"), form a compound. The index holds every part ("ki",
// "gigafabriken") and the joined form ("kigigafabriken"); a query keeps
// only the parts. So "Gigafabriken", "KI-Gigafabriken" and
// "KIGigafabriken" all find "KI-Gigafabriken", and a query
// "KI-Gigafabriken" also finds "KI Gigafabriken" written with a space.
//
// Terms are at most maxTermLen bytes (longer words are cut, the same way in
// the index and in queries); a text gives at most maxTextTerms terms and a
// node at most maxNodeTerms distinct terms, so hostile input stays bounded.

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of text processing.
const (
	maxTermLen        = 64              // bytes of a term
	maxWordScan       = 4 * maxTermLen  // bytes of a raw word that folding reads
	maxTextTerms      = 1 << 18         // terms indexed from one text
	maxNodeTerms      = 1 << 16         // distinct terms indexed for one node
	maxNodeTokens     = 1 << 20         // term occurrences counted for one node
	maxQueryTerms     = 16              // terms of one query
	maxQueryLen       = 4 << 10         // bytes of a query that are read
	maxSnippetMatches = 1 << 16         // matches of one field the snippet looks at
	snippetLen        = 160             // bytes of text in a snippet
	snippetWhole      = snippetLen + 40 // a field this short is shown whole
)

// Field weights: a match in a name counts three times a match in prose.
const (
	nameWeight = 3
	textWeight = 1
)

// BM25 parameters.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// textField is one searchable field of a node.
type textField struct {
	name   string // "name", "alias", "description", "summary", "quote", "translation", "text"
	text   string
	weight uint32 // name and aliases 3, everything else 1
}

// nodeFields returns the searchable fields of a node: name, aliases,
// description, summary, each quote's text and translation, a document's
// full text (Node.Text). Empty fields are left out.
func nodeFields(n *Node) []textField {
	return appendNodeFields(make([]textField, 0, 4+len(n.Aliases)+2*len(n.Quotes)), n)
}

// appendNodeFields appends the searchable fields of n to fs.
func appendNodeFields(fs []textField, n *Node) []textField {
	add := func(name, text string, w uint32) {
		if text != "" {
			fs = append(fs, textField{name: name, text: text, weight: w})
		}
	}
	add("name", n.Name, nameWeight)
	for _, a := range n.Aliases {
		add("alias", a, nameWeight)
	}
	add("description", n.Description, textWeight)
	add("summary", n.Summary, textWeight)
	for _, q := range n.Quotes {
		add("quote", q.Text, textWeight)
		add("translation", q.Translation, textWeight)
	}
	add("text", n.Text, textWeight)
	return fs
}

// nodeTerms returns the weighted term frequencies of a node (sum over
// fields of weight*count) and the node's weighted length, for BM25. The
// length counts words (weight*count), not the extra spellings a word adds
// to the index (umlaut spellings, joined compounds), so that German text is
// not made to look longer than it is. At most maxNodeTerms distinct terms
// are counted.
func nodeTerms(n *Node) (tf map[string]uint32, length uint32) {
	tf = make(map[string]uint32)
	length = addNodeTerms(n, new(tokenBuf), func(t string, w uint32) {
		// One map operation while there is room for new terms.
		if len(tf) < maxNodeTerms {
			tf[t] += w
		} else if _, ok := tf[t]; ok {
			tf[t] += w
		}
	})
	return tf, length
}

// addNodeTerms calls add with each index term of the node's fields and
// the field's weight, once for every occurrence (at most maxNodeTokens
// of them), and returns the node's weighted length, as nodeTerms does.
// A bulk load reuses one tb for many nodes.
func addNodeTerms(n *Node, tb *tokenBuf, add func(t string, w uint32)) (length uint32) {
	tokens := 0
	tb.fields = appendNodeFields(tb.fields[:0], n)
	for _, f := range tb.fields {
		if tokens >= maxNodeTokens {
			break
		}
		eachForm(f.text, tb, func(_, _ int, t, alt string, compound bool) bool {
			if !compound {
				length += f.weight
			}
			add(t, f.weight)
			tokens++
			if alt != "" && tokens < maxNodeTokens {
				add(alt, f.weight)
				tokens++
			}
			return tokens < maxNodeTokens
		})
	}
	return length
}

// indexTerms tokenizes and folds text for indexing. Returned in text
// order, duplicates kept: each word's term, then its umlaut spelling if
// any; a compound's joined forms follow its last part.
func indexTerms(s string) []string {
	var out []string
	eachIndexTerm(s, nil, func(t string, _ bool) bool {
		out = append(out, t)
		return len(out) < maxTextTerms
	})
	return out
}

// eachIndexTerm calls emit for the index terms of s in text order until
// emit returns false. word is false for the extra spellings (umlaut
// spellings, joined compounds) that are not words of their own.
func eachIndexTerm(s string, tb *tokenBuf, emit func(t string, word bool) bool) {
	eachForm(s, tb, func(_, _ int, t, alt string, compound bool) bool {
		if !emit(t, !compound) {
			return false
		}
		return alt == "" || emit(alt, false)
	})
}

// queryTerms tokenizes and folds a user query; duplicates removed, order
// kept; at most maxQueryTerms terms; empty when nothing searchable. It
// gives neither umlaut spellings nor joined compounds: every query term is
// then also an index term of the same text.
func queryTerms(q string) []string {
	if len(q) > maxQueryLen {
		q = q[:maxQueryLen] // a cut rune reads as invalid bytes, a separator
	}
	var out []string
	var tb tokenBuf
	words := newWordScanner(q)
	for len(out) < maxQueryTerms {
		start, end, _, ok := words.next()
		if !ok {
			break
		}
		if t, _ := fold(q[start:end], &tb); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// bm25 scores one term in one document: k1=1.2, b=0.75. tf is the term's
// (weighted) frequency in the document, df the number of documents holding
// the term, docs the number of documents, length and avgLength the
// document's and the average (weighted) length. The idf is Lucene's,
// which stays positive for terms in more than half the documents.
func bm25(tf, df, docs, length, avgLength float64) float64 {
	if !(tf > 0) {
		return 0
	}
	if math.IsInf(tf, 1) {
		tf = math.MaxFloat64 // saturates instead of Inf/Inf
	}
	if !(df > 0) {
		df = 1
	}
	if !(docs >= df) {
		docs = df
	}
	lnorm := 1.0 // length normalisation
	if avgLength > 0 && length >= 0 {
		lnorm = 1 - bm25B + bm25B*length/avgLength
	}
	idf := math.Log(1 + (docs-df+0.5)/(df+0.5))
	score := idf * (bm25K1 + 1) / (1 + bm25K1*lnorm/tf) // tf/(tf+x) without overflow
	if math.IsNaN(score) {
		return 0
	}
	return score
}

// runeClass is the role of a rune in tokenizing.
type runeClass uint8

const (
	sepRune       runeClass = iota
	wordRune                // letter, digit or combining mark
	ideoRune                // Han, Hiragana or Katakana: a word on its own
	hyphenRune              // joins two words into a compound
	pointRune               // '.' or ',': joins two numbers into a compound
	ignorableRune           // invisible inside a word: soft hyphen, zero-width (non-)joiner, word joiner
)

func classify(r rune) runeClass {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			return wordRune
		case r == '-':
			return hyphenRune
		case r == '.', r == ',':
			return pointRune
		}
		return sepRune
	}
	switch {
	case r == utf8.RuneError:
		return sepRune
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
		return ideoRune
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r):
		return wordRune
	case r == '\u2010', r == '\u2011':
		return hyphenRune
	case r == '\u00ad', r == '\u200c', r == '\u200d', r == '\u2060':
		return ignorableRune
	}
	return sepRune
}

// classAt returns the class of the rune at s[i:] and its size; invalid
// bytes are separators of size 1.
func classAt(s string, i int) (runeClass, rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return classify(rune(c)), rune(c), 1 // no call to decode most text
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n <= 1 {
		return sepRune, r, 1
	}
	return classify(r), r, n
}

// wordScanner reads the words of a text in order: next returns the byte
// range of the next word and whether it is joined to the one before
// across a single joining rune (a hyphen, or '.' or ',' between two
// digits).
type wordScanner struct {
	s         string
	i         int       // where the scan goes on
	lastEnd   int       // end of the last word, or of the word being read so far
	lastDigit bool      // the last word ends with a digit
	join      runeClass // the joining rune right after the last word, if any
	joinEnd   int       // where that joining rune ends
}

// newWordScanner returns a scanner at the start of s.
func newWordScanner(s string) wordScanner {
	return wordScanner{s: s, lastEnd: -1, joinEnd: -1}
}

// isASCIIWord reports whether the byte c is an ASCII letter or digit.
func isASCIIWord(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9'
}

// next returns the next word; ok is false at the end of the text.
func (w *wordScanner) next() (start, end int, joined, ok bool) {
	s := w.s
	start = -1
	var last rune // the last rune of the word being read
	i := w.i
	for i < len(s) {
		if c := s[i]; isASCIIWord(c) {
			// A run of ASCII letters and digits, most of any text.
			if start < 0 {
				start = i
				joined = w.joinEnd == i && (w.join == hyphenRune || w.join == pointRune && w.lastDigit && c <= '9')
			}
			for i++; i < len(s) && isASCIIWord(s[i]); i++ {
			}
			last, w.lastEnd = rune(s[i-1]), i
			continue
		}
		c, r, n := classAt(s, i)
		if c == ignorableRune {
			if start >= 0 {
				i += n
				w.lastEnd = i
				continue
			}
			c = sepRune
		}
		if c == wordRune {
			if start < 0 {
				start = i
				joined = w.joinEnd == i && (w.join == hyphenRune || w.join == pointRune && w.lastDigit && unicode.IsDigit(r))
			}
			i += n
			last, w.lastEnd = r, i
			continue
		}
		if start >= 0 {
			// The rune after the word is read again by the next call.
			w.i, w.lastDigit = i, unicode.IsDigit(last)
			return start, w.lastEnd, joined, true
		}
		w.join = sepRune
		switch c {
		case ideoRune:
			w.i, w.lastEnd, w.lastDigit = i+n, i+n, false
			return i, i + n, false, true
		case hyphenRune, pointRune:
			if w.lastEnd == i {
				w.join, w.joinEnd = c, i+n
			}
		}
		i += n
	}
	w.i = i
	if start >= 0 {
		w.lastDigit = unicode.IsDigit(last)
		return start, w.lastEnd, joined, true
	}
	return 0, 0, false, false
}

// eachForm calls fn for every word of s with its folded term and umlaut
// spelling (alt, "" when none), and after the last part of every compound
// with the compound's range and joined forms (compound true), until fn
// returns false. Words that fold to nothing are skipped. tb, when not nil,
// is working memory to use and keep.
func eachForm(s string, tb *tokenBuf, fn func(start, end int, t, alt string, compound bool) bool) {
	if tb == nil {
		tb = new(tokenBuf)
	}
	var (
		start, end      int    // the range of the compound being read
		parts           int    // its words so far
		first, firstAlt string // its first word's term and umlaut spelling
		hasAlt          bool   // one of its words has an umlaut spelling
	)
	// The compound's joined term and umlaut spelling, from its second
	// word on.
	jt, ja := tb.jt[:0], tb.ja[:0]
	defer func() { tb.jt, tb.ja = jt[:0], ja[:0] }()
	flush := func() bool {
		if parts < 2 {
			return true
		}
		alt := ""
		if hasAlt {
			alt = string(ja)
		}
		return fn(start, end, string(jt), alt, true)
	}
	words := newWordScanner(s)
	for {
		ws, we, joined, ok := words.next()
		if !ok {
			break
		}
		t, alt := fold(s[ws:we], tb)
		if t == "" {
			continue
		}
		switch {
		case !joined || parts == 0:
			if !flush() {
				return
			}
			start, parts, first, firstAlt = ws, 0, t, alt
		case parts == 1:
			jt, ja = appendTerm(jt[:0], first), appendTerm(ja[:0], orTerm(firstAlt, first))
			hasAlt = firstAlt != ""
			fallthrough
		default:
			jt, ja = appendTerm(jt, t), appendTerm(ja, orTerm(alt, t))
			hasAlt = hasAlt || alt != ""
		}
		end = we
		parts++
		if !fn(ws, we, t, alt, false) {
			return
		}
	}
	flush()
}

// orTerm returns alt, or t when alt is "".
func orTerm(alt, t string) string {
	if alt != "" {
		return alt
	}
	return t
}

// appendTerm appends t to the joined term b, keeping b within maxTermLen
// bytes and whole runes.
func appendTerm(b []byte, t string) []byte {
	if room := maxTermLen - len(b); len(t) > room {
		t = cutRunes(t, room)
	}
	return append(b, t...)
}

// cutRunes returns the longest prefix of s of at most n bytes that ends on
// a rune boundary.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tokenBuf is the working memory of tokenizing: fold's, and a compound's
// joined forms. Kept from word to word and, by a caller that tokenizes
// many texts, from text to text, so that a word costs at most its term's
// string.
type tokenBuf struct {
	norm, b, a, jt, ja []byte
	// terms holds the terms folded so far, so that a word seen before
	// costs no new string (up to maxInterned of them).
	terms map[string]string
	// folded holds the words beyond ASCII folded so far with their term
	// and umlaut spelling, so that a word seen before is not normalized
	// again (up to maxInterned of them).
	folded map[string][2]string
	// fields holds a node's fields while its terms are collected.
	fields []textField
}

// maxInterned bounds tokenBuf.terms.
const maxInterned = 1 << 16

// term returns b as a string, the one made before for the same bytes
// when there is one.
func (tb *tokenBuf) term(b []byte) string {
	if t, ok := tb.terms[string(b)]; ok {
		return t
	}
	t := string(b)
	if tb.terms == nil {
		tb.terms = make(map[string]string)
	}
	if len(tb.terms) < maxInterned {
		tb.terms[t] = t
	}
	return t
}

// cutLen is the length of the longest prefix of b of at most n bytes that
// ends on a rune boundary, as cutRunes cuts.
func cutLen(b []byte, n int) int {
	if len(b) <= n {
		return len(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return n
}

// fold returns the term of a raw word (see the top of this file) and, when
// the word has a German umlaut, its spelling with "ae", "oe", "ue" (alt,
// otherwise ""). Only the first maxWordScan bytes of the word are read, and
// the term is cut to maxTermLen bytes.
func fold(w string, tb *tokenBuf) (t, alt string) {
	w = cutRunes(w, maxWordScan)
	ascii, upper := true, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if ascii {
		w = w[:min(len(w), maxTermLen)]
		if !upper {
			return w, "" // no allocation on the common path
		}
		b := append(tb.b[:0], w...)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		tb.b = b
		return tb.term(b), ""
	}

	if f, ok := tb.folded[w]; ok {
		return f[0], f[1]
	}
	t, alt = foldWide(w, tb)
	if tb.folded == nil {
		tb.folded = make(map[string][2]string)
	}
	if len(tb.folded) < maxInterned {
		tb.folded[strings.Clone(w)] = [2]string{t, alt}
	}
	return t, alt
}

// foldWide is fold of a word beyond ASCII: it decomposes the word (NFKD),
// drops the marks, lowers the letters and spells out the ligatures.
func foldWide(w string, tb *tokenBuf) (t, alt string) {
	tb.norm = norm.NFKD.AppendString(tb.norm[:0], w)
	b, a := tb.b[:0], tb.a[:0]
	umlaut := false
	var prev rune // the last letter written, 0 after a mark
	for i := 0; i < len(tb.norm); {
		r, size := utf8.DecodeRune(tb.norm[i:])
		i += size
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) {
			if r == '\u0308' && (prev == 'a' || prev == 'o' || prev == 'u') {
				a = append(a, 'e')
				umlaut = true
			}
			prev = 0
			continue
		}
		r = unicode.ToLower(r)
		var sub string
		switch r {
		case 'ß':
			sub = "ss"
		case 'æ':
			sub = "ae"
		case 'œ':
			sub = "oe"
		case 'þ':
			sub = "th"
		case 'ø':
			r = 'o'
		case 'đ', 'ð':
			r = 'd'
		case 'ł':
			r = 'l'
		case 'ħ':
			r = 'h'
		case 'ŧ':
			r = 't'
		case 'ı':
			r = 'i'
		case 'ς':
			r = 'σ'
		}
		if sub != "" {
			b, a = append(b, sub...), append(a, sub...)
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r) {
			b, a = utf8.AppendRune(b, r), utf8.AppendRune(a, r)
		}
		// Anything else (spaces or symbols from a compatibility
		// decomposition, invisible format characters) is dropped.
		prev = r
	}
	tb.b, tb.a = b, a // grown, for the next word
	t = tb.term(b[:cutLen(b, maxTermLen)])
	if umlaut {
		if a = a[:cutLen(a, maxTermLen)]; string(a) != t {
			alt = tb.term(a)
		}
	}
	return t, alt
}

// termMatcher says which query terms a folded form matches, as a bit set
// (term i is bit i; terms past the 64th share bit 63).
type termMatcher struct {
	exact     map[string]uint64
	prefix    string // the last term, when it also matches as a prefix
	prefixBit uint64
}

func newTermMatcher(terms []string, prefix bool) *termMatcher {
	m := &termMatcher{exact: make(map[string]uint64, len(terms))}
	for i, t := range terms {
		m.exact[t] |= 1 << min(i, 63)
	}
	if prefix && len(terms) > 0 {
		m.prefix = terms[len(terms)-1]
		m.prefixBit = 1 << min(len(terms)-1, 63)
	}
	return m
}

func (m *termMatcher) match(form string) uint64 {
	if form == "" {
		return 0
	}
	b := m.exact[form]
	if m.prefix != "" && strings.HasPrefix(form, m.prefix) {
		b |= m.prefixBit
	}
	return b
}

// match is a marked range of a field: a word, or a whole compound whose
// joined form matched.
type match struct {
	start, end int
	terms      uint64 // the query terms matched
}

// fieldMatches returns the words of s that match query terms, in order,
// and the set of terms matched.
func fieldMatches(s string, m *termMatcher) (ms []match, all uint64) {
	eachForm(s, nil, func(start, end int, t, alt string, compound bool) bool {
		b := m.match(t) | m.match(alt)
		if b == 0 {
			return true
		}
		all |= b
		if compound {
			// Mark the whole compound instead of its parts, unless the
			// parts already match every term the compound matches.
			k, parts := len(ms), uint64(0)
			for k > 0 && ms[k-1].start >= start {
				k--
				parts |= ms[k].terms
			}
			if b&^parts == 0 {
				return true
			}
			b |= parts
			ms = ms[:k]
		}
		ms = append(ms, match{start, end, b})
		return len(ms) < maxSnippetMatches
	})
	return ms, all
}

// snippet returns an excerpt (about 160 bytes of the best-matching field,
// cut at word boundaries, with "…" where cut) in which every word matching
// a query term is wrapped as [[word]]; a compound whose joined form matches
// is wrapped whole. When prefix is true the last query term also matches
// words that start with it (search-as-you-type). Returns "" when no field
// matches. The best field matches the most distinct terms; ties go to the
// heavier field, then to more matches, then to the earlier field. Runs of
// white space become one space and invalid UTF-8 becomes U+FFFD; the
// original spelling and accents are kept.
func snippet(n *Node, terms []string, prefix bool) string {
	if len(terms) == 0 {
		return ""
	}
	m := newTermMatcher(terms, prefix)
	var (
		best              []match
		bestText          string
		bestDistinct      int
		bestWeight        uint32
		bestCount         int
		found             bool
		distinct, matched int
	)
	for _, f := range nodeFields(n) {
		ms, all := fieldMatches(f.text, m)
		if len(ms) == 0 {
			continue
		}
		distinct, matched = bits.OnesCount64(all), len(ms)
		if !found || distinct > bestDistinct ||
			distinct == bestDistinct && (f.weight > bestWeight || f.weight == bestWeight && matched > bestCount) {
			best, bestText, found = ms, f.text, true
			bestDistinct, bestWeight, bestCount = distinct, f.weight, matched
		}
	}
	if !found {
		return ""
	}
	return excerpt(bestText, best)
}

// excerpt cuts the window of s with the most distinct matched terms (then
// the most matches, then the earliest) to about snippetLen bytes and marks
// the matches in it.
func excerpt(s string, ms []match) string {
	ws, we := 0, len(s)
	if len(s) > snippetWhole {
		bi, bj, bestD, bestC := 0, 1, -1, -1
		for i := range ms {
			var set uint64
			j := i
			for j < len(ms) && (j == i || ms[j].end-ms[i].start <= snippetLen) {
				set |= ms[j].terms
				j++
			}
			if d, c := bits.OnesCount64(set), j-i; d > bestD || d == bestD && c > bestC {
				bi, bj, bestD, bestC = i, j, d, c
			}
		}
		first, last := ms[bi].start, ms[bj-1].end
		ws, we = first, last
		if room := snippetLen - (last - first); room > 0 {
			before := min(room/3, first)
			after := min(room-before, len(s)-last)
			before = min(room-after, first)
			ws = snapStart(s, first-before, first)
			we = snapEnd(s, last+after, last)
		}
		if we-ws > 2*snippetLen { // one huge word
			we = ws + len(cutRunes(s[ws:], 2*snippetLen))
		}
	}

	var w cleanWriter
	if hasWordBefore(s, ws) {
		w.raw("…")
	}
	pos := ws
	for k := sort.Search(len(ms), func(k int) bool { return ms[k].end > ws }); k < len(ms) && ms[k].start < we; k++ {
		start, end := max(ms[k].start, ws), min(ms[k].end, we)
		w.text(s[pos:start])
		w.raw("[[")
		w.text(s[start:end])
		w.raw("]]")
		pos = end
	}
	w.text(s[pos:we])
	if hasWordAfter(s, we) {
		w.space = false
		w.raw("…")
	}
	return w.b.String()
}

// isWordRune reports whether the rune at s[i:] continues a word.
func isWordRune(s string, i int) bool {
	c, _, _ := classAt(s, i)
	return c == wordRune || c == ignorableRune
}

// isWordRuneBefore reports whether the rune ending at s[:i] continues a word.
func isWordRuneBefore(s string, i int) bool {
	r, n := utf8.DecodeLastRuneInString(s[:i])
	if r == utf8.RuneError && n <= 1 {
		return false
	}
	c := classify(r)
	return c == wordRune || c == ignorableRune
}

// snapStart moves a window start forward, at most to limit, past a word
// it cuts and the separators after it, so the window starts on a word.
func snapStart(s string, i, limit int) int {
	for k := 0; k < utf8.UTFMax && i > 0 && !utf8.RuneStart(s[i]); k++ {
		i--
	}
	if i <= 0 {
		return 0
	}
	if isWordRuneBefore(s, i) {
		for i < limit && isWordRune(s, i) {
			_, _, n := classAt(s, i)
			i += n
		}
	}
	for i < limit {
		c, _, n := classAt(s, i)
		if c == wordRune || c == ideoRune {
			break
		}
		i += n
	}
	return i
}

// snapEnd moves a window end back, at most to limit, before a word it
// cuts and the white space before that, so the window ends on a word or
// punctuation.
func snapEnd(s string, i, limit int) int {
	for k := 0; k < utf8.UTFMax && i < len(s) && !utf8.RuneStart(s[i]); k++ {
		i++
	}
	if i >= len(s) {
		return len(s)
	}
	if isWordRune(s, i) {
		for i > limit && isWordRuneBefore(s, i) {
			_, n := utf8.DecodeLastRuneInString(s[:i])
			i -= n
		}
	}
	for i > limit {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) && !unicode.IsControl(r) {
			break
		}
		i -= n
	}
	return i
}

// hasWordBefore reports whether s[:i] holds a word character, that is,
// whether a window starting at i cut something off.
func hasWordBefore(s string, i int) bool {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !(r == utf8.RuneError && n <= 1) {
			if c := classify(r); c == wordRune || c == ideoRune {
				return true
			}
		}
		i -= n
	}
	return false
}

// hasWordAfter reports whether s[i:] holds a word character.
func hasWordAfter(s string, i int) bool {
	for i < len(s) {
		c, _, n := classAt(s, i)
		if c == wordRune || c == ideoRune {
			return true
		}
		i += n
	}
	return false
}

// cleanWriter builds a snippet: runs of white space and control
// characters become one space (none at the start or end), invalid UTF-8
// becomes U+FFFD.
type cleanWriter struct {
	b     strings.Builder
	space bool // a space is due before the next visible rune
}

func (w *cleanWriter) text(s string) {
	for _, r := range s { // invalid bytes arrive as U+FFFD
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			w.space = true
			continue
		}
		w.flush()
		w.b.WriteRune(r)
	}
}

func (w *cleanWriter) raw(s string) {
	w.flush()
	w.b.WriteString(s)
}

func (w *cleanWriter) flush() {
	if w.space && w.b.Len() > 0 {
		w.b.WriteByte(' ')
	}
	w.space = false
}
