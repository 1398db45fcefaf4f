package schema

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// The query executor. graphql.Execute runs every request on a goroutine of
// its own, builds a map per object and a ResolveInfo per field and list
// item, and leaves the JSON to be written from those maps afterwards. For
// a query of a few fields that is most of the server's work, and the extra
// goroutine costs a thread wake-up per request. exec runs a query on the
// request's goroutine and writes the JSON in query order as it resolves.
//
// It follows graphql-go's executor step for step, with the same resolvers,
// the same ResolveParams and the same errors (message, locations, path,
// original error), so a client cannot tell them apart; tests run every
// query through both and compare the answers (API.shadow). Mutations,
// introspection (__schema, __type), resolvers that return thunks and
// variables graphql-go would refuse are left to graphql.Execute, which
// words those errors itself.

// execField is one response key of a selection set: the fields that
// produce it, merged, and what they share.
type execField struct {
	key    string
	keyAny any // key, boxed once for the response paths
	name   string
	def    *graphql.FieldDefinition // nil: not a field of the type (left out)
	asts   []*ast.Field
	// args are the field's argument values when they use no variable;
	// varArgs says they do, and are computed for each request.
	args    map[string]any
	varArgs bool
	nodes   []ast.Node // asts as ast.Node, for error locations
	// plain, when set, gives the field's value without its resolver.
	plain plainGetter
	// shared says the field belongs to a selection set kept in the
	// prepared document for every request (see fields).
	shared bool
}

// setKey names the selection set of a field completed as an object type.
type setKey struct {
	op     *ast.OperationDefinition
	parent *execField // nil for the operation's own selection set
	t      *graphql.Object
}

// executor runs one query operation.
type executor struct {
	ctx    context.Context
	schema *graphql.Schema
	p      *prepared
	op     *ast.OperationDefinition
	vars   map[string]any
	plain  map[plainKey]plainGetter
	w      jsonWriter
	errs   []gqlerrors.FormattedError
	sets   map[setKey][]*execField       // this request's selection sets
	args   map[*execField]map[string]any // this request's argument values that use variables
	// dynamic says that the selection set being collected applies
	// @skip or @include with a variable.
	dynamic bool
	// paths is the block the response paths of this request are taken
	// from, so that a field's path is not an allocation of its own.
	paths []graphql.ResponsePath
}

// at returns path extended by key, as path.WithKey(key) does.
func (x *executor) at(path *graphql.ResponsePath, key any) *graphql.ResponsePath {
	if len(x.paths) == cap(x.paths) {
		// A new block, each twice the last: 16 paths serve a small
		// query, and a big one takes few blocks.
		x.paths = make([]graphql.ResponsePath, 0, min(max(2*cap(x.paths), 16), 1024))
	}
	x.paths = append(x.paths, graphql.ResponsePath{Prev: path, Key: key})
	return &x.paths[len(x.paths)-1]
}

// bail stops exec: the request goes to graphql.Execute instead.
type bail struct{}

// exec runs a query operation. handled is false when the request must go
// to graphql.Execute (see the top of this file); nothing has been written
// then. Otherwise data is the JSON of the data entry ("null" when a
// non-null root field failed) and errs the field errors.
func (a *API) exec(ctx context.Context, p *prepared, op *ast.OperationDefinition, variables map[string]any) (data []byte, errs []gqlerrors.FormattedError, handled bool) {
	vars, ok := coerceVariables(&a.execSchema, op, variables)
	if !ok {
		return nil, nil, false
	}
	x := &executor{ctx: ctx, schema: &a.execSchema, p: p, op: op, vars: vars, plain: a.plain}
	x.w.buf = make([]byte, 0, 1024)
	defer func() {
		// bail, or a panic outside any resolver (a scalar's ParseLiteral,
		// say): graphql.Execute runs the request and recovers as it does.
		if r := recover(); r != nil {
			data, errs, handled = nil, nil, false
		}
	}()
	root := x.schema.QueryType()
	fields := x.fields(nil, root)
	// The root's source, as graphql-go gives it.
	if x.object(root, fields, map[string]any{}, nil) != cDone {
		x.w.buf = append(x.w.buf[:0], "null"...)
	}
	return x.w.buf, x.errs, true
}

