package graph

// Page selects a slice of an id-ordered list: at most First items after
// the opaque cursor After ("" starts at the beginning).
type Page struct {
	First int
	After string
}

// NodePage is one page of an id-ordered list of nodes.
type NodePage struct {
	Nodes     []Node
	Total     int    // exact number of matches over all pages
	HasNext   bool   // more matches follow the last node
	EndCursor string // cursor of the last node, "" when Nodes is empty
}

// Cursor returns the opaque cursor that resumes a listing after the node id.
func Cursor(id string) string { return encodeCursor(id) }

// StanceQuery filters stances. Empty fields do not filter. All given
// conditions must hold.
type StanceQuery struct {
	Holders          []string // held by any of these actors
	Topics           []string // on any of these topics
	IncludeSubtopics bool     // also on subtopics of Topics, transitively
	MinPosition      *float64 // position >= MinPosition
	MaxPosition      *float64 // position <= MaxPosition
	Labels           []Label  // label is one of these
	Event            string   // stated at this event
	Source           string   // backed by this document (a source or an EVIDENCED_BY edge)
	From, To         Date     // statedAt within [From, To]; stances without a date do not match a date range
	// AsOf keeps stances stated on or before AsOf (undated ones included)
	// that no stance stated on or before AsOf supersedes.
	AsOf Date
}

// Subgraph is a set of nodes and the edges between them.
type Subgraph struct {
	Nodes     []Node
	Edges     []Edge
	Truncated bool // the limit cut the result
}

// NeighborhoodOptions bounds a neighbourhood walk.
type NeighborhoodOptions struct {
	Depth     int        // 0..4 hops
	Direction Direction  // Out, In or Both (the zero value means Both)
	Types     []EdgeType // follow only these types; empty follows all
	Limit     int        // at most this many nodes (0 means DefaultNeighborhoodLimit)
	// NodeKeysOnly leaves the nodes' values unread: they carry ID, Kind
	// and Name only, from the in-memory topology, which is all a caller
	// that shows the walk's shape with labels needs.
	NodeKeysOnly bool
	// EdgeKeysOnly leaves the edges' values unread: they carry Type, From
	// and To only, which is all a caller that shows the edges' ids needs.
	EdgeKeysOnly bool
}

// PathOptions bounds a shortest-path search.
type PathOptions struct {
	MaxDepth int        // at most this many edges, 1..MaxPathDepth (0 means DefaultPathDepth)
	Types    []EdgeType // follow only these types, in either direction; empty follows all
	// NodeKeysOnly and EdgeKeysOnly leave the values unread, as in
	// NeighborhoodOptions: a path then costs no read of the store.
	NodeKeysOnly bool
	EdgeKeysOnly bool
}

// DefaultNeighborhoodLimit is the node limit of a neighbourhood when none is given.
const DefaultNeighborhoodLimit = 500

// Path is a walk from one node to another. Edges[i] joins Nodes[i] and
// Nodes[i+1], in either direction.
type Path struct {
	Nodes []Node
	Edges []Edge
}

// SearchOptions narrows a full-text search.
type SearchOptions struct {
	Kinds []Kind // only nodes of these kinds; empty means all
	Limit int    // at most this many hits (0 means 20)
}

// Hit is one full-text search result.
type Hit struct {
	Node    Node
	Score   float64
	Snippet string // the matching text with matches marked by [[ ]]
}

// Counts holds the number of nodes per kind and edges per type.
type Counts struct {
	Nodes      int
	Edges      int
	ByKind     map[Kind]int
	ByEdgeType map[EdgeType]int
}

// Alignment is the agreement of two actors on a topic: 1 - |pa - pb|
// averaged over every pair of their stances on the topic, in -1..+1.
type Alignment struct {
	A, B  string  // actor ids, A < B
	Score float64 // -1 (opposed) .. +1 (agree)
	Basis []Node  // the stances of A and B the score rests on
}
