package graph

// Batch is a list of writes applied all-or-nothing by (*Store).Apply, in
// order: a later operation sees the earlier ones, so a batch may create a
// node and link it in one go. Nodes and edges are kept in their own slices
// and operations refer to them by index, so a batch of a million edges
// holds a million edges and not a million node-sized operations.
type Batch struct {
	ops    []op
	nodes  []Node
	edges  []Edge
	stamps map[string][]byte // origin -> stamp; nil removes it
}

type opKind uint8

const (
	opPutNode opKind = iota + 1
	opDeleteNode
	opPutEdge
	opDeleteEdge
	opExpectNode
)

// op is one operation: its kind and the index of its node or edge.
type op struct {
	kind    opKind
	cascade bool
	i       int32
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
