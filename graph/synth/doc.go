// Package synth generates deterministic synthetic stance graphs for tests
// and benchmarks of package graph.
//
// A graph is shaped like the real domain: states, supranational and
// intergovernmental bodies, parties, companies, ministries, agencies, NGOs
// and media; persons holding offices and party memberships; a hierarchy of
// topics with scales; events, documents and initiatives; and, making up
// most of the edges, stances (HELD_BY an actor, ON_TOPIC a topic, often
// STATED_AT an event and EVIDENCED_BY a document, sometimes ON_BEHALF_OF an
// organization, SUPERSEDES an earlier stance of the holder on the topic or
// RESPONDS_TO another stance). Actors, topics, events and documents are
// chosen with Zipf-skewed frequencies, so a few hubs hold very many
// stances. Names, quotes and document texts come from small word lists in
// German, English, French and Spanish, with accented and non-Latin words.
//
// Every node passes (*graph.Node).Validate and every edge
// (*graph.Edge).Validate; every edge's endpoints are emitted as nodes and
// no two edges share an identity, so loading a graph creates exactly the
// counts that (*Generator).Counts reports.
//
// The same Config always yields the same nodes and edges, in the same
// order. Nodes and edges are streamed, each recomputed from its own random
// stream: a generator keeps only the ids, names and structure of the nodes
// that are not stances (about one node in seven), never the stances or the
// edges, so a 1M-edge graph needs a few megabytes besides what the caller
// keeps of the stream.
//
//	g := synth.New(synth.Config{Edges: 100_000, Seed: 1})
//	if err := g.Load(ctx, store, 10_000); err != nil { ... }
package synth
