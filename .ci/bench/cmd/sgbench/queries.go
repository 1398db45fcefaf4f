package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/stancegraph/stancegraph/graph"
)

// Query-set sizes and seeds (fixed: every run asks the same questions).
const (
	egoSample    = 300 // sampled roots, before dropping those over egoMaxNodes
	egoMaxNodes  = graph.MaxNeighborhoodLimit
	egoAPILimit  = 500 // the API's page cap: roots up to this many nodes are also asked over GraphQL
	pathPairs    = 300
	alignTopics  = 250                  // at most this many topics, evenly spread over the qualifying ones
	searchSample = 400                  // per 100k edges
	searchLimit  = graph.MaxSearchLimit // a query qualifies when it has fewer hits than this
	seedEgo      = 3
	seedPairs    = 4
	seedSearch   = 5
)

// querySet holds the questions and the answers every contender must give.
type querySet struct {
	roots    []string // 2-hop roots, those of at most egoAPILimit nodes first
	apiRoots int      // roots[:apiRoots] have at most egoAPILimit nodes
	egoWant  []digest
	pairs    [][2]string
	pathWant []int // edges of a shortest path, -1 when none within graph.MaxPathDepth
	topics   []string
	alignWnt [][]pairScore
	searches []string // raw queries (single words, see searchClass)
	foldedQ  []string
	hitWant  [][]string // sorted ids
}

// digest identifies a node set: its size and the sha256 of its sorted ids
// joined by "\n" (what nx.py computes).
type digest struct {
	N   int
	Sum string
}

func digestOf(ids []string) digest {
	s := slices.Clone(ids)
	slices.Sort(s)
	h := sha256.Sum256([]byte(strings.Join(s, "\n")))
	return digest{len(s), hex.EncodeToString(h[:])}
}

type pairScore struct {
	A, B  string
	Score float64
}

