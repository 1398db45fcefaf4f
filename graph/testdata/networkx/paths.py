#!/usr/bin/env python3
"""Shortest-path lengths with networkx, for cross-checking stancegraph.

Usage: paths.py EDGES.tsv PAIRS.tsv

EDGES.tsv holds one edge per line, "from<TAB>to", read as undirected.
PAIRS.tsv holds one pair per line, "from<TAB>to". For every pair the script
calls nx.shortest_path_length once to warm up, then once more timed, and
prints one JSON object:

  {"lengths": [...], "median_ns": ..., "p99_ns": ..., "pairs": N}

lengths[i] is the number of edges of a shortest path between pair i, or -1
when there is none (or a node has no edge at all). median_ns and p99_ns are
the median and 99th percentile (nearest rank) of the timed calls.

Used by graph/bench_test.go (TestShortestPathMatchesNetworkx and
BenchmarkVsNetworkx). Needs networkx (Debian: python3-networkx).
"""

import json
import math
import sys
import time

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


def length(g, a, b):
    try:
        return nx.shortest_path_length(g, a, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return -1


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    g = nx.Graph()
    g.add_edges_from(read_tsv(argv[1]))
    pairs = list(read_tsv(argv[2]))

    for a, b in pairs:  # warm-up
        length(g, a, b)
    lengths, times = [], []
    for a, b in pairs:
        t0 = time.perf_counter_ns()
        n = length(g, a, b)
        times.append(time.perf_counter_ns() - t0)
        lengths.append(n)

    times.sort()

    def rank(p):
        return times[max(0, math.ceil(p * len(times)) - 1)] if times else 0

    json.dump({"lengths": lengths, "median_ns": rank(0.5), "p99_ns": rank(0.99), "pairs": len(pairs)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
