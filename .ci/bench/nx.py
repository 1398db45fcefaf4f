#!/usr/bin/env python3
"""networkx side of the stancegraph benchmark (.ci/bench).

Usage: nx.py NODES.txt EDGES.tsv EGO.txt PAIRS.tsv

Loads the graph as an undirected nx.Graph (every node of NODES.txt, one id
a line, and every edge of EDGES.tsv, "from<TAB>to"), then answers commands
read one per line from standard input, each with one JSON line on standard
output:

  check   {"ego": [[size, sha256], ...], "paths": [length, ...]}
          ego: for each root of EGO.txt, nx.ego_graph(g, root, radius=2):
          its number of nodes and the sha256 of its node ids, sorted
          and joined by "\\n"; paths: for each pair of PAIRS.tsv,
          nx.shortest_path_length (-1 when there is no path)
  ego A B   {"ns": [...]}  one timed pass of ego_graph over roots A..B-1 of EGO.txt
  path A B  {"ns": [...]}  one timed pass of shortest_path_length over pairs A..B-1
  quit

Each call is timed alone with time.perf_counter_ns. The Go driver
(cmd/sgbench) compares the answers of "check" with stancegraph's before
any timed pass counts. Needs networkx (Debian: python3-networkx).
"""

import hashlib
import json
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


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def length(g, a, b):
    try:
        return nx.shortest_path_length(g, a, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return -1


def ego_digest(h):
    ids = sorted(h.nodes)
    return [len(ids), hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()]


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    g = nx.Graph()
    g.add_nodes_from(read_lines(argv[1]))
    g.add_edges_from(read_tsv(argv[2]))
    roots = read_lines(argv[3])
    pairs = list(read_tsv(argv[4]))
    print(json.dumps({"ready": True, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}), flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        lo, hi = (int(args[0]), int(args[1])) if len(args) == 2 else (0, None)
        if cmd == "check":
            out = {"ego": [ego_digest(nx.ego_graph(g, r, radius=2)) for r in roots],
                   "paths": [length(g, a, b) for a, b in pairs]}
        elif cmd == "ego":
            ns = []
            for r in roots[lo:hi]:
                t0 = time.perf_counter_ns()
                nx.ego_graph(g, r, radius=2)
                ns.append(time.perf_counter_ns() - t0)
            out = {"ns": ns}
        elif cmd == "path":
            ns = []
            for a, b in pairs[lo:hi]:
                t0 = time.perf_counter_ns()
                length(g, a, b)
                ns.append(time.perf_counter_ns() - t0)
            out = {"ns": ns}
        elif cmd == "quit":
            return
        else:
            sys.exit(f"unknown command {cmd!r}")
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv)