// buildQueries draws the query sets and computes stancegraph's answers,
// which the other contenders must then reproduce.
func buildQueries(ctx context.Context, d *dataset, st *graph.Store) (*querySet, error) {
	q := &querySet{}
	// 2-hop roots: distinct sampled nodes whose 2-hop set fits egoMaxNodes.
	type root struct {
		id string
		dg digest
	}
	var small, large []root
	seen := map[string]bool{}
	for _, id := range d.gen.Sample(egoSample, seedEgo) {
		if seen[id] {
			continue
		}
		seen[id] = true
		sg, err := st.Neighborhood(ctx, id, graph.NeighborhoodOptions{Depth: 2, Limit: egoMaxNodes})
		if err != nil {
			return nil, fmt.Errorf("neighborhood of %s: %w", id, err)
		}
		if sg.Truncated {
			continue
		}
		r := root{id, digestOf(nodeIDs(sg.Nodes))}
		// The keys-only walk timed against networkx must give the same answer.
		keys, err := st.Neighborhood(ctx, id, graph.NeighborhoodOptions{Depth: 2, Limit: egoMaxNodes, NodeKeysOnly: true, EdgeKeysOnly: true})
		if err != nil {
			return nil, fmt.Errorf("neighborhood of %s, keys only: %w", id, err)
		}
		if digestOf(nodeIDs(keys.Nodes)) != r.dg || len(keys.Edges) != len(sg.Edges) {
			return nil, fmt.Errorf("neighborhood of %s: keys only gives other nodes or edges than with values", id)
		}
		if r.dg.N <= egoAPILimit {
			small = append(small, r)
		} else {
			large = append(large, r)
		}
	}
	for _, r := range append(small, large...) {
		q.roots = append(q.roots, r.id)
		q.egoWant = append(q.egoWant, r.dg)
	}
	q.apiRoots = len(small)
	if len(q.roots) < 20 || q.apiRoots < 10 {
		return nil, fmt.Errorf("only %d 2-hop roots qualify (%d of at most %d nodes): too few to measure", len(q.roots), q.apiRoots, egoAPILimit)
	}
	if err := writeLines(d.nx.ego, slices.Values(q.roots)); err != nil {
		return nil, err
	}

	q.pairs = d.gen.Pairs(pathPairs, seedPairs)
	for _, p := range q.pairs {
		path, ok, err := st.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: graph.MaxPathDepth})
		if err != nil {
			return nil, fmt.Errorf("shortest path %s – %s: %w", p[0], p[1], err)
		}
		n := -1
		if ok {
			n = len(path.Edges)
		}
		keys, ok2, err := st.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: graph.MaxPathDepth, NodeKeysOnly: true, EdgeKeysOnly: true})
		if err != nil {
			return nil, fmt.Errorf("shortest path %s – %s, keys only: %w", p[0], p[1], err)
		}
		if ok2 != ok || len(keys.Edges) != len(path.Edges) {
			return nil, fmt.Errorf("shortest path %s – %s: keys only gives another length than with values", p[0], p[1])
		}
		q.pathWant = append(q.pathWant, n)
	}
	if err := writeLines(d.nx.pairs, func(yield func(string) bool) {
		for _, p := range q.pairs {
			if !yield(p[0] + "\t" + p[1]) {
				return
			}
		}
	}); err != nil {
		return nil, err
	}

	// Alignment: every topic whose holders Alignment accepts.
	page, err := st.NodesByKind(ctx, graph.KindTopic, graph.Page{First: 1 << 30})
	if err != nil {
		return nil, err
	}
	for _, t := range page.Nodes {
		al, err := st.Alignment(ctx, t.ID, nil)
		if err != nil {
			continue // more than graph.MaxAlignmentActors holders: not a question the API answers
		}
		if len(al) == 0 {
			continue
		}
		q.topics = append(q.topics, t.ID)
		q.alignWnt = append(q.alignWnt, alignScores(al))
	}
	if len(q.topics) < 5 {
		return nil, fmt.Errorf("only %d topics qualify for the alignment matrix", len(q.topics))
	}
	// At 1M edges about 1,900 topics qualify, and SQLite takes tens of
	// minutes to answer them all once per repetition.
	if n := len(q.topics); n > alignTopics {
		topics, want := q.topics[:0:0], q.alignWnt[:0:0]
		for i := range alignTopics {
			j := i * n / alignTopics
			topics, want = append(topics, q.topics[j]), append(want, q.alignWnt[j])
		}
		q.topics, q.alignWnt = topics, want
	}

	// Search: single-word queries that fold to ASCII letters (searchClass),
	// each once, with fewer than searchLimit hits, so whole hit sets compare.
	// Bigger graphs have fewer words under the limit: draw more.
	sample := searchSample * max(1, d.edges/100_000)
	done := map[string]bool{}
	for _, s := range d.gen.Queries(sample, seedSearch) {
		f, ok := searchClass(s)
		if !ok || done[f] {
			continue
		}
		done[f] = true
		hits, err := st.Search(ctx, s, graph.SearchOptions{Limit: searchLimit})
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", s, err)
		}
		if len(hits) == 0 || len(hits) >= searchLimit {
			continue
		}
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.Node.ID
		}
		slices.Sort(ids)
		q.searches = append(q.searches, s)
		q.foldedQ = append(q.foldedQ, f)
		q.hitWant = append(q.hitWant, ids)
	}
	// At 1M edges few words have under searchLimit hits; the row's note
	// gives how many were measured.
	if len(q.searches) < 3 {
		return nil, fmt.Errorf("only %d search queries qualify", len(q.searches))
	}
	return q, nil
}

func nodeIDs(ns []graph.Node) []string {
	ids := make([]string, len(ns))
	for i := range ns {
		ids[i] = ns[i].ID
	}
	return ids
}

