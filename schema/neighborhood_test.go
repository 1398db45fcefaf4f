package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

// TestNeighborhoodEdgeKeys: a neighbourhood asking only for its edges'
// ids, types and ends gets the same edges as one asking for their values
// too (read only then), and the values are right.
func TestNeighborhoodEdgeKeys(t *testing.T) {
	a, _ := newAPI(t, Config{})
	keys := post(t, a, `{ neighborhood(id: "person/olaf-scholz", depth: 2) { edges { id type from { id } to { id } } } }`, nil)
	full := post(t, a, `{ neighborhood(id: "person/olaf-scholz", depth: 2) { edges { id type from { id } to { id } role sources { quote } } } }`, nil)
	frag := post(t, a, `{ neighborhood(id: "person/olaf-scholz", depth: 2) { edges { ...E } } } fragment E on Edge { id role }`, nil)
	for _, r := range []*resp{keys, full, frag} {
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.Raw)
		}
	}
	edges := func(r *resp) []any {
		return r.Data["neighborhood"].(map[string]any)["edges"].([]any)
	}
	if len(edges(keys)) == 0 || len(edges(keys)) != len(edges(full)) {
		t.Fatalf("%d edges with keys only, %d with values", len(edges(keys)), len(edges(full)))
	}
	roles := 0
	for i, e := range edges(full) {
		m := e.(map[string]any)
		k := edges(keys)[i].(map[string]any)
		if m["id"] != k["id"] || m["type"] != k["type"] {
			t.Fatalf("edge %d: %v vs %v", i, k, m)
		}
		if m["role"] != nil {
			roles++
		}
	}
	fragRoles := 0
	for _, e := range edges(frag) {
		if e.(map[string]any)["role"] != nil {
			fragRoles++
		}
	}
	if roles == 0 || fragRoles != roles {
		out, _ := json.Marshal(full.Data)
		t.Fatalf("roles: %d with fields, %d through a fragment; want the same, more than 0: %s", roles, fragRoles, out)
	}
}

// TestWalkNodeKeys: neighbourhoods and paths asking their nodes only for
// what the keys carry give the same nodes as asking for names too, and a
// path's explanation, which needs names, still gets them.
func TestWalkNodeKeys(t *testing.T) {
	a, _ := newAPI(t, Config{})
	type walk struct{ keys, full string }
	for _, w := range []walk{
		{`{ r: neighborhood(id: "person/olaf-scholz", depth: 2) { truncated nodes { id kind __typename } edges { id } } }`,
			`{ r: neighborhood(id: "person/olaf-scholz", depth: 2) { truncated nodes { id kind __typename name } edges { id } } }`},
		{`{ r: path(from: "person/jd-vance", to: "person/olaf-scholz") { length nodes { id kind } edges { id type } } }`,
			`{ r: path(from: "person/jd-vance", to: "person/olaf-scholz") { length nodes { id kind name } edges { id type role } } }`},
		{`{ r: path(from: "person/jd-vance", to: "person/olaf-scholz") { explanation nodes { id } edges { id } } }`,
			`{ r: path(from: "person/jd-vance", to: "person/olaf-scholz") { explanation nodes { id name } edges { id role } } }`},
	} {
		keys, full := ok(t, post(t, a, w.keys, nil))["r"].(map[string]any), ok(t, post(t, a, w.full, nil))["r"].(map[string]any)
		kn, fn := keys["nodes"].([]any), full["nodes"].([]any)
		if len(kn) < 2 || len(kn) != len(fn) {
			t.Fatalf("%s: %d nodes, with names %d", w.keys, len(kn), len(fn))
		}
		for i := range kn {
			k, f := kn[i].(map[string]any), fn[i].(map[string]any)
			if f["name"] == "" {
				t.Fatalf("%s: node %v has no name", w.full, f)
			}
			for field, v := range k {
				if f[field] != v {
					t.Fatalf("%s: node %d has %s %v, with names %v", w.keys, i, field, v, f[field])
				}
			}
		}
		if ex, ok := keys["explanation"]; ok {
			if fmt.Sprint(ex) != fmt.Sprint(full["explanation"]) {
				t.Fatalf("explanation without names asked for:\n%v\nwith:\n%v", ex, full["explanation"])
			}
			if !strings.Contains(fmt.Sprint(ex), "Olaf Scholz") {
				t.Fatalf("explanation names no one: %v", ex)
			}
		}
	}
}

// TestKeysSuffice: which selections the store may answer without values.
func TestKeysSuffice(t *testing.T) {
	for _, c := range []struct {
		query        string
		nodes, edges bool
	}{
		{`{ path { length nodes { id } edges { id } } }`, true, true},
		{`{ path { nodes { id kind __typename } edges { id type from { name } to { id } } } }`, true, true},
		{`{ path { nodes { id name } edges { id } } }`, true, true},
		{`{ path { nodes { id name description } edges { id } } }`, false, true},
		{`{ path { nodes { id } edges { id role } } }`, true, false},
		{`{ path { explanation nodes { id } edges { id } } }`, false, false},
		{`{ path { nodes { id ... on Person { name } } edges { ...E } } } fragment E on Edge { id }`, false, false},
		{`{ path { nodes { id kind: name } edges { id type @include(if: true) } } }`, true, true},
		{`{ path { nodes { id kind: summary } edges { id } } }`, false, true},
		{`{ path { ... on Path { nodes { id } } } }`, false, false},
		{`{ path { length } }`, true, true},
		{`{ path { length nodes { id } } }`, true, true},
		{`{ path { length explanation } }`, false, false},
		{`{ neighborhood { truncated } }`, true, true},
		{`{ neighborhood { truncated nodes { kind } edges { type } } }`, true, true},
		{`{ neighborhood { nodes { sources { quote } } edges { id } } }`, false, true},
	} {
		doc, err := parser.Parse(parser.ParseParams{Source: c.query})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		field := doc.Definitions[0].(*ast.OperationDefinition).SelectionSet.Selections[0].(*ast.Field)
		p := graphql.ResolveParams{Info: graphql.ResolveInfo{FieldASTs: []*ast.Field{field}}}
		if got := keysSuffice(p, "nodes"); got != c.nodes {
			t.Errorf("%s: nodes keys suffice %v, want %v", c.query, got, c.nodes)
		}
		if got := keysSuffice(p, "edges"); got != c.edges {
			t.Errorf("%s: edges keys suffice %v, want %v", c.query, got, c.edges)
		}
	}
}
