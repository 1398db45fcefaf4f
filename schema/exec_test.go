package schema

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

// shadowed makes a compare every query exec answers with graphql.Execute's
// answer to it: same statuses, same data, same errors (in any order, as
// graphql-go resolves fields in map order).
func shadowed(tb testing.TB, a *API) {
	tb.Helper()
	a.shadow = func(query string, fast, slow outcome) {
		if diff := outcomeDiff(fast, slow); diff != "" {
			tb.Errorf("exec and graphql.Execute differ on %s: %s\nexec:    %s\ngraphql: %s", query, diff, fast.body, slow.body)
		}
	}
}

// outcomeDiff says how two outcomes differ, "" when they do not.
func outcomeDiff(a, b outcome) string {
	if a.status != b.status || a.legacyStatus != b.legacyStatus {
		return "status"
	}
	var ja, jb struct {
		Data   any               `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(a.body, &ja); err != nil {
		return "exec's body: " + err.Error()
	}
	if err := json.Unmarshal(b.body, &jb); err != nil {
		return "graphql's body: " + err.Error()
	}
	if !reflect.DeepEqual(ja.Data, jb.Data) {
		return "data"
	}
	ea, eb := canonical(ja.Errors), canonical(jb.Errors)
	if !slices.Equal(ea, eb) {
		return "errors"
	}
	ca, cb := slices.Clone(a.codes), slices.Clone(b.codes)
	slices.Sort(ca)
	slices.Sort(cb)
	if !slices.Equal(ca, cb) {
		return "codes"
	}
	return ""
}

func canonical(raw []json.RawMessage) []string {
	out := make([]string, len(raw))
	for i, r := range raw {
		var v any
		json.Unmarshal(r, &v)
		b, _ := json.Marshal(v)
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
}

// TestExecMatchesGraphQLGo runs queries that reach every branch of exec
// (fragments on interfaces, aliases merged, @skip and @include from
// variables, defaults, input objects, lists, resolver errors at nullable
// and non-null fields, a non-null root that fails) through the handler;
// shadowed compares each answer with graphql.Execute's. Each case also
// checks the answer itself, so that both agreeing on nothing cannot pass.
func TestExecMatchesGraphQLGo(t *testing.T) {
	a, _ := newAPI(t, Config{})
	cases := []struct {
		name, query string
		vars        map[string]any
		check       func(t *testing.T, r *resp)
	}{
		{"fragments and aliases", `
			query { n: node(id: "person/olaf-scholz") { __typename id ...P ... on Actor { name } ... on Topic { id } }
			        again: node(id: "person/olaf-scholz") { id name n2: name } }
			fragment P on Person { name id }`, nil,
			func(t *testing.T, r *resp) {
				if got := jsonAt(r.Data, "n", "__typename"); got != "Person" {
					t.Errorf("__typename = %v", got)
				}
				if got := jsonAt(r.Data, "again", "n2"); got != "Olaf Scholz" {
					t.Errorf("n2 = %v", got)
				}
				if !bytesContains(r.Raw, `{"__typename":"Person","id":"person/olaf-scholz","name":"Olaf Scholz"}`) {
					t.Errorf("keys not in query order: %s", r.Raw)
				}
			}},
		{"skip and include from variables", `
			query($yes: Boolean!, $no: Boolean = false) {
			  node(id: "person/jd-vance") { id name @skip(if: $yes) kind @include(if: $no) ... on Person @include(if: $yes) { name } }
			}`, map[string]any{"yes": true},
			func(t *testing.T, r *resp) {
				n, _ := jsonAt(r.Data, "node").(map[string]any)
				if len(n) != 2 || n["name"] != "J.D. Vance" {
					t.Errorf("node = %v, want id and name only", n)
				}
			}},
		{"input object and list coercion", `
			query($h: [ID!]) { stances(filter: {holders: $h, position: {min: -1}}, first: 5) { edges { node { id holder { id } } } } }`,
			map[string]any{"h": "person/jd-vance"},
			func(t *testing.T, r *resp) {
				ns, _ := jsonAt(r.Data, "stances", "edges").([]any)
				if len(ns) == 0 {
					t.Fatalf("no stances: %s", r.Raw)
				}
				for _, n := range ns {
					if jsonAt(n, "node", "holder", "id") != "person/jd-vance" {
						t.Errorf("holder of %v", n)
					}
				}
			}},
		{"error at a nullable field", `{ a: path(from: "person/jd-vance", to: "org/un", maxDepth: 99) { length } b: node(id: "org/un") { id } }`, nil,
			func(t *testing.T, r *resp) {
				if len(r.Errors) != 1 || jsonAt(r.Data, "b", "id") != "org/un" || !r.HasData {
					t.Errorf("want one error beside b: %s", r.Raw)
				}
				if got := r.Errors[0].Path; len(got) != 1 || got[0] != "a" {
					t.Errorf("error path = %v", got)
				}
			}},
		{"error at a non-null root field", `{ node(id: "org/un") { id } alignment(topic: "person/jd-vance") { score } }`, nil,
			func(t *testing.T, r *resp) {
				if len(r.Errors) != 1 || r.Data != nil {
					t.Errorf("want data null and one error: %s", r.Raw)
				}
			}},
		{"lists of abstract values", `{ nodes(ids: ["org/eu", "person/nobody", "topic/ai"]) { id ... on Organization { type } ... on Topic { name } } }`, nil,
			func(t *testing.T, r *resp) {
				ns, _ := jsonAt(r.Data, "nodes").([]any)
				if len(ns) != 3 || ns[1] != nil {
					t.Errorf("nodes = %v: %s", ns, r.Raw)
				}
			}},
		{"errors inside list items", `{ nodes(ids: ["org/eu", "person/jd-vance"]) { id ... on Person { stances(first: -1) { totalCount } } } }`, nil,
			func(t *testing.T, r *resp) {
				ns, _ := jsonAt(r.Data, "nodes").([]any)
				if len(ns) != 2 || ns[0] == nil || ns[1] != nil || len(r.Errors) != 1 {
					t.Fatalf("want org/eu and null: %s", r.Raw)
				}
				if got := r.Errors[0].Path; !reflect.DeepEqual(got, []any{"nodes", 1.0, "stances"}) {
					t.Errorf("error path = %v", got)
				}
			}},
		{"invalid variable goes to graphql-go", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": map[string]any{"x": 1}},
			func(t *testing.T, r *resp) {
				if len(r.Errors) != 1 {
					t.Errorf("want one error: %s", r.Raw)
				}
			}},
		{"introspection goes to graphql-go", `{ __type(name: "Person") { name } node(id: "org/eu") { id } }`, nil,
			func(t *testing.T, r *resp) {
				if jsonAt(r.Data, "__type", "name") != "Person" {
					t.Errorf("__type: %s", r.Raw)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shadowed(t, a)
			c.check(t, post(t, a, c.query, c.vars))
		})
	}
}

// TestExecHandles checks which requests exec answers itself.
func TestExecHandles(t *testing.T) {
	a, _ := newAPI(t, Config{})
	for _, c := range []struct {
		query string
		vars  map[string]any
		want  bool
	}{
		{`{ node(id: "org/eu") { id } }`, nil, true},
		{`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "org/eu"}, true},
		{`query($id: ID!) { node(id: $id) { id } }`, nil, false},                                    // missing: graphql-go words it
		{`query($n: Int) { people(first: $n) { totalCount } }`, map[string]any{"n": "many"}, false}, // not an Int
		{`{ __schema { queryType { name } } }`, nil, false},
		{`{ ... on Query { __type(name: "Node") { name } } }`, nil, false},
	} {
		p, errs := a.prepare(t.Context(), c.query)
		if errs != nil {
			t.Fatalf("%s: %v", c.query, errs)
		}
		_, _, got := a.exec(withState(t.Context(), &reqState{nodes: map[string]*graph.Node{}}), p, p.ops[0], c.vars)
		if got != c.want {
			t.Errorf("%s %v: handled = %v, want %v", c.query, c.vars, got, c.want)
		}
	}
}

