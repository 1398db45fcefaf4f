package schema

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
)

func rawReq(method, target, contentType, body string, header ...string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func getURL(query string) string { return "/graphql?query=" + url.QueryEscape(query) }

const gqlResp = "application/graphql-response+json"

// TestBadInput sends every class of bad request and checks its status for
// both response media types, its error code, and that nothing was written.
func TestBadInput(t *testing.T) {
	a, st := newAPI(t, Config{MaxBodyBytes: 4096, MaxAliases: 5, MaxDepth: 6, MaxCost: 500})
	mutation := `{"query":"mutation { upsertPerson(input: {id: \"person/eve\", name: \"Eve\"}) { id } }"}`
	fragCycle := `{"query":"{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"}`
	aliases := `{"query":"{ a: stats { nodes } b: stats { nodes } c: stats { nodes } d: stats { nodes } e: stats { nodes } f: stats { nodes } }"}`
	deep := `{"query":"{ person(id: \"person/jd-vance\") { stances { edges { node { topic { parent { parent { name } } } } } } } }"}`
	costly := `{"query":"{ people(first: 500) { edges { node { stances(first: 500) { totalCount } } } } }"}`
	cases := []struct {
		name       string
		req        func() *http.Request
		status     int // application/json
		gqlStatus  int // application/graphql-response+json
		code       string
		wantNoData bool
	}{
		{"malformed JSON", func() *http.Request { return rawReq("POST", "/graphql", "application/json", `{"query": `) }, 400, 400, "BAD_USER_INPUT", true},
		{"query not a string", func() *http.Request { return rawReq("POST", "/graphql", "application/json", `{"query": 5}`) }, 400, 400, "BAD_USER_INPUT", true},
		{"no query", func() *http.Request { return rawReq("POST", "/graphql", "application/json", `{}`) }, 400, 400, "BAD_USER_INPUT", true},
		{"variables not an object", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ stats { nodes } }","variables":[1]}`)
		}, 400, 400, "BAD_USER_INPUT", true},
		{"batched array", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `[{"query":"{ stats { nodes } }"}]`)
		}, 400, 400, "BAD_USER_INPUT", true},
		{"text/plain", func() *http.Request { return rawReq("POST", "/graphql", "text/plain", mutation, bearer()...) }, 415, 415, "BAD_USER_INPUT", true},
		{"form post", func() *http.Request {
			return rawReq("POST", "/graphql", "application/x-www-form-urlencoded", "query="+url.QueryEscape("{ stats { nodes } }"))
		}, 415, 415, "BAD_USER_INPUT", true},
		{"no content type", func() *http.Request { return rawReq("POST", "/graphql", "", mutation, bearer()...) }, 415, 415, "BAD_USER_INPUT", true},
		{"oversized body", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ stats { nodes } }","pad":"`+strings.Repeat("x", 5000)+`"}`)
		}, 413, 413, "BAD_USER_INPUT", true},
		{"syntax error", func() *http.Request { return rawReq("POST", "/graphql", "application/json", `{"query":"{ stats { "}`) }, 200, 400, "BAD_USER_INPUT", true},
		{"unknown field", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ stats { nodes planets } }"}`)
		}, 200, 400, "BAD_USER_INPUT", true},
		{"invalid id", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ person(id: \"Not An Id\") { name } }"}`)
		}, 200, 200, "BAD_USER_INPUT", false},
		{"wrong kind of id", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ person(id: \"org/eu\") { name } }"}`)
		}, 200, 200, "BAD_USER_INPUT", false},
		{"bad cursor", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ people(after: \"%%%\") { totalCount } }"}`)
		}, 200, 200, "BAD_USER_INPUT", false},
		{"bad variable", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"query($n: Int) { people(first: $n) { totalCount } }","variables":{"n":"many"}}`)
		}, 200, 400, "BAD_USER_INPUT", true},
		{"bad date", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ person(id: \"person/jd-vance\") { offices(asOf: \"2025-02-30\") { title } } }"}`)
		}, 200, 400, "BAD_USER_INPUT", true},
		{"too deep", func() *http.Request { return rawReq("POST", "/graphql", "application/json", deep) }, 200, 400, "QUERY_TOO_COMPLEX", true},
		{"too costly", func() *http.Request { return rawReq("POST", "/graphql", "application/json", costly) }, 200, 400, "QUERY_TOO_COMPLEX", true},
		{"alias flood", func() *http.Request { return rawReq("POST", "/graphql", "application/json", aliases) }, 200, 400, "QUERY_TOO_COMPLEX", true},
		{"fragment cycle", func() *http.Request { return rawReq("POST", "/graphql", "application/json", fragCycle) }, 200, 400, "BAD_USER_INPUT", true},
		{"nesting bomb", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ stats(x: `+strings.Repeat("[", 200)+`) { nodes } }"}`)
		}, 200, 400, "QUERY_TOO_COMPLEX", true},
		{"mutation over GET", func() *http.Request {
			return rawReq("GET", getURL(`mutation { upsertPerson(input: {id: "person/eve", name: "Eve"}) { id } }`), "", "", bearer()...)
		}, 405, 405, "BAD_USER_INPUT", true},
		{"PUT", func() *http.Request { return rawReq("PUT", "/graphql", "application/json", mutation, bearer()...) }, 405, 405, "BAD_USER_INPUT", true},
		{"missing token", func() *http.Request { return rawReq("POST", "/graphql", "application/json", mutation) }, 401, 401, "UNAUTHENTICATED", true},
		{"wrong token", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", mutation, "Authorization", "Bearer guess")
		}, 401, 401, "UNAUTHENTICATED", true},
		{"wrong scheme", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", mutation, "Authorization", "Basic "+testToken)
		}, 401, 401, "UNAUTHENTICATED", true},
		{"two operations without a name", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"query A { stats { nodes } } query B { stats { edges } }"}`)
		}, 200, 400, "BAD_USER_INPUT", true},
		{"two anonymous operations", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"{ stats { nodes } } { stats { edges } }"}`)
		}, 200, 400, "BAD_USER_INPUT", true},
		{"subscription", func() *http.Request {
			return rawReq("POST", "/graphql", "application/json", `{"query":"subscription { stats { nodes } }"}`)
		}, 200, 400, "BAD_USER_INPUT", true},
	}
	before := counts(t, st)
	for _, c := range cases {
		for _, media := range []string{"application/json", gqlResp} {
			t.Run(c.name+"/"+media, func(t *testing.T) {
				req := c.req()
				req.Header.Set("Accept", media)
				r := doHTTP(t, a, req)
				want := c.status
				if media == gqlResp {
					want = c.gqlStatus
				}
				if r.Status != want {
					t.Errorf("status %d, want %d\n%s", r.Status, want, r.Raw)
				}
				if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, media) {
					t.Errorf("content type %q, want %s", ct, media)
				}
				if codes := r.codes(); len(codes) == 0 || !slices.Contains(codes, c.code) {
					t.Errorf("codes %v, want %s\n%s", codes, c.code, r.Raw)
				}
				if c.wantNoData && r.HasData && r.Data != nil {
					t.Errorf("request error answered data: %s", r.Raw)
				}
				for _, e := range r.Errors {
					if strings.Contains(e.Message, ".go") || strings.Contains(e.Message, "goroutine") || strings.Contains(e.Message, "/work/") {
						t.Errorf("error leaks internals: %q", e.Message)
					}
				}
			})
		}
	}
	if after := counts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("bad requests changed the store: %+v -> %+v", before, after)
	}
	if _, err := st.Node(context.Background(), "person/eve"); err == nil {
		t.Error("a refused mutation wrote person/eve")
	}
}