func alignScores(al []graph.Alignment) []pairScore {
	out := make([]pairScore, len(al))
	for i, a := range al {
		out[i] = pairScore{a.A, a.B, a.Score}
	}
	slices.SortFunc(out, func(x, y pairScore) int {
		if c := strings.Compare(x.A, y.A); c != 0 {
			return c
		}
		return strings.Compare(x.B, y.B)
	})
	return out
}

// searchClass says whether a query is in the class where stancegraph's
// search, FTS5 and the brute-force scan mean the same thing, and returns
// its folded form: one word of at least 3 letters, each an ASCII letter or
// one that decomposes to an ASCII letter and accents (so not ß, ł, ø, æ,
// œ, which stancegraph spells in ASCII and FTS5's unicode61 keeps). All
// three then match every indexed word that starts with it (stancegraph
// always treats the last query word as a prefix; FTS5 gets "word"*).
func searchClass(q string) (string, bool) {
	f := strings.TrimSpace(fold(q))
	if len(f) < 3 || strings.Contains(f, " ") {
		return "", false
	}
	for _, r := range norm.NFKD.String(q) {
		if !unicode.Is(unicode.Mn, r) && !(r < unicode.MaxASCII && unicode.IsLetter(r)) {
			return "", false
		}
	}
	return f, true
}

// fold folds text the way graph/text.go does for the class of searchClass:
// NFKD, combining marks dropped, lower case, a few letters spelled in
// ASCII; every character that is not a letter or digit becomes a space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			switch r = unicode.ToLower(r); r {
			case 'ß':
				b.WriteString("ss")
			case 'ø':
				b.WriteByte('o')
			case 'æ':
				b.WriteString("ae")
			case 'œ':
				b.WriteString("oe")
			case 'ł':
				b.WriteByte('l')
			default:
				b.WriteRune(r)
			}
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// bruteIndex is the no-index baseline of search: every node's searchable
// text, folded ahead of time, scanned in full for each query.
type bruteIndex struct {
	ids   []string
	texts []string // " " + folded text, so every word follows a space
}

func newBruteIndex(d *dataset) *bruteIndex {
	b := &bruteIndex{}
	for n := range d.gen.Nodes {
		t := textOf(&n)
		b.ids = append(b.ids, n.ID)
		b.texts = append(b.texts, " "+fold(strings.Join([]string{t.name, t.aliases, t.description, t.summary, t.quotes, t.translations, t.text}, " ")))
	}
	return b
}

