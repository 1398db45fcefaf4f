package schema

import (
	"math"
	"reflect"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// Argument and variable values for exec, as graphql-go computes them
// (its getArgumentValues, valueFromAST, getVariableValues, coerceValue and
// isValidInputValue are not exported).

// coerceVariables returns the operation's variable values, coerced to
// their types. ok is false when graphql-go would refuse them: exec leaves
// the request to graphql.Execute then, which words the error.
func coerceVariables(s *graphql.Schema, op *ast.OperationDefinition, inputs map[string]any) (map[string]any, bool) {
	vals := make(map[string]any, len(op.VariableDefinitions))
	for _, def := range op.VariableDefinitions {
		if def == nil || def.Variable == nil || def.Variable.Name == nil {
			continue
		}
		t := typeFromAST(s, def.Type)
		if t == nil || !graphql.IsInputType(t) {
			return nil, false
		}
		in := inputs[def.Variable.Name.Value]
		if !validInput(in, t) {
			return nil, false
		}
		if isNullish(in) && def.DefaultValue != nil {
			vals[def.Variable.Name.Value] = valueFromAST(def.DefaultValue, t, nil)
			continue
		}
		vals[def.Variable.Name.Value] = coerceValue(t, in)
	}
	return vals, true
}

func typeFromAST(s *graphql.Schema, t ast.Type) graphql.Type {
	switch t := t.(type) {
	case *ast.List:
		if inner := typeFromAST(s, t.Type); inner != nil {
			return graphql.NewList(inner)
		}
	case *ast.NonNull:
		if inner := typeFromAST(s, t.Type); inner != nil {
			return graphql.NewNonNull(inner)
		}
	case *ast.Named:
		if t.Name != nil {
			return s.Type(t.Name.Value)
		}
	}
	return nil
}

// validInput reports whether graphql-go accepts v as a value of type t.
func validInput(v any, t graphql.Input) bool {
	if isNullish(v) {
		_, nonNull := t.(*graphql.NonNull)
		return !nonNull
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return validInput(v, t.OfType)
	case *graphql.List:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() == reflect.Slice {
			for i := range rv.Len() {
				if !validInput(rv.Index(i).Interface(), t.OfType) {
					return false
				}
			}
			return true
		}
		return validInput(v, t.OfType)
	case *graphql.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		fields := t.Fields()
		for name := range m {
			if _, ok := fields[name]; !ok {
				return false
			}
		}
		for name, f := range fields {
			if !validInput(m[name], f.Type) {
				return false
			}
		}
		return true
	case *graphql.Scalar:
		return !isNullish(parseScalar(t, v))
	case *graphql.Enum:
		return !isNullish(t.ParseValue(v))
	}
	return true
}

// parseScalar is t.ParseValue(v), without the copy through
// fmt.Sprintf("%v", v) that graphql-go's String and ID make of a Go
// string: that copy is v.
func parseScalar(t *graphql.Scalar, v any) any {
	if s, ok := v.(string); ok && (t == graphql.String || t == graphql.ID) {
		return s
	}
	return t.ParseValue(v)
}

// coerceValue returns v as a runtime value of type t.
func coerceValue(t graphql.Input, v any) any {
	if isNullish(v) {
		return nil
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return coerceValue(t.OfType, v)
	case *graphql.List:
		out := []any{}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
			for i := range rv.Len() {
				out = append(out, coerceValue(t.OfType, rv.Index(i).Interface()))
			}
			return out
		}
		return append(out, coerceValue(t.OfType, v))
	case *graphql.InputObject:
		obj := map[string]any{}
		m, _ := v.(map[string]any)
		for name, f := range t.Fields() {
			fv := coerceValue(f.Type, m[name])
			if isNullish(fv) {
				fv = f.DefaultValue
			}
			if !isNullish(fv) {
				obj[name] = fv
			}
		}
		return obj
	case *graphql.Scalar:
		if p := parseScalar(t, v); !isNullish(p) {
			return p
		}
	case *graphql.Enum:
		if p := t.ParseValue(v); !isNullish(p) {
			return p
		}
	}
	return nil
}

// argValues returns the values of a field's or directive's arguments.
func (x *executor) argValues(defs []*graphql.Argument, asts []*ast.Argument) map[string]any {
	if len(defs) == 0 {
		return map[string]any{}
	}
	out := make(map[string]any, len(defs))
	for _, def := range defs {
		var v ast.Value
		for _, a := range asts {
			if a.Name != nil && a.Name.Value == def.PrivateName {
				v = a.Value
			}
		}
		val := valueFromAST(v, def.Type, x.vars)
		if isNullish(val) {
			val = def.DefaultValue
		}
		if !isNullish(val) {
			out[def.PrivateName] = val
		}
	}
	return out
}

// valueFromAST returns the runtime value of a literal of type t; the
// document has been validated.
func valueFromAST(v ast.Value, t graphql.Input, vars map[string]any) any {
	if v == nil {
		return nil
	}
	if v, ok := v.(*ast.Variable); ok {
		if v.Name == nil || vars == nil {
			return nil
		}
		return vars[v.Name.Value]
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return valueFromAST(v, t.OfType, vars)
	case *graphql.List:
		out := []any{}
		if l, ok := v.(*ast.ListValue); ok {
			for _, item := range l.Values {
				out = append(out, valueFromAST(item, t.OfType, vars))
			}
			return out
		}
		return append(out, valueFromAST(v, t.OfType, vars))
	case *graphql.InputObject:
		ov, ok := v.(*ast.ObjectValue)
		if !ok {
			return nil
		}
		obj := map[string]any{}
		for name, f := range t.Fields() {
			var val any
			found := false
			for _, of := range ov.Fields {
				if of != nil && of.Name != nil && of.Name.Value == name {
					val, found = valueFromAST(of.Value, f.Type, vars), true
				}
			}
			if !found {
				val = f.DefaultValue
			}
			if !isNullish(val) {
				obj[name] = val
			}
		}
		return obj
	case *graphql.Scalar:
		return t.ParseLiteral(v)
	case *graphql.Enum:
		return t.ParseLiteral(v)
	}
	return nil
}

// isNullish is graphql-go's test for null: nil, a nil pointer, NaN.
func isNullish(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string, bool, map[string]any, []any:
		return false
	case *string:
		return v == nil
	case int:
		return false
	case float64:
		return math.IsNaN(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}
