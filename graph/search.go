package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Search limits.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 500
	// maxPrefixTerms bounds how many index terms the last query word may
	// expand to as a prefix (search as you type).
	maxPrefixTerms = 256
	// prefixPenalty scales the score of a term matched only as a prefix.
	prefixPenalty = 0.6
)

// Search runs a full-text query over names, aliases, descriptions,
// summaries, quotes, translations and document texts, folded for case and
// accents (see text.go). Each query word scores by BM25; the last word also
// matches as a prefix (search as you type) at a lower weight; a node
// matching more of the words ranks higher. Best hits come first, ties in
// id order.
func (s *Store) Search(ctx context.Context, query string, o SearchOptions) ([]Hit, error) {
	if o.Limit == 0 {
		o.Limit = DefaultSearchLimit
	}
	if o.Limit < 1 || o.Limit > MaxSearchLimit {
		return nil, invalidf("limit %d is outside 1..%d", o.Limit, MaxSearchLimit)
	}
	for _, k := range o.Kinds {
		if !k.Valid() {
			return nil, invalidf("unknown node kind %d", k)
		}
	}
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	type acc struct {
		score   float64
		matched uint32 // bit i: query term i matched
	}
	var hits []Hit
	err := s.read(ctx, true, func(v *view) error {
		docs := float64(v.mem.textDocs)
		avg := 0.0
		if docs > 0 {
			avg = float64(v.mem.textLen) / docs
		}
		scores := map[string]*acc{}
		for qi, t := range terms {
			prefix := qi == len(terms)-1
			var run []posting
			runTerm, expansions := "", 0
			flush := func() {
				df := float64(len(run))
				w := 1.0
				if runTerm != t {
					w = prefixPenalty
				}
				for _, p := range run {
					if len(o.Kinds) > 0 && !kindIn(p.id, o.Kinds) {
						continue
					}
					a := scores[p.id]
					if a == nil {
						a = &acc{}
						scores[p.id] = a
					}
					a.score += w * bm25(float64(p.tf), df, docs, float64(p.length), avg)
					a.matched |= 1 << qi
				}
				run = run[:0]
			}
			pfx := v.ks.postingsOf(t)
			if prefix {
				pfx = v.ks.postingsStarting(t)
			}
			it := v.tx().NewIterator(badger.IteratorOptions{Prefix: pfx, PrefetchValues: true, PrefetchSize: 16})
			n := 0
			for it.Rewind(); it.Valid(); it.Next() {
				if n++; n%64 == 0 {
					if err := ctx.Err(); err != nil {
						it.Close()
						return err
					}
				}
				term, _, err := v.ks.parsePostings(it.Item().Key())
				if err != nil {
					it.Close()
					return fmt.Errorf("%w: %v", ErrCorrupt, err)
				}
				if term != runTerm {
					flush()
					if expansions++; expansions > maxPrefixTerms {
						break
					}
					runTerm = term
				}
				var bad error
				if err := it.Item().Value(func(b []byte) error {
					run, bad = decodeBlock(b, run)
					return nil
				}); err != nil {
					it.Close()
					return err
				}
				if bad != nil {
					it.Close()
					return fmt.Errorf("%w: postings of %q: %v", ErrCorrupt, term, bad)
				}
			}
			flush()
			it.Close()
		}
		type ranked struct {
			id    string
			score float64
		}
		all := make([]ranked, 0, len(scores))
		for id, a := range scores {
			c := float64(popcount(a.matched)) / float64(len(terms))
			all = append(all, ranked{id, a.score * c * c})
		}
		slices.SortFunc(all, func(x, y ranked) int {
			switch {
			case x.score > y.score:
				return -1
			case x.score < y.score:
				return 1
			}
			return strings.Compare(x.id, y.id)
		})
		if len(all) > o.Limit {
			all = all[:o.Limit]
		}
		for _, r := range all {
			n, err := v.node(r.id)
			if err != nil {
				return err
			}
			hits = append(hits, Hit{Node: *n, Score: r.score, Snippet: snippet(n, terms, true)})
		}
		return nil
	})
	return hits, err
}

func kindIn(id string, kinds []Kind) bool {
	k, err := KindOf(id)
	return err == nil && slices.Contains(kinds, k)
}

func popcount(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}
