package schema

import (
	"context"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/stancegraph/stancegraph/graph"
)

// types holds the GraphQL types while the schema is built; it lives only
// inside buildSchema.
type types struct {
	a *API

	date                                         *graphql.Scalar
	nodeKind, orgType, docType, label, direction *graphql.Enum
	edgeType                                     *graphql.Enum

	node, actor *graphql.Interface

	source, quote, office, scale, money        *graphql.Object
	person, org, topic, stance, doc, event     *graphql.Object
	initiative, edge, subgraph, path, align    *graphql.Object
	hit, pageInfo, count, stats, seedReport    *graphql.Object
	stanceConn, personConn, orgConn, topicConn *graphql.Object
	docConn, eventConn, initiativeConn         *graphql.Object
}

func nn(t graphql.Type) graphql.Output { return graphql.NewNonNull(t) }

// listOf is [T!]!.
func listOf(t graphql.Type) graphql.Output {
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

func enum(name, desc string, values []string) *graphql.Enum {
	vs := graphql.EnumValueConfigMap{}
	for _, v := range values {
		vs[v] = &graphql.EnumValueConfig{Value: v}
	}
	return graphql.NewEnum(graphql.EnumConfig{Name: name, Description: desc, Values: vs})
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// field builds a field that reads the source node without the store.
func field(t graphql.Output, get func(n *graph.Node) any) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: func(p graphql.ResolveParams) (any, error) {
		return get(srcNode(p)), nil
	}}
}

// rel builds a field listing the nodes at the other end of edges of type t.
func (ts *types) rel(t graphql.Output, dir graph.Direction, et graph.EdgeType) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: ts.a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
		return ts.a.related(ctx, srcNode(p).ID, dir, et, graph.Date{})
	})}
}

// one builds a field returning the first node at the other end of an edge.
func (ts *types) one(t graphql.Output, dir graph.Direction, et graph.EdgeType) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: ts.a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
		return ts.a.relatedOne(ctx, srcNode(p).ID, dir, et)
	})}
}

// mustOne is one for a non-null relation: a missing end is NOT_FOUND.
func (ts *types) mustOne(t graphql.Output, dir graph.Direction, et graph.EdgeType, what string) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: ts.a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
		v, err := ts.a.relatedOne(ctx, srcNode(p).ID, dir, et)
		if err == nil && v == nil {
			return nil, errorf(CodeNotFound, "%s has no %s", srcNode(p).ID, what)
		}
		return v, err
	})}
}

// plainGetter returns a field's value from its source without a
// resolver: the string the field's resolver hands over, for a field that
// cannot fail or be null. The executor writes it directly, with none of a
// resolver's ResolveInfo, recovery or completion (see executor.object).
type plainGetter func(src any) string

// plainKey names a field of an object type.
type plainKey struct {
	t     *graphql.Object
	field string
}

// plainFields lists the plain fields: the id, name and origin that common
// gives every node type, and an edge's id. Each getter reads its source as
// the field's resolver does (nodeOf, edgeOf), so it gives the same
// string for any source.
func (ts *types) plainFields() map[plainKey]plainGetter {
	m := map[plainKey]plainGetter{}
	for _, t := range []*graphql.Object{ts.person, ts.org, ts.topic, ts.stance, ts.doc, ts.event, ts.initiative} {
		m[plainKey{t, "id"}] = func(src any) string { return nodeOf(src).ID }
		m[plainKey{t, "name"}] = func(src any) string { return nodeOf(src).Name }
		m[plainKey{t, "origin"}] = func(src any) string { return nodeOf(src).Origin }
	}
	m[plainKey{ts.edge, "id"}] = func(src any) string { return edgeOf(src).ID() }
	return m
}

func (ts *types) common(fs graphql.Fields) graphql.Fields {
	fs["id"] = field(nn(graphql.ID), func(n *graph.Node) any { return &n.ID })
	fs["kind"] = field(nn(ts.nodeKind), func(n *graph.Node) any { return n.Kind.String() })
	fs["name"] = field(nn(graphql.String), func(n *graph.Node) any { return &n.Name })
	fs["sources"] = field(listOf(ts.source), func(n *graph.Node) any { return sourcesOf(n.Sources) })
	fs["origin"] = field(nn(graphql.String), func(n *graph.Node) any { return &n.Origin })
	return fs
}

