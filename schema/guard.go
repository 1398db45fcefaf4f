package schema

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// The pinned graphql-go has open issues where crafted documents crash or
// hang the process in parsing and validation (a fragment cycle overflows
// the stack in OverlappingFieldsCanBeMerged, which no recover can catch).
// So the text is scanned before parsing, the AST is checked before
// validation, and both run under recover and the request deadline.

// prepared is a parsed and validated document with what the checks learnt
// about it. It is immutable and shared between requests through the cache.
type prepared struct {
	doc       *ast.Document
	ops       []*ast.OperationDefinition
	fragments map[string]*ast.FragmentDefinition
	defs      map[string]ast.Definition        // fragments again, as ResolveInfo.Fragments wants them
	depth     map[*ast.OperationDefinition]int // nesting with fragments expanded
	// costs holds the cost of each operation whose cost reads no
	// variable (page sizes given as literals, or none), which depends on
	// nothing else.
	costs map[*ast.OperationDefinition]opCost
	// sets holds exec's selection sets that depend on no variable, keyed
	// by setKey, filled by the first request that needs each.
	sets sync.Map
}

type opCost struct {
	n   int
	err *Error
}

// lexCheck counts lexical tokens and bracket nesting without building
// anything, so that oversized or deeply nested text never reaches the
// recursive parser.
func lexCheck(q string, maxTokens int) *Error {
	if !utf8.ValidString(q) {
		return badInput("the query is not valid UTF-8")
	}
	tokens, depth := 0, 0
	tooMany := func() *Error {
		return errorf(CodeQueryTooComplex, "the query has more than %d lexical tokens", maxTokens)
	}
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
			continue
		case c == 0xEF && i+2 < len(q) && q[i+1] == 0xBB && q[i+2] == 0xBF: // BOM
			i += 3
			continue
		case c == '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
			continue
		case c == '"':
			if i+2 < len(q) && q[i+1] == '"' && q[i+2] == '"' {
				i += 3
				for i < len(q) {
					if q[i] == '\\' && i+3 < len(q) && q[i+1:i+4] == `"""` {
						i += 4
						continue
					}
					if i+2 < len(q) && q[i:i+3] == `"""` {
						i += 3
						break
					}
					i++
				}
			} else {
				i++
				for i < len(q) && q[i] != '"' && q[i] != '\n' {
					if q[i] == '\\' {
						i++
					}
					i++
				}
				i++
			}
		case c == '{' || c == '[' || c == '(':
			depth++
			if depth > maxNesting {
				return errorf(CodeQueryTooComplex, "the query nests brackets deeper than %d", maxNesting)
			}
			i++
		case c == '}' || c == ']' || c == ')':
			depth--
			i++
		case c == '.' && i+2 < len(q) && q[i+1] == '.' && q[i+2] == '.':
			i += 3
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-':
			i++
			for i < len(q) {
				d := q[i]
				if d == '_' || d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' || d >= '0' && d <= '9' || d == '.' || d == '+' {
					i++
					continue
				}
				break
			}
		default:
			i++
		}
		tokens++
		if tokens > maxTokens {
			return tooMany()
		}
	}
	return nil
}

// prepare returns the parsed and validated document for the query, from
// the cache or by parsing and validating it under recover and the
// request's deadline. The returned errors are request errors.
func (a *API) prepare(ctx context.Context, query string) (*prepared, []outError) {
	if p := a.cache.get(query); p != nil {
		return p, nil
	}
	if err := lexCheck(query, a.cfg.MaxTokens); err != nil {
		return nil, []outError{{Code: err.Code, Message: err.Message}}
	}
	type answer struct {
		p    *prepared
		errs []outError
	}
	ch := make(chan answer, 1)
	go func() {
		var ans answer
		defer func() {
			if r := recover(); r != nil {
				a.internal(ctx, fmt.Errorf("panic parsing or validating a query: %v\n%s", r, debug.Stack()))
				// graphql-go panics on some invalid documents; the document is
				// at fault, so the client hears it was invalid.
				ans = answer{errs: []outError{{Code: CodeBadUserInput, Message: "the query is invalid and could not be validated"}}}
			}
			ch <- ans
		}()
		ans.p, ans.errs = a.parseAndCheck(query)
	}()
	select {
	case <-ctx.Done():
		return nil, []outError{{Code: CodeTimeout, Message: timeoutMessage}}
	case ans := <-ch:
		if ans.errs == nil {
			a.cache.put(query, ans.p)
		}
		return ans.p, ans.errs
	}
}

