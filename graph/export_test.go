package graph

import (
	"bytes"
	"context"
	"fmt"
	"slices"
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
	p := &planner{ctx: ctx, txn: txn, ks: keyspace{gen.id}, m: m, nodes: map[string]*Node{},
		edges: map[edgeKey]*Edge{}, touching: map[string][]edgeKey{}, res: &Result{ByKind: map[Kind]Change{}, ByEdgeType: map[EdgeType]Change{}}}
	for _, o := range b.ops {
		if o.kind == opDeleteNode {
			p.trackTouching = true
		}
	}
	for i := range b.ops {
		if err := p.op(b, b.ops[i]); err != nil {
			return nil, fmt.Errorf("operation %d: %w", i+1, err)
		}
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