func sourcesOf(s []graph.Source) []graph.Source {
	if s == nil {
		return []graph.Source{}
	}
	return s
}

func (ts *types) stanceArgs(withTopic, withSubtopics, withAsOf bool) graphql.FieldConfigArgument {
	args := graphql.FieldConfigArgument{
		"first": {Type: graphql.Int, DefaultValue: 20},
		"after": {Type: graphql.String},
	}
	if withTopic {
		args["topic"] = &graphql.ArgumentConfig{Type: graphql.ID}
	}
	if withSubtopics {
		args["includeSubtopics"] = &graphql.ArgumentConfig{Type: graphql.Boolean, DefaultValue: true}
	}
	if withAsOf {
		args["asOf"] = &graphql.ArgumentConfig{Type: ts.date}
	}
	return args
}

func pageArgs() graphql.FieldConfigArgument {
	return graphql.FieldConfigArgument{
		"first": {Type: graphql.Int, DefaultValue: 20},
		"after": {Type: graphql.String},
	}
}

// actorFields are the fields Person and Organization share with Actor.
func (ts *types) actorFields(fs graphql.Fields) graphql.Fields {
	a := ts.a
	fs["stances"] = &graphql.Field{
		Type: nn(ts.stanceConn),
		Args: ts.stanceArgs(true, true, true),
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			q := graph.StanceQuery{
				Holders:          []string{srcNode(p).ID},
				IncludeSubtopics: argBool(p, "includeSubtopics", true),
				AsOf:             argDate(p, "asOf"),
			}
			if _, ok := p.Args["topic"]; ok {
				t, err := argID(p, "topic", graph.KindTopic)
				if err != nil {
					return nil, err
				}
				q.Topics = []string{t}
			}
			return a.stancePage(ctx, p, q)
		}),
	}
	fs["alignment"] = &graphql.Field{
		Type:        listOf(ts.align),
		Description: "Pairwise agreement with every other actor that holds a stance on the topic, highest first.",
		Args:        graphql.FieldConfigArgument{"topic": {Type: nn(graphql.ID)}},
		Resolve:     a.wrap(a.actorAlignment),
	}
	fs["aliases"] = field(listOf(graphql.String), func(n *graph.Node) any { return nonNilStrings(n.Aliases) })
	fs["description"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Description) })
	fs["announced"] = ts.rel(listOf(ts.initiative), graph.Out, graph.Announced)
	return fs
}

func (ts *types) connection(name string, of graphql.Output) *graphql.Object {
	edge := graphql.NewObject(graphql.ObjectConfig{Name: name + "Edge", Fields: graphql.Fields{
		"cursor": field(nn(graphql.String), func(n *graph.Node) any { c := graph.Cursor(n.ID); return &c }),
		"node":   field(nn(of), func(n *graph.Node) any { return n }),
	}})
	return graphql.NewObject(graphql.ObjectConfig{Name: name + "Connection", Fields: graphql.Fields{
		"edges": {Type: listOf(edge), Resolve: func(p graphql.ResolveParams) (any, error) {
			c, _ := p.Source.(*conn)
			if c == nil {
				return []*graph.Node{}, nil
			}
			return ptrs(c.nodes), nil
		}},
		"pageInfo": {Type: nn(ts.pageInfo), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil }},
		"totalCount": {Type: nn(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) {
			c, _ := p.Source.(*conn)
			if c == nil {
				return 0, nil
			}
			return c.total, nil
		}},
	}})
}

