package schema

import (
	"context"
	"errors"

	"github.com/graphql-go/graphql"

	"github.com/stancegraph/stancegraph/graph"
)

// originMutation marks nodes and edges written through the API.
const originMutation = "mutation"

// shorthand is an edge an input names by a field (a stance's holder, a
// topic's parent): upserting the node replaces the edges of that type.
type shorthand struct {
	typ   graph.EdgeType
	dir   graph.Direction // Out: node -> other; In: other -> node
	other []string        // desired other ends
}

func (ts *types) mutationType() *graphql.Object {
	a := ts.a
	source := graphql.NewInputObject(graphql.InputObjectConfig{Name: "SourceInput", Fields: graphql.InputObjectConfigFieldMap{
		"document": {Type: nn(graphql.ID)},
		"quote":    {Type: graphql.String},
		"locator":  {Type: graphql.String},
	}})
	quote := graphql.NewInputObject(graphql.InputObjectConfig{Name: "QuoteInput", Fields: graphql.InputObjectConfigFieldMap{
		"text":                {Type: nn(graphql.String)},
		"language":            {Type: nn(graphql.String)},
		"translation":         {Type: graphql.String},
		"translationLanguage": {Type: graphql.String},
		"source":              {Type: graphql.ID},
	}})
	money := graphql.NewInputObject(graphql.InputObjectConfig{Name: "MoneyInput", Fields: graphql.InputObjectConfigFieldMap{
		"amount":   {Type: nn(graphql.Float)},
		"currency": {Type: nn(graphql.String)},
	}})
	ids := graphql.NewList(nn(graphql.ID))
	strList := graphql.NewList(nn(graphql.String))
	srcList := graphql.NewList(nn(source))
	input := func(name string, fs graphql.InputObjectConfigFieldMap) graphql.FieldConfigArgument {
		return graphql.FieldConfigArgument{"input": {Type: nn(graphql.NewInputObject(graphql.InputObjectConfig{Name: name, Fields: fs}))}}
	}

	upsert := func(t graphql.Output, args graphql.FieldConfigArgument, build func(in map[string]any) (graph.Node, []shorthand, error)) *graphql.Field {
		return &graphql.Field{Type: nn(t), Args: args, Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			if err := mayWrite(ctx); err != nil {
				return nil, err
			}
			in, _ := p.Args["input"].(map[string]any)
			n, short, err := build(in)
			if err != nil {
				return nil, err
			}
			n.Origin = originMutation
			var b graph.Batch
			b.PutNode(n)
			for _, s := range short {
				// Evaluated by graph under its writer lock, so concurrent
				// upserts cannot leave a stance with two holders.
				b.ReplaceEdges(n.ID, s.dir, s.typ, s.other, originMutation)
			}
			if _, err := a.store.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
				return nil, err
			}
			forget(ctx)
			return a.mustNode(ctx, n.ID)
		})}
	}

	fields := graphql.Fields{
		"upsertPerson": upsert(ts.person, input("PersonInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "aliases": {Type: strList},
			"description": {Type: graphql.String}, "sources": {Type: srcList},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindPerson)
			n.Description = str(in, "description")
			return n, nil, err
		}),
		"upsertOrganization": upsert(ts.org, input("OrganizationInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "type": {Type: nn(ts.orgType)},
			"aliases": {Type: strList}, "description": {Type: graphql.String}, "country": {Type: graphql.String}, "sources": {Type: srcList},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindOrganization)
			n.Description = str(in, "description")
			n.OrgType = graph.OrgType(str(in, "type"))
			n.Country = str(in, "country")
			return n, nil, err
		}),
		"upsertTopic": upsert(ts.topic, input("TopicInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "description": {Type: graphql.String},
			"negative": {Type: nn(graphql.String)}, "positive": {Type: nn(graphql.String)}, "parent": {Type: graphql.ID}, "sources": {Type: srcList},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindTopic)
			n.Description = str(in, "description")
			n.Scale = &graph.Scale{Negative: str(in, "negative"), Positive: str(in, "positive")}
			return n, []shorthand{one(graph.SubtopicOf, graph.Out, in, "parent")}, err
		}),
		"upsertStance": upsert(ts.stance, input("StanceInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "holder": {Type: nn(graphql.ID)},
			"topic": {Type: nn(graphql.ID)}, "position": {Type: nn(graphql.Float)}, "confidence": {Type: graphql.Float, DefaultValue: 1},
			"summary": {Type: graphql.String}, "quotes": {Type: graphql.NewList(nn(quote))}, "statedAt": {Type: ts.date},
			"event": {Type: graphql.ID}, "onBehalfOf": {Type: graphql.ID}, "supersedes": {Type: graphql.ID},
			"respondsTo": {Type: ids}, "sources": {Type: nn(srcList)},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindStance)
			n.Position = num(in, "position", 0)
			n.Confidence = num(in, "confidence", 1)
			n.Summary = str(in, "summary")
			n.StatedAt, _ = in["statedAt"].(graph.Date)
			for _, q := range objs(in["quotes"]) {
				n.Quotes = append(n.Quotes, graph.Quote{
					Text: str(q, "text"), Language: str(q, "language"), Translation: str(q, "translation"),
					TranslationLanguage: str(q, "translationLanguage"), Source: str(q, "source"),
				})
			}
			return n, []shorthand{
				one(graph.HeldBy, graph.Out, in, "holder"),
				one(graph.OnTopic, graph.Out, in, "topic"),
				one(graph.StatedAt, graph.Out, in, "event"),
				one(graph.OnBehalfOf, graph.Out, in, "onBehalfOf"),
				one(graph.Supersedes, graph.Out, in, "supersedes"),
				{typ: graph.RespondsTo, dir: graph.Out, other: listArg(in["respondsTo"])},
			}, err
		}),
		"upsertDocument": upsert(ts.doc, input("DocumentInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "type": {Type: nn(ts.docType)},
			"publishedAt": {Type: ts.date}, "url": {Type: graphql.String}, "language": {Type: graphql.String},
			"text": {Type: graphql.String}, "publisher": {Type: graphql.ID}, "event": {Type: graphql.ID}, "sources": {Type: srcList},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindDocument)
			n.DocType = graph.DocType(str(in, "type"))
			n.PublishedAt, _ = in["publishedAt"].(graph.Date)
			n.URL, n.Language, n.Text = str(in, "url"), str(in, "language"), str(in, "text")
			return n, []shorthand{one(graph.Published, graph.In, in, "publisher"), one(graph.IssuedAt, graph.Out, in, "event")}, err
		}),
		"upsertEvent": upsert(ts.event, input("EventInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "startDate": {Type: ts.date},
			"endDate": {Type: ts.date}, "location": {Type: graphql.String}, "host": {Type: graphql.ID}, "sources": {Type: srcList},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindEvent)
			n.StartDate, _ = in["startDate"].(graph.Date)
			n.EndDate, _ = in["endDate"].(graph.Date)
			n.Location = str(in, "location")
			return n, []shorthand{one(graph.Hosted, graph.In, in, "host")}, err
		}),
		"upsertInitiative": upsert(ts.initiative, input("InitiativeInput", graphql.InputObjectConfigFieldMap{
			"id": {Type: nn(graphql.ID)}, "name": {Type: nn(graphql.String)}, "description": {Type: graphql.String},
			"amount": {Type: money}, "announcedAt": {Type: ts.date}, "sources": {Type: srcList},
		}), func(in map[string]any) (graph.Node, []shorthand, error) {
			n, err := baseNode(in, graph.KindInitiative)
			n.Description = str(in, "description")
			if m, ok := in["amount"].(map[string]any); ok {
				n.Amount = &graph.Money{Amount: num(m, "amount", 0), Currency: str(m, "currency")}
			}
			n.AnnouncedAt, _ = in["announcedAt"].(graph.Date)
			return n, nil, err
		}),
		"link": {
			Type:        nn(ts.edge),
			Description: "Creates the edge, or updates it when an edge of the same type, from and to exists.",
			Args: input("EdgeInput", graphql.InputObjectConfigFieldMap{
				"type": {Type: nn(ts.edgeType)}, "from": {Type: nn(graphql.ID)}, "to": {Type: nn(graphql.ID)},
				"role": {Type: graphql.String}, "validFrom": {Type: ts.date}, "validTo": {Type: ts.date}, "sources": {Type: srcList},
			}),
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				if err := mayWrite(ctx); err != nil {
					return nil, err
				}
				in, _ := p.Args["input"].(map[string]any)
				e := graph.Edge{
					Type: graph.EdgeType(str(in, "type")), From: str(in, "from"), To: str(in, "to"),
					Role: str(in, "role"), Sources: sources(in["sources"]), Origin: originMutation,
				}
				e.ValidFrom, _ = in["validFrom"].(graph.Date)
				e.ValidTo, _ = in["validTo"].(graph.Date)
				var b graph.Batch
				b.PutEdge(e)
				if _, err := a.store.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
					return nil, err
				}
				forget(ctx)
				got, err := a.store.Edge(ctx, e.Type, e.From, e.To)
				if err != nil {
					return nil, err
				}
				return &got, nil
			}),
		},
		"unlink": {
			Type: nn(graphql.Boolean),
			Args: graphql.FieldConfigArgument{"id": {Type: nn(graphql.ID)}},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				if err := mayWrite(ctx); err != nil {
					return nil, err
				}
				id, _ := argString(p, "id")
				t, from, to, err := graph.ParseEdgeID(id)
				if err != nil {
					return nil, err
				}
				if _, err := a.store.Edge(ctx, t, from, to); err != nil {
					return nil, err
				}
				var b graph.Batch
				b.DeleteEdge(t, from, to)
				if _, err := a.store.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
					return nil, err
				}
				forget(ctx)
				return true, nil
			}),
		},
		"deleteNode": {
			Type:        nn(graphql.Boolean),
			Description: "Refuses (BAD_USER_INPUT) while edges touch the node, unless cascade is true.",
			Args: graphql.FieldConfigArgument{
				"id":      {Type: nn(graphql.ID)},
				"cascade": {Type: graphql.Boolean, DefaultValue: false},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				if err := mayWrite(ctx); err != nil {
					return nil, err
				}
				id, err := argID(p, "id")
				if err != nil {
					return nil, err
				}
				if n, err := a.getNode(ctx, id); err != nil || n == nil {
					if err == nil {
						err = errorf(CodeNotFound, "node %s not found", id)
					}
					return nil, err
				}
				var b graph.Batch
				b.DeleteNode(id, argBool(p, "cascade", false))
				if _, err := a.store.Apply(ctx, &b, graph.ApplyOptions{}); err != nil {
					if errors.Is(err, graph.ErrHasEdges) {
						return nil, badInput("node %s still has edges: pass cascade: true to delete them too", id)
					}
					return nil, err
				}
				forget(ctx)
				return true, nil
			}),
		},
		"applySeed": {
			Type:        nn(ts.seedReport),
			Description: "Applies a seed document (the YAML seed format) as one transaction.",
			Args: graphql.FieldConfigArgument{
				"yaml":   {Type: nn(graphql.String)},
				"dryRun": {Type: graphql.Boolean, DefaultValue: false},
			},
			Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
				if err := mayWrite(ctx); err != nil {
					return nil, err
				}
				if a.cfg.Seeder == nil {
					return nil, errorf(CodeForbidden, "applySeed is not enabled on this server")
				}
				y, _ := argString(p, "yaml")
				dry := argBool(p, "dryRun", false)
				res, err := a.cfg.Seeder.ApplySeed(ctx, y, dry)
				if err != nil {
					return nil, err
				}
				forget(ctx)
				return &seedReport{dryRun: dry, res: res}, nil
			}),
		},
	}
	return graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: fields})
}

