package schema

import (
	"encoding/json"
	"testing"
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
