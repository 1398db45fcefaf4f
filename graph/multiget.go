package graph

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Reading many values one Get at a time makes Badger build a table
// iterator and search every level for each key. For a batch, one iterator
// over the family visited in key order is about twice as fast: it seeks
// forward, mostly within blocks it has just read.

// multiGetMin is the batch size from which the iterator pays off.
const multiGetMin = 64

// eachValue calls fn with the index and value of every key of keys (all
// in family fam) that exists, in key order. Missing keys are skipped.
func (v *view) eachValue(fam byte, keys [][]byte, fn func(i int, val []byte) error) error {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	it := v.tx().NewIterator(badger.IteratorOptions{Prefix: v.ks.prefix(fam)})
	defer it.Close()
	for n, i := range order {
		if n%1024 == 0 {
			if err := v.ctx.Err(); err != nil {
				return err
			}
		}
		k := keys[i]
		// A key just ahead is found by stepping, which is cheaper than
		// seeking.
		for steps := 0; it.Valid() && steps < 2 && bytes.Compare(it.Item().Key(), k) < 0; steps++ {
			it.Next()
		}
		if !it.Valid() || bytes.Compare(it.Item().Key(), k) < 0 {
			it.Seek(k)
		}
		if !it.Valid() || !bytes.Equal(it.Item().Key(), k) {
			continue
		}
		if err := it.Item().Value(func(val []byte) error { return fn(i, val) }); err != nil {
			return err
		}
	}
	return nil
}

// nodesByIndex loads the nodes of the dense indexes us, in that order.
func (v *view) nodesByIndex(us []uint32) ([]Node, error) {
	m := v.mem
	out := make([]Node, len(us))
	if len(us) < multiGetMin {
		for i, u := range us {
			n, err := v.node(m.ids.at(u))
			if err != nil {
				return nil, err
			}
			out[i] = *n
		}
		return out, nil
	}
	keys := make([][]byte, len(us))
	for i, u := range us {
		keys[i] = v.ks.node(m.ids.at(u))
	}
	found := 0
	err := v.eachValue(famNode, keys, func(i int, val []byte) error {
		found++
		if err := decodeNode(val, &out[i]); err != nil {
			return fmt.Errorf("node %s: %w", m.ids.at(us[i]), err)
		}
		return nil
	})
	if err == nil && found != len(us) {
		err = fmt.Errorf("%w: %d of %d nodes of the topology have no value", ErrCorrupt, len(us)-found, len(us))
	}
	return out, err
}

// edgesByKey loads the edges of keys, in that order.
func (v *view) edgesByKey(keys []edgeKey) ([]Edge, error) {
	out := make([]Edge, len(keys))
	if len(keys) < multiGetMin {
		for i, k := range keys {
			e, err := v.edge(k.t, k.from, k.to)
			if err != nil {
				return nil, err
			}
			out[i] = *e
		}
		return out, nil
	}
	raw := make([][]byte, len(keys))
	for i, k := range keys {
		raw[i] = v.ks.out(k.t, k.from, k.to)
	}
	found := 0
	err := v.eachValue(famOut, raw, func(i int, val []byte) error {
		found++
		k := keys[i]
		out[i] = k.edge()
		if err := decodeEdge(val, &out[i]); err != nil {
			return fmt.Errorf("edge %s: %w", k, err)
		}
		return nil
	})
	if err == nil && found != len(keys) {
		err = fmt.Errorf("%w: %d of %d edges of the topology have no value", ErrCorrupt, len(keys)-found, len(keys))
	}
	return out, err
}
