package seed

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the want headers of testdata/bad/*.yaml (check the diff by hand)")

// TestBad parses each testdata/bad/*.yaml on its own and compares the
// problems with the file's "# want: line:column: text" header lines: every
// problem must be wanted, in order, and its message must contain the text.
func TestBad(t *testing.T) {
	paths, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no bad fixtures: %v", err)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wants := readWants(data)
			if len(wants) == 0 && !*update {
				t.Fatalf("%s has no # want: lines", name)
			}
			set, err := Parse(name, data, nil)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Parse returned %v (%T), want Errors", err, err)
			}
			if set != nil && !onlyDanglingErrs(es) {
				t.Errorf("Parse returned a set alongside errors that are not all dangling references")
			}
			if *update {
				t.Logf("got:\n%s", es)
				return
			}
			for i, e := range es {
				if e.File != name {
					t.Errorf("problem %d names file %q, want %q", i, e.File, name)
				}
				if i >= len(wants) {
					t.Errorf("unexpected problem: %v", e)
					continue
				}
				w := wants[i]
				if e.Line != w.line || e.Column != w.col || !strings.Contains(e.Error(), w.text) {
					t.Errorf("problem %d:\n got  %v\n want %s:%d:%d: ...%s...", i, e, name, w.line, w.col, w.text)
				}
			}
			for _, w := range wants[min(len(es), len(wants)):] {
				t.Errorf("missing problem %s:%d:%d: %s", name, w.line, w.col, w.text)
			}
		})
	}
}

// onlyDanglingErrs reports whether every problem, not counting the final
// "and N more" note, is a dangling reference.
func onlyDanglingErrs(es Errors) bool {
	for _, e := range es {
		if e.File != "" && !errors.Is(e, ErrDangling) {
			return false
		}
	}
	return true
}

type want struct {
	line, col int
	text      string
}

// readWants reads "# want: 12:5: text" lines (column 0 for a position
// without a column).
func readWants(data []byte) []want {
	var out []want
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "# want: ")
		if !ok {
			continue
		}
		var w want
		if _, err := fmt.Sscanf(rest, "%d:%d:", &w.line, &w.col); err != nil {
			panic(fmt.Sprintf("bad want line %q: %v", rest, err))
		}
		_, w.text, _ = strings.Cut(rest[strings.Index(rest, ":")+1:], ": ")
		out = append(out, w)
	}
	return out
}
