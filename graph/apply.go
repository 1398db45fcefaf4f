package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Apply applies the batch all-or-nothing: either every operation takes
// effect and every index is updated, or nothing is written. Batches that fit
// one Badger transaction commit in it; larger ones are staged under a new
// generation and made visible by one atomic switch (see doc.go). Once Apply
// returns without error the batch is durable (unless Options.NoSync).
func (s *Store) Apply(ctx context.Context, b *Batch, o ApplyOptions) (Result, error) {
	res := Result{ByKind: map[Kind]Change{}, ByEdgeType: map[EdgeType]Change{}}
	if b == nil || (len(b.ops) == 0 && len(b.stamps) == 0) {
		return res, ctx.Err()
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.RLock()
	closed, gen, m, stamps := s.closed, s.gen, s.mem, s.stamps
	s.mu.RUnlock()
	if closed {
		return res, ErrClosed
	}
	if err := s.checkSpace(b); err != nil {
		return Result{}, err
	}
	// Only writers change mem, and we hold wmu: reading it unlocked is safe.
	rtxn := s.db.NewTransaction(false)
	defer rtxn.Discard()
	var p *planner
	var lp *loadPlan
	var err error
	load := isLoad(m, b)
	if load {
		lp = planLoad(ctx, b, !o.DryRun) // nil: the planner plans it
	}
	if lp != nil {
		p = newPlanner(ctx, rtxn, keyspace{gen.id}, m, &res)
	} else if p, err = plan(ctx, rtxn, keyspace{gen.id}, m, b, &res); err != nil {
		return Result{}, err
	}
	p.planStamps(stamps, b)
	if load {
		if lp == nil {
			if lp, err = p.loadPlan(); err != nil {
				return Result{}, err
			}
		}
		p.loadResult(lp)
		if o.DryRun {
			return res, nil
		}
		if err := s.streamLoad(ctx, gen, p, lp); err != nil {
			return Result{}, err
		}
		return res, nil
	}
	if err := p.diff(); err != nil {
		return Result{}, err
	}
	if o.DryRun || (len(p.writes) == 0 && !p.stampsChange()) {
		return res, nil
	}
	if err := s.commit(ctx, gen, p); err != nil {
		return Result{}, err
	}
	return res, nil
}

// plan folds the operations of b into their final state and checks it.
func plan(ctx context.Context, txn *badger.Txn, ks keyspace, m *mem, b *Batch, res *Result) (*planner, error) {
	p := newPlanner(ctx, txn, ks, m, res)
	for _, o := range b.ops {
		if o.kind == opDeleteNode || o.kind == opReplaceEdges {
			p.trackTouching = true
			break
		}
	}
	for i := range b.ops {
		if err := p.op(b, b.ops[i]); err != nil {
			return nil, fmt.Errorf("operation %d: %w", i+1, err)
		}
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

// newPlanner returns a planner whose final state is still empty.
func newPlanner(ctx context.Context, txn *badger.Txn, ks keyspace, m *mem, res *Result) *planner {
	return &planner{ctx: ctx, txn: txn, ks: ks, m: m,
		nodes: map[string]*Node{}, edges: map[edgeKey]*Edge{}, touching: map[string][]edgeKey{}, res: res}
}

type edgeKey struct {
	t        EdgeType
	from, to string
}

func (k edgeKey) String() string { return EdgeID(k.t, k.from, k.to) }

// edge returns the edge the key names, without its value.
func (k edgeKey) edge() Edge { return Edge{Type: k.t, From: k.from, To: k.to} }

// write is one key to set (val != nil or set) or delete.
type write struct {
	key, val []byte
	del      bool
}

// planner turns a batch into its final state, checks it, and computes the
// exact key writes and the matching change to mem.
type planner struct {
	ctx      context.Context
	txn      *badger.Txn
	ks       keyspace
	m        *mem
	nodes    map[string]*Node
	edges    map[edgeKey]*Edge
	touching map[string][]edgeKey // node id -> edges put in this batch that touch it
	// trackTouching is set when the batch deletes nodes or replaces
	// edges, the only cases that need touching.
	trackTouching bool
	res           *Result

	writes []write
	// termEdits holds the posting changes per term until writePostings
	// turns them into block writes at the end of diff.
	termEdits map[string][]termEdit
	// Changes to mem, applied after the commit: nodes created and nodes
	// renamed, each with its name, and nodes deleted.
	addNodes, renamed []namedID
	delNodes          []string
	addEdges, delEdge []edgeKey
	textDocs, textLen int64
	// loaded is the topology a streamed load built; it replaces mem.
	loaded *mem

	// Origin stamps (meta.go): those stored, those the batch sets, the
	// stored ones it does not renew (watch) and those of them its changes
	// clear, and the result.
	storedStamps, stamps, final map[string][]byte
	watch, cleared              map[string]struct{}
}

func (p *planner) nodeExists(id string) bool {
	if st, ok := p.nodes[id]; ok {
		return st != nil
	}
	_, ok := p.m.lookup(id)
	return ok
}

func (p *planner) storedEdgeExists(k edgeKey) (bool, error) {
	_, err := p.txn.Get(p.ks.out(k.t, k.from, k.to))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (p *planner) edgeExists(k edgeKey) (bool, error) {
	if st, ok := p.edges[k]; ok {
		return st != nil, nil
	}
	return p.storedEdgeExists(k)
}

// op folds one operation into the final state. Put operations keep a
// pointer into the batch instead of a copy.
func (p *planner) op(b *Batch, o op) error {
	if err := p.ctx.Err(); err != nil {
		return err
	}
	switch o.kind {
	case opPutNode:
		n := b.node(o)
		if err := n.Validate(); err != nil {
			return err
		}
		p.nodes[n.ID] = n
	case opDeleteNode:
		id := b.node(o).ID
		if _, err := KindOf(id); err != nil {
			return err
		}
		if !p.nodeExists(id) {
			return fmt.Errorf("delete node %s: %w", id, ErrNotFound)
		}
		edges, err := p.edgesAt(id)
		if err != nil {
			return err
		}
		if len(edges) > 0 && !o.cascade {
			return fmt.Errorf("delete node %s: %w: %d edges (first %s); delete them or cascade", id, ErrHasEdges, len(edges), edges[0])
		}
		for _, k := range edges {
			p.edges[k] = nil
		}
		p.nodes[id] = nil
	case opPutEdge:
		return p.putEdge(b.edge(o))
	case opDeleteEdge:
		e := b.edge(o)
		k := edgeKey{e.Type, e.From, e.To}
		ok, err := p.edgeExists(k)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("delete edge %s: %w", k, ErrNotFound)
		}
		p.edges[k] = nil
	case opExpectNode:
		return p.expect(b.node(o))
	case opReplaceEdges:
		return p.replace(&b.replaces[o.i])
	}
	return nil
}

// replace carries out a ReplaceEdges operation.
func (p *planner) replace(r *replaceEdges) error {
	if r.dir != Out && r.dir != In {
		return invalidf("replace edges of %s: direction must be Out or In", r.id)
	}
	keep := make(map[string]bool, len(r.others))
	for _, o := range r.others {
		keep[o] = false
	}
	current, err := p.edgesOf(r.id, r.dir, r.typ)
	if err != nil {
		return err
	}
	for _, k := range current {
		other := k.to
		if r.dir == In {
			other = k.from
		}
		if _, ok := keep[other]; ok {
			keep[other] = true
			continue
		}
		p.edges[k] = nil
	}
	for _, o := range r.others {
		if keep[o] {
			continue
		}
		keep[o] = true
		e := &Edge{Type: r.typ, From: r.id, To: o, Origin: r.origin}
		if r.dir == In {
			e.From, e.To = o, r.id
		}
		if err := p.putEdge(e); err != nil {
			return err
		}
	}
	return nil
}

// putEdge folds a valid edge into the final state.
func (p *planner) putEdge(e *Edge) error {
	if err := e.Validate(); err != nil {
		return err
	}
	k := edgeKey{e.Type, e.From, e.To}
	p.edges[k] = e
	if p.trackTouching {
		p.touching[e.From] = append(p.touching[e.From], k)
		p.touching[e.To] = append(p.touching[e.To], k)
	}
	return nil
}

// edgesOf lists the edges of type t from (Out) or to (In) id in the state
// built so far.
func (p *planner) edgesOf(id string, dir Direction, t EdgeType) ([]edgeKey, error) {
	all, err := p.edgesAt(id)
	out := all[:0]
	for _, k := range all {
		if k.t == t && ((dir == Out && k.from == id) || (dir == In && k.to == id)) {
			out = append(out, k)
		}
	}
	return out, err
}

// expect checks that node want.ID currently equals want, comparing
// encodings so that every stored field counts.
func (p *planner) expect(want *Node) error {
	cur, ok := p.nodes[want.ID]
	if !ok {
		var err error
		if cur, _, err = p.oldNode(want.ID); err != nil {
			return err
		}
	}
	if cur == nil {
		return fmt.Errorf("expect node %s: %w: it does not exist", want.ID, ErrConflict)
	}
	a, err := encodeNode(cur)
	if err != nil {
		return err
	}
	b, err := encodeNode(want)
	if err != nil {
		return fmt.Errorf("expect node %s: %w", want.ID, err)
	}
	if !bytes.Equal(a, b) {
		return fmt.Errorf("expect node %s: %w: it has changed", want.ID, ErrConflict)
	}
	return nil
}

// edgesAt lists the edges touching id in the state built so far.
func (p *planner) edgesAt(id string) ([]edgeKey, error) {
	var out []edgeKey
	seen := map[edgeKey]bool{}
	add := func(k edgeKey) {
		if seen[k] {
			return
		}
		seen[k] = true
		if st, ok := p.edges[k]; ok && st == nil {
			return
		}
		out = append(out, k)
	}
	if i, ok := p.m.lookup(id); ok {
		for _, a := range p.m.out.of(i) {
			add(edgeKey{p.m.types[a.typ], id, p.m.ids.at(a.node)})
		}
		for _, a := range p.m.in.of(i) {
			add(edgeKey{p.m.types[a.typ], p.m.ids.at(a.node), id})
		}
	}
	for _, k := range p.touching[id] {
		add(k)
	}
	return out, nil
}

// check verifies the final state: every edge's endpoints exist. Of several
// broken edges it names the first in key order, without sorting them all.
func (p *planner) check() error {
	var bad *edgeKey
	missing := ""
	for k, e := range p.edges {
		if e == nil || (bad != nil && cmpEdgeKey(k, *bad) > 0) {
			continue
		}
		for _, id := range []string{k.from, k.to} {
			if !p.nodeExists(id) {
				bad, missing = &k, id
				break
			}
		}
	}
	if bad != nil {
		return fmt.Errorf("%w: edge %s: node %s does not exist", ErrInvalid, *bad, missing)
	}
	return nil
}

func sortedEdgeKeys(m map[edgeKey]*Edge) []edgeKey {
	ks := slices.Collect(maps.Keys(m))
	slices.SortFunc(ks, cmpEdgeKey)
	return ks
}

// cmpEdgeKey orders edge keys by from, type, to, the order of out-keys.
func cmpEdgeKey(a, b edgeKey) int {
	if c := compareStr(a.from, b.from); c != 0 {
		return c
	}
	if c := compareStr(string(a.t), string(b.t)); c != 0 {
		return c
	}
	return compareStr(a.to, b.to)
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (p *planner) set(k, v []byte) { p.writes = append(p.writes, write{key: k, val: v}) }
func (p *planner) del(k []byte)    { p.writes = append(p.writes, write{key: k, del: true}) }

// diff compares the final state with the stored one and records the writes.
func (p *planner) diff() error {
	ids := slices.Sorted(maps.Keys(p.nodes))
	for i, id := range ids {
		if i%1024 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		if err := p.diffNode(id, p.nodes[id]); err != nil {
			return err
		}
	}
	for i, k := range sortedEdgeKeys(p.edges) {
		if i%1024 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		if err := p.diffEdge(k, p.edges[k]); err != nil {
			return err
		}
	}
	return p.writePostings()
}

func (p *planner) oldNode(id string) (*Node, []byte, error) {
	item, err := p.txn.Get(p.ks.node(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read node %s: %w", id, err)
	}
	raw, err := item.ValueCopy(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read node %s: %w", id, err)
	}
	n := new(Node)
	if err := decodeNode(raw, n); err != nil {
		return nil, nil, fmt.Errorf("node %s: %w", id, err)
	}
	return n, raw, nil
}

func (p *planner) diffNode(id string, n *Node) error {
	old, oldRaw, err := p.oldNode(id)
	if err != nil {
		return err
	}
	kind, _ := KindOf(id)
	ch := p.res.ByKind[kind]
	defer func() { p.res.ByKind[kind] = ch }()
	if n == nil {
		if old == nil {
			return nil // created and deleted within the batch
		}
		p.del(p.ks.node(id))
		p.touch(old.Origin)
		p.indexNode(old, nil)
		p.delNodes = append(p.delNodes, id)
		p.res.NodesDeleted++
		ch.Deleted++
		return nil
	}
	raw, err := encodeNode(n)
	if err != nil {
		return err
	}
	if old != nil && bytes.Equal(raw, oldRaw) {
		return nil
	}
	p.set(p.ks.node(id), raw)
	if old != nil {
		p.touch(old.Origin)
	}
	p.touch(n.Origin)
	p.indexNode(old, n)
	if old == nil {
		p.addNodes = append(p.addNodes, namedID{id, strings.Clone(n.Name)})
		p.res.NodesCreated++
		ch.Created++
	} else {
		if n.Name != old.Name {
			p.renamed = append(p.renamed, namedID{id, strings.Clone(n.Name)})
		}
		p.res.NodesUpdated++
		ch.Updated++
	}
	return nil
}

// namedID is a node's id with its name, for mem. The name is a copy, so
// that mem holds no part of the batch alive.
type namedID struct{ id, name string }

// indexNode records the secondary-index writes for a node going from old
// to n (either may be nil).
func (p *planner) indexNode(old, n *Node) {
	isStance := func(x *Node) bool { return x != nil && x.Kind == KindStance }
	// Position index.
	if isStance(old) && (!isStance(n) || n.Position != old.Position) {
		p.del(p.ks.pos(old.Position, old.ID))
	}
	if isStance(n) && (!isStance(old) || n.Position != old.Position) {
		p.set(p.ks.pos(n.Position, n.ID), nil)
	}
	// Date index.
	dated := func(x *Node) bool { return isStance(x) && !x.StatedAt.IsZero() }
	if dated(old) && (!dated(n) || n.StatedAt != old.StatedAt) {
		p.del(p.ks.date(old.StatedAt, old.ID))
	}
	if dated(n) && (!dated(old) || n.StatedAt != old.StatedAt) {
		p.set(p.ks.date(n.StatedAt, n.ID), nil)
	}
	// Full-text postings.
	var oldTF, newTF map[string]uint32
	var oldLen, newLen uint32
	if old != nil {
		oldTF, oldLen = nodeTerms(old)
	}
	if n != nil {
		newTF, newLen = nodeTerms(n)
	}
	if oldLen == newLen && maps.Equal(oldTF, newTF) {
		return
	}
	id := idOf(old, n)
	for t := range oldTF {
		if _, ok := newTF[t]; !ok {
			p.editTerm(t, termEdit{id: id, del: true})
		}
	}
	for t, f := range newTF {
		if oldLen != newLen || oldTF[t] != f {
			p.editTerm(t, termEdit{id: id, tf: f, length: newLen})
		}
	}
	if oldLen > 0 {
		p.textDocs--
		p.textLen -= int64(oldLen)
	}
	if newLen > 0 {
		p.textDocs++
		p.textLen += int64(newLen)
		p.set(p.ks.textLen(id), binary.BigEndian.AppendUint32(nil, newLen))
	} else if oldLen > 0 {
		p.del(p.ks.textLen(id))
	}
}

func idOf(a, b *Node) string {
	if a != nil {
		return a.ID
	}
	return b.ID
}

func (p *planner) diffEdge(k edgeKey, e *Edge) error {
	var oldRaw []byte
	item, err := p.txn.Get(p.ks.out(k.t, k.from, k.to))
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return fmt.Errorf("read edge %s: %w", k, err)
	default:
		if oldRaw, err = item.ValueCopy(nil); err != nil {
			return fmt.Errorf("read edge %s: %w", k, err)
		}
	}
	exists := oldRaw != nil
	// touchOld notes the origin of a stored edge that changes.
	touchOld := func() error {
		if !exists || p.watch == nil {
			return nil
		}
		var old Edge
		if err := decodeEdge(oldRaw, &old); err != nil {
			return fmt.Errorf("edge %s: %w", k, err)
		}
		p.touch(old.Origin)
		return nil
	}
	ch := p.res.ByEdgeType[k.t]
	defer func() { p.res.ByEdgeType[k.t] = ch }()
	if e == nil {
		if !exists {
			return nil
		}
		if err := touchOld(); err != nil {
			return err
		}
		p.del(p.ks.out(k.t, k.from, k.to))
		p.del(p.ks.in(k.t, k.from, k.to))
		p.delEdge = append(p.delEdge, k)
		p.res.EdgesDeleted++
		ch.Deleted++
		return nil
	}
	raw := encodeEdge(e)
	if exists && bytes.Equal(raw, oldRaw) {
		return nil
	}
	if err := touchOld(); err != nil {
		return err
	}
	p.touch(e.Origin)
	p.set(p.ks.out(k.t, k.from, k.to), raw)
	if !exists {
		p.set(p.ks.in(k.t, k.from, k.to), nil)
		p.addEdges = append(p.addEdges, k)
		p.res.EdgesCreated++
		ch.Created++
	} else {
		p.res.EdgesUpdated++
		ch.Updated++
	}
	return nil
}

// commit writes the planned keys. A batch that fits one transaction is
// committed in it; a larger one is staged under a new generation.
func (s *Store) commit(ctx context.Context, gen *generation, p *planner) error {
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	seq := s.seq + 1 // only writers change seq, and we hold wmu
	err := stage(txn, p.writes)
	if err == nil {
		err = stage(txn, p.metaWrites(seq, false))
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		txn.Discard()
		return s.commitStaged(ctx, gen, p)
	}
	if err != nil {
		return fmt.Errorf("stage write: %w", err)
	}
	s.mu.Lock()
	if err := txn.Commit(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("commit batch: %w", err)
	}
	s.applyMem(p)
	s.seq, s.stamps = seq, p.finalStamps()
	s.mu.Unlock()
	s.recordSeq(seq)
	return nil
}

// stage adds writes to txn.
func stage(txn *badger.Txn, ws []write) error {
	for _, w := range ws {
		var err error
		if w.del {
			err = txn.Delete(w.key)
		} else {
			err = txn.Set(w.key, w.val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// commitStaged copies the live generation with the batch applied into a new
// generation, in as many Badger transactions as it takes, then switches the
// generation pointer in one small transaction. A crash before the switch
// leaves the old generation live and the partial new one is dropped at the
// next Open; a crash after it leaves the new one live.
func (s *Store) commitStaged(ctx context.Context, gen *generation, p *planner) error {
	next := gen.id + 1
	if next == 0 {
		return fmt.Errorf("%w: generation counter exhausted", ErrCorrupt)
	}
	nk := genPrefix(next)
	rekey := func(k []byte) []byte { return append(append(make([]byte, 0, len(k)), nk...), k[4:]...) }
	touched := make(map[string]bool, len(p.writes))
	for _, w := range p.writes {
		touched[string(w.key[4:])] = true
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	abort := func(err error) error {
		wb.Cancel()
		if derr := s.db.DropPrefix(nk); derr != nil {
			s.log.Error().Err(derr).Uint32("generation", next).Msg("drop staged generation")
		}
		return err
	}
	// Copy what the batch does not touch.
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: genPrefix(gen.id), PrefetchValues: true, PrefetchSize: 256})
		defer it.Close()
		i := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if i++; i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			k := it.Item().Key()
			if touched[string(k[4:])] {
				continue
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if err := wb.Set(rekey(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return abort(fmt.Errorf("stage batch: copy live data: %w", err))
	}
	for i, w := range p.writes {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return abort(err)
			}
		}
		if w.del {
			continue
		}
		if err := wb.Set(rekey(w.key), w.val); err != nil {
			return abort(fmt.Errorf("stage batch: %w", err))
		}
	}
	if err := wb.Flush(); err != nil {
		return abort(fmt.Errorf("stage batch: flush: %w", err))
	}
	if err := s.switchGeneration(gen, next, p, false); err != nil {
		return abort(err)
	}
	return nil
}

// switchGeneration makes generation next live in one small transaction,
// updates mem, and drops the old generation once its readers are done.
func (s *Store) switchGeneration(old *generation, next uint32, p *planner, allMeta bool) error {
	s.mu.Lock()
	err := s.switchLocked(next, p, allMeta)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.recordSeq(s.seq)
	s.dropLater(old)
	return nil
}

// switchLocked writes the generation pointer with the commit's meta writes
// (all of them after a load that cleared the database) and updates mem;
// the caller holds s.mu.
func (s *Store) switchLocked(next uint32, p *planner, allMeta bool) error {
	seq := s.seq + 1
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(metaKeyGen, binary.BigEndian.AppendUint32(nil, next)); err != nil {
			return err
		}
		return stage(txn, p.metaWrites(seq, allMeta))
	})
	if err != nil {
		return fmt.Errorf("switch generation: %w", err)
	}
	s.gen = &generation{id: next}
	s.seq, s.stamps = seq, p.finalStamps()
	if p.loaded != nil {
		s.mem = p.loaded
	} else {
		s.applyMem(p)
	}
	s.log.Info().Uint32("generation", next).Int("writes", len(p.writes)).Msg("staged batch committed")
	return nil
}

// dropLater drops an old generation in the background once its last
// reader is done. DropPrefix blocks Badger writes while it runs, so it
// holds the writer lock: writers wait instead of failing. A drop scheduled
// before a Restore is skipped, since generation numbers start over there.
func (s *Store) dropLater(old *generation) {
	epoch := s.epoch
	s.drops.Add(1)
	go func() {
		defer s.drops.Done()
		old.readers.Wait()
		s.wmu.Lock()
		defer s.wmu.Unlock()
		s.mu.RLock()
		skip := s.closed || s.epoch != epoch
		s.mu.RUnlock()
		if skip {
			return // a stale generation is dropped at the next Open
		}
		if err := s.db.DropPrefix(genPrefix(old.id)); err != nil {
			s.log.Error().Err(err).Uint32("generation", old.id).Msg("drop old generation; it is dropped at the next open")
		}
	}()
}

// applyMem makes mem match the committed batch. Callers hold s.mu.
func (s *Store) applyMem(p *planner) {
	m := s.mem
	for _, n := range p.addNodes {
		k, _ := KindOf(n.id)
		m.addNode(n.id, k, n.name)
	}
	for _, n := range p.renamed {
		if i, ok := m.lookup(n.id); ok {
			m.names.put(i, n.name)
		}
	}
	es := m.newEdgeSet()
	for _, k := range p.delEdge {
		fi, _ := m.lookup(k.from)
		ti, _ := m.lookup(k.to)
		es.del(k.t, fi, ti)
	}
	for _, k := range p.addEdges {
		fi, _ := m.lookup(k.from)
		ti, _ := m.lookup(k.to)
		es.put(k.t, fi, ti)
	}
	es.flush()
	for _, id := range p.delNodes {
		m.removeNode(id)
	}
	m.textDocs = uint64(int64(m.textDocs) + p.textDocs)
	m.textLen = uint64(int64(m.textLen) + p.textLen)
}
