package schema

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

// TestConcurrentUpsertsKeepOneHolder races upserts of the same new stance
// with different holders: every one must succeed and the stance must end
// with exactly one holder (the load test found two, when the old edges
// were read before the writer lock).
func TestConcurrentUpsertsKeepOneHolder(t *testing.T) {
	a, st := newAPI(t, Config{})
	holders := []string{"person/olaf-scholz", "person/jd-vance", "person/antonio-guterres"}
	for round := range 15 {
		id := fmt.Sprint("stance/race-", round)
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				q := fmt.Sprintf(`mutation { upsertStance(input: {id: %q, name: "race", holder: %q, topic: "topic/ai", position: 0.2, sources: []}) { id } }`,
					id, holders[w%len(holders)])
				r := post(t, a, q, nil, "Authorization", "Bearer "+testToken)
				if len(r.Errors) > 0 {
					t.Errorf("upsert %s: %s", id, r.Raw)
				}
			})
		}
		wg.Wait()
		es, err := st.Edges(context.Background(), id, graph.Out, []graph.EdgeType{graph.HeldBy}, graph.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 {
			t.Fatalf("%s has %d holders after concurrent upserts, want 1: %v", id, len(es), es)
		}
	}
}
