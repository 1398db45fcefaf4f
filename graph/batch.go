package graph

// Batch is a list of writes applied all-or-nothing by (*Store).Apply, in
// order: a later operation sees the earlier ones, so a batch may create a
// node and link it in one go.
type Batch struct {
	ops []op
}

type opKind uint8

const (
	opPutNode opKind = iota + 1
	opDeleteNode
	opPutEdge
	opDeleteEdge
)

type op struct {
	kind    opKind
	node    Node
	edge    Edge
	cascade bool
}

// PutNode creates the node or replaces the node with the same id.
func (b *Batch) PutNode(n Node) { b.ops = append(b.ops, op{kind: opPutNode, node: n}) }

// DeleteNode deletes a node. Without cascade the batch fails with
// ErrHasEdges while edges touch the node; with cascade they go too.
func (b *Batch) DeleteNode(id string, cascade bool) {
	b.ops = append(b.ops, op{kind: opDeleteNode, node: Node{ID: id}, cascade: cascade})
}

// PutEdge creates the edge or replaces the edge with the same type, from
// and to.
func (b *Batch) PutEdge(e Edge) { b.ops = append(b.ops, op{kind: opPutEdge, edge: e}) }

// DeleteEdge deletes the edge with the given identity.
func (b *Batch) DeleteEdge(t EdgeType, from, to string) {
	b.ops = append(b.ops, op{kind: opDeleteEdge, edge: Edge{Type: t, From: from, To: to}})
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