// buildSchema builds the whole schema once, for New.
func (a *API) buildSchema() (graphql.Schema, error) {
	ts := &types{a: a}
	ts.date = graphql.NewScalar(graphql.ScalarConfig{
		Name:        "Date",
		Description: `A calendar date "YYYY-MM-DD", or "YYYY-MM" or "YYYY" where the source is no more precise.`,
		Serialize: func(v any) any {
			switch d := v.(type) {
			case string:
				return d
			case graph.Date:
				return optDate(d)
			case *graph.Date:
				if d != nil {
					return optDate(*d)
				}
			}
			return nil
		},
		ParseValue: func(v any) any {
			s, ok := v.(string)
			if !ok {
				return nil
			}
			d, err := graph.ParseDate(s)
			if err != nil || d.IsZero() {
				return nil
			}
			return d
		},
		ParseLiteral: func(v ast.Value) any {
			s, ok := v.(*ast.StringValue)
			if !ok {
				return nil
			}
			d, err := graph.ParseDate(s.Value)
			if err != nil || d.IsZero() {
				return nil
			}
			return d
		},
	})
	kinds := make([]string, 0, 7)
	for _, k := range graph.Kinds() {
		kinds = append(kinds, k.String())
	}
	ts.nodeKind = enum("NodeKind", "The kind of a node.", kinds)
	ts.orgType = enum("OrgType", "The type of an organization.", strs(graph.OrgTypes()))
	ts.docType = enum("DocumentType", "The type of a document.", strs(graph.DocTypes()))
	ts.label = enum("StanceLabel", "Derived from Stance.position: SUPPORTS >= 0.33, OPPOSES <= -0.33, else MIXED; NEUTRAL only where the source states neutrality explicitly.",
		[]string{string(graph.LabelSupports), string(graph.LabelOpposes), string(graph.LabelMixed), string(graph.LabelNeutral)})
	ts.direction = enum("Direction", "Which edges of a node to follow.", []string{"OUT", "IN", "BOTH"})
	ts.edgeType = enum("EdgeType", "The typed relations between nodes.", strs(graph.EdgeTypes()))

	ts.buildInterfaces()
	ts.buildLeaves()
	ts.buildNodes()
	ts.buildResults()

	query := ts.queryType()
	mutation := ts.mutationType()
	a.plain = ts.plainFields()
	return graphql.NewSchema(graphql.SchemaConfig{
		Query:    query,
		Mutation: mutation,
		Types: []graphql.Type{ts.person, ts.org, ts.topic, ts.stance, ts.doc, ts.event, ts.initiative,
			ts.personConn, ts.orgConn, ts.topicConn, ts.docConn, ts.eventConn, ts.initiativeConn},
	})
}

func (ts *types) resolveNodeType(p graphql.ResolveTypeParams) *graphql.Object {
	n, _ := p.Value.(*graph.Node)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case graph.KindPerson:
		return ts.person
	case graph.KindOrganization:
		return ts.org
	case graph.KindTopic:
		return ts.topic
	case graph.KindStance:
		return ts.stance
	case graph.KindDocument:
		return ts.doc
	case graph.KindEvent:
		return ts.event
	case graph.KindInitiative:
		return ts.initiative
	}
	return nil
}

func (ts *types) buildInterfaces() {
	ts.node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "A node of the graph.",
		ResolveType: ts.resolveNodeType,
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id":      {Type: nn(graphql.ID)},
				"kind":    {Type: nn(ts.nodeKind)},
				"name":    {Type: nn(graphql.String)},
				"sources": {Type: listOf(ts.source), Description: "Documents that back this node's facts."},
				"origin":  {Type: nn(graphql.String), Description: "The seed file (path relative to its seed root) or 'mutation' that last wrote it."},
			}
		}),
	})
	ts.actor = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Actor",
		Description: "A person or organization that holds stances.",
		ResolveType: ts.resolveNodeType,
		Fields: graphql.FieldsThunk(func() graphql.Fields {
			return graphql.Fields{
				"id":        {Type: nn(graphql.ID)},
				"kind":      {Type: nn(ts.nodeKind)},
				"name":      {Type: nn(graphql.String)},
				"stances":   {Type: nn(ts.stanceConn), Args: ts.stanceArgs(true, true, true)},
				"alignment": {Type: listOf(ts.align), Args: graphql.FieldConfigArgument{"topic": {Type: nn(graphql.ID)}}, Description: "Pairwise agreement with every other actor that holds a stance on the topic, highest first."},
			}
		}),
	})
}

