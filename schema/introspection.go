package schema

import (
	"sync"

	"github.com/graphql-go/graphql"
)

// graphql-go v0.8.1 prints the default of an enum argument as a string
// ("\"BOTH\"" instead of BOTH): its __InputValue.defaultValue resolver hands
// the argument itself, not the argument's type, to astFromValue. The
// introspection types are package variables of graphql-go shared by every
// schema, so the fix is applied once per process, before any schema built
// by New executes; it changes nothing but enum defaults.
var fixEnumDefaults sync.Once

func patchIntrospection() {
	fixEnumDefaults.Do(func() {
		f := graphql.InputValueType.Fields()["defaultValue"]
		if f == nil || f.Resolve == nil {
			return
		}
		orig := f.Resolve
		f.Resolve = func(p graphql.ResolveParams) (any, error) {
			var def any
			var t graphql.Type
			switch v := p.Source.(type) {
			case *graphql.Argument:
				def, t = v.DefaultValue, v.Type
			case *graphql.InputObjectField:
				def, t = v.DefaultValue, v.Type
			}
			if nn, ok := t.(*graphql.NonNull); ok {
				t = nn.OfType
			}
			if s, ok := def.(string); ok {
				if _, isEnum := t.(*graphql.Enum); isEnum {
					return s, nil
				}
			}
			return orig(p)
		}
	})
}
