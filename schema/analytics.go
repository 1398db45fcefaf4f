package schema

import (
	"context"
	"fmt"
	"math"

	"github.com/graphql-go/graphql"

	"github.com/stancegraph/stancegraph/graph"
)

// The analytics of the research tools, added to Query: positions,
// similarity, coalitions, stanceChanges, divergences, centrality and
// timeline. The algorithms live in package graph; this file maps their
// arguments and results. Every result type exposes the stances (or edges)
// it rests on.

// maxAnalyticsList caps the lists the analytics return without a first
// argument; a longer answer is refused with a hint to narrow the query,
// never cut silently, because a truncated matrix or timeline would mislead.
const maxAnalyticsList = 1000

// analyticsListEstimate is the list length the cost estimator assumes for
// an analytics field of Query that has no first argument (0 for other
// fields): results grow with the data, not with a page size.
func analyticsListEstimate(field string) int {
	switch field {
	case "positions", "timeline":
		return 100
	case "stanceChanges", "divergences":
		return 50
	case "coalitions":
		return 20
	}
	return 0
}

// analytics holds the result types while the schema is built.
type analytics struct {
	cell, similarity, coalition, change, divergence, centrality *graphql.Object
}

// analyticsFields adds the analytics fields to the Query fields.
func (ts *types) analyticsFields(fields graphql.Fields) {
	a := ts.a
	r := ts.analyticsTypes()
	fields["positions"] = &graphql.Field{
		Type:        listOf(r.cell),
		Description: "Actor x topic matrix of mean positions, for heat-maps.",
		Args: graphql.FieldConfigArgument{
			"topics":           {Type: graphql.NewList(nn(graphql.ID))},
			"actors":           {Type: graphql.NewList(nn(graphql.ID))},
			"includeSubtopics": {Type: graphql.Boolean, DefaultValue: true, Description: "Count a stance on a subtopic in its ancestors' cells too."},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			topics, err := argIDs(p.Args["topics"], "topics", graph.KindTopic)
			if err != nil {
				return nil, err
			}
			actors, err := argIDs(p.Args["actors"], "actors", graph.KindPerson, graph.KindOrganization)
			if err != nil {
				return nil, err
			}
			cells, err := a.store.Positions(ctx, graph.PositionQuery{Topics: topics, Actors: actors, IncludeSubtopics: argBool(p, "includeSubtopics", true)})
			if err != nil {
				return nil, err
			}
			if err := tooMany(len(cells), "cells", "name fewer topics or actors"); err != nil {
				return nil, err
			}
			out := make([]*graph.PositionCell, len(cells))
			for i := range cells {
				out[i] = &cells[i]
			}
			return out, nil
		}),
	}
	fields["similarity"] = &graphql.Field{
		Type:        listOf(r.similarity),
		Description: "Actors most similar to `actor` across all topics both hold stances on (cosine of position vectors).",
		Args: graphql.FieldConfigArgument{
			"actor": {Type: nn(graphql.ID)},
			"first": {Type: graphql.Int, DefaultValue: 20},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			actor, err := argID(p, "actor", graph.KindPerson, graph.KindOrganization)
			if err != nil {
				return nil, err
			}
			first := argInt(p, "first", 20)
			if first < 0 {
				return nil, badInput("first must not be negative")
			}
			if first == 0 {
				return []*graph.Similarity{}, nil
			}
			sims, err := a.store.Similarity(ctx, actor, min(first, MaxPage))
			if err != nil {
				return nil, err
			}
			out := make([]*graph.Similarity, len(sims))
			for i := range sims {
				out[i] = &sims[i]
			}
			return out, nil
		}),
	}
	fields["coalitions"] = &graphql.Field{
		Type:        listOf(r.coalition),
		Description: "Camps on a topic: actors grouped so that agreement is high within and low across groups.",
		Args: graphql.FieldConfigArgument{
			"topic":    {Type: nn(graphql.ID)},
			"minScore": {Type: graphql.Float, DefaultValue: 0.5},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			topic, err := argID(p, "topic", graph.KindTopic)
			if err != nil {
				return nil, err
			}
			minScore, err := argFloat(p, "minScore", 0.5, -1, 1)
			if err != nil {
				return nil, err
			}
			camps, err := a.store.Coalitions(ctx, topic, minScore)
			if err != nil {
				return nil, err
			}
			out := make([]*graph.Coalition, len(camps))
			for i := range camps {
				out[i] = &camps[i]
			}
			return out, nil
		}),
	}
	fields["stanceChanges"] = &graphql.Field{
		Type:        listOf(r.change),
		Description: "Same holder, same topic, positions differing by at least `threshold`, in date order.",
		Args: graphql.FieldConfigArgument{
			"holder":    {Type: graphql.ID},
			"topic":     {Type: graphql.ID},
			"threshold": {Type: graphql.Float, DefaultValue: 0.5},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			var q graph.ChangeQuery
			var err error
			if _, ok := p.Args["holder"]; ok {
				if q.Holder, err = argID(p, "holder", graph.KindPerson, graph.KindOrganization); err != nil {
					return nil, err
				}
			}
			if _, ok := p.Args["topic"]; ok {
				if q.Topic, err = argID(p, "topic", graph.KindTopic); err != nil {
					return nil, err
				}
			}
			if q.Threshold, err = argFloat(p, "threshold", 0.5, 0, 2); err != nil {
				return nil, err
			}
			changes, err := a.store.StanceChanges(ctx, q)
			if err != nil {
				return nil, err
			}
			if err := tooMany(len(changes), "changes", "give a holder or a topic, or raise the threshold"); err != nil {
				return nil, err
			}
			out := make([]*graph.StanceChange, len(changes))
			for i := range changes {
				out[i] = &changes[i]
			}
			return out, nil
		}),
	}
	fields["divergences"] = &graphql.Field{
		Type:        listOf(r.divergence),
		Description: "A person and the organization they hold office in (or speak for) disagreeing on a topic.",
		Args: graphql.FieldConfigArgument{
			"topic":     {Type: graphql.ID},
			"threshold": {Type: graphql.Float, DefaultValue: 0.5},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			topic := ""
			if _, ok := p.Args["topic"]; ok {
				var err error
				if topic, err = argID(p, "topic", graph.KindTopic); err != nil {
					return nil, err
				}
			}
			threshold, err := argFloat(p, "threshold", 0.5, 0, 2)
			if err != nil {
				return nil, err
			}
			divs, err := a.store.Divergences(ctx, topic, threshold)
			if err != nil {
				return nil, err
			}
			if err := tooMany(len(divs), "divergences", "give a topic or raise the threshold"); err != nil {
				return nil, err
			}
			out := make([]*graph.Divergence, len(divs))
			for i := range divs {
				out[i] = &divs[i]
			}
			return out, nil
		}),
	}
	fields["centrality"] = &graphql.Field{
		Type:        listOf(r.centrality),
		Description: "Degree and betweenness centrality, optionally over some kinds and edge types.",
		Args: graphql.FieldConfigArgument{
			"kinds":     {Type: graphql.NewList(nn(ts.nodeKind))},
			"edgeTypes": {Type: graphql.NewList(nn(ts.edgeType))},
			"first":     {Type: graphql.Int, DefaultValue: 20},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			first := argInt(p, "first", 20)
			if first < 0 {
				return nil, badInput("first must not be negative")
			}
			if first == 0 {
				return []*centralityItem{}, nil
			}
			var kinds []graph.Kind
			for _, k := range listArg(p.Args["kinds"]) {
				kk, err := graph.ParseKind(k)
				if err != nil {
					return nil, err
				}
				kinds = append(kinds, kk)
			}
			res, err := a.store.Centrality(ctx, graph.CentralityOptions{Kinds: kinds, Types: argEdgeTypes(p.Args["edgeTypes"]), Limit: min(first, MaxPage)})
			if err != nil {
				return nil, err
			}
			out := make([]*centralityItem, len(res.Scores))
			for i := range res.Scores {
				out[i] = &centralityItem{score: res.Scores[i], res: &res}
			}
			return out, nil
		}),
	}
	fields["timeline"] = &graphql.Field{
		Type:        listOf(ts.stance),
		Description: "Stances on a topic (and its subtopics) in date order.",
		Args: graphql.FieldConfigArgument{
			"topic": {Type: nn(graphql.ID)},
			"from":  {Type: ts.date},
			"to":    {Type: ts.date},
		},
		Resolve: a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			topic, err := argID(p, "topic", graph.KindTopic)
			if err != nil {
				return nil, err
			}
			ns, err := a.store.Timeline(ctx, topic, argDate(p, "from"), argDate(p, "to"))
			if err != nil {
				return nil, err
			}
			if err := tooMany(len(ns), "stances", "narrow the range with from and to, or page through stances(filter:)"); err != nil {
				return nil, err
			}
			return ptrs(ns), nil
		}),
	}
}

