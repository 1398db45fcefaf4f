package seed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stancegraph/stancegraph/graph"
)

// TestCrossFile checks problems that need the whole set: the duplicate id
// names both files, the cycle runs through both, the dangling reference is
// reported with its file.
func TestCrossFile(t *testing.T) {
	_, err := LoadFS(os.DirFS("testdata"), "multi")
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("LoadFS: %v", err)
	}
	want := []struct {
		file      string
		line, col int
		is        error
		text      string
	}{
		{"b.yaml", 4, 5, ErrDuplicate, "duplicate id person/a (first defined at a.yaml:2:5)"},
		{"b.yaml", 11, 5, ErrCycle, "topic/x -> topic/y -> topic/x"},
		{"b.yaml", 12, 43, ErrDangling, "to org/c is not defined in the seed set"},
	}
	if len(es) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(es), len(want), err)
	}
	for i, w := range want {
		e := es[i]
		if e.File != w.file || e.Line != w.line || e.Column != w.col || !errors.Is(e, w.is) || !strings.Contains(e.Error(), w.text) {
			t.Errorf("problem %d: %v\nwant %s:%d:%d: ...%s", i, e, w.file, w.line, w.col, w.text)
		}
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		data string
		is   error
		text string
	}{
		{"file too big", "people: []\n" + strings.Repeat("#", MaxFileSize), ErrLimit, "the limit is"},
		{"huge scalar", "people:\n  - id: person/a\n    name: " + strings.Repeat("x", MaxScalarLen+1) + "\n", ErrLimit, "3:11: a value of"},
		{"deep flow nesting", "people: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000), ErrLimit, "too deep"},
		{"deep block nesting", deepBlock(200), ErrLimit, "deeper than"},
		{"alias cycle", "people:\n  - id: person/a\n    name: A\n    aliases: &a [*a]\n", ErrLimit, "alias bomb"},
		{"wide alias fan-out", aliasFan(), ErrLimit, "alias bomb"},
		{"too many values", "people: [" + strings.Repeat("a,", MaxValues) + "a]\n", ErrLimit, "split it"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00", ErrSyntax, "NUL"},
		{"UTF-16", "\xff\xfepeople: []", ErrSyntax, "invalid UTF-8"},
		{"textFile without a directory", "documents:\n  - {id: doc/d, name: D, type: ARTICLE, textFile: d.txt}\n", graph.ErrInvalid, "no seed directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Parse("x.yaml", []byte(tt.data), nil)
			if set != nil || !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("Parse: %v, want %v containing %q", err, tt.is, tt.text)
			}
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	b.WriteString("people:\n  - id: person/a\n    name: A\n    aliases:\n")
	for i := range n {
		fmt.Fprintf(&b, "%s- \n", strings.Repeat("  ", i+3))
	}
	return b.String()
}

// aliasFan refers to one large anchored list from many places.
func aliasFan() string {
	var b strings.Builder
	b.WriteString("people:\n  - id: person/a\n    name: A\n    aliases: &big [")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("x")
	}
	b.WriteString("]\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "  - {id: person/p%d, name: P, aliases: *big}\n", i)
	}
	return b.String()
}

func TestErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("people:\n")
	for range MaxErrors + 50 {
		b.WriteString("  - {id: person/a, name: A, colour: red}\n")
	}
	_, err := Parse("many.yaml", []byte(b.String()), nil)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Parse: %v", err)
	}
	if len(es) != MaxErrors+1 {
		t.Fatalf("got %d entries, want %d problems and a note", len(es), MaxErrors)
	}
	if last := es[len(es)-1].Error(); !strings.Contains(last, "and 50 more") {
		t.Errorf("last entry %q, want the count of the rest", last)
	}
	if n := strings.Count(err.Error(), "\n"); n != MaxErrors {
		t.Errorf("Error() has %d lines, want %d", n+1, MaxErrors+1)
	}
}

func TestTextFile(t *testing.T) {
	fsys := fstest.MapFS{
		"set/docs/a.yaml": {Data: []byte("documents:\n  - {id: doc/a, name: A, type: ARTICLE, textFile: ../texts/a.txt}\n")},
		"set/texts/a.txt": {Data: []byte("Der Text.\n")},
		"secret.txt":      {Data: []byte("outside the seed root")},
	}
	s, err := LoadFS(fsys, "set")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	if n, _ := s.Node("doc/a"); n.Text != "Der Text.\n" || n.Origin != "docs/a.yaml" {
		t.Errorf("doc/a: text %q origin %q", n.Text, n.Origin)
	}
	for name, textFile := range map[string]string{
		"escape":   "../../secret.txt",
		"absolute": "/secret.txt",
		"missing":  "nope.txt",
	} {
		fsys["set/docs/a.yaml"] = &fstest.MapFile{Data: []byte("documents:\n  - {id: doc/a, name: A, type: ARTICLE, textFile: " + textFile + "}\n")}
		_, err := LoadFS(fsys, "set")
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 2 || !strings.Contains(es[0].Error(), "textFile") {
			t.Errorf("%s: %v", name, err)
		}
	}
	fsys["set/texts/big.txt"] = &fstest.MapFile{Data: []byte(strings.Repeat("x", graph.MaxTextLen+1))}
	fsys["set/docs/a.yaml"] = &fstest.MapFile{Data: []byte("documents:\n  - {id: doc/a, name: A, type: ARTICLE, textFile: ../texts/big.txt}\n")}
	if _, err := LoadFS(fsys, "set"); err == nil || !strings.Contains(err.Error(), "textFile") {
		t.Errorf("oversized textFile: %v", err)
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "sub", "people.yaml"), "people:\n  - {id: person/a, name: A}\n")
	write(filepath.Join(dir, ".hidden", "x.yaml"), "not: [valid")
	write(filepath.Join(dir, "notes.txt"), "not a seed file")
	write(filepath.Join(other, "orgs.yml"), "organizations:\n  - {id: org/o, name: O, type: NGO}\nedges:\n  - {type: MEMBER_OF, from: person/a, to: org/o}\n")
	write(filepath.Join(dir, "empty.yaml"), "# nothing yet\n---\n")
	if err := os.Symlink(filepath.Join(other, "linked.target"), filepath.Join(dir, "linked.yaml")); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(other, "linked.target"), "events:\n  - {id: event/e, name: E}\n")
	s, err := LoadPaths(dir, filepath.Join(other, "orgs.yml"))
	if err != nil {
		t.Fatalf("LoadPaths: %v", err)
	}
	if got := strings.Join(s.Files(), ","); got != "empty.yaml,linked.yaml,orgs.yml,sub/people.yaml" {
		t.Errorf("files %s", got)
	}
	if s.Nodes() != 3 || s.Edges() != 1 {
		t.Errorf("%d nodes, %d edges", s.Nodes(), s.Edges())
	}
	if _, err := LoadPaths(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadPaths of a missing path succeeded")
	}
}
