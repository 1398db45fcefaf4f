package export

import (
	"context"
	"fmt"

	"github.com/stancegraph/stancegraph/graph"
)

// Filter narrows an export. Empty fields do not filter; all given
// conditions must hold. An edge is exported only when its type is selected
// and both of its ends are exported nodes, so every export is a closed
// graph.
type Filter struct {
	// Kinds keeps only nodes of these kinds.
	Kinds []graph.Kind
	// EdgeTypes keeps only edges of these types.
	EdgeTypes []graph.EdgeType
	// Topic keeps the topic, its subtopics (transitively), their stances,
	// the stances' holders and the documents the stances cite (as sources,
	// quote sources or EVIDENCED_BY edges).
	Topic string
}

// IsZero reports whether the filter keeps everything.
func (f Filter) IsZero() bool { return len(f.Kinds) == 0 && len(f.EdgeTypes) == 0 && f.Topic == "" }

// Selection is a Filter resolved against a store: it answers whether a
// node or an edge is exported. A topic filter holds the ids of its nodes in
// memory; the other filters hold nothing.
type Selection struct {
	all   bool
	kinds [16]bool // by graph.Kind; all true when Kinds is empty
	types map[graph.EdgeType]bool
	ids   map[string]bool // nil unless a topic is given
}

// Select resolves the filter against the store. It fails with an error
// wrapping graph.ErrInvalid for an unknown kind or edge type and with one
// wrapping graph.ErrNotFound when the topic does not exist.
func (f Filter) Select(ctx context.Context, st *graph.Store) (*Selection, error) {
	s := &Selection{all: f.IsZero()}
	for _, k := range f.Kinds {
		if !k.Valid() {
			return nil, fmt.Errorf("%w: unknown node kind %d", graph.ErrInvalid, k)
		}
		s.kinds[k] = true
	}
	if len(f.Kinds) == 0 {
		for _, k := range graph.Kinds() {
			s.kinds[k] = true
		}
	}
	if len(f.EdgeTypes) > 0 {
		s.types = make(map[graph.EdgeType]bool, len(f.EdgeTypes))
		for _, t := range f.EdgeTypes {
			if !t.Valid() {
				return nil, fmt.Errorf("%w: unknown edge type %q", graph.ErrInvalid, t)
			}
			s.types[t] = true
		}
	}
	if f.Topic != "" {
		ids, err := topicNodes(ctx, st, f.Topic)
		if err != nil {
			return nil, err
		}
		s.ids = ids
	}
	return s, nil
}

// Node reports whether the node is exported.
func (s *Selection) Node(n *graph.Node) bool {
	if s == nil || s.all {
		return true
	}
	return s.kinds[n.Kind&15] && (s.ids == nil || s.ids[n.ID])
}

// Edge reports whether the edge is exported: its type is selected and both
// ends are exported nodes.
func (s *Selection) Edge(e *graph.Edge) bool {
	if s == nil || s.all {
		return true
	}
	if s.types != nil && !s.types[e.Type] {
		return false
	}
	return s.keepID(e.From) && s.keepID(e.To)
}

func (s *Selection) keepID(id string) bool {
	if s.ids != nil && !s.ids[id] {
		return false
	}
	k, err := graph.KindOf(id)
	return err == nil && s.kinds[k&15]
}

// topicNodes collects the ids a topic filter keeps: the topic and its
// subtopics, the stances on them, their holders and cited documents.
func topicNodes(ctx context.Context, st *graph.Store, topic string) (map[string]bool, error) {
	n, err := st.Node(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("export: topic %s: %w", topic, err)
	}
	if n.Kind != graph.KindTopic {
		return nil, fmt.Errorf("%w: export: %s is not a topic", graph.ErrInvalid, topic)
	}
	ids := map[string]bool{topic: true}
	queue := []string{topic}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		sub, err := st.Edges(ctx, t, graph.In, []graph.EdgeType{graph.SubtopicOf}, graph.Date{})
		if err != nil {
			return nil, fmt.Errorf("export: subtopics of %s: %w", t, err)
		}
		for _, e := range sub {
			if !ids[e.From] {
				ids[e.From] = true
				queue = append(queue, e.From)
			}
		}
	}
	stances := map[string]bool{}
	q := graph.StanceQuery{Topics: []string{topic}, IncludeSubtopics: true}
	for p := (graph.Page{First: 500}); ; {
		page, err := st.Stances(ctx, q, p)
		if err != nil {
			return nil, fmt.Errorf("export: stances on %s: %w", topic, err)
		}
		for i := range page.Nodes {
			s := &page.Nodes[i]
			stances[s.ID] = true
			for _, src := range s.Sources {
				ids[src.Document] = true
			}
			for _, qt := range s.Quotes {
				if qt.Source != "" {
					ids[qt.Source] = true
				}
			}
		}
		if !page.HasNext {
			break
		}
		p.After = page.EndCursor
	}
	// Holders and EVIDENCED_BY documents, in one pass over the edges.
	err = st.ForEachEdge(ctx, func(e *graph.Edge) error {
		if (e.Type == graph.HeldBy || e.Type == graph.EvidencedBy) && stances[e.From] {
			ids[e.To] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: holders on %s: %w", topic, err)
	}
	for id := range stances {
		ids[id] = true
	}
	// Sources may name documents a store no longer has; keep only nodes.
	for id := range ids {
		if !st.Has(ctx, id) {
			delete(ids, id)
		}
	}
	return ids, nil
}
