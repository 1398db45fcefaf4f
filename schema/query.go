package schema

import (
	"context"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/stancegraph/stancegraph/graph"
)

// maxSearchLen bounds the text of a search query.
const maxSearchLen = 1000

func (ts *types) queryType() *graphql.Object {
	a := ts.a
	byID := func(t graphql.Output, kinds ...graph.Kind) *graphql.Field {
		return &graphql.Field{
			Type: t,
			Args: graphql.FieldConfigArgument{"id": {Type: nn(graphql.ID)}},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				id, err := argID(p, "id", kinds...)
				if err != nil {
					return nil, err
				}
				n, err := a.getNode(ctx, id)
				if err != nil || n == nil {
					return nil, err
				}
				return n, nil
			}),
		}
	}
	byKind := func(t graphql.Output, k graph.Kind) *graphql.Field {
		return &graphql.Field{
			Type: t,
			Args: pageArgs(),
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				pg, err := argPage(p)
				if err != nil {
					return nil, err
				}
				return page(pg, func(pg graph.Page) (graph.NodePage, error) { return a.store.NodesByKind(ctx, k, pg) })
			}),
		}
	}
	stanceFilter := graphql.NewInputObject(graphql.InputObjectConfig{Name: "StanceFilter", Fields: graphql.InputObjectConfigFieldMap{
		"holder":           {Type: graphql.ID},
		"holders":          {Type: graphql.NewList(nn(graphql.ID))},
		"topic":            {Type: graphql.ID},
		"includeSubtopics": {Type: graphql.Boolean, DefaultValue: true},
		"position": {Type: graphql.NewInputObject(graphql.InputObjectConfig{Name: "PositionRange", Fields: graphql.InputObjectConfigFieldMap{
			"min": {Type: graphql.Float},
			"max": {Type: graphql.Float},
		}})},
		"label":  {Type: graphql.NewList(nn(ts.label))},
		"event":  {Type: graphql.ID},
		"source": {Type: graphql.ID},
		"from":   {Type: ts.date, Description: "statedAt within [from, to]"},
		"to":     {Type: ts.date},
	}})
	orgFilter := graphql.NewInputObject(graphql.InputObjectConfig{Name: "OrganizationFilter", Fields: graphql.InputObjectConfigFieldMap{
		"type":    {Type: graphql.NewList(nn(ts.orgType))},
		"country": {Type: graphql.String},
	}})

	fields := graphql.Fields{
		"node": byID(ts.node),
		"nodes": {
			Type: nn(graphql.NewList(ts.node)),
			Args: graphql.FieldConfigArgument{"ids": {Type: nn(graphql.NewList(nn(graphql.ID)))}},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				ids, err := argIDs(p.Args["ids"], "ids")
				if err != nil {
					return nil, err
				}
				ns, err := a.getNodes(ctx, ids)
				if err != nil {
					return nil, err
				}
				out := make([]any, len(ns))
				for i, n := range ns {
					if n != nil {
						out[i] = n
					}
				}
				return out, nil
			}),
		},
		"person":       byID(ts.person, graph.KindPerson),
		"organization": byID(ts.org, graph.KindOrganization),
		"topic":        byID(ts.topic, graph.KindTopic),
		"stance":       byID(ts.stance, graph.KindStance),
		"document":     byID(ts.doc, graph.KindDocument),
		"event":        byID(ts.event, graph.KindEvent),
		"initiative":   byID(ts.initiative, graph.KindInitiative),

		"people": byKind(nn(ts.personConn), graph.KindPerson),
		"organizations": {
			Type: nn(ts.orgConn),
			Args: graphql.FieldConfigArgument{
				"filter": {Type: orgFilter},
				"first":  {Type: graphql.Int, DefaultValue: 20},
				"after":  {Type: graphql.String},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				pg, err := argPage(p)
				if err != nil {
					return nil, err
				}
				f, _ := p.Args["filter"].(map[string]any)
				var types []graph.OrgType
				for _, t := range listArg(f["type"]) {
					types = append(types, graph.OrgType(t))
				}
				country, _ := f["country"].(string)
				if len(types) == 0 && country == "" {
					return page(pg, func(pg graph.Page) (graph.NodePage, error) {
						return a.store.NodesByKind(ctx, graph.KindOrganization, pg)
					})
				}
				return a.filteredPage(ctx, graph.KindOrganization, pg, func(n *graph.Node) bool {
					return (len(types) == 0 || slices.Contains(types, n.OrgType)) &&
						(country == "" || strings.EqualFold(n.Country, country))
				})
			}),
		},
		"topics": byKind(nn(ts.topicConn), graph.KindTopic),
		"stances": {
			Type: nn(ts.stanceConn),
			Args: graphql.FieldConfigArgument{
				"filter": {Type: stanceFilter},
				"first":  {Type: graphql.Int, DefaultValue: 20},
				"after":  {Type: graphql.String},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, err := stanceQuery(p.Args["filter"])
				if err != nil {
					return nil, err
				}
				return a.stancePage(ctx, p, q)
			}),
		},
		"documents": {
			Type: nn(ts.docConn),
			Args: graphql.FieldConfigArgument{
				"type":  {Type: graphql.NewList(nn(ts.docType))},
				"first": {Type: graphql.Int, DefaultValue: 20},
				"after": {Type: graphql.String},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				pg, err := argPage(p)
				if err != nil {
					return nil, err
				}
				var types []graph.DocType
				for _, t := range listArg(p.Args["type"]) {
					types = append(types, graph.DocType(t))
				}
				if len(types) == 0 {
					return page(pg, func(pg graph.Page) (graph.NodePage, error) {
						return a.store.NodesByKind(ctx, graph.KindDocument, pg)
					})
				}
				return a.filteredPage(ctx, graph.KindDocument, pg, func(n *graph.Node) bool {
					return slices.Contains(types, n.DocType)
				})
			}),
		},
		"events":      byKind(nn(ts.eventConn), graph.KindEvent),
		"initiatives": byKind(nn(ts.initiativeConn), graph.KindInitiative),

		"search": {
			Type:        listOf(ts.hit),
			Description: "Full-text search over names, aliases, descriptions, summaries and quotes (original and translation), accent- and case-insensitive.",
			Args: graphql.FieldConfigArgument{
				"query": {Type: nn(graphql.String)},
				"kinds": {Type: graphql.NewList(nn(ts.nodeKind))},
				"first": {Type: graphql.Int, DefaultValue: 20},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				q, _ := argString(p, "query")
				if strings.TrimSpace(q) == "" {
					return nil, badInput("search query must not be empty")
				}
				if len(q) > maxSearchLen {
					return nil, badInput("search query is longer than %d bytes", maxSearchLen)
				}
				first := argInt(p, "first", 20)
				if first < 0 {
					return nil, badInput("first must not be negative")
				}
				if first == 0 {
					return []*graph.Hit{}, nil
				}
				var kinds []graph.Kind
				for _, k := range listArg(p.Args["kinds"]) {
					kk, err := graph.ParseKind(k)
					if err != nil {
						return nil, err
					}
					kinds = append(kinds, kk)
				}
				hits, err := a.store.Search(ctx, q, graph.SearchOptions{Kinds: kinds, Limit: min(first, MaxPage)})
				if err != nil {
					return nil, err
				}
				out := make([]*graph.Hit, len(hits))
				for i := range hits {
					out[i] = &hits[i]
				}
				return out, nil
			}),
		},
		"neighborhood": {
			Type:        nn(ts.subgraph),
			Description: "All nodes within `depth` hops of `id` (depth 0..4).",
			Args: graphql.FieldConfigArgument{
				"id":        {Type: nn(graphql.ID)},
				"depth":     {Type: graphql.Int, DefaultValue: 1},
				"direction": {Type: ts.direction, DefaultValue: "BOTH"},
				"edgeTypes": {Type: graphql.NewList(nn(ts.edgeType))},
				"limit":     {Type: graphql.Int, DefaultValue: 500},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				id, err := argID(p, "id")
				if err != nil {
					return nil, err
				}
				depth := argInt(p, "depth", 1)
				if depth < 0 || depth > 4 {
					return nil, badInput("depth must be within 0..4")
				}
				limit := argInt(p, "limit", 500)
				if limit < 1 {
					return nil, badInput("limit must be at least 1")
				}
				dir := graph.Both
				switch p.Args["direction"] {
				case "OUT":
					dir = graph.Out
				case "IN":
					dir = graph.In
				}
				if !a.store.Has(ctx, id) {
					return nil, errorf(CodeNotFound, "node %s not found", id)
				}
				g, err := a.store.Neighborhood(ctx, id, graph.NeighborhoodOptions{
					Depth: depth, Direction: dir, Types: argEdgeTypes(p.Args["edgeTypes"]), Limit: min(limit, MaxPage),
					NodeKeysOnly: keysSuffice(p, "nodes"),
					EdgeKeysOnly: keysSuffice(p, "edges"),
				})
				if err != nil {
					return nil, err
				}
				return &g, nil
			}),
		},
		"path": {
			Type:        ts.path,
			Description: "A shortest path, or null when none exists within maxDepth (1..8).",
			Args: graphql.FieldConfigArgument{
				"from":      {Type: nn(graphql.ID)},
				"to":        {Type: nn(graphql.ID)},
				"maxDepth":  {Type: graphql.Int, DefaultValue: 6},
				"edgeTypes": {Type: graphql.NewList(nn(ts.edgeType))},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				from, err := argID(p, "from")
				if err != nil {
					return nil, err
				}
				to, err := argID(p, "to")
				if err != nil {
					return nil, err
				}
				maxDepth := argInt(p, "maxDepth", 6)
				if maxDepth < 1 || maxDepth > 8 {
					return nil, badInput("maxDepth must be within 1..8")
				}
				for _, id := range []string{from, to} {
					if !a.store.Has(ctx, id) {
						return nil, errorf(CodeNotFound, "node %s not found", id)
					}
				}
				path, ok, err := a.store.ShortestPath(ctx, from, to, graph.PathOptions{
					MaxDepth: maxDepth, Types: argEdgeTypes(p.Args["edgeTypes"]),
					NodeKeysOnly: keysSuffice(p, "nodes"),
					EdgeKeysOnly: keysSuffice(p, "edges"),
				})
				if err != nil || !ok {
					return nil, err
				}
				return &path, nil
			}),
		},
		"alignment": {
			Type:        listOf(ts.align),
			Description: "Pairwise alignment of all actors (or the given ones) holding stances on the topic.",
			Args: graphql.FieldConfigArgument{
				"topic":  {Type: nn(graphql.ID)},
				"actors": {Type: graphql.NewList(nn(graphql.ID))},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				topic, err := argID(p, "topic", graph.KindTopic)
				if err != nil {
					return nil, err
				}
				actors, err := argIDs(p.Args["actors"], "actors", graph.KindPerson, graph.KindOrganization)
				if err != nil {
					return nil, err
				}
				all, err := a.store.Alignment(ctx, topic, actors)
				if err != nil {
					return nil, err
				}
				if len(all) > maxList {
					all = all[:maxList]
				}
				out := make([]*alignment, len(all))
				for i, al := range all {
					out[i] = &alignment{a: al.A, b: al.B, topic: topic, score: al.Score, basis: al.Basis}
				}
				return out, nil
			}),
		},
		"stats": {
			Type: nn(ts.stats),
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				c, err := a.store.Counts(ctx)
				if err != nil {
					return nil, err
				}
				return &c, nil
			}),
		},
	}
	ts.analyticsFields(fields)
	return graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: fields})
}

