package graph

// Batch is a list of writes applied all-or-nothing by (*Store).Apply, in
// order: a later operation sees the earlier ones, so a batch may create a
// node and link it in one go. Nodes and edges are kept in their own slices
// and operations refer to them by index, so a batch of a million edges
// holds a million edges and not a million node-sized operations.
type Batch struct {
	ops   []op
	nodes []Node
	edges []Edge
	// Slices adopted by PutNodes and PutEdges, without a copy; an op's
	// chunk k > 0 refers to adopted[k-1].
	adoptedNodes [][]Node
	adoptedEdges [][]Edge
	replaces     []replaceEdges
	stamps       map[string][]byte // origin -> stamp; nil removes it
}

// replaceEdges is a ReplaceEdges operation.
type replaceEdges struct {
	id     string
	dir    Direction
	typ    EdgeType
	others []string
	origin string
}

type opKind uint8

const (
	opPutNode opKind = iota + 1
	opDeleteNode
	opPutEdge
	opDeleteEdge
	opExpectNode
	opReplaceEdges
)

// op is one operation: its kind and the index of its node or edge, in the
// batch's own slice (chunk 0) or in an adopted one.
type op struct {
	kind    opKind
	cascade bool
	chunk   uint16
	i       int32
}

// maxAdopted bounds the adopted slices, so that op.chunk cannot overflow;
// PutNodes and PutEdges copy beyond it.
const maxAdopted = 1<<16 - 1

// node returns the node of a node operation.
func (b *Batch) node(o op) *Node {
	if o.chunk == 0 {
		return &b.nodes[o.i]
	}
	return &b.adoptedNodes[o.chunk-1][o.i]
}

// edge returns the edge of an edge operation.
func (b *Batch) edge(o op) *Edge {
	if o.chunk == 0 {
		return &b.edges[o.i]
	}
	return &b.adoptedEdges[o.chunk-1][o.i]
}

// PutNodes puts every node of ns, as PutNode does for each, without
// copying them: the batch keeps ns, which must not change until Apply
// returns (Apply may fill in a zero Kind from the id). It saves memory for
// batches of millions of nodes.
func (b *Batch) PutNodes(ns []Node) {
	if len(ns) == 0 {
		return
	}
	if len(b.adoptedNodes) >= maxAdopted {
		for _, n := range ns {
			b.PutNode(n)
		}
		return
	}
	b.adoptedNodes = append(b.adoptedNodes, ns)
	chunk := uint16(len(b.adoptedNodes))
	for i := range ns {
		b.ops = append(b.ops, op{kind: opPutNode, chunk: chunk, i: int32(i)})
	}
}

// PutEdges puts every edge of es, as PutEdge does for each, without
// copying them: the batch keeps es, which must not change until Apply
// returns.
func (b *Batch) PutEdges(es []Edge) {
	if len(es) == 0 {
		return
	}
	if len(b.adoptedEdges) >= maxAdopted {
		for _, e := range es {
			b.PutEdge(e)
		}
		return
	}
	b.adoptedEdges = append(b.adoptedEdges, es)
	chunk := uint16(len(b.adoptedEdges))
	for i := range es {
		b.ops = append(b.ops, op{kind: opPutEdge, chunk: chunk, i: int32(i)})
	}
}

// PutNode creates the node or replaces the node with the same id.
func (b *Batch) PutNode(n Node) {
	b.ops = append(b.ops, op{kind: opPutNode, i: int32(len(b.nodes))})
	b.nodes = append(b.nodes, n)
}

// DeleteNode deletes a node. Without cascade the batch fails with
// ErrHasEdges while edges touch the node; with cascade they go too.
func (b *Batch) DeleteNode(id string, cascade bool) {
	b.ops = append(b.ops, op{kind: opDeleteNode, cascade: cascade, i: int32(len(b.nodes))})
	b.nodes = append(b.nodes, Node{ID: id})
}

// PutEdge creates the edge or replaces the edge with the same type, from
// and to.
func (b *Batch) PutEdge(e Edge) {
	b.ops = append(b.ops, op{kind: opPutEdge, i: int32(len(b.edges))})
	b.edges = append(b.edges, e)
}

// DeleteEdge deletes the edge with the given identity.
func (b *Batch) DeleteEdge(t EdgeType, from, to string) {
	b.ops = append(b.ops, op{kind: opDeleteEdge, i: int32(len(b.edges))})
	b.edges = append(b.edges, Edge{Type: t, From: from, To: to})
}

// ExpectNode makes the batch conditional: it applies only if, at this
// point of the batch, the node n.ID exists and equals n (as read with
// (*Store).Node). Otherwise Apply writes nothing and returns an error
// wrapping ErrConflict. A read-modify-write that expects what it read and
// retries on ErrConflict is safe against concurrent writers.
func (b *Batch) ExpectNode(n Node) {
	b.ops = append(b.ops, op{kind: opExpectNode, i: int32(len(b.nodes))})
	b.nodes = append(b.nodes, n)
}

// StampOrigin stores stamp for origin in the same commit as the batch
// (nil removes it). Any later batch that changes a node or edge whose
// Origin (before or after the change) is origin, without stamping origin
// again, clears the stamp: a stamp that is still there proves that nothing
// else has changed that origin's data since. A seed loader stamps each file
// with the hash of its content, to skip files that are unchanged.
func (b *Batch) StampOrigin(origin string, stamp []byte) {
	if b.stamps == nil {
		b.stamps = map[string][]byte{}
	}
	b.stamps[origin] = stamp
}

// ReplaceEdges makes the edges of type t at node id (from it with dir Out,
// to it with In) exactly those to (or from) others: edges that exist
// already stay as they are, the others are deleted, and missing ones are
// created with the given origin. It is evaluated when Apply runs, against
// the state at that point of the batch, under the writer lock, so two
// concurrent batches cannot both keep their own edge (a stance with two
// holders).
func (b *Batch) ReplaceEdges(id string, dir Direction, t EdgeType, others []string, origin string) {
	b.ops = append(b.ops, op{kind: opReplaceEdges, i: int32(len(b.replaces))})
	b.replaces = append(b.replaces, replaceEdges{id: id, dir: dir, typ: t, others: others, origin: origin})
}

// Len returns the number of operations in the batch.
func (b *Batch) Len() int { return len(b.ops) }

// ApplyOptions changes how a batch is applied.
type ApplyOptions struct {
	// DryRun computes the Result without writing anything.
	DryRun bool
}

// Result counts what a batch changed. Writing a node or edge identical to
// the stored one counts as neither created nor updated.
type Result struct {
	NodesCreated, NodesUpdated, NodesDeleted int
	EdgesCreated, EdgesUpdated, EdgesDeleted int
	// ByKind counts created, updated and deleted nodes per kind.
	ByKind map[Kind]Change
	// ByEdgeType counts created, updated and deleted edges per type.
	ByEdgeType map[EdgeType]Change
}

// Change counts the changes of one kind or edge type.
type Change struct{ Created, Updated, Deleted int }

// Changed reports whether the batch changed anything.
func (r Result) Changed() bool {
	return r.NodesCreated+r.NodesUpdated+r.NodesDeleted+r.EdgesCreated+r.EdgesUpdated+r.EdgesDeleted > 0
}
