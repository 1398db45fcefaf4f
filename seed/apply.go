package seed

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/stancegraph/stancegraph/graph"
)

// MemoryLimit is the soft limit of the Go heap that `stancegraph seed`
// sets unless told otherwise (--memory-limit, GOMEMLIMIT). A first seed
// holds the parsed set, the batch's plan and Badger's table builders at
// once; without a limit the collector lets the heap grow to twice what is
// live, 2.4 GB for a 1M-edge set. Near the limit it collects more often
// instead. The load releases the pages of the tables it has written as it
// goes, so the process's peak RSS is about this limit: 1.2 GiB for 1M
// edges, under the 1.5 GB the seed is meant to need.
const MemoryLimit = 1250 << 20

// ApplyOptions changes how Apply writes a set.
type ApplyOptions struct {
	// DryRun computes what would change without writing anything.
	DryRun bool
	// Prune deletes the nodes and edges whose Origin is one of the set's
	// files but which the set no longer contains. Nodes and edges of other
	// origins (other seed sets, "mutation") are never touched. Do not
	// prune with a set from ParseDocument("mutation", ...): every node any
	// mutation wrote has that origin.
	Prune bool
}

// Apply writes the set to the store as one batch, all-or-nothing: on any
// error nothing is written. References to nodes outside the set are looked
// up in the store; those it lacks too are reported as Errors wrapping
// ErrDangling. Applying an unchanged set again reports nothing created or
// updated.
func Apply(ctx context.Context, st *graph.Store, set *Set, o ApplyOptions) (graph.Result, error) {
	b, err := plan(ctx, st, set, o)
	if err != nil {
		return graph.Result{}, err
	}
	res, err := st.Apply(ctx, b, graph.ApplyOptions{DryRun: o.DryRun})
	if err != nil {
		return graph.Result{}, fmt.Errorf("seed: apply: %w", err)
	}
	return res, nil
}

