package schema

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"

	"github.com/stancegraph/stancegraph/graph"
)

// resolver is a field resolver that may touch the store.
type resolver func(ctx context.Context, p graphql.ResolveParams) (any, error)

// wrap turns a resolver into a graphql-go one that recovers panics and
// sends every error through the boundary.
func (a *API) wrap(fn resolver) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (v any, err error) {
		ctx := p.Context
		if ctx == nil {
			ctx = context.Background()
		}
		defer func() {
			if r := recover(); r != nil {
				v, err = nil, a.internal(ctx, fmt.Errorf("panic in resolver %s.%s: %v\n%s", p.Info.ParentType, p.Info.FieldName, r, debug.Stack()))
			}
		}()
		if err := ctx.Err(); err != nil {
			return nil, a.public(ctx, err)
		}
		if p.Info.Path != nil && p.Info.Path.Prev == nil {
			if st := stateOf(ctx); st != nil && st.growStack {
				st.growStack = false
				growStack(st.growStack)
			}
		}
		v, err = fn(ctx, p)
		if err != nil {
			return nil, a.public(ctx, err)
		}
		return v, nil
	}
}

// getNode returns the node with the id, nil when there is none. Nodes are
// remembered for the rest of the request.
func (a *API) getNode(ctx context.Context, id string) (*graph.Node, error) {
	st := stateOf(ctx)
	if st != nil {
		st.mu.Lock()
		n, ok := st.nodes[id]
		st.mu.Unlock()
		if ok {
			return n, nil
		}
	}
	v, err := a.store.Node(ctx, id)
	var n *graph.Node
	switch {
	case err == nil:
		n = &v
	case errors.Is(err, graph.ErrNotFound):
	default:
		return nil, err
	}
	if st != nil {
		st.mu.Lock()
		st.nodes[id] = n
		st.mu.Unlock()
	}
	return n, nil
}

// getNodes returns the nodes with the ids in order; missing ones are nil.
func (a *API) getNodes(ctx context.Context, ids []string) ([]*graph.Node, error) {
	out := make([]*graph.Node, len(ids))
	st := stateOf(ctx)
	var miss []string
	var missAt []int
	for i, id := range ids {
		if st != nil {
			st.mu.Lock()
			n, ok := st.nodes[id]
			st.mu.Unlock()
			if ok {
				out[i] = n
				continue
			}
		}
		miss = append(miss, id)
		missAt = append(missAt, i)
	}
	if len(miss) == 0 {
		return out, nil
	}
	got, err := a.store.Nodes(ctx, miss)
	if err != nil {
		return nil, err
	}
	for j, n := range got {
		if j >= len(missAt) {
			break
		}
		out[missAt[j]] = n
		if st != nil {
			st.mu.Lock()
			st.nodes[miss[j]] = n
			st.mu.Unlock()
		}
	}
	return out, nil
}

// forget drops the request's remembered nodes after a write.
func forget(ctx context.Context) {
	if st := stateOf(ctx); st != nil {
		st.mu.Lock()
		clear(st.nodes)
		st.mu.Unlock()
	}
}

// edges returns the edges of the given type at id, at most maxList.
func (a *API) edges(ctx context.Context, id string, dir graph.Direction, t graph.EdgeType, asOf graph.Date) ([]graph.Edge, error) {
	es, err := a.store.Edges(ctx, id, dir, []graph.EdgeType{t}, asOf)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(es) > maxList {
		es = es[:maxList]
	}
	return es, nil
}