// mayWrite double-checks, inside the resolver, that the request was
// authorized; the transport refuses unauthorized mutations before execution.
func mayWrite(ctx context.Context) error {
	if st := stateOf(ctx); st == nil || !st.authorized {
		return &Error{Code: CodeUnauthenticated, Message: unauthenticatedMessage}
	}
	return nil
}

// mustNode reads a node just written.
func (a *API) mustNode(ctx context.Context, id string) (*graph.Node, error) {
	n, err := a.store.Node(ctx, id)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func one(t graph.EdgeType, dir graph.Direction, in map[string]any, key string) shorthand {
	s := shorthand{typ: t, dir: dir}
	if v := str(in, key); v != "" {
		s.other = []string{v}
	}
	return s
}

func baseNode(in map[string]any, k graph.Kind) (graph.Node, error) {
	n := graph.Node{
		ID:      str(in, "id"),
		Kind:    k,
		Name:    str(in, "name"),
		Aliases: listArg(in["aliases"]),
		Sources: sources(in["sources"]),
	}
	if len(n.Aliases) == 0 {
		n.Aliases = nil
	}
	if _, err := checkID(n.ID, "input.id", k); err != nil {
		return n, err
	}
	return n, nil
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func num(m map[string]any, k string, def float64) float64 {
	switch v := m[k].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	return def
}

func objs(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func sources(v any) []graph.Source {
	var out []graph.Source
	for _, m := range objs(v) {
		out = append(out, graph.Source{Document: str(m, "document"), Quote: str(m, "quote"), Locator: str(m, "locator")})
	}
	return out
}