func (a *API) parseAndCheck(query string) (*prepared, []outError) {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return nil, []outError{fromGQL(gqlerrors.FormatError(err), CodeBadUserInput)}
	}
	p := &prepared{doc: doc, fragments: map[string]*ast.FragmentDefinition{}, defs: map[string]ast.Definition{},
		depth: map[*ast.OperationDefinition]int{}}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			p.ops = append(p.ops, d)
		case *ast.FragmentDefinition:
			if d.Name == nil {
				return nil, []outError{{Code: CodeBadUserInput, Message: "a fragment has no name"}}
			}
			// Duplicates are refused here: graphql-go's validation would
			// follow the spreads of both and can recurse forever.
			if _, dup := p.fragments[d.Name.Value]; dup {
				return nil, []outError{{Code: CodeBadUserInput, Message: fmt.Sprintf("fragment %q is defined more than once", d.Name.Value)}}
			}
			p.fragments[d.Name.Value] = d
			p.defs[d.Name.Value] = d
		default:
			return nil, []outError{{Code: CodeBadUserInput, Message: "the document may hold only operations and fragments"}}
		}
	}
	if len(p.ops) == 0 {
		return nil, []outError{{Code: CodeBadUserInput, Message: "the document has no operation"}}
	}
	if err := a.checkShape(p); err != nil {
		return nil, []outError{{Code: err.Code, Message: err.Message}}
	}
	res := graphql.ValidateDocument(&a.schema, doc, nil)
	if !res.IsValid {
		out := make([]outError, 0, len(res.Errors))
		for _, e := range res.Errors {
			out = append(out, fromGQL(e, CodeBadUserInput))
		}
		return nil, out
	}
	p.costs = map[*ast.OperationDefinition]opCost{}
	for _, op := range p.ops {
		// Most variables are ids and search terms, which cost nothing.
		if n, err, readVars := a.measureCost(p, op, nil); !readVars {
			p.costs[op] = opCost{n, err}
		}
	}
	return p, nil
}

func fromGQL(fe gqlerrors.FormattedError, code Code) outError {
	o := outError{Code: code, Message: fe.Message}
	for _, l := range fe.Locations {
		o.Locations = append(o.Locations, [2]int{l.Line, l.Column})
	}
	return o
}