func listArg(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// stanceQuery turns a StanceFilter input into a graph query.
func stanceQuery(v any) (graph.StanceQuery, error) {
	f, _ := v.(map[string]any)
	q := graph.StanceQuery{IncludeSubtopics: true}
	if f == nil {
		return q, nil
	}
	actorKinds := []graph.Kind{graph.KindPerson, graph.KindOrganization}
	if h, ok := f["holder"].(string); ok {
		id, err := checkID(h, "filter.holder", actorKinds...)
		if err != nil {
			return q, err
		}
		q.Holders = append(q.Holders, id)
	}
	hs, err := argIDs(f["holders"], "filter.holders", actorKinds...)
	if err != nil {
		return q, err
	}
	q.Holders = append(q.Holders, hs...)
	if t, ok := f["topic"].(string); ok {
		id, err := checkID(t, "filter.topic", graph.KindTopic)
		if err != nil {
			return q, err
		}
		q.Topics = []string{id}
	}
	if b, ok := f["includeSubtopics"].(bool); ok {
		q.IncludeSubtopics = b
	}
	if q.MinPosition, q.MaxPosition, err = positionRange(f["position"]); err != nil {
		return q, err
	}
	for _, l := range listArg(f["label"]) {
		q.Labels = append(q.Labels, graph.Label(l))
	}
	if e, ok := f["event"].(string); ok {
		if q.Event, err = checkID(e, "filter.event", graph.KindEvent); err != nil {
			return q, err
		}
	}
	if s, ok := f["source"].(string); ok {
		if q.Source, err = checkID(s, "filter.source", graph.KindDocument); err != nil {
			return q, err
		}
	}
	q.From, _ = f["from"].(graph.Date)
	q.To, _ = f["to"].(graph.Date)
	return q, nil
}

// keyField reports whether the keys of a list's items (the nodes or the
// edges of a walk) carry the field, so that the store answers it from its
// in-memory topology. An edge's from and to read the node by id, not the
// edge's value.
func keyField(list, field string) bool {
	switch field {
	case "id", "__typename":
		return true
	case "kind", "name":
		return list == "nodes"
	case "type", "from", "to":
		return list == "edges"
	}
	return false
}

// keysSuffice reports whether the selection of a Subgraph or Path asks its
// list field (nodes or edges) only for key fields, or not at all, so that
// the store can leave those values unread. A fragment under the list may
// ask for anything, and a field of the parent beyond the plain ones
// (explanation reads names and roles) needs the values, so both answer no.
func keysSuffice(p graphql.ResolveParams, list string) bool {
	for _, f := range p.Info.FieldASTs {
		if f.SelectionSet == nil {
			return false
		}
		for _, sel := range f.SelectionSet.Selections {
			field, ok := sel.(*ast.Field)
			if !ok {
				return false
			}
			switch field.Name.Value {
			case list:
				if field.SelectionSet == nil {
					return false
				}
				for _, s := range field.SelectionSet.Selections {
					sub, ok := s.(*ast.Field)
					if !ok || !keyField(list, sub.Name.Value) {
						return false
					}
				}
			case "nodes", "edges", "length", "truncated", "__typename":
			default:
				return false
			}
		}
	}
	return true
}
