package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
)

// hangBound bounds how long a hostile request may take to be answered. It
// catches hangs, not slowness: every class is refused in milliseconds.
const hangBound = time.Second

const hostileMutation = `mutation { upsertPerson(input: {id: "person/eve", name: "Eve"}) { id } }`

// hostileServer serves the API over a loaded fixture store through Limit,
// as stancegraph serve does, on a real loopback server. The rate limit is
// off here: the suite sends hundreds of requests from one address; it has
// its own test.
func hostileServer(t *testing.T) (*httptest.Server, *graph.Store) {
	t.Helper()
	a, st := newAPI(t, Config{})
	srv := httptest.NewServer(Limit(a, LimitConfig{MaxInFlight: DefaultMaxInFlight}, zerolog.New(zerolog.NewTestWriter(t))))
	t.Cleanup(srv.Close)
	return srv, st
}

// hostileResp is an answer read off the wire.
type hostileResp struct {
	status int
	header http.Header
	raw    []byte
	data   json.RawMessage
	codes  []string
}

// send sends req and reads the whole answer, failing the test if it
// takes longer than hangBound.
func send(t *testing.T, req *http.Request) hostileResp {
	t.Helper()
	ctx, cancel := context.WithTimeout(req.Context(), hangBound)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no answer within %v", hangBound)
	}
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read answer (within %v): %v", hangBound, err)
	}
	out := hostileResp{status: res.StatusCode, header: res.Header, raw: raw}
	var body struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("answer is not a JSON object: %v\n%s", err, raw)
		}
	}
	out.data = body.Data
	for _, e := range body.Errors {
		c, _ := e.Extensions["code"].(string)
		out.codes = append(out.codes, c)
		if e.Message == "" {
			t.Errorf("error without a message: %s", raw)
		}
		if strings.Contains(e.Message, ".go:") || strings.Contains(e.Message, "goroutine ") || strings.Contains(e.Message, "/work/") {
			t.Errorf("error leaks internals: %q", e.Message)
		}
	}
	return out
}

// newReq builds a request to the server at base.
func newReq(t *testing.T, method, target, contentType string, body io.Reader, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	return req
}

// stillServes checks the store is as before and a normal query still
// answers from it.
func stillServes(t *testing.T, base string, st *graph.Store, before graph.Counts) {
	t.Helper()
	if after := counts(t, st); !reflect.DeepEqual(before, after) {
		t.Errorf("the request changed the store: %+v -> %+v", before, after)
	}
	if st.Has(context.Background(), "person/eve") {
		t.Error("a refused mutation wrote person/eve")
	}
	r := send(t, newReq(t, http.MethodPost, base+"/graphql", "application/json", strings.NewReader(`{"query":"{ stats { nodes } }"}`)))
	want := fmt.Sprintf(`{"stats":{"nodes":%d}}`, before.Nodes)
	if r.status != http.StatusOK || len(r.codes) > 0 || string(r.data) != want {
		t.Errorf("a normal query afterwards: %d %s, want data %s", r.status, r.raw, want)
	}
}

