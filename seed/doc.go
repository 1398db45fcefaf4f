// Package seed reads stancegraph's YAML seed format and writes seed sets
// into a graph.Store.
//
// A seed set is one or more YAML files (*.yaml, *.yml) under a root
// directory. Each file is a mapping with optional top-level lists people,
// organizations, topics, documents, events, initiatives, stances and edges;
// README.md documents every field. Shorthand fields such as a stance's
// holder stand for edges (HELD_BY); references resolve across all files of
// the set.
//
// Loading is strict and reports every problem of a run (up to MaxErrors)
// as Errors, each an *Error with the file, line and column. Hostile input
// is refused by limits on file size, value count, nesting depth, scalar
// length and alias expansion.
//
// Apply writes a set as one graph batch: all-or-nothing, idempotent (an
// unchanged set reports nothing created or updated), with an optional dry
// run and an optional prune of what the set's files no longer contain.
// Every node and edge records as Origin the path of its file relative to
// the seed root.
//
// The shipped dataset, seed/data, is embedded; Dataset loads it.
package seed
