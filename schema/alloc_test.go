package schema

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// TestPointQueryAllocations checks the point query's allocation goal of
// the performance table, the part of it that does not vary with the
// machine: through the /graphql handler the README's point query
// allocates at most five times what a hand-written net/http handler
// allocates to read the same data from graph and encode the same JSON.
// (The harness's figure, from the benchmarks, is about 1.0×.)
func TestPointQueryAllocations(t *testing.T) {
	a, st := newAPI(t, Config{})
	a.shadow = nil // the test's second execution would be counted too
	bare := bareHandler(st)
	body := benchBody()
	answer := func(h http.Handler) any {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, benchReq(body))
		if w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("%v: %s", err, w.Body)
		}
		return v
	}
	ours, theirs := answer(a), answer(bare)
	if !reflect.DeepEqual(ours, theirs) {
		t.Fatalf("the handlers answer differently:\ngraphql: %v\nbare:    %v", ours, theirs)
	}
	if len(ours.(map[string]any)["data"].(map[string]any)["person"].(map[string]any)["stances"].(map[string]any)["edges"].([]any)) == 0 {
		t.Fatal("the answer has no stances")
	}
	allocs := func(h http.Handler) float64 {
		return testing.AllocsPerRun(200, func() { h.ServeHTTP(httptest.NewRecorder(), benchReq(body)) })
	}
	g, b := allocs(a), allocs(bare)
	t.Logf("allocations per request: graphql %.0f, bare %.0f (%.2f×)", g, b, g/b)
	if g > 5*b {
		t.Errorf("the point query allocates %.0f times per request, more than 5× the bare handler's %.0f", g, b)
	}
}