func (ts *types) buildLeaves() {
	a := ts.a
	ts.source = graphql.NewObject(graphql.ObjectConfig{Name: "Source", Fields: graphql.FieldsThunk(func() graphql.Fields {
		return graphql.Fields{
			"document": {Type: nn(ts.doc), Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				s, _ := p.Source.(graph.Source)
				n, err := a.getNode(ctx, s.Document)
				if err == nil && n == nil {
					return nil, errorf(CodeNotFound, "source document %s not found", s.Document)
				}
				return n, err
			})},
			"quote": {Type: graphql.String, Description: "The exact words in the document, in its language.", Resolve: func(p graphql.ResolveParams) (any, error) {
				s, _ := p.Source.(graph.Source)
				return optString(&s.Quote), nil
			}},
			"locator": {Type: graphql.String, Description: "Where in the document: paragraph, page or timestamp.", Resolve: func(p graphql.ResolveParams) (any, error) {
				s, _ := p.Source.(graph.Source)
				return optString(&s.Locator), nil
			}},
		}
	})})
	quote := func(get func(q graph.Quote) any) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) { q, _ := p.Source.(graph.Quote); return get(q), nil }
	}
	ts.quote = graphql.NewObject(graphql.ObjectConfig{Name: "Quote", Fields: graphql.FieldsThunk(func() graphql.Fields {
		return graphql.Fields{
			"text":                {Type: nn(graphql.String), Resolve: quote(func(q graph.Quote) any { return q.Text })},
			"language":            {Type: nn(graphql.String), Description: "BCP 47 code of `text`, e.g. 'de'.", Resolve: quote(func(q graph.Quote) any { return q.Language })},
			"translation":         {Type: graphql.String, Resolve: quote(func(q graph.Quote) any { return optString(&q.Translation) })},
			"translationLanguage": {Type: graphql.String, Resolve: quote(func(q graph.Quote) any { return optString(&q.TranslationLanguage) })},
			"source": {Type: ts.doc, Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, _ := p.Source.(graph.Quote)
				if q.Source == "" {
					return nil, nil
				}
				n, err := a.getNode(ctx, q.Source)
				if err != nil || n == nil {
					return nil, err
				}
				return n, nil
			})},
		}
	})})
	endNode := func(to bool) graphql.FieldResolveFn {
		return a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			e := edgeOf(p.Source)
			id := e.From
			if to {
				id = e.To
			}
			n, err := a.getNode(ctx, id)
			if err == nil && n == nil {
				return nil, errorf(CodeNotFound, "node %s not found", id)
			}
			return n, err
		})
	}
	ts.office = graphql.NewObject(graphql.ObjectConfig{Name: "Office", Fields: graphql.FieldsThunk(func() graphql.Fields {
		return graphql.Fields{
			"title":        {Type: nn(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) { return &edgeOf(p.Source).Role, nil }},
			"organization": {Type: nn(ts.org), Resolve: endNode(true)},
			"validFrom":    {Type: ts.date, Resolve: func(p graphql.ResolveParams) (any, error) { return optDate(edgeOf(p.Source).ValidFrom), nil }},
			"validTo":      {Type: ts.date, Resolve: func(p graphql.ResolveParams) (any, error) { return optDate(edgeOf(p.Source).ValidTo), nil }},
			"sources":      {Type: listOf(ts.source), Resolve: func(p graphql.ResolveParams) (any, error) { return sourcesOf(edgeOf(p.Source).Sources), nil }},
		}
	})})
	ts.edge = graphql.NewObject(graphql.ObjectConfig{Name: "Edge", Fields: graphql.FieldsThunk(func() graphql.Fields {
		return graphql.Fields{
			"id":        {Type: nn(graphql.ID), Resolve: func(p graphql.ResolveParams) (any, error) { return edgeOf(p.Source).ID(), nil }},
			"type":      {Type: nn(ts.edgeType), Resolve: func(p graphql.ResolveParams) (any, error) { return string(edgeOf(p.Source).Type), nil }},
			"from":      {Type: nn(ts.node), Resolve: endNode(false)},
			"to":        {Type: nn(ts.node), Resolve: endNode(true)},
			"role":      {Type: graphql.String, Description: "e.g. an office title.", Resolve: func(p graphql.ResolveParams) (any, error) { return optString(&edgeOf(p.Source).Role), nil }},
			"validFrom": {Type: ts.date, Resolve: func(p graphql.ResolveParams) (any, error) { return optDate(edgeOf(p.Source).ValidFrom), nil }},
			"validTo":   {Type: ts.date, Resolve: func(p graphql.ResolveParams) (any, error) { return optDate(edgeOf(p.Source).ValidTo), nil }},
			"sources":   {Type: listOf(ts.source), Resolve: func(p graphql.ResolveParams) (any, error) { return sourcesOf(edgeOf(p.Source).Sources), nil }},
		}
	})})
	ts.scale = graphql.NewObject(graphql.ObjectConfig{Name: "Scale", Fields: graphql.Fields{
		"negative": {Type: nn(graphql.String), Description: "What position -1 means on this topic.", Resolve: func(p graphql.ResolveParams) (any, error) { s, _ := p.Source.(*graph.Scale); return &s.Negative, nil }},
		"positive": {Type: nn(graphql.String), Description: "What position +1 means on this topic.", Resolve: func(p graphql.ResolveParams) (any, error) { s, _ := p.Source.(*graph.Scale); return &s.Positive, nil }},
	}})
	ts.money = graphql.NewObject(graphql.ObjectConfig{Name: "Money", Fields: graphql.Fields{
		"amount":   {Type: nn(graphql.Float), Resolve: func(p graphql.ResolveParams) (any, error) { m, _ := p.Source.(*graph.Money); return &m.Amount, nil }},
		"currency": {Type: nn(graphql.String), Description: "ISO 4217, e.g. EUR, USD.", Resolve: func(p graphql.ResolveParams) (any, error) { m, _ := p.Source.(*graph.Money); return &m.Currency, nil }},
	}})
	ts.pageInfo = graphql.NewObject(graphql.ObjectConfig{Name: "PageInfo", Fields: graphql.Fields{
		"hasNextPage": {Type: nn(graphql.Boolean), Resolve: func(p graphql.ResolveParams) (any, error) {
			c, _ := p.Source.(*conn)
			return c != nil && c.hasNext, nil
		}},
		"endCursor": {Type: graphql.String, Resolve: func(p graphql.ResolveParams) (any, error) {
			c, _ := p.Source.(*conn)
			if c == nil {
				return nil, nil
			}
			return optString(&c.end), nil
		}},
	}})
	ts.count = graphql.NewObject(graphql.ObjectConfig{Name: "Count", Fields: graphql.Fields{
		"kind":  {Type: nn(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) { c, _ := p.Source.(countVal); return c.kind, nil }},
		"count": {Type: nn(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { c, _ := p.Source.(countVal); return c.n, nil }},
	}})
	ts.stats = graphql.NewObject(graphql.ObjectConfig{Name: "Stats", Fields: graphql.Fields{
		"nodes":  {Type: nn(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { c, _ := p.Source.(*graph.Counts); return c.Nodes, nil }},
		"edges":  {Type: nn(graphql.Int), Resolve: func(p graphql.ResolveParams) (any, error) { c, _ := p.Source.(*graph.Counts); return c.Edges, nil }},
		"byKind": {Type: listOf(ts.count), Resolve: func(p graphql.ResolveParams) (any, error) { c, _ := p.Source.(*graph.Counts); return byKind(c), nil }},
		"byEdgeType": {Type: listOf(ts.count), Resolve: func(p graphql.ResolveParams) (any, error) {
			c, _ := p.Source.(*graph.Counts)
			return byEdgeType(c), nil
		}},
	}})
	report := func(get func(r *seedReport) any) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) { r, _ := p.Source.(*seedReport); return get(r), nil }
	}
	ts.seedReport = graphql.NewObject(graphql.ObjectConfig{Name: "SeedReport", Fields: graphql.Fields{
		"dryRun":       {Type: nn(graphql.Boolean), Resolve: report(func(r *seedReport) any { return r.dryRun })},
		"nodesCreated": {Type: nn(graphql.Int), Resolve: report(func(r *seedReport) any { return r.res.NodesCreated })},
		"nodesUpdated": {Type: nn(graphql.Int), Resolve: report(func(r *seedReport) any { return r.res.NodesUpdated })},
		"edgesCreated": {Type: nn(graphql.Int), Resolve: report(func(r *seedReport) any { return r.res.EdgesCreated })},
		"edgesUpdated": {Type: nn(graphql.Int), Resolve: report(func(r *seedReport) any { return r.res.EdgesUpdated })},
		"nodesDeleted": {Type: nn(graphql.Int), Resolve: report(func(r *seedReport) any { return r.res.NodesDeleted })},
		"edgesDeleted": {Type: nn(graphql.Int), Resolve: report(func(r *seedReport) any { return r.res.EdgesDeleted })},
	}})
}

