// Package export streams a stancegraph store into the formats of the tools
// researchers use: GraphML and GEXF (networkx, Gephi, igraph), CSV
// (pandas, R), JSON Lines, RDF N-Quads (triple stores) and Dgraph's RDF
// with a schema (moving a graph that outgrows one machine onto a Dgraph
// cluster). The YAML seed format is package seed's (seed.Export).
//
// Every writer streams: nodes in id order from one snapshot (ForEachNode),
// then edges in (from, type, to) order from another (ForEachEdge), through
// a buffered writer, so memory does not grow with the graph. A write that
// lands between the two snapshots may show as an edge whose end is not in
// the node list; export a store nobody writes to for an exact copy.
//
// A Filter narrows an export by node kinds, edge types and a topic (the
// topic, its subtopics, their stances, the stances' holders and cited
// documents). Edges are kept only when both ends are, so every export is a
// closed graph.
//
// Text is escaped for each format: XML entities and character references
// (characters XML 1.0 forbids are dropped), RFC 4180 quoting in CSV, JSON
// string escapes, and N-Quads string escapes (\" \\ \n \r \t, \u00XX for
// other control characters). Invalid UTF-8 becomes U+FFFD everywhere.
//
// README.md, section "Exports", documents the columns, attributes, IRIs and
// predicates of each format and the steps to load an export into Dgraph.
package export
