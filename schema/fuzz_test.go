package schema

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
)

var knownCodes = map[string]bool{
	"BAD_USER_INPUT": true, "NOT_FOUND": true, "UNAUTHENTICATED": true, "FORBIDDEN": true,
	"QUERY_TOO_COMPLEX": true, "TIMEOUT": true, "INTERNAL": true,
	"OVERLOADED": true, "RATE_LIMITED": true, "INSUFFICIENT_STORAGE": true,
}

// FuzzHandler sends arbitrary bodies to the handler behind Limit, as
// stancegraph serve does: it must not panic, must answer a well-formed
// GraphQL JSON response whose errors all carry a message and a known code,
// and must not answer 5xx except for INTERNAL or TIMEOUT. The in-flight
// cap is far above the one request at a time a fuzz worker sends, so
// OVERLOADED would be a bug; RATE_LIMITED may come from a long run.
func FuzzHandler(f *testing.F) {
	fragBomb := `{ ...F0 }`
	for i := range 20 {
		fragBomb += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fragBomb += " fragment F20 on Query { stats { nodes } }"
	for _, s := range []string{
		`{"query":"{ stats { nodes edges } }"}`,
		`{"query":"{ person(id: \"person/jd-vance\") { name stances { edges { node { name position topic { name } } } } } }"}`,
		`{"query":"query($id: ID!) { node(id: $id) { id ... on Stance { holder { name } } } }","variables":{"id":"stance/guterres-ai"}}`,
		`{"query":"mutation { upsertPerson(input: {id: \"person/f\", name: \"F\"}) { id } }"}`,
		`{"query":"{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"}`,
		`{"query":"fragment A on Query { ...A } { ...A }"}`,
		`{"query":"{ a } { b }"}`,
		`{"query":"{ __schema { types { fields { type { fields { type { name } } } } } } }"}`,
		`{"query":"{ __type(name: \"Person\") { name fields { name args { name defaultValue } } } }"}`,
		`{"query":"query ($x: String = -\"\") { search(query: $x) { score } }"}`,
		`{"query":"{ search(query: \"\\u0000\") { score } }"}`,
		`{"query":"{ neighborhood(id: \"org/eu\", depth: 9) { truncated } }"}`,
		`{"query":"{ path(from: \"person/jd-vance\", to: \"org/un\", maxDepth: 0) { length } }"}`,
		`{"query":"{ nodes(ids: [\"a\", \"b/c\", \"person/jd-vance\"]) { id } }"}`,
		`{"query":"{ stances(filter: {position: {min: 2}}) { totalCount } }"}`,
		`{"query":"{ stats { nodes } }","operationName":"Nope"}`,
		`{"query":"query A { stats { nodes } } mutation B { unlink(id: \"x\") }","operationName":"B"}`,
		`{"query":"` + strings.Repeat("{", 300) + `"}`,
		`{"query":"{ people(first: 2147483647) { totalCount } }"}`,
		`{"query":"{ people(first: 99999999999) { totalCount } }"}`,
		`{"query":"\"\"\"unterminated"}`,
		`{"query":"{ stats @skip(if: true) { nodes } }"}`,
		`{"query":"{ stats { ... on Stats { ... on Stats { nodes } } } }"}`,
		`{"query":"type Foo { x: Int }"}`,
		`{"query": null}`,
		`[]`,
		`"just a string"`,
		`{"query":"{ person(id: \"person/jd-vance\") { offices(asOf: \"2025-13\") { title } } }"}`,
		"\xff\xfe",
		// The classes of the hostile-request suite.
		`[{"query":"{ stats { nodes } }"},{"query":"mutation { unlink(id: \"x\") }"}]`,
		`{"query":"{ stats { nodes } }"}{"query":"{ stats { edges } }"}`,
		`{"query":"{ stats { nodes } }","variables":"{\"x\":1}"}`,
		`{"query":"{ stats { nodes } }","operationName":{"name":"A"}}`,
		`{"query":"{ stats { nodes } }","variables":{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`,
		`{"query":"{ search(query: \"` + "\xc3\x28\xff" + `\") { score } }"}`,
		`{"query":"{ search(query: \"\ud800\") { score } }"}`,
		`{"query":"{ stats { ` + strings.Repeat("nodes ", 10500) + `} }"}`,
		`{"query":"{ ` + strings.Repeat("a: stats { nodes } ", 60) + `}"}`,
		`{"query":"` + fragBomb + `"}`,
		`{"query":"{ stats { nodes } } fragment A on Query { ...B } fragment B on Query { ...A }"}`,
		`{"query":"{ ...Nope }"}`,
		`{"query":"{ people(first: 1e20) { totalCount } }"}`,
		`{"query":"{ people(first: 99999999999999999999) { totalCount } }"}`,
		`{"query":"query($n: Int) { people(first: $n) { totalCount } }","variables":{"n":1e20}}`,
		`{"query":"{ neighborhood(id: \"org/eu\", limit: -5) { truncated } }"}`,
		`{"query":"query($id: ID!) { person(id: $id) { name } }"}`,
		`{"query":"{ topic(id: \"topic/ai\") { ` + strings.Repeat("parent { ", 20) + "name" + strings.Repeat(" }", 20) + ` } }"}`,
		`{"query":"query A { stats { nodes } } mutation B { upsertPerson(input: {id: \"person/z\", name: \"Z\"}) { id } }","operationName":"B"}`,
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	a, _ := newAPI(f, Config{MaxBodyBytes: 64 << 10})
	// Every query exec answers is answered by graphql.Execute too, and
	// the two must agree.
	var mismatch atomic.Pointer[string]
	a.shadow = func(query string, fast, slow outcome) {
		if diff := outcomeDiff(fast, slow); diff != "" {
			m := fmt.Sprintf("exec and graphql.Execute differ (%s) on %s\nexec:    %s\ngraphql: %s", diff, query, fast.body, slow.body)
			mismatch.Store(&m)
		}
	}
	h := Limit(a, LimitConfig{MaxInFlight: 1024, Rate: 10000, Burst: 10000}, zerolog.Nop())
	f.Fuzz(func(t *testing.T, body string, graphQLResponse bool) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		if graphQLResponse {
			req.Header.Set("Accept", gqlResp)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if m := mismatch.Swap(nil); m != nil {
			t.Fatal(*m)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &keys); err != nil {
			t.Fatalf("response is not a JSON object: %v\n%s", err, w.Body.Bytes())
		}
		for k := range keys {
			if k != "data" && k != "errors" && k != "extensions" {
				t.Fatalf("response has a key %q: %s", k, w.Body.Bytes())
			}
		}
		var out struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("response is not JSON: %v\n%s", err, w.Body.Bytes())
		}
		if out.Data == nil && len(out.Errors) == 0 {
			t.Fatalf("response has neither data nor errors: %s", w.Body.Bytes())
		}
		internal := false
		for _, e := range out.Errors {
			code, _ := e.Extensions["code"].(string)
			if !knownCodes[code] || e.Message == "" {
				t.Fatalf("error without a message or a known code: %s", w.Body.Bytes())
			}
			if code == "OVERLOADED" {
				t.Fatalf("OVERLOADED one request at a time: %s", w.Body.Bytes())
			}
			if code == "INTERNAL" || code == "TIMEOUT" {
				internal = true
			}
			if strings.Contains(e.Message, "goroutine ") || strings.Contains(e.Message, ".go:") {
				t.Fatalf("error leaks internals: %q", e.Message)
			}
		}
		if w.Code >= 500 && !internal {
			t.Fatalf("status %d without INTERNAL: %s", w.Code, w.Body.Bytes())
		}
	})
}