// search returns the ids of the nodes with a word starting with the folded
// term, in node order, at most limit (0: all).
func (b *bruteIndex) search(term string, limit int) []string {
	needle := " " + term
	var out []string
	for i, t := range b.texts {
		if strings.Contains(t, needle) {
			out = append(out, b.ids[i])
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out
}

// SQL of the SQLite contender.
const (
	// sqlEgo returns the nodes within 2 hops of ?1 ignoring direction,
	// with their data, then the edges among them with theirs: the same
	// answer as Neighborhood and nx.ego_graph.
	sqlEgo = `WITH r(nid) AS (SELECT nid FROM nodes WHERE id = ?1),
n1(nid) AS (SELECT e.dst FROM r JOIN edges e ON e.src = r.nid UNION SELECT e.src FROM r JOIN edges e ON e.dst = r.nid),
s(nid) AS MATERIALIZED (SELECT nid FROM r UNION SELECT nid FROM n1
  UNION SELECT e.dst FROM n1 JOIN edges e ON e.src = n1.nid UNION SELECT e.src FROM n1 JOIN edges e ON e.dst = n1.nid)
SELECT 0, n.id, n.data FROM s JOIN nodes n ON n.nid = s.nid
UNION ALL
SELECT 1, e.type, e.data FROM s JOIN edges e ON e.src = s.nid WHERE e.dst IN (SELECT nid FROM s)`

	// sqlAlign is Alignment's aggregate: the stances on ?1 or its
	// subtopics (transitively), their holders, and for every pair of
	// holders the mean of 1 - |pa - pb| over every pair of their stances.
	sqlAlign = `WITH RECURSIVE t(nid) AS (SELECT nid FROM nodes WHERE id = ?1
  UNION SELECT e.src FROM t JOIN edges e ON e.dst = t.nid AND e.type = 'SUBTOPIC_OF'),
st(nid) AS (SELECT DISTINCT e.src FROM t JOIN edges e ON e.dst = t.nid AND e.type = 'ON_TOPIC'),
s(hid, pos) AS MATERIALIZED (SELECT h.id, n.position FROM st JOIN nodes n ON n.nid = st.nid AND n.kind = 'STANCE'
  JOIN edges e ON e.src = st.nid AND e.type = 'HELD_BY' JOIN nodes h ON h.nid = e.dst)
SELECT a.hid, b.hid, AVG(1 - ABS(a.pos - b.pos)) FROM s a JOIN s b ON a.hid < b.hid GROUP BY a.hid, b.hid`

	// sqlSearchAll is the hit set of a query (for the check).
	sqlSearchAll = `SELECT n.id FROM fts JOIN nodes n ON n.nid = fts.rowid WHERE fts MATCH ?1`
	// sqlSearchTop is the timed query: the 20 best hits by BM25 with
	// stancegraph's field weights (names 3, text 1) and a snippet.
	sqlSearchTop = `SELECT n.id, n.data, snippet(fts, -1, '[[', ']]', '…', 16) FROM fts JOIN nodes n ON n.nid = fts.rowid
WHERE fts MATCH ?1 ORDER BY bm25(fts, 3, 3, 1, 1, 1, 1, 1) LIMIT 20`
)

func ftsMatch(folded string) string { return `"` + folded + `"*` }

// sqlite holds the SQLite contender's prepared statements.
type sqlite struct {
	db                     *sql.DB
	ego, align, sAll, sTop *sql.Stmt
}

func newSQLite(path string) (*sqlite, error) {
	db, err := openSQLite(path)
	if err != nil {
		return nil, err
	}
	s := &sqlite{db: db}
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{{&s.ego, sqlEgo}, {&s.align, sqlAlign}, {&s.sAll, sqlSearchAll}, {&s.sTop, sqlSearchTop}} {
		if *p.dst, err = db.Prepare(p.q); err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare %q: %w", p.q, err)
		}
	}
	return s, nil
}

// egoIDs runs sqlEgo and returns the node ids (the edges are read too).
func (s *sqlite) egoIDs(ctx context.Context, id string) ([]string, error) {
	rows, err := s.ego.QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var k int
		var a string
		var data []byte
		if err := rows.Scan(&k, &a, &data); err != nil {
			return nil, err
		}
		if k == 0 {
			ids = append(ids, a)
		}
	}
	return ids, rows.Err()
}