// fragmentBomb is a document whose fragments double at each of levels
// levels: expanded, it selects 2^levels fields.
func fragmentBomb(levels int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := range levels {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query { stats { nodes } }", levels)
	return b.String()
}

func jsonBody(query string, extra ...string) string {
	m := map[string]any{"query": query}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = json.RawMessage(extra[i+1])
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestHostile sends every class of hostile request through a real HTTP
// server, for both response media types: each gets its documented status
// and extensions.code within hangBound, writes nothing, and leaves the
// server answering normal queries.
func TestHostile(t *testing.T) {
	srv, st := hostileServer(t)
	base := srv.URL
	tok := "Bearer " + testToken
	const allowAll = "GET, POST, OPTIONS"
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: stats { nodes }", i)
		}
		return b.String() + " }"
	}
	deepFields := "{ topic(id: \"topic/ai-regulation\") { " + strings.Repeat("parent { ", 20) + "name" + strings.Repeat(" }", 20) + " } }"
	multipartBody := func() (string, io.Reader) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("query", hostileMutation)
		_ = mw.Close()
		return mw.FormDataContentType(), &buf
	}
	post := func(body string, header ...string) func() *http.Request {
		return func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "application/json", strings.NewReader(body), header...)
		}
	}
	get := func(query string, header ...string) func() *http.Request {
		return func() *http.Request {
			return newReq(t, http.MethodGet, base+"/graphql?query="+url.QueryEscape(query), "", nil, header...)
		}
	}
	cases := []struct {
		name      string
		req       func() *http.Request
		status    int // with Accept: application/json
		gqlStatus int // with Accept: application/graphql-response+json
		code      string
		allow     string // the Allow header, if any
		data      bool   // whether execution ran (the data key is present, perhaps null)
	}{
		// Methods and media types: no CSRF through CORS-simple requests.
		{"PUT", func() *http.Request {
			return newReq(t, http.MethodPut, base+"/graphql", "application/json", strings.NewReader(jsonBody(hostileMutation)), "Authorization", tok)
		}, 405, 405, "BAD_USER_INPUT", allowAll, false},
		{"DELETE", func() *http.Request {
			return newReq(t, http.MethodDelete, base+"/graphql?query="+url.QueryEscape(hostileMutation), "", nil, "Authorization", tok)
		}, 405, 405, "BAD_USER_INPUT", allowAll, false},
		{"PATCH", func() *http.Request {
			return newReq(t, http.MethodPatch, base+"/graphql", "application/json", strings.NewReader(jsonBody(hostileMutation)), "Authorization", tok)
		}, 405, 405, "BAD_USER_INPUT", allowAll, false},
		{"text/plain POST", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "text/plain", strings.NewReader(jsonBody(hostileMutation)), "Authorization", tok)
		}, 415, 415, "BAD_USER_INPUT", "", false},
		{"form POST", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "application/x-www-form-urlencoded",
				strings.NewReader("query="+url.QueryEscape(hostileMutation)), "Authorization", tok)
		}, 415, 415, "BAD_USER_INPUT", "", false},
		{"multipart POST", func() *http.Request {
			ct, body := multipartBody()
			return newReq(t, http.MethodPost, base+"/graphql", ct, body, "Authorization", tok)
		}, 415, 415, "BAD_USER_INPUT", "", false},
		{"POST without a content type", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "", strings.NewReader(jsonBody(hostileMutation)), "Authorization", tok)
		}, 415, 415, "BAD_USER_INPUT", "", false},
		{"JSON in another charset", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "application/json; charset=utf-16", strings.NewReader(jsonBody(hostileMutation)), "Authorization", tok)
		}, 415, 415, "BAD_USER_INPUT", "", false},
		{"mutation over GET", get(hostileMutation, "Authorization", tok), 405, 405, "BAD_USER_INPUT", "POST", false},
		{"mutation over HEAD", func() *http.Request {
			return newReq(t, http.MethodHead, base+"/graphql?query="+url.QueryEscape(hostileMutation), "", nil, "Authorization", tok)
		}, 405, 405, "", "POST", false},
		{"mutation over GET behind operationName", func() *http.Request {
			q := "query A { stats { nodes } } " + strings.Replace(hostileMutation, "mutation", "mutation B", 1)
			return newReq(t, http.MethodGet, base+"/graphql?operationName=B&query="+url.QueryEscape(q), "", nil, "Authorization", tok)
		}, 405, 405, "BAD_USER_INPUT", "POST", false},
		{"unacceptable Accept", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "application/json", strings.NewReader(jsonBody(hostileMutation)), "Authorization", tok, "Accept", "text/html")
		}, 406, 406, "BAD_USER_INPUT", "", false},

		// Bodies.
		{"oversized body", post(jsonBody("{ stats { nodes } }", "pad", `"`+strings.Repeat("x", 2*DefaultMaxBodyBytes)+`"`)), 413, 413, "BAD_USER_INPUT", "", false},
		{"batched array", post(`[`+jsonBody(hostileMutation)+`,`+jsonBody("{ stats { nodes } }")+`]`, "Authorization", tok), 400, 400, "BAD_USER_INPUT", "", false},
		{"malformed JSON", post(`{"query": "{ stats { nodes } }"`), 400, 400, "BAD_USER_INPUT", "", false},
		{"two JSON values", post(jsonBody("{ stats { nodes } }") + jsonBody(hostileMutation)), 400, 400, "BAD_USER_INPUT", "", false},
		{"empty body", post(``), 400, 400, "BAD_USER_INPUT", "", false},
		{"JSON nested 100000 deep", post(`{"query":"{ stats { nodes } }","variables":{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`),
			400, 400, "BAD_USER_INPUT", "", false},
		{"query a number", post(`{"query": 42}`), 400, 400, "BAD_USER_INPUT", "", false},
		{"variables a string", post(jsonBody("{ stats { nodes } }", "variables", `"{\"x\":1}"`)), 400, 400, "BAD_USER_INPUT", "", false},
		{"operationName an object", post(jsonBody("{ stats { nodes } }", "operationName", `{"name":"A"}`)), 400, 400, "BAD_USER_INPUT", "", false},
		{"invalid UTF-8 body", post("\xff\xfe{\x00\"\x00q\x00"), 400, 400, "BAD_USER_INPUT", "", false},
		{"invalid UTF-8 in a string literal", post(`{"query":"{ search(query: \"` + "\xc3\x28\xff" + `\") { score } }"}`), 400, 400, "BAD_USER_INPUT", "", false},
		{"invalid UTF-8 in a GET query", func() *http.Request {
			return newReq(t, http.MethodGet, base+"/graphql?query=%7B%20search(query%3A%20%22%FF%22)%20%7B%20score%20%7D%20%7D", "", nil)
		}, 200, 400, "BAD_USER_INPUT", "", false},
		{"invalid UTF-8 in GET variables", func() *http.Request {
			return newReq(t, http.MethodGet, base+"/graphql?query="+url.QueryEscape(`query($q: String!) { search(query: $q) { score } }`)+
				"&variables=%7B%22q%22%3A%22%FF%22%7D", "", nil)
		}, 400, 400, "BAD_USER_INPUT", "", false},

		// Documents.
		{"syntax error", post(jsonBody("{ stats { nodes ")), 200, 400, "BAD_USER_INPUT", "", false},
		{"unknown field", post(jsonBody("{ stats { nodes planets } }")), 200, 400, "BAD_USER_INPUT", "", false},
		{"unknown operationName", post(jsonBody("query A { stats { nodes } }", "operationName", `"B"`)), 200, 400, "BAD_USER_INPUT", "", false},
		{"variable coercion failure", post(jsonBody("query($n: Int) { people(first: $n) { totalCount } }", "variables", `{"n":"many"}`)),
			200, 400, "BAD_USER_INPUT", "", false},
		{"missing required variable", post(jsonBody(`query($id: ID!) { person(id: $id) { name } }`)), 200, 400, "BAD_USER_INPUT", "", false},
		{"deep bracket nesting", post(jsonBody("{ stats(x: " + strings.Repeat("[", 10000) + ") { nodes } }")), 200, 400, "QUERY_TOO_COMPLEX", "", false},
		{"deep field nesting", post(jsonBody(deepFields)), 200, 400, "QUERY_TOO_COMPLEX", "", false},
		{"30000 repeated fields", post(jsonBody("{ stats { " + strings.Repeat("nodes ", 30000) + "} }")), 200, 400, "QUERY_TOO_COMPLEX", "", false},
		{"alias flood", post(jsonBody(aliases(2000))), 200, 400, "QUERY_TOO_COMPLEX", "", false},
		{"exponential fragments", post(jsonBody(fragmentBomb(20))), 200, 400, "QUERY_TOO_COMPLEX", "", false},
		{"fragment cycle", post(jsonBody("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")), 200, 400, "BAD_USER_INPUT", "", false},
		{"unused fragment cycle", post(jsonBody("{ stats { nodes } } fragment A on Query { ...B } fragment B on Query { ...A }")), 200, 400, "BAD_USER_INPUT", "", false},
		{"fragment spreading itself", post(jsonBody("{ ...A } fragment A on Query { stats { nodes } ...A }")), 200, 400, "BAD_USER_INPUT", "", false},
		{"unknown fragment", post(jsonBody("{ ...Nope }")), 200, 400, "BAD_USER_INPUT", "", false},
		{"first 2^31-1 is capped", post(jsonBody("{ people(first: 2147483647) { totalCount edges { node { id } } } }")), 200, 200, "", "", true},
		{"first 1e20", post(jsonBody("{ people(first: 1e20) { totalCount } }")), 200, 400, "BAD_USER_INPUT", "", false},
		// graphql-go takes Int literals up to 64 bits; the resolver caps them.
		{"first beyond 32 bits is capped", post(jsonBody("{ people(first: 99999999999) { totalCount } }")), 200, 200, "", "", true},
		{"first beyond 64 bits", post(jsonBody("{ people(first: 99999999999999999999) { totalCount } }")), 200, 400, "BAD_USER_INPUT", "", false},
		{"first 1e20 in a variable", post(jsonBody("query($n: Int) { people(first: $n) { totalCount } }", "variables", `{"n":1e20}`)),
			200, 400, "BAD_USER_INPUT", "", false},
		{"negative first", post(jsonBody("{ people(first: -1) { totalCount } }")), 200, 200, "BAD_USER_INPUT", "", true},
		{"negative limit", post(jsonBody(`{ neighborhood(id: "org/eu", limit: -5) { truncated } }`)), 200, 200, "BAD_USER_INPUT", "", true},
		{"subscription", post(jsonBody("subscription { stats { nodes } }")), 200, 400, "BAD_USER_INPUT", "", false},

		// Authorization.
		{"mutation without a token", post(jsonBody(hostileMutation)), 401, 401, "UNAUTHENTICATED", "", false},
		{"mutation with a wrong token", post(jsonBody(hostileMutation), "Authorization", "Bearer "+testToken+"x"), 401, 401, "UNAUTHENTICATED", "", false},
		{"mutation with an empty bearer", post(jsonBody(hostileMutation), "Authorization", "Bearer "), 401, 401, "UNAUTHENTICATED", "", false},
		{"mutation with the token as Basic", post(jsonBody(hostileMutation), "Authorization", "Basic "+testToken), 401, 401, "UNAUTHENTICATED", "", false},
		{"mutation behind operationName", post(jsonBody("query A { stats { nodes } } "+strings.Replace(hostileMutation, "mutation", "mutation B", 1), "operationName", `"B"`)),
			401, 401, "UNAUTHENTICATED", "", false},
		{"token in ?token=", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql?token="+testToken, "application/json", strings.NewReader(jsonBody(hostileMutation)))
		}, 401, 401, "UNAUTHENTICATED", "", false},
		{"token in ?access_token=", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql?access_token="+testToken, "application/json", strings.NewReader(jsonBody(hostileMutation)))
		}, 401, 401, "UNAUTHENTICATED", "", false},
		{"token in a cookie", func() *http.Request {
			return newReq(t, http.MethodPost, base+"/graphql", "application/json", strings.NewReader(jsonBody(hostileMutation)),
				"Cookie", "token="+testToken+"; access_token="+testToken+"; Authorization=Bearer%20"+testToken)
		}, 401, 401, "UNAUTHENTICATED", "", false},
	}
	before := counts(t, st)
	for _, c := range cases {
		for _, media := range []string{mediaJSON, gqlResp} {
			t.Run(c.name+"/"+media, func(t *testing.T) {
				req := c.req()
				if req.Header.Get("Accept") == "" {
					req.Header.Set("Accept", media)
				}
				r := send(t, req)
				want := c.status
				if media == gqlResp {
					want = c.gqlStatus
				}
				if r.status != want {
					t.Errorf("status %d, want %d\n%.300s", r.status, want, r.raw)
				}
				if got := r.header.Get("Allow"); got != c.allow {
					t.Errorf("Allow %q, want %q", got, c.allow)
				}
				if req.Method == http.MethodHead {
					if len(r.raw) != 0 {
						t.Errorf("HEAD answered a body: %s", r.raw)
					}
				} else {
					if c.code == "" && len(r.codes) > 0 || c.code != "" && !slices.Contains(r.codes, c.code) {
						t.Errorf("codes %v, want %q\n%.300s", r.codes, c.code, r.raw)
					}
					if c.data != (len(r.data) > 0) {
						t.Errorf("data key present: %v, want %v\n%.300s", !c.data, c.data, r.raw)
					}
				}
				if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				stillServes(t, base, st, before)
			})
		}
	}
}

