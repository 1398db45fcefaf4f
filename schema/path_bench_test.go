package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// BenchmarkPathQuery runs the bench harness's shortest-path query through
// the /graphql handler on the synthetic graph of 100k and 1M edges (1M not
// with -short), next to the in-process ShortestPath of the same pairs, to
// show what GraphQL adds.
func BenchmarkPathQuery(b *testing.B) {
	for _, size := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("edges=%dk", size/1000), func(b *testing.B) {
			if size > 100_000 && testing.Short() {
				b.Skip("1M edges: not with -short")
			}
			benchPathQuery(b, size)
		})
	}
}

// synthAPI loads the synthetic graph of the given size into an on-disk
// store, closed at the end of the benchmark, and returns the API over it.
func synthAPI(b *testing.B, edges int) (*API, *graph.Store, *synth.Generator) {
	b.Helper()
	st, err := graph.Open(b.TempDir(), graph.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	gen := synth.New(synth.Config{Edges: edges, Seed: 1})
	if err := gen.Load(context.Background(), st, 0); err != nil {
		b.Fatal(err)
	}
	a, err := New(st, Config{Tokens: []string{testToken}})
	if err != nil {
		b.Fatal(err)
	}
	return a, st, gen
}

// serveBodies runs the request bodies through the handler in turn.
func serveBodies(b *testing.B, a *API, bodies []string) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w := httptest.NewRecorder()
		a.ServeHTTP(w, benchReq(bodies[i%len(bodies)]))
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		i++
	}
}

func benchPathQuery(b *testing.B, edges int) {
	ctx := context.Background()
	a, st, gen := synthAPI(b, edges)
	pairs := gen.Pairs(256, 2)
	bodies := make([]string, len(pairs))
	for i, p := range pairs {
		q, _ := json.Marshal(map[string]any{"query": `query($from: ID!, $to: ID!) { path(from: $from, to: $to, maxDepth: 8) { length nodes { id name } edges { id } } }`,
			"variables": map[string]any{"from": p[0], "to": p[1]}})
		bodies[i] = string(q)
	}
	b.Run("graphql", func(b *testing.B) { serveBodies(b, a, bodies) })
	b.Run("graphql-http", func(b *testing.B) {
		srv := httptest.NewServer(a)
		defer srv.Close()
		client := srv.Client()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			resp, err := client.Post(srv.URL+"/graphql", "application/json", strings.NewReader(bodies[i%len(bodies)]))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
			i++
		}
	})
	b.Run("in-process", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			p := pairs[i%len(pairs)]
			if _, _, err := st.ShortestPath(ctx, p[0], p[1], graph.PathOptions{MaxDepth: 8, EdgeKeysOnly: true}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkNeighborhoodQuery runs the bench harness's 2-hop query (ids and
// names of at most 500 nodes, edge ids) through the /graphql handler on
// the synthetic graph of 100k edges, next to the in-process Neighborhood
// that gives the same (keys only: the names are in memory), to show what
// GraphQL adds.
func BenchmarkNeighborhoodQuery(b *testing.B) {
	ctx := context.Background()
	a, st, gen := synthAPI(b, 100_000)
	opts := graph.NeighborhoodOptions{Depth: 2, Limit: 500, NodeKeysOnly: true, EdgeKeysOnly: true}
	var roots, bodies []string
	for _, id := range gen.Sample(400, 3) {
		sg, err := st.Neighborhood(ctx, id, opts)
		if err != nil {
			b.Fatal(err)
		}
		if !sg.Truncated {
			roots = append(roots, id)
			q, _ := json.Marshal(map[string]any{"query": `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 500) { truncated nodes { id name } edges { id } } }`,
				"variables": map[string]any{"id": id}})
			bodies = append(bodies, string(q))
		}
	}
	if len(roots) < 20 {
		b.Fatalf("only %d roots with at most 500 nodes in 2 hops", len(roots))
	}
	b.Run("graphql", func(b *testing.B) { serveBodies(b, a, bodies) })
	b.Run("in-process", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := st.Neighborhood(ctx, roots[i%len(roots)], opts); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