// fields returns the response keys of the selection sets of parent's
// fields (the operation's when parent is nil) for the runtime type t, in
// query order, with fragments expanded and @skip/@include applied. A set
// that does not depend on the variables, under a parent that does not
// either, is kept in the prepared document for every later request.
func (x *executor) fields(parent *execField, t *graphql.Object) []*execField {
	k := setKey{x.op, parent, t}
	if fs, ok := x.sets[k]; ok {
		return fs
	}
	if fs, ok := x.p.sets.Load(k); ok {
		return fs.([]*execField)
	}
	var fs []*execField
	var visited []string
	x.dynamic = false
	if parent == nil {
		fs = x.collect(t, x.op.SelectionSet, fs, &visited, true)
	} else {
		for _, f := range parent.asts {
			if f != nil {
				fs = x.collect(t, f.SelectionSet, fs, &visited, false)
			}
		}
	}
	shared := !x.dynamic && (parent == nil || parent.shared)
	for _, f := range fs {
		f.shared = shared
		f.def = x.fieldDef(t, f.name)
		if f.def != nil {
			f.plain = x.plain[plainKey{t, f.name}]
			for _, a := range f.asts[0].Arguments {
				f.varArgs = f.varArgs || a != nil && usesVariable(a.Value)
			}
			if !f.varArgs {
				f.args = x.argValues(f.def.Args, f.asts[0].Arguments)
			}
		}
		f.nodes = make([]ast.Node, len(f.asts))
		for i, a := range f.asts {
			f.nodes[i] = a
		}
	}
	if shared {
		got, _ := x.p.sets.LoadOrStore(k, fs)
		return got.([]*execField)
	}
	if x.sets == nil {
		x.sets = map[setKey][]*execField{}
	}
	x.sets[k] = fs
	return fs
}

// argsOf returns the field's argument values for this request.
func (x *executor) argsOf(f *execField) map[string]any {
	if !f.varArgs {
		return f.args
	}
	if args, ok := x.args[f]; ok {
		return args
	}
	if x.args == nil {
		x.args = map[*execField]map[string]any{}
	}
	args := x.argValues(f.def.Args, f.asts[0].Arguments)
	x.args[f] = args
	return args
}

// usesVariable reports whether a value literal holds a variable.
func usesVariable(v ast.Value) bool {
	switch v := v.(type) {
	case *ast.Variable:
		return true
	case *ast.ListValue:
		for _, e := range v.Values {
			if usesVariable(e) {
				return true
			}
		}
	case *ast.ObjectValue:
		for _, f := range v.Fields {
			if f != nil && usesVariable(f.Value) {
				return true
			}
		}
	}
	return false
}

// collect adds the fields of set to fs, as graphql-go's collectFields
// does, but in query order.
func (x *executor) collect(t *graphql.Object, set *ast.SelectionSet, fs []*execField, visited *[]string, root bool) []*execField {
	if set == nil {
		return fs
	}
	for _, s := range set.Selections {
		switch s := s.(type) {
		case *ast.Field:
			if !x.include(s.Directives) {
				continue
			}
			name := ""
			if s.Name != nil {
				name = s.Name.Value
			}
			if root && (name == graphql.SchemaMetaFieldDef.Name || name == graphql.TypeMetaFieldDef.Name) {
				panic(bail{}) // introspection
			}
			key := name
			if s.Alias != nil && s.Alias.Value != "" {
				key = s.Alias.Value
			}
			merged := false
			for _, f := range fs {
				if f.key == key {
					f.asts = append(f.asts, s)
					merged = true
					break
				}
			}
			if !merged {
				fs = append(fs, &execField{key: key, keyAny: key, name: name, asts: []*ast.Field{s}})
			}
		case *ast.InlineFragment:
			if x.include(s.Directives) && x.matches(s.TypeCondition, t) {
				fs = x.collect(t, s.SelectionSet, fs, visited, root)
			}
		case *ast.FragmentSpread:
			name := ""
			if s.Name != nil {
				name = s.Name.Value
			}
			if slices.Contains(*visited, name) || !x.include(s.Directives) {
				continue
			}
			*visited = append(*visited, name)
			if frag, ok := x.p.fragments[name]; ok && x.matches(frag.TypeCondition, t) {
				fs = x.collect(t, frag.SelectionSet, fs, visited, root)
			}
		}
	}
	return fs
}

