package explorer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/schema"
	"github.com/stancegraph/stancegraph/seed"
)

// mustOpen opens an in-memory store closed at the end of the test.
func mustOpen(tb testing.TB) *graph.Store {
	tb.Helper()
	st, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// seeded is a store holding the embedded dataset.
func seeded(tb testing.TB) *graph.Store {
	tb.Helper()
	st := mustOpen(tb)
	set, err := seed.Dataset()
	if err != nil {
		tb.Fatalf("load dataset: %v", err)
	}
	if _, err := seed.Apply(context.Background(), st, set, seed.ApplyOptions{}); err != nil {
		tb.Fatalf("apply dataset: %v", err)
	}
	return st
}

// newAPI builds the GraphQL API over st.
func newAPI(tb testing.TB, st *graph.Store) *schema.API {
	tb.Helper()
	api, err := schema.New(st, schema.Config{Logger: zerolog.New(zerolog.NewTestWriter(tb)).Level(zerolog.WarnLevel)})
	if err != nil {
		tb.Fatalf("schema: %v", err)
	}
	return api
}

// newServer serves the explorer the way `stancegraph serve` does: the API
// at /graphql and Handler at /.
func newServer(tb testing.TB, st *graph.Store) (*httptest.Server, *schema.API) {
	tb.Helper()
	api := newAPI(tb, st)
	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv, api
}