func (s *sqlite) alignment(ctx context.Context, topic string) ([]pairScore, error) {
	rows, err := s.align.QueryContext(ctx, topic)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pairScore
	for rows.Next() {
		var p pairScore
		if err := rows.Scan(&p.A, &p.B, &p.Score); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *sqlite) searchIDs(ctx context.Context, st *sql.Stmt, folded string) ([]string, error) {
	rows, err := st.QueryContext(ctx, ftsMatch(folded))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	dst := make([]any, len(cols))
	var id string
	dst[0] = &id
	for i := 1; i < len(dst); i++ {
		dst[i] = new(sql.RawBytes)
	}
	var ids []string
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// mismatch is a hard failure: a contender answered differently.
func mismatch(what, contender, question string, got, want any) error {
	return fmt.Errorf("ANSWER MISMATCH in %s: %s answers %v for %s, stancegraph %v", what, contender, got, question, want)
}

// checkAnswers compares every contender's answers with stancegraph's
// before anything is timed.
func checkAnswers(ctx context.Context, q *querySet, sq *sqlite, nx *nxProc, brute *bruteIndex) error {
	var c nxCheck
	if err := nx.ask("check", &c); err != nil {
		return err
	}
	if len(c.Ego) != len(q.roots) || len(c.Paths) != len(q.pairs) {
		return fmt.Errorf("nx.py answered %d roots and %d pairs, want %d and %d", len(c.Ego), len(c.Paths), len(q.roots), len(q.pairs))
	}
	for i, r := range q.roots {
		got := digest{int(c.Ego[i][0].(float64)), c.Ego[i][1].(string)}
		if got != q.egoWant[i] {
			return mismatch("2-hop neighbourhood", "networkx ego_graph(radius=2)", r, got, q.egoWant[i])
		}
		ids, err := sq.egoIDs(ctx, r)
		if err != nil {
			return fmt.Errorf("sqlite 2-hop of %s: %w", r, err)
		}
		if got := digestOf(ids); got != q.egoWant[i] {
			return mismatch("2-hop neighbourhood", "SQLite", r, got, q.egoWant[i])
		}
	}
	for i, p := range q.pairs {
		got := c.Paths[i]
		if got > graph.MaxPathDepth {
			got = -1 // beyond the depth stancegraph searches
		}
		if got != q.pathWant[i] {
			return mismatch("shortest path length", "networkx shortest_path_length", p[0]+" – "+p[1], got, q.pathWant[i])
		}
	}
	for i, t := range q.topics {
		got, err := sq.alignment(ctx, t)
		if err != nil {
			return fmt.Errorf("sqlite alignment of %s: %w", t, err)
		}
		slices.SortFunc(got, func(x, y pairScore) int {
			if c := strings.Compare(x.A, y.A); c != 0 {
				return c
			}
			return strings.Compare(x.B, y.B)
		})
		want := q.alignWnt[i]
		if len(got) != len(want) {
			return mismatch("alignment matrix", "SQLite", t, fmt.Sprintf("%d pairs", len(got)), fmt.Sprintf("%d pairs", len(want)))
		}
		for j := range got {
			if got[j].A != want[j].A || got[j].B != want[j].B || math.Abs(got[j].Score-want[j].Score) > 1e-9 {
				return mismatch("alignment matrix", "SQLite", t, got[j], want[j])
			}
		}
	}
	for i, s := range q.searches {
		got, err := sq.searchIDs(ctx, sq.sAll, q.foldedQ[i])
		if err != nil {
			return fmt.Errorf("fts5 search %q: %w", s, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, q.hitWant[i]) {
			return mismatch("full-text search", "SQLite FTS5", fmt.Sprintf("%q", s), diffIDs(got, q.hitWant[i]), "")
		}
		got = brute.search(q.foldedQ[i], 0)
		slices.Sort(got)
		if !slices.Equal(got, q.hitWant[i]) {
			return mismatch("full-text search", "the brute-force scan", fmt.Sprintf("%q", s), diffIDs(got, q.hitWant[i]), "")
		}
	}
	return nil
}

// diffIDs describes how two sorted id sets differ.
func diffIDs(got, want []string) string {
	var only, missing []string
	for _, g := range got {
		if _, ok := slices.BinarySearch(want, g); !ok {
			only = append(only, g)
		}
	}
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok {
			missing = append(missing, w)
		}
	}
	cut := func(s []string) []string { return s[:min(len(s), 5)] }
	return fmt.Sprintf("%d hits (%d not in stancegraph's %d, e.g. %v; %d missing, e.g. %v)", len(got), len(only), len(want), cut(only), len(missing), cut(missing))
}

// timeEach times fn on each of n inputs.
func timeEach(n int, fn func(i int) error) ([]time.Duration, error) {
	lat := make([]time.Duration, n)
	for i := range n {
		t0 := time.Now()
		err := fn(i)
		lat[i] = time.Since(t0)
		if err != nil {
			return nil, err
		}
	}
	return lat, nil
}