// include applies @skip and @include.
func (x *executor) include(ds []*ast.Directive) bool {
	for _, d := range ds {
		if d == nil || d.Name == nil {
			continue
		}
		for _, a := range d.Arguments {
			x.dynamic = x.dynamic || a != nil && usesVariable(a.Value)
		}
		switch d.Name.Value {
		case graphql.SkipDirective.Name:
			if v, ok := x.argValues(graphql.SkipDirective.Args, d.Arguments)["if"].(bool); ok && v {
				return false
			}
		case graphql.IncludeDirective.Name:
			if v, ok := x.argValues(graphql.IncludeDirective.Args, d.Arguments)["if"].(bool); ok && !v {
				return false
			}
		}
	}
	return true
}

// matches reports whether a fragment with the type condition applies to t.
func (x *executor) matches(cond *ast.Named, t *graphql.Object) bool {
	if cond == nil {
		return true
	}
	if cond.Name == nil {
		return false
	}
	ct := x.schema.Type(cond.Name.Value)
	if ct == nil {
		return false
	}
	if ct == graphql.Type(t) || ct.Name() == t.Name() {
		return true
	}
	if ct, ok := ct.(graphql.Abstract); ok {
		return x.possible(ct, t)
	}
	return false
}

// possible is Schema.IsPossibleType without its cache, which it writes
// into the shared Schema.
func (x *executor) possible(at graphql.Abstract, t *graphql.Object) bool {
	for _, pt := range x.schema.PossibleTypes(at) {
		if pt.Name() == t.Name() {
			return true
		}
	}
	return false
}

func (x *executor) fieldDef(t *graphql.Object, name string) *graphql.FieldDefinition {
	if name == graphql.TypeNameMetaFieldDef.Name {
		return graphql.TypeNameMetaFieldDef
	}
	return t.Fields()[name]
}

// completion states of a value.
type cstate uint8

const (
	cDone cstate = iota // written
	cNull               // null written
	cFail               // failed: the nearest nullable position becomes null
)

// object writes the fields of an object of type t.
func (x *executor) object(t *graphql.Object, fields []*execField, src any, path *graphql.ResponsePath) cstate {
	x.w.buf = append(x.w.buf, '{')
	n := 0
	for _, f := range fields {
		if f.def == nil {
			continue
		}
		if n > 0 {
			x.w.buf = append(x.w.buf, ',')
		}
		n++
		x.w.str(f.key)
		x.w.buf = append(x.w.buf, ':')
		if f.plain != nil {
			x.w.str(f.plain(src))
			continue
		}
		if !x.field(t, f, src, x.at(path, f.keyAny)) {
			return cFail
		}
	}
	x.w.buf = append(x.w.buf, '}')
	return cDone
}

