package schema

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

const pointQuery = `{ person(id: "person/jd-vance") { name stances { edges { node { name position topic { name } } } } } }`

func benchBody() string {
	b, _ := json.Marshal(map[string]string{"query": pointQuery})
	return string(b)
}

// BenchmarkPointQuery runs the point query through the /graphql handler:
// JSON decoding, the cached document, cost, execution and ordered encoding.
func BenchmarkPointQuery(b *testing.B) {
	a, _ := newAPI(b, Config{})
	runHandler(b, a, benchBody())
}

// BenchmarkBareHandler is the baseline: a hand-written net/http handler
// that reads the same data from graph and encodes the same JSON.
func BenchmarkBareHandler(b *testing.B) {
	_, st := newAPI(b, Config{})
	runHandler(b, bareHandler(st), benchBody())
}

func runHandler(b *testing.B, h http.Handler, body string) {
	b.Helper()
	check := httptest.NewRecorder()
	h.ServeHTTP(check, benchReq(body))
	if check.Code != http.StatusOK || !strings.Contains(check.Body.String(), "Against strict regulation of AI") {
		b.Fatalf("bad answer %d: %s", check.Code, check.Body.String())
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, benchReq(body))
			if w.Code != http.StatusOK {
				b.Errorf("status %d", w.Code)
			}
		}
	})
}

func benchReq(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

type bareTopic struct {
	Name string `json:"name"`
}

type bareStance struct {
	Name     string    `json:"name"`
	Position float64   `json:"position"`
	Topic    bareTopic `json:"topic"`
}

type bareEdge struct {
	Node bareStance `json:"node"`
}

type bareAnswer struct {
	Data struct {
		Person *struct {
			Name    string `json:"name"`
			Stances struct {
				Edges []bareEdge `json:"edges"`
			} `json:"stances"`
		} `json:"person"`
	} `json:"data"`
}

// bareHandler answers the point query for the id in the request without
// GraphQL.
func bareHandler(st *graph.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req Request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ctx := r.Context()
		const id = "person/jd-vance"
		var ans bareAnswer
		p, err := st.Node(ctx, id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ans.Data.Person = &struct {
			Name    string `json:"name"`
			Stances struct {
				Edges []bareEdge `json:"edges"`
			} `json:"stances"`
		}{Name: p.Name}
		page, err := st.Stances(ctx, graph.StanceQuery{Holders: []string{id}, IncludeSubtopics: true}, graph.Page{First: 20})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ans.Data.Person.Stances.Edges = []bareEdge{}
		for _, s := range page.Nodes {
			es, err := st.Edges(ctx, s.ID, graph.Out, []graph.EdgeType{graph.OnTopic}, graph.Date{})
			if err != nil || len(es) == 0 {
				http.Error(w, "no topic", http.StatusInternalServerError)
				return
			}
			t, err := st.Node(ctx, es[0].To)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			ans.Data.Person.Stances.Edges = append(ans.Data.Person.Stances.Edges, bareEdge{bareStance{s.Name, s.Position, bareTopic{t.Name}}})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ans)
	})
}