// TestHostileOverloaded: with every in-flight slot held, a request is
// refused at once with 503 OVERLOADED and Retry-After, a mutation in it
// does not run, and the server serves again when the slots free up.
func TestHostileOverloaded(t *testing.T) {
	a, st := newAPI(t, Config{})
	entered, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/graphql", a)
	mux.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	srv := httptest.NewServer(Limit(mux, LimitConfig{MaxInFlight: 3}, zerolog.New(zerolog.NewTestWriter(t))))
	defer srv.Close()
	before := counts(t, st)

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			res, err := http.Get(srv.URL + "/hold")
			if err == nil {
				res.Body.Close()
			}
		})
		<-entered
	}
	for _, media := range []string{mediaJSON, gqlResp} {
		r := send(t, newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(jsonBody(hostileMutation)),
			"Authorization", "Bearer "+testToken, "Accept", media))
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "1" || !slices.Equal(r.codes, []string{string(CodeOverloaded)}) {
			t.Errorf("%s: over the cap: %d Retry-After %q %s", media, r.status, r.header.Get("Retry-After"), r.raw)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, media) {
			t.Errorf("content type %q, want %s", ct, media)
		}
	}
	close(release)
	wg.Wait()
	stillServes(t, srv.URL, st, before)
}

// TestHostileRateLimited: a client over its rate gets 429 RATE_LIMITED
// with Retry-After, its mutation does not run, and it is served again
// once its bucket refills.
func TestHostileRateLimited(t *testing.T) {
	a, st := newAPI(t, Config{})
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	srv := httptest.NewServer(Limit(a, LimitConfig{Rate: 0.5, Burst: 3, now: clock.now}, zerolog.New(zerolog.NewTestWriter(t))))
	defer srv.Close()
	before := counts(t, st)
	query := func() *http.Request {
		return newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(jsonBody("{ stats { nodes } }")))
	}
	for i := range 3 {
		if r := send(t, query()); r.status != http.StatusOK {
			t.Fatalf("request %d within the burst: %d %s", i, r.status, r.raw)
		}
	}
	r := send(t, newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(jsonBody(hostileMutation)),
		"Authorization", "Bearer "+testToken))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" || !slices.Equal(r.codes, []string{string(CodeRateLimited)}) {
		t.Errorf("over the rate: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	clock.add(2 * time.Second)
	stillServes(t, srv.URL, st, before)
}