// field resolves and writes one field. It returns false when the field
// failed and is non-null, so that its object fails too.
func (x *executor) field(parent *graphql.Object, f *execField, src any, path *graphql.ResponsePath) bool {
	info := graphql.ResolveInfo{
		FieldName: f.name, FieldASTs: f.asts, Path: path, ReturnType: f.def.Type, ParentType: parent,
		Schema: *x.schema, Fragments: x.p.defs, Operation: x.op, VariableValues: x.vars,
	}
	v, err := x.resolve(f, src, info)
	if err != nil {
		x.record(err, f, path)
		return x.failed(f.def.Type)
	}
	return x.catching(f.def.Type, f, &info, path, v)
}

// resolve calls the field's resolver, turning a panic into an error as
// graphql-go does.
func (x *executor) resolve(f *execField, src any, info graphql.ResolveInfo) (v any, err any) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bail); ok {
				panic(r)
			}
			v, err = nil, r
		}
	}()
	fn := f.def.Resolve
	if fn == nil {
		fn = graphql.DefaultResolveFn
	}
	v, rerr := fn(graphql.ResolveParams{Source: src, Args: x.argsOf(f), Info: info, Context: x.ctx})
	if rerr != nil {
		return nil, rerr
	}
	return v, nil
}

// record adds an error raised at path, located at f's fields. graphql-go
// records it at the nearest nullable position, unchanged, which gives the
// same list.
func (x *executor) record(r any, f *execField, path *graphql.ResponsePath) {
	x.errs = append(x.errs, gqlerrors.FormatError(graphql.NewLocatedErrorWithPath(r, f.nodes, path.AsArray())))
}

// failed ends a failed value of type t: a nullable one is written as null
// and its parent goes on; a non-null one fails its parent.
func (x *executor) failed(t graphql.Type) bool {
	if _, ok := t.(*graphql.NonNull); ok {
		return false
	}
	x.w.buf = append(x.w.buf, "null"...)
	return true
}

// catching completes v as a value of type t at path, as graphql-go's
// completeValueCatchingError: an error raised inside is recorded here.
func (x *executor) catching(t graphql.Type, f *execField, info *graphql.ResolveInfo, path *graphql.ResponsePath, v any) bool {
	start := len(x.w.buf)
	s, r := x.completeSafe(t, f, info, path, v)
	if r != nil {
		x.record(r, f, path)
		s = cFail
	}
	if s != cFail {
		return true
	}
	x.w.buf = x.w.buf[:start]
	return x.failed(t)
}

func (x *executor) completeSafe(t graphql.Type, f *execField, info *graphql.ResolveInfo, path *graphql.ResponsePath, v any) (s cstate, r any) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(bail); ok {
				panic(p)
			}
			s, r = cFail, p
		}
	}()
	return x.complete(t, f, info, path, v)
}

// complete writes v as a value of type t. A non-nil r is an error raised
// at this position, for the catching frame to record.
func (x *executor) complete(t graphql.Type, f *execField, info *graphql.ResolveInfo, path *graphql.ResponsePath, v any) (cstate, any) {
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Func {
		panic(bail{}) // a thunk: graphql-go completes those later
	}
	if nn, ok := t.(*graphql.NonNull); ok {
		s, r := x.complete(nn.OfType, f, info, path, v)
		if r != nil || s == cFail {
			return cFail, r
		}
		if s == cNull {
			msg := fmt.Sprintf("Cannot return null for non-nullable field %v.%v.", info.ParentType, info.FieldName)
			return cFail, gqlerrors.FormatError(graphql.NewLocatedErrorWithPath(msg, f.nodes, path.AsArray()))
		}
		return cDone, nil
	}
	if isNullish(v) {
		x.w.buf = append(x.w.buf, "null"...)
		return cNull, nil
	}
	switch t := t.(type) {
	case *graphql.List:
		return x.list(t, f, info, path, v)
	case *graphql.Scalar:
		if t == graphql.String || t == graphql.ID {
			// graphql-go serializes these as fmt.Sprintf("%v", v), a
			// copy of a string made through fmt, once for every id and
			// name, and a *string as the string it points to, boxed anew.
			switch s := v.(type) {
			case string:
				x.w.str(s)
				return cDone, nil
			case *string:
				x.w.str(*s) // not nil: isNullish said so
				return cDone, nil
			}
		}
		return x.leaf(t.Serialize(v)), nil
	case *graphql.Enum:
		return x.leaf(t.Serialize(v)), nil
	case *graphql.Interface:
		return x.abstract(t, t.ResolveType, f, info, path, v)
	case *graphql.Union:
		return x.abstract(t, t.ResolveType, f, info, path, v)
	case *graphql.Object:
		return x.objectValue(t, f, info, path, v)
	}
	return cFail, gqlerrors.FormatError(gqlerrors.NewFormattedError(fmt.Sprintf(`Cannot complete value of unexpected type "%v."`, t)))
}