// centralityItem is one Centrality result with the run it came from.
type centralityItem struct {
	score graph.CentralityScore
	res   *graph.CentralityResult
}

// method says how the betweenness of a run was computed, in words a
// researcher can cite.
func (c *centralityItem) method() string {
	r := c.res
	if r.Exact {
		return fmt.Sprintf("exact: Brandes' algorithm from all %d nodes of the filtered graph (%d undirected edges)", r.Nodes, r.Edges)
	}
	return fmt.Sprintf("sampled: Brandes-Pich estimate from %d of %d nodes as sources (seed %d), scaled by %d/%d (%d undirected edges)",
		r.Pivots, r.Nodes, graph.BetweennessSeed, r.Nodes, r.Pivots, r.Edges)
}

func tooMany(n int, what, hint string) error {
	if n > maxAnalyticsList {
		return badInput("the answer has %d %s, more than the %d allowed: %s", n, what, maxAnalyticsList, hint)
	}
	return nil
}

// argFloat reads a Float argument within lo..hi.
func argFloat(p graphql.ResolveParams, name string, def, lo, hi float64) (float64, error) {
	v := def
	switch x := p.Args[name].(type) {
	case float64:
		v = x
	case int:
		v = float64(x)
	}
	if math.IsNaN(v) || v < lo || v > hi {
		return 0, badInput("%s must be within %v..%v", name, lo, hi)
	}
	return v, nil
}

