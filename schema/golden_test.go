package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/seed"
)

var update = flag.Bool("update", false, "rewrite testdata/queries/*.golden.json")

// testSeeder applies YAML through the seed package, as cmd/stancegraph
// wires it: a set with only dangling references still goes to Apply, which
// looks them up in the store, and seed errors are marked graph.ErrInvalid
// so that the client sees their file:line:column messages.
type testSeeder struct{ st *graph.Store }

func (s testSeeder) ApplySeed(ctx context.Context, yaml string, dryRun bool) (graph.Result, error) {
	set, err := seed.ParseDocument("applySeed.yaml", []byte(yaml))
	if set == nil {
		return graph.Result{}, seedInvalid(err)
	}
	res, err := seed.Apply(ctx, s.st, set, seed.ApplyOptions{DryRun: dryRun})
	return res, seedInvalid(err)
}

func seedInvalid(err error) error {
	var one *seed.Error
	var many seed.Errors
	if err != nil && !errors.Is(err, graph.ErrInvalid) && (errors.As(err, &one) || errors.As(err, &many)) {
		return fmt.Errorf("%w: %w", graph.ErrInvalid, err)
	}
	return err
}

// golden is one query file with its directives, read from leading comments:
//
//	# variables: {"id": "person/jd-vance"}
//	# auth: bearer
type golden struct {
	name  string
	query string
	vars  map[string]any
	auth  bool
}

func readGoldens(t *testing.T) []golden {
	t.Helper()
	files, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden queries")
	}
	var out []golden
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		g := golden{name: strings.TrimSuffix(filepath.Base(f), ".graphql"), query: string(b)}
		for _, line := range strings.Split(g.query, "\n") {
			if !strings.HasPrefix(line, "#") {
				break
			}
			k, v, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
			switch strings.TrimSpace(k) {
			case "variables":
				if err := json.Unmarshal([]byte(v), &g.vars); err != nil {
					t.Fatalf("%s: variables: %v", f, err)
				}
			case "auth":
				g.auth = strings.TrimSpace(v) == "bearer"
			}
		}
		out = append(out, g)
	}
	return out
}

// TestGolden runs every testdata/queries/*.graphql through the HTTP
// handler on a fresh fixture store and compares status and body, as JSON
// by meaning, with the .golden.json file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, g := range readGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			st := mustOpen(t)
			fixture(t, st)
			a, err := New(st, Config{Tokens: []string{testToken}, Seeder: testSeeder{st}, Logger: zerolog.New(zerolog.NewTestWriter(t))})
			if err != nil {
				t.Fatal(err)
			}
			shadowed(t, a)
			var hdr []string
			if g.auth {
				hdr = bearer()
			}
			r := post(t, a, g.query, g.vars, hdr...)
			var body any
			if err := json.Unmarshal(r.Raw, &body); err != nil {
				t.Fatalf("body: %v", err)
			}
			got := map[string]any{"status": r.Status, "body": body}
			path := filepath.Join("testdata/queries", g.name+".golden.json")
			if *update {
				b, _ := json.MarshalIndent(got, "", "  ")
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantRaw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			var want any
			if err := json.Unmarshal(wantRaw, &want); err != nil {
				t.Fatalf("golden: %v", err)
			}
			gotNorm, _ := json.Marshal(got)
			var gotAny any
			_ = json.Unmarshal(gotNorm, &gotAny)
			if !reflect.DeepEqual(want, gotAny) {
				pretty, _ := json.MarshalIndent(got, "", "  ")
				t.Errorf("response differs from %s:\n%s", path, pretty)
			}
			if bytes.Contains(r.Raw, []byte(`"INTERNAL"`)) {
				t.Errorf("golden query produced an INTERNAL error:\n%s", r.Raw)
			}
		})
	}
}

// TestGoldenCoverage checks that the golden queries together select every
// field of every object and interface type of the contract.
func TestGoldenCoverage(t *testing.T) {
	a, _ := newAPI(t, Config{})
	used := map[string]bool{}
	for _, g := range readGoldens(t) {
		doc, err := parser.Parse(parser.ParseParams{Source: g.query})
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		frags := map[string]*ast.FragmentDefinition{}
		for _, d := range doc.Definitions {
			if f, ok := d.(*ast.FragmentDefinition); ok {
				frags[f.Name.Value] = f
			}
		}
		for _, d := range doc.Definitions {
			if op, ok := d.(*ast.OperationDefinition); ok {
				root := graphql.Type(a.schema.QueryType())
				if op.Operation == ast.OperationTypeMutation {
					root = a.schema.MutationType()
				}
				markUsed(a, op.SelectionSet, root, frags, used)
			}
		}
	}
	var missing []string
	for _, def := range contractDoc(t).Definitions {
		var name string
		var fields []*ast.FieldDefinition
		switch def := def.(type) {
		case *ast.ObjectDefinition:
			name, fields = def.Name.Value, def.Fields
		case *ast.InterfaceDefinition:
			name, fields = def.Name.Value, def.Fields
		}
		for _, f := range fields {
			if !used[name+"."+f.Name.Value] {
				missing = append(missing, name+"."+f.Name.Value)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no golden query selects %d contract fields:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

func markUsed(a *API, ss *ast.SelectionSet, parent graphql.Type, frags map[string]*ast.FragmentDefinition, used map[string]bool) {
	if ss == nil {
		return
	}
	named := func(n *ast.Named, def graphql.Type) graphql.Type {
		if n != nil && n.Name != nil {
			if t := a.schema.Type(n.Name.Value); t != nil {
				return t
			}
		}
		return def
	}
	for _, s := range ss.Selections {
		switch s := s.(type) {
		case *ast.Field:
			var fd *graphql.FieldDefinition
			switch p := parent.(type) {
			case *graphql.Object:
				fd = p.Fields()[s.Name.Value]
			case *graphql.Interface:
				fd = p.Fields()[s.Name.Value]
			}
			if fd == nil {
				continue
			}
			used[parent.Name()+"."+s.Name.Value] = true
			t := graphql.Type(fd.Type)
			for {
				switch w := t.(type) {
				case *graphql.NonNull:
					t = w.OfType
					continue
				case *graphql.List:
					t = w.OfType
					continue
				}
				break
			}
			markUsed(a, s.SelectionSet, t, frags, used)
		case *ast.InlineFragment:
			markUsed(a, s.SelectionSet, named(s.TypeCondition, parent), frags, used)
		case *ast.FragmentSpread:
			if f, ok := frags[s.Name.Value]; ok {
				markUsed(a, f.SelectionSet, named(f.TypeCondition, parent), frags, used)
			}
		}
	}
}