type countVal struct {
	kind string
	n    int
}

type seedReport struct {
	dryRun bool
	res    graph.Result
}

func byKind(c *graph.Counts) []countVal {
	if c == nil {
		return []countVal{}
	}
	out := make([]countVal, 0, len(graph.Kinds()))
	for _, k := range graph.Kinds() {
		out = append(out, countVal{k.String(), c.ByKind[k]})
	}
	return out
}

func byEdgeType(c *graph.Counts) []countVal {
	if c == nil {
		return []countVal{}
	}
	known := graph.EdgeTypes()
	out := make([]countVal, 0, len(known))
	for _, t := range known {
		out = append(out, countVal{string(t), c.ByEdgeType[t]})
	}
	return out
}

func (ts *types) buildNodes() {
	a := ts.a
	nodeIfaces := []*graphql.Interface{ts.node}
	actorIfaces := []*graphql.Interface{ts.node, ts.actor}

	ts.person = graphql.NewObject(graphql.ObjectConfig{Name: "Person", Interfaces: actorIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.actorFields(ts.common(graphql.Fields{}))
		fs["offices"] = &graphql.Field{
			Type: listOf(ts.office),
			Args: graphql.FieldConfigArgument{"asOf": {Type: ts.date}},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				es, err := a.edges(ctx, srcNode(p).ID, graph.Out, graph.HoldsOffice, argDate(p, "asOf"))
				if err != nil {
					return nil, err
				}
				out := make([]*graph.Edge, len(es))
				for i := range es {
					out[i] = &es[i]
				}
				return out, nil
			}),
		}
		fs["memberships"] = ts.rel(listOf(ts.org), graph.Out, graph.MemberOf)
		fs["attended"] = ts.rel(listOf(ts.event), graph.Out, graph.Attended)
		return fs
	})})

	ts.org = graphql.NewObject(graphql.ObjectConfig{Name: "Organization", Interfaces: actorIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.actorFields(ts.common(graphql.Fields{}))
		fs["type"] = field(nn(ts.orgType), func(n *graph.Node) any { return string(n.OrgType) })
		fs["country"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Country) })
		fs["country"].Description = "ISO 3166-1 alpha-2, where the organization is a state or based in one."
		fs["officeHolders"] = &graphql.Field{
			Type:        listOf(ts.person),
			Description: "People holding an office in it (asOf filters by validFrom/validTo).",
			Args:        graphql.FieldConfigArgument{"asOf": {Type: ts.date}},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				ns, err := a.related(ctx, srcNode(p).ID, graph.In, graph.HoldsOffice, argDate(p, "asOf"))
				if err != nil {
					return nil, err
				}
				// A person may hold several offices in one organization.
				out := ns[:0]
				for _, n := range ns {
					if len(out) == 0 || out[len(out)-1].ID != n.ID {
						out = append(out, n)
					}
				}
				return out, nil
			}),
		}
		fs["members"] = ts.rel(listOf(ts.node), graph.In, graph.MemberOf)
		fs["memberOf"] = ts.rel(listOf(ts.org), graph.Out, graph.MemberOf)
		fs["signed"] = ts.rel(listOf(ts.doc), graph.Out, graph.Signed)
		fs["didNotSign"] = ts.rel(listOf(ts.doc), graph.Out, graph.DidNotSign)
		return fs
	})})

	ts.topic = graphql.NewObject(graphql.ObjectConfig{Name: "Topic", Interfaces: nodeIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.common(graphql.Fields{})
		fs["description"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Description) })
		fs["scale"] = field(nn(ts.scale), func(n *graph.Node) any {
			if n.Scale == nil {
				return &graph.Scale{}
			}
			return n.Scale
		})
		fs["parent"] = ts.one(ts.topic, graph.Out, graph.SubtopicOf)
		fs["subtopics"] = ts.rel(listOf(ts.topic), graph.In, graph.SubtopicOf)
		fs["stances"] = &graphql.Field{
			Type: nn(ts.stanceConn),
			Args: ts.stanceArgs(false, true, true),
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return a.stancePage(ctx, p, graph.StanceQuery{
					Topics:           []string{srcNode(p).ID},
					IncludeSubtopics: argBool(p, "includeSubtopics", true),
					AsOf:             argDate(p, "asOf"),
				})
			}),
		}
		return fs
	})})

	ts.stance = graphql.NewObject(graphql.ObjectConfig{Name: "Stance", Interfaces: nodeIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.common(graphql.Fields{})
		fs["name"].Description = "A short English headline, e.g. 'Against strict regulation of AI'."
		fs["holder"] = ts.mustOne(nn(ts.actor), graph.Out, graph.HeldBy, "holder")
		fs["topic"] = ts.mustOne(nn(ts.topic), graph.Out, graph.OnTopic, "topic")
		fs["position"] = field(nn(graphql.Float), func(n *graph.Node) any { return &n.Position })
		fs["position"].Description = "-1..+1 on the topic's scale."
		fs["label"] = field(nn(ts.label), func(n *graph.Node) any { return string(n.Label()) })
		fs["confidence"] = field(nn(graphql.Float), func(n *graph.Node) any { return &n.Confidence })
		fs["confidence"].Description = "0..1: how clearly the source supports this reading."
		fs["summary"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Summary) })
		fs["quotes"] = field(listOf(ts.quote), func(n *graph.Node) any {
			if n.Quotes == nil {
				return []graph.Quote{}
			}
			return n.Quotes
		})
		fs["statedAt"] = field(ts.date, func(n *graph.Node) any { return optDate(n.StatedAt) })
		fs["event"] = ts.one(ts.event, graph.Out, graph.StatedAt)
		fs["onBehalfOf"] = ts.one(ts.org, graph.Out, graph.OnBehalfOf)
		fs["onBehalfOf"].Description = "The organization the holder spoke for, e.g. a state for its head of government."
		fs["supersedes"] = ts.one(ts.stance, graph.Out, graph.Supersedes)
		fs["supersedes"].Description = "The holder's earlier stance on the same topic that this one replaces."
		fs["respondsTo"] = ts.rel(listOf(ts.stance), graph.Out, graph.RespondsTo)
		return fs
	})})

	ts.doc = graphql.NewObject(graphql.ObjectConfig{Name: "Document", Interfaces: nodeIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.common(graphql.Fields{})
		fs["type"] = field(nn(ts.docType), func(n *graph.Node) any { return string(n.DocType) })
		fs["publishedAt"] = field(ts.date, func(n *graph.Node) any { return optDate(n.PublishedAt) })
		fs["url"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.URL) })
		fs["language"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Language) })
		fs["text"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Text) })
		fs["text"].Description = "The full text, where the graph holds it (quotes are checked against it)."
		fs["publisher"] = ts.one(ts.org, graph.In, graph.Published)
		fs["event"] = ts.one(ts.event, graph.Out, graph.IssuedAt)
		fs["signatories"] = ts.rel(listOf(ts.node), graph.In, graph.Signed)
		fs["nonSignatories"] = ts.rel(listOf(ts.node), graph.In, graph.DidNotSign)
		fs["mentions"] = ts.rel(listOf(ts.node), graph.Out, graph.Mentions)
		return fs
	})})

	ts.event = graphql.NewObject(graphql.ObjectConfig{Name: "Event", Interfaces: nodeIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.common(graphql.Fields{})
		fs["startDate"] = field(ts.date, func(n *graph.Node) any { return optDate(n.StartDate) })
		fs["endDate"] = field(ts.date, func(n *graph.Node) any { return optDate(n.EndDate) })
		fs["location"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Location) })
		fs["host"] = ts.one(ts.org, graph.In, graph.Hosted)
		fs["participants"] = ts.rel(listOf(ts.node), graph.In, graph.Attended)
		fs["documents"] = ts.rel(listOf(ts.doc), graph.In, graph.IssuedAt)
		fs["stances"] = &graphql.Field{
			Type: nn(ts.stanceConn),
			Args: pageArgs(),
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				return a.stancePage(ctx, p, graph.StanceQuery{Event: srcNode(p).ID})
			}),
		}
		return fs
	})})

	ts.initiative = graphql.NewObject(graphql.ObjectConfig{Name: "Initiative", Interfaces: nodeIfaces, Fields: graphql.FieldsThunk(func() graphql.Fields {
		fs := ts.common(graphql.Fields{})
		fs["description"] = field(graphql.String, func(n *graph.Node) any { return optString(&n.Description) })
		fs["amount"] = field(ts.money, func(n *graph.Node) any {
			if n.Amount == nil {
				return nil
			}
			return n.Amount
		})
		fs["announcedAt"] = field(ts.date, func(n *graph.Node) any { return optDate(n.AnnouncedAt) })
		fs["announcedBy"] = ts.rel(listOf(ts.node), graph.In, graph.Announced)
		fs["funders"] = ts.rel(listOf(ts.node), graph.In, graph.Funds)
		return fs
	})})

	ts.stanceConn = ts.connection("Stance", ts.stance)
	ts.personConn = ts.connection("Person", ts.person)
	ts.orgConn = ts.connection("Organization", ts.org)
	ts.topicConn = ts.connection("Topic", ts.topic)
	ts.docConn = ts.connection("Document", ts.doc)
	ts.eventConn = ts.connection("Event", ts.event)
	ts.initiativeConn = ts.connection("Initiative", ts.initiative)
}