// TestReadOnly: with no token configured every mutation is refused.
func TestReadOnly(t *testing.T) {
	st := mustOpen(t)
	fixture(t, st)
	a, err := New(st, Config{Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatal(err)
	}
	m := `mutation { upsertPerson(input: {id: "person/eve", name: "Eve"}) { id } }`
	r := post(t, a, m, nil, bearer()...)
	if r.Status != http.StatusForbidden || !slices.Equal(r.codes(), []string{"FORBIDDEN"}) {
		t.Errorf("read-only server with a token: %d %v", r.Status, r.codes())
	}
	r = post(t, a, m, nil)
	if r.Status != http.StatusUnauthorized || !slices.Equal(r.codes(), []string{"UNAUTHENTICATED"}) {
		t.Errorf("read-only server without a token: %d %v", r.Status, r.codes())
	}
	if st.Has(context.Background(), "person/eve") {
		t.Error("read-only server wrote")
	}
	ok(t, post(t, a, `{ stats { nodes } }`, nil))
}

func TestMutationAuthorized(t *testing.T) {
	a, st := newAPI(t, Config{Tokens: []string{"other", testToken}})
	r := post(t, a, `mutation { upsertPerson(input: {id: "person/eve", name: "Eve"}) { id origin } }`, nil, bearer()...)
	data := ok(t, r)
	if got := data["upsertPerson"].(map[string]any)["origin"]; got != "mutation" {
		t.Errorf("origin %v", got)
	}
	if !st.Has(context.Background(), "person/eve") {
		t.Error("authorized mutation did not write")
	}
	// Do with authorized=false refuses; with true it writes.
	body := a.Do(context.Background(), Request{Query: `mutation { deleteNode(id: "person/eve") }`}, false)
	if !bytes.Contains(body, []byte("UNAUTHENTICATED")) || !st.Has(context.Background(), "person/eve") {
		t.Errorf("Do without authorization: %s", body)
	}
	body = a.Do(context.Background(), Request{Query: `mutation { deleteNode(id: "person/eve") }`}, true)
	if !bytes.Contains(body, []byte(`"deleteNode":true`)) || st.Has(context.Background(), "person/eve") {
		t.Errorf("Do with authorization: %s", body)
	}
}

// TestMutationErrors runs failing mutations one by one: each answers its
// code and writes nothing.
func TestMutationErrors(t *testing.T) {
	st := mustOpen(t)
	fixture(t, st)
	a, err := New(st, Config{Tokens: []string{testToken}, Seeder: testSeeder{st}, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, query, code, msg string }{
		{"has edges", `mutation { deleteNode(id: "org/france") }`, "BAD_USER_INPUT", "cascade"},
		{"missing node", `mutation { deleteNode(id: "org/atlantis") }`, "NOT_FOUND", "org/atlantis"},
		{"edge rule", `mutation { link(input: {type: HOSTED, from: "person/jd-vance", to: "event/paris-summit"}) { id } }`, "BAD_USER_INPUT", "HOSTED"},
		{"dangling edge", `mutation { link(input: {type: ATTENDED, from: "person/nobody", to: "event/paris-summit"}) { id } }`, "BAD_USER_INPUT", ""},
		{"missing edge", `mutation { unlink(id: "org/usa|SIGNED|doc/paris-declaration") }`, "NOT_FOUND", ""},
		{"bad edge id", `mutation { unlink(id: "not an edge") }`, "BAD_USER_INPUT", "from|TYPE|to"},
		{"wrong kind", `mutation { upsertPerson(input: {id: "org/wrong-kind", name: "X"}) { id } }`, "BAD_USER_INPUT", "org/wrong-kind"},
		{"dangling holder", `mutation { upsertStance(input: {id: "stance/x", name: "X", holder: "person/nobody", topic: "topic/ai", position: 0, sources: []}) { id } }`, "BAD_USER_INPUT", ""},
		{"position out of range", `mutation { upsertStance(input: {id: "stance/y", name: "Y", holder: "person/jd-vance", topic: "topic/ai", position: 3, sources: []}) { id } }`, "BAD_USER_INPUT", "position"},
		{"empty name", `mutation { upsertPerson(input: {id: "person/blank", name: " "}) { id } }`, "BAD_USER_INPUT", "name"},
		{"broken seed", `mutation { applySeed(yaml: "people:\n  - id: person/x\n    nmae: X\n") { nodesCreated } }`, "BAD_USER_INPUT", "applySeed.yaml:3:5"},
		{"seed syntax", `mutation { applySeed(yaml: "people: [") { nodesCreated } }`, "BAD_USER_INPUT", "applySeed.yaml"},
	}
	before := counts(t, st)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(t, a, c.query, nil, bearer()...)
			if r.Status != http.StatusOK || !slices.Equal(r.codes(), []string{c.code}) {
				t.Fatalf("status %d codes %v, want 200 %s\n%s", r.Status, r.codes(), c.code, r.Raw)
			}
			if !strings.Contains(r.Errors[0].Message, c.msg) {
				t.Errorf("message %q lacks %q", r.Errors[0].Message, c.msg)
			}
		})
	}
	if after := counts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("failed mutations changed the store: %+v -> %+v", before, after)
	}
	// Without a Seeder, applySeed is refused.
	b, _ := New(st, Config{Tokens: []string{testToken}})
	r := post(t, b, `mutation { applySeed(yaml: "people: []") { nodesCreated } }`, nil, bearer()...)
	if !slices.Equal(r.codes(), []string{"FORBIDDEN"}) {
		t.Errorf("applySeed without a seeder: %v", r.codes())
	}
}