// checkShape rejects, on the AST and before graphql-go validates it, the
// documents that could crash or stall validation or execution: too many
// operations, fragment cycles, fragment bombs, deep nesting and alias floods.
func (a *API) checkShape(p *prepared) *Error {
	if len(p.ops) > a.cfg.MaxOperations {
		return errorf(CodeQueryTooComplex, "the document has %d operations; at most %d are allowed", len(p.ops), a.cfg.MaxOperations)
	}
	// Fragment cycles: depth-first search over spreads.
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var visit func(name string) *Error
	var spreads func(sels *ast.SelectionSet, fn func(string) *Error) *Error
	spreads = func(ss *ast.SelectionSet, fn func(string) *Error) *Error {
		if ss == nil {
			return nil
		}
		for _, s := range ss.Selections {
			switch s := s.(type) {
			case *ast.FragmentSpread:
				if s.Name != nil {
					if err := fn(s.Name.Value); err != nil {
						return err
					}
				}
			case *ast.Field:
				if err := spreads(s.SelectionSet, fn); err != nil {
					return err
				}
			case *ast.InlineFragment:
				if err := spreads(s.SelectionSet, fn); err != nil {
					return err
				}
			}
		}
		return nil
	}
	visit = func(name string) *Error {
		f, ok := p.fragments[name]
		if !ok {
			return nil // unknown fragments are reported by validation
		}
		switch color[name] {
		case grey:
			return badInput("fragment %q spreads itself (a fragment cycle)", name)
		case black:
			return nil
		}
		color[name] = grey
		if err := spreads(f.SelectionSet, visit); err != nil {
			return err
		}
		color[name] = black
		return nil
	}
	for name := range p.fragments {
		if err := visit(name); err != nil {
			return err
		}
	}

	// Expanded size, depth and aliases, memoised per fragment so that a
	// fragment bomb costs linear time to measure.
	type measure struct{ fields, depth, aliases int }
	memo := map[string]measure{}
	var measureSet func(ss *ast.SelectionSet) measure
	measureSet = func(ss *ast.SelectionSet) measure {
		var m measure
		if ss == nil {
			return m
		}
		for _, s := range ss.Selections {
			var sub measure
			switch s := s.(type) {
			case *ast.Field:
				sub = measureSet(s.SelectionSet)
				sub.fields = satAdd(sub.fields, 1)
				if s.Name == nil || s.Name.Value != "ofType" {
					sub.depth++
				}
				if s.Alias != nil && s.Alias.Value != "" {
					sub.aliases = satAdd(sub.aliases, 1)
				}
			case *ast.InlineFragment:
				sub = measureSet(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Name == nil {
					continue
				}
				f, ok := p.fragments[s.Name.Value]
				if !ok {
					continue
				}
				fm, done := memo[s.Name.Value]
				if !done {
					fm = measureSet(f.SelectionSet)
					memo[s.Name.Value] = fm
				}
				sub = fm
			}
			m.fields = satAdd(m.fields, sub.fields)
			m.aliases = satAdd(m.aliases, sub.aliases)
			m.depth = max(m.depth, sub.depth)
		}
		return m
	}
	var total measure
	for _, op := range p.ops {
		m := measureSet(op.SelectionSet)
		p.depth[op] = m.depth
		if m.depth > a.cfg.MaxDepth {
			return errorf(CodeQueryTooComplex, "the query is nested %d levels deep; at most %d are allowed", m.depth, a.cfg.MaxDepth)
		}
		total.fields = satAdd(total.fields, m.fields)
		total.aliases = satAdd(total.aliases, m.aliases)
	}
	for _, f := range p.fragments {
		m := measureSet(f.SelectionSet)
		total.fields = satAdd(total.fields, m.fields)
		if m.depth > a.cfg.MaxDepth {
			return errorf(CodeQueryTooComplex, "fragment %q is nested %d levels deep; at most %d are allowed", f.Name.Value, m.depth, a.cfg.MaxDepth)
		}
	}
	if total.aliases > a.cfg.MaxAliases {
		return errorf(CodeQueryTooComplex, "the query uses %d aliases; at most %d are allowed", total.aliases, a.cfg.MaxAliases)
	}
	if total.fields > maxFields {
		return errorf(CodeQueryTooComplex, "the query selects %d fields once fragments are expanded; at most %d are allowed", total.fields, maxFields)
	}
	return nil
}

func satAdd(a, b int) int {
	if a > math.MaxInt32-b {
		return math.MaxInt32
	}
	return a + b
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt32/b {
		return math.MaxInt32
	}
	return a * b
}

// operation picks the operation a request names.
func (p *prepared) operation(name string) (*ast.OperationDefinition, *Error) {
	if name == "" {
		if len(p.ops) == 1 {
			return p.ops[0], nil
		}
		return nil, badInput("the document has several operations: give operationName")
	}
	for _, op := range p.ops {
		if op.Name != nil && op.Name.Value == name {
			return op, nil
		}
	}
	return nil, badInput("the document has no operation named %q", name)
}

// Introspection may nest at most this many list fields on one path: the
// full introspection query needs types → fields → args.
const maxIntrospectionLists = 3

// coster estimates the nodes an operation returns: each object counts
// once, multiplied by the sizes of the lists around it, which come from
// first/limit arguments (or their defaults) and an estimate for plain lists.
type coster struct {
	schema *graphql.Schema
	frags  map[string]*ast.FragmentDefinition
	vars   map[string]any
	memo   map[costKey]int
	err    *Error
	// readVars says that the cost read a variable's value.
	readVars bool
}

type costKey struct {
	frag      string
	inherited int
	intro     int
}

// plainListEstimate is the assumed length of a list without first/limit.
const plainListEstimate = 10

func (a *API) cost(p *prepared, op *ast.OperationDefinition, vars map[string]any) (int, *Error) {
	if c, ok := p.costs[op]; ok {
		return c.n, c.err
	}
	n, err, _ := a.measureCost(p, op, vars)
	return n, err
}

// measureCost computes the cost of op with the given variables and
// reports whether it read any of them.
func (a *API) measureCost(p *prepared, op *ast.OperationDefinition, vars map[string]any) (n int, err *Error, readVars bool) {
	var root *graphql.Object
	switch op.Operation {
	case ast.OperationTypeMutation:
		root = a.schema.MutationType()
	case ast.OperationTypeQuery, "":
		root = a.schema.QueryType()
	default:
		return 0, nil, false // execution reports the missing root type
	}
	if root == nil {
		return 0, nil, false
	}
	c := &coster{schema: &a.schema, frags: p.fragments, vars: vars, memo: map[costKey]int{}}
	// Variables given in the request override the defaults of the definitions.
	defaults := map[string]any{}
	for _, vd := range op.VariableDefinitions {
		if vd.Variable != nil && vd.Variable.Name != nil && vd.DefaultValue != nil {
			if iv, ok := vd.DefaultValue.(*ast.IntValue); ok {
				if n, err := strconv.Atoi(iv.Value); err == nil {
					defaults[vd.Variable.Name.Value] = n
				}
			}
		}
	}
	for k, v := range vars {
		defaults[k] = v
	}
	c.vars = defaults
	n = c.set(op.SelectionSet, root, 0, -1)
	return n, c.err, c.readVars
}

// set costs a selection set on the composite type parent. inherited is a
// page size handed down from a connection or subgraph field to its lists;
// intro counts list fields on the path inside introspection (-1 outside).
func (c *coster) set(ss *ast.SelectionSet, parent graphql.Type, inherited, intro int) int {
	if ss == nil || c.err != nil {
		return 0
	}
	total := 0
	for _, s := range ss.Selections {
		switch s := s.(type) {
		case *ast.Field:
			total = satAdd(total, c.field(s, parent, inherited, intro))
		case *ast.InlineFragment:
			t := parent
			if s.TypeCondition != nil && s.TypeCondition.Name != nil {
				if nt := c.schema.Type(s.TypeCondition.Name.Value); nt != nil {
					t = nt
				}
			}
			total = satAdd(total, c.set(s.SelectionSet, t, inherited, intro))
		case *ast.FragmentSpread:
			if s.Name == nil {
				continue
			}
			f, ok := c.frags[s.Name.Value]
			if !ok {
				continue
			}
			key := costKey{s.Name.Value, inherited, intro}
			v, done := c.memo[key]
			if !done {
				t := parent
				if f.TypeCondition != nil && f.TypeCondition.Name != nil {
					if nt := c.schema.Type(f.TypeCondition.Name.Value); nt != nil {
						t = nt
					}
				}
				v = c.set(f.SelectionSet, t, inherited, intro)
				c.memo[key] = v
			}
			total = satAdd(total, v)
		}
	}
	return total
}

func (c *coster) field(f *ast.Field, parent graphql.Type, inherited, intro int) int {
	if f.Name == nil || f.Name.Value == "__typename" {
		return 0
	}
	name := f.Name.Value
	var def *graphql.FieldDefinition
	switch name {
	case "__schema":
		def = graphql.SchemaMetaFieldDef
	case "__type":
		def = graphql.TypeMetaFieldDef
	default:
		switch t := parent.(type) {
		case *graphql.Object:
			def = t.Fields()[name]
		case *graphql.Interface:
			def = t.Fields()[name]
		}
	}
	if def == nil {
		return 0
	}
	isList := false
	base := graphql.Type(def.Type)
	for {
		switch t := base.(type) {
		case *graphql.NonNull:
			base = t.OfType
			continue
		case *graphql.List:
			isList = true
			base = t.OfType
			continue
		}
		break
	}
	switch base.(type) {
	case *graphql.Object, *graphql.Interface, *graphql.Union:
	default:
		return 0 // leaves cost nothing
	}
	if name == "__schema" || name == "__type" || intro >= 0 {
		if intro < 0 {
			intro = 0
		}
		if isList {
			intro++
			if intro > maxIntrospectionLists {
				c.err = errorf(CodeQueryTooComplex, "introspection may nest at most %d lists", maxIntrospectionLists)
				return 0
			}
		}
		c.set(f.SelectionSet, base, 0, intro)
		return 0 // the schema is small and fixed
	}

	size, pass := 1, 0
	if n, ok := c.pageArg(f, def); ok {
		if isList {
			size = n
		} else {
			pass = n
		}
	} else if isList {
		switch {
		case inherited > 0:
			size = inherited
		case name == "nodes":
			size = c.listArgLen(f, "ids")
		case parent == graphql.Type(c.schema.QueryType()) && analyticsListEstimate(name) > 0:
			size = analyticsListEstimate(name)
		default:
			size = plainListEstimate
		}
	}
	return satMul(size, satAdd(1, c.set(f.SelectionSet, base, pass, -1)))
}

// pageArg returns the page size a field asks for with first or limit,
// capped as the resolvers cap it.
func (c *coster) pageArg(f *ast.Field, def *graphql.FieldDefinition) (int, bool) {
	for _, ad := range def.Args {
		if ad.Name() != "first" && ad.Name() != "limit" {
			continue
		}
		n := MaxPage
		if d, ok := ad.DefaultValue.(int); ok {
			n = d
		}
		for _, arg := range f.Arguments {
			if arg.Name == nil || arg.Name.Value != ad.Name() {
				continue
			}
			if v, ok := c.intValue(arg.Value); ok {
				n = v
			}
		}
		return min(max(n, 0), MaxPage), true
	}
	return 0, false
}

func (c *coster) intValue(v ast.Value) (int, bool) {
	switch v := v.(type) {
	case *ast.IntValue:
		n, err := strconv.Atoi(v.Value)
		if err != nil {
			return MaxPage, true
		}
		return n, true
	case *ast.Variable:
		if v.Name == nil {
			return 0, false
		}
		c.readVars = true
		switch x := c.vars[v.Name.Value].(type) {
		case int:
			return x, true
		case float64:
			if x > MaxPage {
				return MaxPage, true
			}
			return int(x), true
		}
	}
	return 0, false
}

func (c *coster) listArgLen(f *ast.Field, name string) int {
	for _, arg := range f.Arguments {
		if arg.Name == nil || arg.Name.Value != name {
			continue
		}
		switch v := arg.Value.(type) {
		case *ast.ListValue:
			return len(v.Values)
		case *ast.Variable:
			c.readVars = true
			if v.Name != nil {
				if l, ok := c.vars[v.Name.Value].([]any); ok {
					return len(l)
				}
			}
		}
		return 1
	}
	return plainListEstimate
}