func (ts *types) buildResults() {
	a := ts.a
	ts.subgraph = graphql.NewObject(graphql.ObjectConfig{Name: "Subgraph", Fields: graphql.Fields{
		"nodes": {Type: listOf(ts.node), Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Subgraph)
			return ptrs(g.Nodes), nil
		}},
		"edges": {Type: listOf(ts.edge), Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Subgraph)
			return edgePtrs(g.Edges), nil
		}},
		"truncated": {Type: nn(graphql.Boolean), Description: "True when `limit` cut the result.", Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Subgraph)
			return g.Truncated, nil
		}},
	}})
	ts.path = graphql.NewObject(graphql.ObjectConfig{Name: "Path", Fields: graphql.Fields{
		"length": {Type: nn(graphql.Int), Description: "Number of edges.", Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Path)
			return len(g.Edges), nil
		}},
		"nodes": {Type: listOf(ts.node), Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Path)
			return ptrs(g.Nodes), nil
		}},
		"edges": {Type: listOf(ts.edge), Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Path)
			return edgePtrs(g.Edges), nil
		}},
		"explanation": {Type: listOf(graphql.String), Description: "One English sentence per edge, e.g. 'Olaf Scholz holds office in Germany as Federal Chancellor'.", Resolve: func(p graphql.ResolveParams) (any, error) {
			g, _ := p.Source.(*graph.Path)
			return explain(*g), nil
		}},
	}})
	alignOf := func(p graphql.ResolveParams) *alignment {
		al, _ := p.Source.(*alignment)
		if al == nil {
			return &alignment{}
		}
		return al
	}
	nodeByID := func(get func(al *alignment) string) graphql.FieldResolveFn {
		return a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			id := get(alignOf(p))
			n, err := a.getNode(ctx, id)
			if err == nil && n == nil {
				return nil, errorf(CodeNotFound, "node %s not found", id)
			}
			return n, err
		})
	}
	ts.align = graphql.NewObject(graphql.ObjectConfig{Name: "Alignment", Fields: graphql.FieldsThunk(func() graphql.Fields {
		return graphql.Fields{
			"a":     {Type: nn(ts.actor), Resolve: nodeByID(func(al *alignment) string { return al.a })},
			"b":     {Type: nn(ts.actor), Resolve: nodeByID(func(al *alignment) string { return al.b })},
			"topic": {Type: nn(ts.topic), Resolve: nodeByID(func(al *alignment) string { return al.topic })},
			"score": {Type: nn(graphql.Float), Description: "-1 (opposed) .. +1 (agree): 1 - |position(a) - position(b)|, averaged over their stances on the topic.",
				Resolve: func(p graphql.ResolveParams) (any, error) { return alignOf(p).score, nil }},
			"basis": {Type: listOf(ts.stance), Resolve: func(p graphql.ResolveParams) (any, error) { return ptrs(alignOf(p).basis), nil }},
		}
	})})
	ts.hit = graphql.NewObject(graphql.ObjectConfig{Name: "SearchHit", Fields: graphql.Fields{
		"node":  {Type: nn(ts.node), Resolve: func(p graphql.ResolveParams) (any, error) { h, _ := p.Source.(*graph.Hit); return &h.Node, nil }},
		"score": {Type: nn(graphql.Float), Resolve: func(p graphql.ResolveParams) (any, error) { h, _ := p.Source.(*graph.Hit); return &h.Score, nil }},
		"snippet": {Type: graphql.String, Description: "The matching text with the match marked by [[ ]].", Resolve: func(p graphql.ResolveParams) (any, error) {
			h, _ := p.Source.(*graph.Hit)
			return optString(&h.Snippet), nil
		}},
	}})
}

func edgePtrs(es []graph.Edge) []*graph.Edge {
	out := make([]*graph.Edge, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}