// analyticsTypes builds the result types of the analytics.
func (ts *types) analyticsTypes() *analytics {
	a := ts.a
	r := &analytics{}
	// node resolves an id the result holds to its node.
	node := func(get func(src any) string) graphql.FieldResolveFn {
		return a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			id := get(p.Source)
			n, err := a.getNode(ctx, id)
			if err == nil && n == nil {
				return nil, errorf(CodeNotFound, "node %s not found", id)
			}
			return n, err
		})
	}
	nodes := func(get func(src any) []string) graphql.FieldResolveFn {
		return a.wrap(func(ctx context.Context, p graphql.ResolveParams) (any, error) {
			ns, err := a.getNodes(ctx, get(p.Source))
			if err != nil {
				return nil, err
			}
			out := make([]*graph.Node, 0, len(ns))
			for _, n := range ns {
				if n != nil {
					out = append(out, n)
				}
			}
			return out, nil
		})
	}
	value := func(get func(src any) any) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (any, error) { return get(p.Source), nil }
	}
	cell := func(src any) *graph.PositionCell {
		if c, _ := src.(*graph.PositionCell); c != nil {
			return c
		}
		return &graph.PositionCell{}
	}
	r.cell = graphql.NewObject(graphql.ObjectConfig{Name: "PositionCell", Description: "One cell of the actor x topic matrix: the mean position of the actor's current stances on the topic.",
		Fields: graphql.Fields{
			"actor": {Type: nn(ts.actor), Resolve: node(func(s any) string { return cell(s).Actor })},
			"topic": {Type: nn(ts.topic), Resolve: node(func(s any) string { return cell(s).Topic })},
			"position": {Type: nn(graphql.Float), Description: "Mean position of the stances in `basis`, -1..+1 on the topic's scale.",
				Resolve: value(func(s any) any { return cell(s).Position })},
			"stances": {Type: nn(graphql.Int), Description: "Number of stances averaged.", Resolve: value(func(s any) any { return len(cell(s).Basis) })},
			"basis": {Type: listOf(ts.stance), Description: "The stances averaged (superseded stances are left out).",
				Resolve: value(func(s any) any { return ptrs(cell(s).Basis) })},
		}})
	sim := func(src any) *graph.Similarity {
		if c, _ := src.(*graph.Similarity); c != nil {
			return c
		}
		return &graph.Similarity{}
	}
	r.similarity = graphql.NewObject(graphql.ObjectConfig{Name: "Similarity", Description: "How alike an actor's positions are to the given actor's.",
		Fields: graphql.Fields{
			"actor": {Type: nn(ts.actor), Resolve: node(func(s any) string { return sim(s).Actor })},
			"score": {Type: nn(graphql.Float), Description: "Cosine of the two actors' position vectors (mean position per topic) over the shared topics: +1 same direction, -1 opposite, 0 when a vector is all zeros.",
				Resolve: value(func(s any) any { return sim(s).Score })},
			"sharedTopics": {Type: nn(graphql.Int), Resolve: value(func(s any) any { return len(sim(s).Topics) })},
			"topics":       {Type: listOf(ts.topic), Description: "The shared topics.", Resolve: nodes(func(s any) []string { return sim(s).Topics })},
			"basis": {Type: listOf(ts.stance), Description: "Both actors' stances on the shared topics.",
				Resolve: value(func(s any) any { return ptrs(sim(s).Basis) })},
		}})
	camp := func(src any) *graph.Coalition {
		if c, _ := src.(*graph.Coalition); c != nil {
			return c
		}
		return &graph.Coalition{}
	}
	r.coalition = graphql.NewObject(graphql.ObjectConfig{Name: "Coalition", Description: "A camp on a topic, from average-linkage clustering of the holders on their pairwise alignment.",
		Fields: graphql.Fields{
			"members": {Type: listOf(ts.actor), Resolve: nodes(func(s any) []string { return camp(s).Members })},
			"meanPosition": {Type: nn(graphql.Float), Description: "Mean over members of each member's mean position.",
				Resolve: value(func(s any) any { return camp(s).MeanPosition })},
			"cohesion": {Type: nn(graphql.Float), Description: "Mean pairwise alignment of the members, -1..+1 (1 for a camp of one).",
				Resolve: value(func(s any) any { return camp(s).Cohesion })},
			"basis": {Type: listOf(ts.stance), Description: "The members' stances on the topic and its subtopics.",
				Resolve: value(func(s any) any { return ptrs(camp(s).Basis) })},
		}})
	change := func(src any) *graph.StanceChange {
		if c, _ := src.(*graph.StanceChange); c != nil {
			return c
		}
		return &graph.StanceChange{}
	}
	r.change = graphql.NewObject(graphql.ObjectConfig{Name: "StanceChange", Description: "A holder's move between two consecutive dated stances on the same topic.",
		Fields: graphql.Fields{
			"holder": {Type: nn(ts.actor), Resolve: node(func(s any) string { return change(s).Holder })},
			"topic":  {Type: nn(ts.topic), Resolve: node(func(s any) string { return change(s).Topic })},
			"before": {Type: nn(ts.stance), Resolve: value(func(s any) any { return &change(s).Before })},
			"after":  {Type: nn(ts.stance), Resolve: value(func(s any) any { return &change(s).After })},
			"delta": {Type: nn(graphql.Float), Description: "after.position - before.position.",
				Resolve: value(func(s any) any { return change(s).Delta })},
		}})
	div := func(src any) *graph.Divergence {
		if c, _ := src.(*graph.Divergence); c != nil {
			return c
		}
		return &graph.Divergence{}
	}
	r.divergence = graphql.NewObject(graphql.ObjectConfig{Name: "Divergence", Description: "A person disagreeing with an organization they hold office in or spoke for.",
		Fields: graphql.Fields{
			"person":       {Type: nn(ts.person), Resolve: node(func(s any) string { return div(s).Person })},
			"organization": {Type: nn(ts.org), Resolve: node(func(s any) string { return div(s).Organization })},
			"topic": {Type: nn(ts.topic), Description: "The topic asked for, or the root of the topic tree both stances belong to.",
				Resolve: node(func(s any) string { return div(s).Topic })},
			"personStance":       {Type: nn(ts.stance), Resolve: value(func(s any) any { return &div(s).PersonStance })},
			"organizationStance": {Type: nn(ts.stance), Resolve: value(func(s any) any { return &div(s).OrganizationStance })},
			"gap": {Type: nn(graphql.Float), Description: "|personStance.position - organizationStance.position|, 0..2.",
				Resolve: value(func(s any) any { return div(s).Gap })},
			"links": {Type: listOf(ts.edge), Description: "The edges tying the person to the organization: HOLDS_OFFICE, and the person stance's ON_BEHALF_OF.",
				Resolve: value(func(s any) any { return edgePtrs(div(s).Links) })},
		}})
	item := func(src any) *centralityItem {
		if c, _ := src.(*centralityItem); c != nil {
			return c
		}
		return &centralityItem{res: &graph.CentralityResult{}}
	}
	r.centrality = graphql.NewObject(graphql.ObjectConfig{Name: "Centrality", Description: "A node's centrality in the graph of the chosen kinds and edge types, edges taken as undirected.",
		Fields: graphql.Fields{
			"node": {Type: nn(ts.node), Resolve: node(func(s any) string { return item(s).score.ID })},
			"degree": {Type: nn(graphql.Int), Description: "Distinct neighbours (several edges to one neighbour count once).",
				Resolve: value(func(s any) any { return item(s).score.Degree })},
			"betweenness": {Type: nn(graphql.Float), Description: "Shortest paths between other pairs through the node, each pair sharing one unit (unnormalised; on a path a-b-c, b scores 1). An estimate when `exact` is false.",
				Resolve: value(func(s any) any { return item(s).score.Betweenness })},
			"exact": {Type: nn(graphql.Boolean), Description: fmt.Sprintf("False when the filtered graph has more than %d nodes and betweenness was estimated from %d to %d sampled sources (see method).", graph.MaxExactBetweenness, graph.MinBetweennessPivots, graph.BetweennessPivots),
				Resolve: value(func(s any) any { return item(s).res.Exact })},
			"method": {Type: nn(graphql.String), Description: "How betweenness was computed, for citation.",
				Resolve: value(func(s any) any { return item(s).method() })},
		}})
	return r
}