func (x *executor) leaf(v any) cstate {
	if isNullish(v) {
		x.w.buf = append(x.w.buf, "null"...)
		return cNull
	}
	x.w.value(v, nil, nil)
	return cDone
}

func (x *executor) list(t *graphql.List, f *execField, info *graphql.ResolveInfo, path *graphql.ResponsePath, v any) (cstate, any) {
	x.w.buf = append(x.w.buf, '[')
	if items, ok := v.([]any); ok {
		for i, item := range items {
			if i > 0 {
				x.w.buf = append(x.w.buf, ',')
			}
			if !x.catching(t.OfType, f, info, x.at(path, i), item) {
				return cFail, nil
			}
		}
		x.w.buf = append(x.w.buf, ']')
		return cDone, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		parent := ""
		if info.ParentType != nil {
			parent = info.ParentType.Name()
		}
		return cFail, gqlerrors.FormatError(gqlerrors.NewFormattedError(fmt.Sprintf(
			"User Error: expected iterable, but did not find one for field %v.%v.", parent, info.FieldName)))
	}
	for i := range rv.Len() {
		if i > 0 {
			x.w.buf = append(x.w.buf, ',')
		}
		if !x.catching(t.OfType, f, info, x.at(path, i), rv.Index(i).Interface()) {
			return cFail, nil
		}
	}
	x.w.buf = append(x.w.buf, ']')
	return cDone, nil
}

func (x *executor) abstract(t graphql.Abstract, resolveType graphql.ResolveTypeFn, f *execField, info *graphql.ResolveInfo, path *graphql.ResponsePath, v any) (cstate, any) {
	var rt *graphql.Object
	params := graphql.ResolveTypeParams{Value: v, Info: *info, Context: x.ctx}
	if resolveType != nil {
		rt = resolveType(params)
	} else {
		for _, pt := range x.schema.PossibleTypes(t) {
			if pt.IsTypeOf != nil && pt.IsTypeOf(graphql.IsTypeOfParams{Value: v, Info: *info, Context: x.ctx}) {
				rt = pt
				break
			}
		}
	}
	if rt == nil {
		return cFail, gqlerrors.NewFormattedError(fmt.Sprintf(`Abstract type %v must resolve to an Object type at runtime `+
			`for field %v.%v with value "%v", received "%v".`, t, info.ParentType, info.FieldName, v, rt))
	}
	if !x.possible(t, rt) {
		return cFail, gqlerrors.NewFormattedError(fmt.Sprintf(`Runtime Object type "%v" is not a possible type for "%v".`, rt, t))
	}
	return x.objectValue(rt, f, info, path, v)
}

func (x *executor) objectValue(t *graphql.Object, f *execField, info *graphql.ResolveInfo, path *graphql.ResponsePath, v any) (cstate, any) {
	if t.IsTypeOf != nil && !t.IsTypeOf(graphql.IsTypeOfParams{Value: v, Info: *info, Context: x.ctx}) {
		return cFail, gqlerrors.NewFormattedError(fmt.Sprintf(`Expected value of type "%v" but got: %T.`, t, v))
	}
	return x.object(t, x.fields(f, t), v, path), nil
}