func TestGET(t *testing.T) {
	a, _ := newAPI(t, Config{})
	r := doHTTP(t, a, rawReq("GET", getURL(`query Q($id: ID!) { person(id: $id) { name } }`)+"&variables="+url.QueryEscape(`{"id":"person/jd-vance"}`)+"&operationName=Q", "", ""))
	data := ok(t, r)
	if got := data["person"].(map[string]any)["name"]; got != "J.D. Vance" {
		t.Errorf("GET query: %v", got)
	}
	r = doHTTP(t, a, rawReq("GET", getURL(`mutation { deleteNode(id: "org/eu", cascade: true) }`), "", "", bearer()...))
	if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "POST" {
		t.Errorf("mutation over GET: %d Allow=%q", r.Status, r.Header.Get("Allow"))
	}
}

// TestFieldOrder checks that keys come back in query order, which
// encoding/json would sort.
func TestFieldOrder(t *testing.T) {
	a, _ := newAPI(t, Config{})
	for _, c := range []struct{ query, want string }{
		{`{ stats { nodes edges } }`, `{"data":{"stats":{"nodes":19,"edges":35}}}`},
		{`{ stats { edges nodes } }`, `{"data":{"stats":{"edges":35,"nodes":19}}}`},
		{`{ z: stats { edges } a: stats { nodes } }`, `{"data":{"z":{"edges":35},"a":{"nodes":19}}}`},
		{`{ person(id: "person/jd-vance") { name ...F kind } } fragment F on Person { origin name id }`,
			`{"data":{"person":{"name":"J.D. Vance","origin":"fixture.yaml","id":"person/jd-vance","kind":"PERSON"}}}`},
		{`{ node(id: "org/eu") { ... on Organization { type } id __typename } }`,
			`{"data":{"node":{"type":"SUPRANATIONAL","id":"org/eu","__typename":"Organization"}}}`},
	} {
		r := post(t, a, c.query, nil)
		if got := strings.TrimSpace(string(r.Raw)); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.query, got, c.want)
		}
	}
}