// TestTokensNotLogged runs requests carrying tokens in every place a
// client might put one, with the access log and the API logging at
// debug level, and checks no token reaches the logs.
func TestTokensNotLogged(t *testing.T) {
	const wrong = "wrong-token-d41d8cd98f00b204"
	var logs syncLog
	log := zerolog.New(&logs).Level(zerolog.DebugLevel)
	st := mustOpen(t)
	fixture(t, st)
	a, err := New(st, Config{Logger: log, Tokens: []string{testToken}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(AccessLog(log, Limit(a, LimitConfig{MaxInFlight: 4, Rate: 1e-3, Burst: 6}, log)))
	defer srv.Close()
	mutation := func(n int) string {
		return jsonBody(fmt.Sprintf(`mutation { upsertPerson(input: {id: "person/p%d", name: "P"}) { id } }`, n))
	}
	reqs := []*http.Request{
		newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(mutation(1)), "Authorization", "Bearer "+testToken),
		newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(mutation(2)), "Authorization", "Bearer "+wrong),
		newReq(t, http.MethodPost, srv.URL+"/graphql?token="+testToken+"&access_token="+wrong, "application/json", strings.NewReader(mutation(3))),
		newReq(t, http.MethodGet, srv.URL+"/graphql?query="+url.QueryEscape("{ stats { nodes } }")+"&token="+testToken, "", nil),
		newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(mutation(4)), "Cookie", "token="+testToken+"; other="+wrong),
		// A failing mutation with a valid token, and a rate-limited one.
		newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(jsonBody(`mutation { deleteNode(id: "org/atlantis") }`)),
			"Authorization", "Bearer "+testToken),
		newReq(t, http.MethodPost, srv.URL+"/graphql", "application/json", strings.NewReader(mutation(5)), "Authorization", "Bearer "+testToken),
	}
	var statuses []int
	for _, req := range reqs {
		statuses = append(statuses, send(t, req).status)
	}
	if want := []int{200, 401, 401, 200, 401, 200, 429}; !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	out := logs.String()
	if strings.Count(out, `"message":"request"`) != len(reqs) {
		t.Errorf("want %d access-log lines:\n%s", len(reqs), out)
	}
	for _, tok := range []string{testToken, wrong} {
		if strings.Contains(out, tok) {
			t.Errorf("a token reached the logs:\n%s", out)
		}
	}
}

// syncLog is a log buffer safe for the server's goroutines and the test.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
