package schema

import (
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

// TestNoSpaceIsPublic: a write refused below the disk reserve answers
// INSUFFICIENT_STORAGE without the server's paths, and reads go on.
func TestNoSpaceIsPublic(t *testing.T) {
	dir := t.TempDir()
	st, err := graph.Open(dir, graph.Options{MinFreeBytes: 1 << 62, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := New(st, Config{Tokens: []string{testToken}, Logger: zerolog.New(zerolog.NewTestWriter(t))})
	if err != nil {
		t.Fatal(err)
	}
	r := post(t, a, `mutation { upsertPerson(input: {id: "person/x", name: "X"}) { id } }`, nil, "Authorization", "Bearer "+testToken)
	if got := r.codes(); len(got) != 1 || got[0] != string(CodeInsufficientStorage) {
		t.Fatalf("codes %v, want INSUFFICIENT_STORAGE: %s", got, r.Raw)
	}
	if strings.Contains(string(r.Raw), dir) {
		t.Fatalf("the answer shows the database path: %s", r.Raw)
	}
	if r = post(t, a, `{ stats { nodes } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("a read failed: %s", r.Raw)
	}
}