func TestMediaTypes(t *testing.T) {
	a, _ := newAPI(t, Config{})
	q := `{"query":"{ stats { nodes } }"}`
	for accept, want := range map[string]string{
		"":                                   "application/json",
		"*/*":                                "application/json",
		"application/json":                   "application/json",
		gqlResp:                              gqlResp,
		gqlResp + ", application/json":       gqlResp,
		"application/json;q=0.9, " + gqlResp: gqlResp,
		gqlResp + ";q=0.5, application/json": "application/json",
	} {
		r := doHTTP(t, a, rawReq("POST", "/graphql", "application/json; charset=utf-8", q, "Accept", accept))
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), want) {
			t.Errorf("Accept %q: %d %q, want %s", accept, r.Status, r.Header.Get("Content-Type"), want)
		}
	}
	r := doHTTP(t, a, rawReq("POST", "/graphql", "application/json", q, "Accept", "text/html"))
	if r.Status != http.StatusNotAcceptable {
		t.Errorf("Accept text/html: %d", r.Status)
	}
}

func TestCORS(t *testing.T) {
	a, _ := newAPI(t, Config{CORSOrigins: []string{"https://app.example"}})
	pre := rawReq("OPTIONS", "/graphql", "", "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST")
	r := doHTTP(t, a, pre)
	if r.Status != http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("allowed preflight: %d %v", r.Status, r.Header)
	}
	pre = rawReq("OPTIONS", "/graphql", "", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	r = doHTTP(t, a, pre)
	if r.Header.Get("Access-Control-Allow-Origin") != "" || r.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("foreign origin got CORS headers: %v", r.Header)
	}
	r = doHTTP(t, a, rawReq("POST", "/graphql", "application/json", `{"query":"{ stats { nodes } }"}`, "Origin", "https://app.example"))
	if r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("allowed origin without ACAO: %v", r.Header)
	}
	// A CORS-simple cross-site POST cannot mutate, token or not.
	r = doHTTP(t, a, rawReq("POST", "/graphql", "text/plain", `{"query":"mutation { deleteNode(id: \"org/eu\", cascade: true) }"}`, "Origin", "https://evil.example"))
	if r.Status != http.StatusUnsupportedMediaType {
		t.Errorf("simple cross-site POST: %d", r.Status)
	}
}