func bytesContains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// TestExecPlansFollowVariables runs documents whose selection sets exec
// keeps between requests with different variables: what depends on them
// (arguments, @skip and @include) must follow each request's values, also
// under a parent set that is kept, and under requests running at once.
func TestExecPlansFollowVariables(t *testing.T) {
	a, _ := newAPI(t, Config{})
	q := `query($id: ID!, $full: Boolean!) {
	  stats { nodes }
	  node(id: $id) { id ... on Person @include(if: $full) { name } ... on Organization { name @skip(if: $full) } }
	}`
	want := map[string]string{
		"person/jd-vance/true":  `{"id":"person/jd-vance","name":"J.D. Vance"}`,
		"person/jd-vance/false": `{"id":"person/jd-vance"}`,
		"org/eu/true":           `{"id":"org/eu"}`,
		"org/eu/false":          `{"id":"org/eu","name":"European Union"}`,
	}
	var wg sync.WaitGroup
	for round := range 8 {
		for key, w := range want {
			id := strings.TrimSuffix(strings.TrimSuffix(key, "/true"), "/false")
			isFull := strings.HasSuffix(key, "/true")
			wg.Go(func() {
				r := post(t, a, q, map[string]any{"id": id, "full": isFull})
				b, _ := json.Marshal(jsonAt(r.Data, "node"))
				if string(b) != w {
					t.Errorf("round %d, %s: node = %s, want %s", round, key, b, w)
				}
			})
		}
	}
	wg.Wait()
}
