#!/usr/bin/env python3
"""Neighbourhoods with networkx, for cross-checking stancegraph.

Usage: ego.py EDGES.tsv ROOTS.tsv

EDGES.tsv holds one edge per line, "from<TAB>to", read as undirected.
ROOTS.tsv holds one query per line, "root<TAB>radius". For every query the
script builds nx.ego_graph(g, root, radius) and prints one JSON line:

  {"nodes": N, "node_sha256": ..., "edges": M, "edge_sha256": ...}

node_sha256 is the sha256 of the ego graph's node ids, sorted and joined
by "\\n"; edge_sha256 that of its edges, each written "a<TAB>b" with
a < b, sorted and joined by "\\n".

Used by graph/ego_networkx_test.go (TestNeighborhoodMatchesNetworkx).
Needs networkx (Debian: python3-networkx).
"""

import hashlib
import json
import sys

import networkx as nx


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != 2:
                sys.exit(f"{path}:{n}: want 2 tab-separated fields, got {len(parts)}")
            yield parts[0], parts[1]


def sha(lines):
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    g = nx.Graph()
    g.add_edges_from(read_tsv(argv[1]))
    for root, radius in read_tsv(argv[2]):
        h = nx.ego_graph(g, root, radius=int(radius))
        edges = ["\t".join(sorted(e)) for e in h.edges]
        print(json.dumps({"nodes": h.number_of_nodes(), "node_sha256": sha(h.nodes),
                          "edges": len(edges), "edge_sha256": sha(edges)}))


if __name__ == "__main__":
    main(sys.argv)
