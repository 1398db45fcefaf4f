package graph

import (
	"bytes"
	"context"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// KV is one pre-encoded key and value, for the raw-Badger baseline.
type KV struct{ Key, Val []byte }

// PlanWrites returns the keys and values Apply would write for b into an
// empty store, sorted by key: exactly the data a raw Badger load of the
// same graph writes.
func PlanWrites(ctx context.Context, s *Store, b *Batch) ([]KV, error) {
	s.mu.RLock()
	gen, m := s.gen, s.mem
	s.mu.RUnlock()
	txn := s.db.NewTransaction(false)
	defer txn.Discard()
	p, err := plan(ctx, txn, keyspace{gen.id}, m, b, &Result{ByKind: map[Kind]Change{}, ByEdgeType: map[EdgeType]Change{}})
	if err != nil {
		return nil, err
	}
	if err := p.diff(); err != nil {
		return nil, err
	}
	kvs := make([]KV, 0, len(p.writes))
	for _, w := range p.writes {
		if !w.del {
			kvs = append(kvs, KV{w.key, w.val})
		}
	}
	slices.SortFunc(kvs, func(a, b KV) int { return bytes.Compare(a.Key, b.Key) })
	return kvs, nil
}

// BadgerOptions returns the Badger options Open uses, for benchmarks that
// compare with a raw Badger database.
func BadgerOptions(dir string, opts Options) badger.Options { return badgerOptions(dir, opts) }

// CollectTerms runs a load's term collection over nodes in rank order
// and returns the number of distinct terms and postings, for benchmarks.
func CollectTerms(ctx context.Context, nodes []*Node) (terms, postings int, err error) {
	lt, err := collectTerms(ctx, nodes, make([]uint32, len(nodes)))
	return len(lt.order), len(lt.postings), err
}

// TextBytes is the length of the searchable text of n.
func TextBytes(n *Node) int {
	size := 0
	for _, f := range nodeFields(n) {
		size += len(f.text)
	}
	return size
}

// PathSearchCost runs ShortestPath's search from one node to another
// over every edge type and returns the walk's length in edges (-1 when
// there is none within maxDepth, or an end is not a node) and the
// adjacency entries it read.
func PathSearchCost(ctx context.Context, s *Store, from, to string, maxDepth int) (length, read int) {
	s.mu.RLock()
	m := s.mem
	s.mu.RUnlock()
	a, ok1 := m.lookup(from)
	b, ok2 := m.lookup(to)
	if !ok1 || !ok2 {
		return -1, 0
	}
	sc := new(bfsScratch)
	walk := m.bidiBFS(ctx, sc, a, b, maxDepth, 0, true)
	return len(walk) - 1, sc.read
}
