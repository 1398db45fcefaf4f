package schema

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/printer"
)

const sharedContract = "../../shared/contract/schema.graphql"

// TestContractCopy keeps testdata/contract.graphql equal to the shared
// contract when the shared file is around.
func TestContractCopy(t *testing.T) {
	shared, err := os.ReadFile(sharedContract)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("shared contract not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	local, err := os.ReadFile("testdata/contract.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, local) {
		t.Fatalf("testdata/contract.graphql differs from %s: copy it again", sharedContract)
	}
}

func contractDoc(t *testing.T) *ast.Document {
	t.Helper()
	b, err := os.ReadFile("testdata/contract.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.Parse(parser.ParseParams{Source: string(b)})
	if err != nil {
		t.Fatalf("parse contract: %v", err)
	}
	return doc
}

const introspectionQuery = `query Contract {
  __schema {
    types {
      kind name
      interfaces { name }
      enumValues(includeDeprecated: true) { name }
      fields(includeDeprecated: true) { name type { ...Ref } args { name defaultValue type { ...Ref } } }
      inputFields { name defaultValue type { ...Ref } }
    }
  }
}
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	OfType *typeRef `json:"ofType"`
}

func (r *typeRef) String() string {
	if r == nil {
		return "?"
	}
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.String() + "!"
	case "LIST":
		return "[" + r.OfType.String() + "]"
	}
	return r.Name
}

type inValue struct {
	Name         string  `json:"name"`
	DefaultValue *string `json:"defaultValue"`
	Type         typeRef `json:"type"`
}

type introType struct {
	Kind       string                  `json:"kind"`
	Name       string                  `json:"name"`
	Interfaces []struct{ Name string } `json:"interfaces"`
	EnumValues []struct{ Name string } `json:"enumValues"`
	Fields     []struct {
		Name string    `json:"name"`
		Type typeRef   `json:"type"`
		Args []inValue `json:"args"`
	} `json:"fields"`
	InputFields []inValue `json:"inputFields"`
}

func astType(t ast.Type) string {
	switch t := t.(type) {
	case *ast.NonNull:
		return astType(t.Type) + "!"
	case *ast.List:
		return "[" + astType(t.Type) + "]"
	case *ast.Named:
		return t.Name.Value
	}
	return "?"
}

// sameDefault compares a contract default with an introspected one by
// meaning: 1 and 1.0 are the same number.
func sameDefault(t *testing.T, want ast.Value, got *string) bool {
	t.Helper()
	if want == nil {
		return got == nil
	}
	if got == nil {
		return false
	}
	gv, err := parser.ParseValue(parser.ParseParams{Source: *got})
	if err != nil {
		t.Errorf("introspected default %q does not parse: %v", *got, err)
		return false
	}
	num := func(v ast.Value) (float64, bool) {
		switch v := v.(type) {
		case *ast.IntValue:
			f, err := strconv.ParseFloat(v.Value, 64)
			return f, err == nil
		case *ast.FloatValue:
			f, err := strconv.ParseFloat(v.Value, 64)
			return f, err == nil
		}
		return 0, false
	}
	if a, ok := num(want); ok {
		b, ok := num(gv)
		return ok && a == b
	}
	return printer.Print(want) == printer.Print(gv)
}

// TestContract introspects the running schema through the handler and
// checks every type, field, argument with its default, enum value,
// interface and input field of the contract.
func TestContract(t *testing.T) {
	a, _ := newAPI(t, Config{})
	r := post(t, a, introspectionQuery, nil)
	data := ok(t, r)
	var schema struct {
		Types []introType `json:"types"`
	}
	b, _ := jsonMarshal(data["__schema"])
	if err := jsonUnmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	types := map[string]introType{}
	for _, ty := range schema.Types {
		types[ty.Name] = ty
	}
	checked := 0
	for _, def := range contractDoc(t).Definitions {
		var name, kind string
		var fields []*ast.FieldDefinition
		var inputs []*ast.InputValueDefinition
		var ifaces []*ast.Named
		var values []*ast.EnumValueDefinition
		switch def := def.(type) {
		case *ast.ScalarDefinition:
			name, kind = def.Name.Value, "SCALAR"
		case *ast.EnumDefinition:
			name, kind, values = def.Name.Value, "ENUM", def.Values
		case *ast.InterfaceDefinition:
			name, kind, fields = def.Name.Value, "INTERFACE", def.Fields
		case *ast.ObjectDefinition:
			name, kind, fields, ifaces = def.Name.Value, "OBJECT", def.Fields, def.Interfaces
		case *ast.InputObjectDefinition:
			name, kind, inputs = def.Name.Value, "INPUT_OBJECT", def.Fields
		default:
			t.Fatalf("contract has an unexpected definition %T", def)
		}
		got, ok := types[name]
		if !ok {
			t.Errorf("type %s is missing", name)
			continue
		}
		if got.Kind != kind {
			t.Errorf("type %s is a %s, want %s", name, got.Kind, kind)
		}
		checked++
		for _, v := range values {
			if !slices.ContainsFunc(got.EnumValues, func(e struct{ Name string }) bool { return e.Name == v.Name.Value }) {
				t.Errorf("enum %s lacks value %s", name, v.Name.Value)
			}
		}
		for _, i := range ifaces {
			if !slices.ContainsFunc(got.Interfaces, func(e struct{ Name string }) bool { return e.Name == i.Name.Value }) {
				t.Errorf("type %s does not implement %s", name, i.Name.Value)
			}
		}
		for _, f := range fields {
			i := slices.IndexFunc(got.Fields, func(g struct {
				Name string    `json:"name"`
				Type typeRef   `json:"type"`
				Args []inValue `json:"args"`
			}) bool {
				return g.Name == f.Name.Value
			})
			if i < 0 {
				t.Errorf("field %s.%s is missing", name, f.Name.Value)
				continue
			}
			gf := got.Fields[i]
			if want := astType(f.Type); gf.Type.String() != want {
				t.Errorf("field %s.%s has type %s, want %s", name, f.Name.Value, gf.Type.String(), want)
			}
			checkInputs(t, name+"."+f.Name.Value+" argument", f.Arguments, gf.Args)
			checked++
		}
		checkInputs(t, name+" input field", inputs, got.InputFields)
		checked += len(inputs)
	}
	if checked < 300 {
		t.Fatalf("checked only %d elements; the contract reader is broken", checked)
	}
}

func checkInputs(t *testing.T, what string, want []*ast.InputValueDefinition, got []inValue) {
	t.Helper()
	for _, w := range want {
		i := slices.IndexFunc(got, func(g inValue) bool { return g.Name == w.Name.Value })
		if i < 0 {
			t.Errorf("%s %s is missing", what, w.Name.Value)
			continue
		}
		if wt := astType(w.Type); got[i].Type.String() != wt {
			t.Errorf("%s %s has type %s, want %s", what, w.Name.Value, got[i].Type.String(), wt)
		}
		if !sameDefault(t, w.DefaultValue, got[i].DefaultValue) {
			g := "none"
			if got[i].DefaultValue != nil {
				g = *got[i].DefaultValue
			}
			t.Errorf("%s %s has default %s, want %s", what, w.Name.Value, g, printer.Print(w.DefaultValue))
		}
	}
}