// related returns the nodes at the other end of id's edges of type t.
func (a *API) related(ctx context.Context, id string, dir graph.Direction, t graph.EdgeType, asOf graph.Date) ([]*graph.Node, error) {
	es, err := a.edges(ctx, id, dir, t, asOf)
	if err != nil || len(es) == 0 {
		return []*graph.Node{}, err
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = otherEnd(e, id)
	}
	ns, err := a.getNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := ns[:0]
	for _, n := range ns {
		if n != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// relatedOne returns the first related node, or nil.
func (a *API) relatedOne(ctx context.Context, id string, dir graph.Direction, t graph.EdgeType) (any, error) {
	es, err := a.edges(ctx, id, dir, t, graph.Date{})
	if err != nil || len(es) == 0 {
		return nil, err
	}
	n, err := a.getNode(ctx, otherEnd(es[0], id))
	if err != nil || n == nil {
		return nil, err
	}
	return n, nil
}

func otherEnd(e graph.Edge, id string) string {
	if e.From == id {
		return e.To
	}
	return e.From
}

func srcNode(p graphql.ResolveParams) *graph.Node { return nodeOf(p.Source) }

// nodeOf is the node a field's source holds, or an empty one.
func nodeOf(src any) *graph.Node {
	n, _ := src.(*graph.Node)
	if n == nil {
		return &graph.Node{}
	}
	return n
}

// edgeOf is the edge a field's source holds, or an empty one.
func edgeOf(src any) *graph.Edge {
	e, _ := src.(*graph.Edge)
	if e == nil {
		return &graph.Edge{}
	}
	return e
}

// optString is s for a nullable String field, null when empty. It hands
// the string over by pointer because graphql-go's String and ID scalars
// serialize a *string as is but run a plain string through fmt.Sprintf.
func optString(s *string) any {
	if *s == "" {
		return nil
	}
	return s
}

func optDate(d graph.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Arguments.

func argString(p graphql.ResolveParams, name string) (string, bool) {
	s, ok := p.Args[name].(string)
	return s, ok
}

// argID reads a node id argument and checks its form and, when kinds are
// given, its kind.
func argID(p graphql.ResolveParams, name string, kinds ...graph.Kind) (string, error) {
	id, ok := argString(p, name)
	if !ok {
		return "", badInput("argument %s is required", name)
	}
	return checkID(id, name, kinds...)
}

func checkID(id, what string, kinds ...graph.Kind) (string, error) {
	k, err := graph.KindOf(id)
	if err != nil {
		return "", badInput("%s: %s", what, strings.TrimPrefix(err.Error(), graph.ErrInvalid.Error()+": "))
	}
	if len(kinds) > 0 && !slices.Contains(kinds, k) {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = k.Prefix()
		}
		return "", badInput("%s: %q is a %s id, not a %s id", what, id, k.Prefix(), strings.Join(names, " or "))
	}
	return id, nil
}

func argIDs(v any, what string, kinds ...graph.Kind) ([]string, error) {
	l, _ := v.([]any)
	if len(l) > MaxPage {
		return nil, badInput("%s: at most %d ids are allowed", what, MaxPage)
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		id, err := checkID(s, what, kinds...)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func argBool(p graphql.ResolveParams, name string, def bool) bool {
	if b, ok := p.Args[name].(bool); ok {
		return b
	}
	return def
}

func argInt(p graphql.ResolveParams, name string, def int) int {
	if n, ok := p.Args[name].(int); ok {
		return n
	}
	return def
}

func argDate(p graphql.ResolveParams, name string) graph.Date {
	d, _ := p.Args[name].(graph.Date)
	return d
}

func argEdgeTypes(v any) []graph.EdgeType {
	l, _ := v.([]any)
	out := make([]graph.EdgeType, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, graph.EdgeType(s))
		}
	}
	return out
}

// argPage reads first/after: first defaults to 20, is capped at MaxPage
// and may not be negative.
func argPage(p graphql.ResolveParams) (graph.Page, error) {
	first := argInt(p, "first", 20)
	if first < 0 {
		return graph.Page{}, badInput("first must not be negative")
	}
	after, _ := argString(p, "after")
	return graph.Page{First: min(first, MaxPage), After: after}, nil
}

// conn is a page of a node connection.
type conn struct {
	nodes   []graph.Node
	total   int
	hasNext bool
	end     string
}

func connOf(np graph.NodePage) *conn {
	return &conn{nodes: np.Nodes, total: np.Total, hasNext: np.HasNext, end: np.EndCursor}
}

// page runs a paged listing; first: 0 still counts the matches.
func page(p graph.Page, list func(graph.Page) (graph.NodePage, error)) (*conn, error) {
	if p.First == 0 {
		np, err := list(graph.Page{First: 1, After: p.After})
		if err != nil {
			return nil, cursorErr(err)
		}
		return &conn{total: np.Total, hasNext: len(np.Nodes) > 0, end: ""}, nil
	}
	np, err := list(p)
	if err != nil {
		return nil, cursorErr(err)
	}
	return connOf(np), nil
}

func cursorErr(err error) error {
	if errors.Is(err, graph.ErrInvalid) {
		return badInput("invalid cursor: %s", strings.TrimPrefix(err.Error(), graph.ErrInvalid.Error()+": "))
	}
	return err
}

// filteredPage pages through the nodes of a kind that keep accepts,
// counting all matches; cursors are the store's cursors of node ids.
func (a *API) filteredPage(ctx context.Context, k graph.Kind, pg graph.Page, keep func(*graph.Node) bool) (*conn, error) {
	c := &conn{nodes: []graph.Node{}}
	started := pg.After == ""
	after := ""
	for {
		np, err := a.store.NodesByKind(ctx, k, graph.Page{First: MaxPage, After: after})
		if err != nil {
			return nil, err
		}
		for i := range np.Nodes {
			n := &np.Nodes[i]
			if !started {
				if graph.Cursor(n.ID) == pg.After {
					started = true
				}
				if keep(n) {
					c.total++
				}
				continue
			}
			if !keep(n) {
				continue
			}
			c.total++
			if len(c.nodes) < pg.First {
				c.nodes = append(c.nodes, *n)
			} else {
				c.hasNext = true
			}
		}
		if !np.HasNext || np.EndCursor == "" {
			break
		}
		after = np.EndCursor
	}
	if !started {
		return nil, badInput("invalid cursor: %q does not belong to this list", pg.After)
	}
	if len(c.nodes) > 0 {
		c.end = graph.Cursor(c.nodes[len(c.nodes)-1].ID)
	}
	return c, nil
}

// stancePage lists stances for a query with first/after from p.
func (a *API) stancePage(ctx context.Context, p graphql.ResolveParams, q graph.StanceQuery) (any, error) {
	pg, err := argPage(p)
	if err != nil {
		return nil, err
	}
	return page(pg, func(pg graph.Page) (graph.NodePage, error) { return a.store.Stances(ctx, q, pg) })
}

// alignment is one Alignment result.
type alignment struct {
	a, b, topic string
	score       float64
	basis       []graph.Node
}

func (a *API) actorAlignment(ctx context.Context, p graphql.ResolveParams) (any, error) {
	n := srcNode(p)
	topic, err := argID(p, "topic", graph.KindTopic)
	if err != nil {
		return nil, err
	}
	all, err := a.store.Alignment(ctx, topic, nil)
	if err != nil {
		return nil, err
	}
	out := []*alignment{}
	for _, al := range all {
		switch n.ID {
		case al.A:
			out = append(out, &alignment{a: al.A, b: al.B, topic: topic, score: al.Score, basis: al.Basis})
		case al.B:
			out = append(out, &alignment{a: al.B, b: al.A, topic: topic, score: al.Score, basis: al.Basis})
		}
		if len(out) >= maxList {
			break
		}
	}
	return out, nil
}

func ptrs(ns []graph.Node) []*graph.Node {
	out := make([]*graph.Node, len(ns))
	for i := range ns {
		out[i] = &ns[i]
	}
	return out
}

// explain phrases each edge of a path as an English sentence oriented
// along the walk.
func explain(p graph.Path) []string {
	out := make([]string, 0, len(p.Edges))
	name := func(id string) string {
		for i := range p.Nodes {
			if p.Nodes[i].ID == id {
				return phrase(&p.Nodes[i])
			}
		}
		return id
	}
	for i, e := range p.Edges {
		var s string
		forward := i >= len(p.Nodes) || p.Nodes[i].ID == e.From
		if forward {
			s = name(e.From) + " " + e.Type.Verb() + " " + name(e.To)
		} else {
			s = name(e.To) + " " + inverseVerb(e.Type) + " " + name(e.From)
		}
		if e.Role != "" {
			s += " as " + e.Role
		}
		out = append(out, capitalize(s))
	}
	return out
}

// phrase names a node inside a sentence.
func phrase(n *graph.Node) string {
	switch n.Kind {
	case graph.KindStance:
		return "the stance '" + n.Name + "'"
	case graph.KindTopic:
		return "the topic '" + n.Name + "'"
	}
	return n.Name
}

// inverseVerb phrases an edge read from its end back to its start.
func inverseVerb(t graph.EdgeType) string {
	switch t {
	case graph.HeldBy:
		return "holds"
	case graph.OnTopic:
		return "is the subject of"
	case graph.StatedAt, graph.IssuedAt:
		return "was the occasion for"
	case graph.EvidencedBy:
		return "is evidence for"
	case graph.HoldsOffice:
		return "has an office held by"
	case graph.MemberOf:
		return "has as a member"
	case graph.Signed:
		return "was signed by"
	case graph.DidNotSign:
		return "was not signed by"
	case graph.Attended:
		return "was attended by"
	case graph.Hosted:
		return "was hosted by"
	case graph.Announced:
		return "was announced by"
	case graph.Funds:
		return "is funded by"
	case graph.Published:
		return "was published by"
	case graph.SubtopicOf:
		return "has as a subtopic"
	case graph.BasedIn:
		return "is the base of"
	case graph.RespondsTo:
		return "is answered by"
	case graph.Supersedes:
		return "is superseded by"
	case graph.OnBehalfOf:
		return "is represented by"
	case graph.Mentions:
		return "is mentioned in"
	}
	return "is linked (" + strings.ToLower(strings.ReplaceAll(string(t), "_", " ")) + ") from"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}

// positionRange reads a PositionRange input.
func positionRange(v any) (lo, hi *float64, err error) {
	m, _ := v.(map[string]any)
	get := func(k string) (*float64, error) {
		switch x := m[k].(type) {
		case float64:
			if math.IsNaN(x) || x < -1 || x > 1 {
				return nil, badInput("position.%s must be within -1..+1", k)
			}
			return &x, nil
		case int:
			f := float64(x)
			if f < -1 || f > 1 {
				return nil, badInput("position.%s must be within -1..+1", k)
			}
			return &f, nil
		}
		return nil, nil
	}
	if lo, err = get("min"); err != nil {
		return nil, nil, err
	}
	if hi, err = get("max"); err != nil {
		return nil, nil, err
	}
	return lo, hi, nil
}

// growStack grows the calling goroutine's stack while it is still shallow.
// Execution runs on a goroutine whose stack starts small (2 KiB, or the
// runtime's running average): the request's own under exec, a fresh one
// under graphql.Execute. Such a stack is copied, every frame on it
// adjusted, each time the recursion outgrows it: up to four copies, the
// last ones deep, for the point query. The
// first root resolver of a nested query calls this so that the stack
// grows once, with few frames on it, to the size the query needs.
//
// run is always false at run time; as an argument the compiler cannot
// drop the branch that sizes the frame.
//
//go:noinline
func growStack(run bool) {
	if run {
		// Never runs: buf sizes the frame without being zeroed, so the
		// new stack is not touched until the query uses it.
		var buf [stackReserve]byte
		keep(buf[:])
	}
}

// stackReserve is the frame of growStack: with the frames below a root
// resolver it takes the stack past 16 KiB, so the runtime doubles it to
// 32 KiB, which holds a query six levels deep with the store reads of its
// innermost fields.
const stackReserve = 16 << 10

//go:noinline
func keep([]byte) {}