func TestPagination(t *testing.T) {
	a, _ := newAPI(t, Config{})
	var ids []string
	after := ""
	for pages := 0; pages < 10; pages++ {
		r := post(t, a, `query($after: String) { stances(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
			map[string]any{"after": after})
		c := ok(t, r)["stances"].(map[string]any)
		if c["totalCount"].(float64) != 4 {
			t.Fatalf("totalCount %v", c["totalCount"])
		}
		edges := c["edges"].([]any)
		pi := c["pageInfo"].(map[string]any)
		for _, e := range edges {
			ids = append(ids, e.(map[string]any)["node"].(map[string]any)["id"].(string))
		}
		if pi["hasNextPage"] != true {
			break
		}
		after = pi["endCursor"].(string)
	}
	want := []string{"stance/guterres-ai", "stance/scholz-ai-regulation", "stance/vance-ai-2024", "stance/vance-ai-regulation"}
	if !slices.Equal(ids, want) {
		t.Errorf("paged ids %v, want %v", ids, want)
	}
	// Filtered listings page with the same cursors.
	r := post(t, a, `{ organizations(filter: {type: [STATE]}, first: 2) { pageInfo { endCursor } } }`, nil)
	cur := ok(t, r)["organizations"].(map[string]any)["pageInfo"].(map[string]any)["endCursor"].(string)
	r = post(t, a, `query($c: String) { organizations(filter: {type: [STATE]}, first: 2, after: $c) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`, map[string]any{"c": cur})
	c := ok(t, r)["organizations"].(map[string]any)
	if c["totalCount"].(float64) != 3 || len(c["edges"].([]any)) != 1 || c["pageInfo"].(map[string]any)["hasNextPage"] != false {
		t.Errorf("second filtered page: %v", c)
	}
	// first is capped and may not be negative.
	r = post(t, a, `{ people(first: -1) { totalCount } }`, nil)
	if !slices.Equal(r.codes(), []string{"BAD_USER_INPUT"}) {
		t.Errorf("negative first: %v", r.codes())
	}
}

// TestTimeout: a request whose deadline has passed answers TIMEOUT and
// the store sees a cancelled context.
func TestTimeout(t *testing.T) {
	a, _ := newAPI(t, Config{})
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	body := a.Do(ctx, Request{Query: `{ people { totalCount } }`}, false)
	if !bytes.Contains(body, []byte(`"TIMEOUT"`)) || bytes.Contains(body, []byte(`"totalCount"`)) {
		t.Errorf("expired request: %s", body)
	}
}

// TestQueryCache: a repeated query is parsed once.
func TestQueryCache(t *testing.T) {
	a, _ := newAPI(t, Config{QueryCacheSize: 2})
	for _, q := range []string{`{ stats { nodes } }`, `{ stats { nodes } }`, `{ stats { edges } }`, `{ stats { nodes edges } }`} {
		ok(t, post(t, a, q, nil))
	}
	if n := a.cache.len(); n != 2 {
		t.Errorf("cache holds %d entries, want 2 (bounded)", n)
	}
	if a.cache.get(`{ stats { nodes } }`) != nil {
		t.Error("least recently used entry was not evicted")
	}
	if a.cache.get(`{ stats { nodes edges } }`) == nil {
		t.Error("recent query not cached")
	}
	// Invalid queries are not cached.
	post(t, a, `{ nope }`, nil)
	if a.cache.get(`{ nope }`) != nil {
		t.Error("invalid query cached")
	}
}

func TestAccessLog(t *testing.T) {
	a, _ := newAPI(t, Config{})
	var buf bytes.Buffer
	h := AccessLog(zerolog.New(&buf), a)
	req := rawReq("POST", "/graphql", "application/json", `{"query":"query Stats { stats { nodes } }"}`, bearer()...)
	r := doHTTP(t, h, req)
	ok(t, r)
	line := buf.String()
	for _, want := range []string{`"request_id":"` + r.Header.Get("X-Request-Id") + `"`, `"method":"POST"`, `"path":"/graphql"`,
		`"status":200`, `"operation":"Stats"`, `"cost":1`, `"bytes":`, `"duration":`} {
		if !strings.Contains(line, want) {
			t.Errorf("access log lacks %s: %s", want, line)
		}
	}
	if strings.Contains(line, testToken) {
		t.Error("access log contains the token")
	}
	if strings.Count(line, "\n") != 1 {
		t.Errorf("want one line, got %q", line)
	}
}

// TestInternalErrorsHidden: a store failure reaches the client as an
// opaque INTERNAL error.
func TestInternalErrorsHidden(t *testing.T) {
	st, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	a, err := New(st, Config{Logger: zerolog.New(&logBuf)})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	r := post(t, a, `{ stats { nodes } }`, nil)
	if !slices.Equal(r.codes(), []string{"INTERNAL"}) || r.Errors[0].Message != "internal error" {
		t.Errorf("closed store: %s", r.Raw)
	}
	if !strings.Contains(logBuf.String(), "closed") {
		t.Errorf("internal error not logged with its cause: %s", logBuf.String())
	}
}

// TestCostKeptUnlessVariablesCount checks that a document keeps the cost
// of an operation whose cost reads no variable (ids, search terms), and
// measures again, for every request, one whose page sizes are variables.
func TestCostKeptUnlessVariablesCount(t *testing.T) {
	a, _ := newAPI(t, Config{})
	ctx := context.Background()
	p, errs := a.prepare(ctx, `query($id: ID!, $q: String!) { person(id: $id) { name memberships { id } } search(query: $q, first: 5) { score node { id } } }`)
	if errs != nil {
		t.Fatal(errs)
	}
	op, _ := p.operation("")
	kept, ok := p.costs[op]
	if !ok {
		t.Fatal("the cost of an operation whose variables are an id and a term was not kept")
	}
	if got, _ := a.cost(p, op, map[string]any{"id": "person/jd-vance", "q": "AI"}); got != kept.n || got < 2 {
		t.Fatalf("cost %d, kept %d", got, kept.n)
	}
	p, errs = a.prepare(ctx, `query($id: ID!, $n: Int) { person(id: $id) { stances(first: $n) { edges { node { id } } } } }`)
	if errs != nil {
		t.Fatal(errs)
	}
	op, _ = p.operation("")
	if _, ok := p.costs[op]; ok {
		t.Fatal("the cost of an operation with a page size in a variable was kept")
	}
	small, _ := a.cost(p, op, map[string]any{"id": "person/jd-vance", "n": float64(2)})
	big, _ := a.cost(p, op, map[string]any{"id": "person/jd-vance", "n": float64(50)})
	if big <= small {
		t.Fatalf("first: 2 costs %d, first: 50 costs %d", small, big)
	}
}

func TestCost(t *testing.T) {
	a, _ := newAPI(t, Config{})
	for _, c := range []struct {
		query string
		vars  map[string]any
		want  int
	}{
		{`{ stats { nodes } }`, nil, 1},
		// connection + first × (edge + node)
		{`{ people { edges { node { name } } } }`, nil, 1 + 20*(1+1)},
		{`{ people(first: 5) { edges { node { stances(first: 2) { edges { node { topic { name } } } } } } } }`, nil,
			1 + 5*(1+1+(1+2*(1+1+1)))},
		{`query($n: Int) { people(first: $n) { edges { node { id } } } }`, map[string]any{"n": float64(7)}, 1 + 7*2},
		{`query($n: Int = 3) { people(first: $n) { edges { node { id } } } }`, nil, 1 + 3*2},
		{`{ neighborhood(id: "org/eu", limit: 10) { nodes { id } edges { id } } }`, nil, 1 + 10 + 10},
		{`{ people(first: 100000) { edges { node { id } } } }`, nil, 1 + MaxPage*2},
		{`{ person(id: "person/jd-vance") { memberships { id } } }`, nil, 1 + plainListEstimate},
		{`{ ...Q } fragment Q on Query { a: people(first: 2) { edges { node { id } } } b: people(first: 2) { edges { node { id } } } }`, nil, 2 * (1 + 2*2)},
	} {
		p, errs := a.prepare(context.Background(), c.query)
		if errs != nil {
			t.Fatalf("%s: %v", c.query, errs)
		}
		op, _ := p.operation("")
		got, err := a.cost(p, op, c.vars)
		if err != nil || got != c.want {
			t.Errorf("%s: cost %d (%v), want %d", c.query, got, err, c.want)
		}
	}
}