// plan checks the set against the store and returns the batch that makes
// the store hold it: the nodes and edges the store lacks or holds
// differently, and the deletions of a prune. Leaving out what the store
// already holds identically changes no Result (graph counts an identical
// write as nothing) but keeps a re-seed's batch small.
func plan(ctx context.Context, st *graph.Store, set *Set, o ApplyOptions) (*graph.Batch, error) {
	if set == nil {
		return nil, errors.New("seed: apply: no seed set")
	}
	var errs errList
	var delNodes []string
	var delEdges []edgeKey
	deleted := map[edgeKey]bool{}
	pruned := map[string]string{} // id -> origin
	if o.Prune {
		files := make(map[string]bool, len(set.files))
		for _, f := range set.files {
			files[f] = true
		}
		err := st.ForEachNode(ctx, func(n *graph.Node) error {
			if _, ok := set.byID[n.ID]; !ok && files[n.Origin] {
				delNodes = append(delNodes, n.ID)
				pruned[n.ID] = n.Origin
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seed: prune: %w", err)
		}
		err = st.ForEachEdge(ctx, func(e *graph.Edge) error {
			k := edgeKey{e.Type, e.From, e.To}
			if set.hasEdge(e.Type, e.From, e.To) {
				return nil
			}
			if files[e.Origin] {
				delEdges = append(delEdges, k)
				deleted[k] = true
				return nil
			}
			for _, id := range [2]string{e.From, e.To} {
				if origin, ok := pruned[id]; ok {
					errs.add(&Error{File: origin, Item: id, Err: &problem{
						msg: fmt.Sprintf("prune would delete this node, but the edge %s written by %q still uses it; remove that edge first or keep the node", e.ID(), e.Origin),
						err: graph.ErrHasEdges,
					}})
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seed: prune: %w", err)
		}
	}

	checked := map[string]bool{}
	for _, u := range set.unresolved {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		found, ok := checked[u.id]
		if !ok {
			_, gone := pruned[u.id]
			found = !gone && st.Has(ctx, u.id)
			checked[u.id] = found
		}
		if !found {
			errs.add(u.err)
		}
	}
	// Subtopic edges of the store can close a cycle with the set's.
	var storeErr error
	set.checkCycles(&errs, func(id string) []string {
		if _, gone := pruned[id]; storeErr != nil || gone {
			return nil
		}
		es, err := st.Edges(ctx, id, graph.Out, []graph.EdgeType{graph.SubtopicOf}, graph.Date{})
		if err != nil && !errors.Is(err, graph.ErrNotFound) {
			storeErr = err
		}
		var out []string
		for _, e := range es {
			k := edgeKey{e.Type, e.From, e.To}
			if !set.hasEdge(e.Type, e.From, e.To) && !deleted[k] {
				out = append(out, e.To)
			}
		}
		return out
	})
	if storeErr != nil {
		return nil, fmt.Errorf("seed: apply: %w", storeErr)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}

	var b graph.Batch
	if err := putChanged(ctx, st, set, &b); err != nil {
		return nil, fmt.Errorf("seed: apply: %w", err)
	}
	if err := stampSet(ctx, st, set, o.Prune, &b); err != nil {
		return nil, fmt.Errorf("seed: apply: %w", err)
	}
	for _, k := range delEdges {
		b.DeleteEdge(k.t, k.from, k.to)
	}
	for _, id := range delNodes {
		b.DeleteNode(id, false)
	}
	return &b, nil
}

// putChanged adds to b the set's nodes and edges that the store lacks or
// holds differently. It scans the whole store when the set is a large part
// of it, and looks the set's items up one by one otherwise.
func putChanged(ctx context.Context, st *graph.Store, set *Set, b *graph.Batch) error {
	c, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	same := make([][]bool, len(set.parts)) // the store holds this item identically
	for i, p := range set.parts {
		same[i] = make([]bool, len(p.nodes)+len(p.edges))
	}
	if set.nodes+set.edges >= (c.Nodes+c.Edges)/4 {
		err = st.ForEachNode(ctx, func(n *graph.Node) error {
			if r, ok := set.byID[n.ID]; ok && reflect.DeepEqual(*n, set.parts[r.part].nodes[r.i]) {
				same[r.part][r.i] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = st.ForEachEdge(ctx, func(e *graph.Edge) error {
			if r, ok := set.edgeRef(e.Type, e.From, e.To); ok && reflect.DeepEqual(*e, set.parts[r.part].edges[r.i]) {
				same[r.part][len(set.parts[r.part].nodes)+int(r.i)] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	} else if err := lookUp(ctx, st, set, same); err != nil {
		return err
	}
	// The batch adopts runs of changed items without copying them: a first
	// seed of a million edges would otherwise hold them twice.
	for pi, p := range set.parts {
		eachRun(same[pi][:len(p.nodes)], func(lo, hi int) { b.PutNodes(p.nodes[lo:hi:hi]) })
	}
	for pi, p := range set.parts {
		eachRun(same[pi][len(p.nodes):], func(lo, hi int) { b.PutEdges(p.edges[lo:hi:hi]) })
	}
	return nil
}

// eachRun calls fn for each maximal run [lo, hi) of false in same.
func eachRun(same []bool, fn func(lo, hi int)) {
	for lo := 0; lo < len(same); {
		if same[lo] {
			lo++
			continue
		}
		hi := lo + 1
		for hi < len(same) && !same[hi] {
			hi++
		}
		fn(lo, hi)
		lo = hi
	}
}

// lookUp marks the set's items that the store holds identically, looking
// them up by id.
func lookUp(ctx context.Context, st *graph.Store, set *Set, same [][]bool) error {
	const chunk = 4096
	ids := make([]string, 0, chunk)
	for pi, p := range set.parts {
		for lo := 0; lo < len(p.nodes); lo += chunk {
			hi := min(lo+chunk, len(p.nodes))
			ids = ids[:0]
			for i := lo; i < hi; i++ {
				ids = append(ids, p.nodes[i].ID)
			}
			stored, err := st.Nodes(ctx, ids)
			if err != nil {
				return err
			}
			for i := lo; i < hi; i++ {
				if old := stored[i-lo]; old != nil && reflect.DeepEqual(*old, p.nodes[i]) {
					same[pi][i] = true
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := range p.edges {
			e := &p.edges[i]
			old, err := st.Edge(ctx, e.Type, e.From, e.To)
			switch {
			case errors.Is(err, graph.ErrNotFound):
			case err != nil:
				return err
			case reflect.DeepEqual(old, *e):
				same[pi][len(p.nodes)+i] = true
			}
		}
	}
	return nil
}
