package seed

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

// FuzzParse feeds arbitrary bytes to the parser. It must not panic, must
// report failures as Errors with sane positions, and whatever it accepts
// must pass graph's validation. The corpus is every test fixture; go test
// runs it, go test -fuzz FuzzParse explores further.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"testdata/bad/*.yaml", "testdata/good/*.yaml", "testdata/good/*/*.yaml", "testdata/multi/*.yaml", "data/*.yaml"} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("people:\n  - &p {id: person/a, name: A}\n  - *p\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Parse("fuzz.yaml", data, nil)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
			}
			for _, e := range es {
				if e.Line < 0 || e.Column < 0 || e.Err == nil {
					t.Fatalf("bad problem %#v", e)
				}
			}
			if set != nil && !onlyDanglingErrs(es) {
				t.Fatalf("a set returned with errors that are not dangling references: %v", err)
			}
		}
		if set == nil {
			return
		}
		_ = set.EachNode(func(n *graph.Node) error {
			if err := n.Validate(); err != nil {
				t.Fatalf("accepted node fails validation: %v", err)
			}
			return nil
		})
		_ = set.EachEdge(func(e *graph.Edge) error {
			if err := e.Validate(); err != nil {
				t.Fatalf("accepted edge fails validation: %v", err)
			}
			return nil
		})
	})
}
