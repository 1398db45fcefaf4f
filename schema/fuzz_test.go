package schema

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var knownCodes = map[string]bool{
	"BAD_USER_INPUT": true, "NOT_FOUND": true, "UNAUTHENTICATED": true, "FORBIDDEN": true,
	"QUERY_TOO_COMPLEX": true, "TIMEOUT": true, "INTERNAL": true,
}

// FuzzHandler sends arbitrary bodies to the handler: it must not panic,
// must answer a well-formed GraphQL JSON response whose errors all carry a
// known code, and must not answer 5xx except for INTERNAL or TIMEOUT.
func FuzzHandler(f *testing.F) {
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
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	a, _ := newAPI(f, Config{MaxBodyBytes: 64 << 10})
	f.Fuzz(func(t *testing.T, body string, graphQLResponse bool) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		if graphQLResponse {
			req.Header.Set("Accept", gqlResp)
		}
		w := httptest.NewRecorder()
		a.ServeHTTP(w, req)
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
			if !knownCodes[code] {
				t.Fatalf("error without a known code: %s", w.Body.Bytes())
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
