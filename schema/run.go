package schema

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/stancegraph/stancegraph/graph"
)

// runOptions carries what the transport knows about a request.
type runOptions struct {
	auth   authState
	method string // GET refuses everything but queries
	reqID  string
}

// outcome is a finished request: the body and the status codes for each
// response media type.
type outcome struct {
	body []byte
	// status is for application/graphql-response+json: 4xx for request
	// errors, 200 once execution started.
	status int
	// legacyStatus is for application/json, which answers 200 to every
	// well-formed request.
	legacyStatus int
	op           string
	cost         int
	allow        string // Allow header for 405
	codes        []Code // error codes, for tests and logs
}

// requestError is an outcome without data: the request failed before
// execution.
func requestError(status, legacyStatus int, errs ...outError) outcome {
	var w jsonWriter
	w.response(errs, nil)
	out := outcome{body: w.bytes(), status: status, legacyStatus: legacyStatus}
	for _, e := range errs {
		out.codes = append(out.codes, e.Code)
	}
	return out
}

func oneError(status, legacyStatus int, e *Error) outcome {
	return requestError(status, legacyStatus, outError{Code: e.Code, Message: e.Message})
}

// run executes one request end to end: checks, cache, cost, authorization,
// execution and ordered encoding.
func (a *API) run(ctx context.Context, req Request, o runOptions) outcome {
	st := &reqState{id: o.reqID, authorized: o.auth == authOK, nodes: map[string]*graph.Node{}}
	ctx = withState(ctx, st)

	if strings.TrimSpace(req.Query) == "" {
		return oneError(http.StatusBadRequest, http.StatusBadRequest, badInput("the request has no query"))
	}
	p, errs := a.prepare(ctx, req.Query)
	if errs != nil {
		if errs[0].Code == CodeTimeout {
			return requestError(http.StatusServiceUnavailable, http.StatusOK, errs...)
		}
		return requestError(http.StatusBadRequest, http.StatusOK, errs...)
	}
	op, perr := p.operation(req.OperationName)
	if perr != nil {
		return oneError(http.StatusBadRequest, http.StatusOK, perr)
	}
	opName := ""
	if op.Name != nil {
		opName = op.Name.Value
	}
	kind := op.Operation
	if kind == "" {
		kind = ast.OperationTypeQuery
	}
	if o.method == http.MethodGet && kind != ast.OperationTypeQuery {
		out := oneError(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed,
			badInput("a %s is not allowed over GET: use POST", kind))
		out.allow, out.op = http.MethodPost, opName
		return out
	}
	cost, cerr := a.cost(p, op, req.Variables)
	if cerr == nil && cost > a.cfg.MaxCost {
		cerr = errorf(CodeQueryTooComplex, "the query would return an estimated %d nodes; at most %d are allowed", cost, a.cfg.MaxCost)
	}
	if cerr != nil {
		out := oneError(http.StatusBadRequest, http.StatusOK, cerr)
		out.op, out.cost = opName, cost
		return out
	}
	switch kind {
	case ast.OperationTypeMutation:
		var out outcome
		switch o.auth {
		case authNone, authBad:
			out = oneError(http.StatusUnauthorized, http.StatusUnauthorized, &Error{Code: CodeUnauthenticated, Message: unauthenticatedMessage})
		case authReadOnly:
			out = oneError(http.StatusForbidden, http.StatusForbidden, &Error{Code: CodeForbidden, Message: forbiddenMessage})
		}
		if out.body != nil {
			out.op, out.cost = opName, cost
			return out
		}
	case ast.OperationTypeQuery:
	default:
		return oneError(http.StatusBadRequest, http.StatusOK, badInput("%s operations are not supported", kind))
	}

	st.growStack = p.depth[op] >= growStackDepth
	if kind == ast.OperationTypeQuery {
		if data, errs, ok := a.exec(ctx, p, op, req.Variables); ok {
			var out outcome
			if ctx.Err() != nil {
				// What graphql.Execute answers when the deadline passes.
				out = a.encodeResult(ctx, p, op, &graphql.Result{Errors: []gqlerrors.FormattedError{gqlerrors.FormatError(ctx.Err())}})
			} else {
				out = a.encodeFields(ctx, errs, string(data) == "null", func(w *jsonWriter) { w.buf = append(w.buf, data...) })
			}
			out.op, out.cost = opName, cost
			if a.shadow != nil {
				a.shadowRun(ctx, req, p, op, out)
			}
			return out
		}
	}
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        a.execSchema,
		AST:           p.doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       ctx,
	})
	out := a.encodeResult(ctx, p, op, res)
	out.op, out.cost = opName, cost
	return out
}

// growStackDepth is the nesting from which execution grows its stack at
// the start rather than step by step (see growStack).
const growStackDepth = 4

// encodeResult writes an execution result of graphql.Execute with the
// data's keys in query order and every error mapped through the boundary.
func (a *API) encodeResult(ctx context.Context, p *prepared, op *ast.OperationDefinition, res *graphql.Result) outcome {
	data, _ := res.Data.(map[string]any)
	return a.encodeFields(ctx, res.Errors, res.Data == nil, func(w *jsonWriter) {
		if data == nil || op == nil {
			w.buf = append(w.buf, "null"...)
		} else {
			w.object(data, op.SelectionSet.Selections, p.fragments)
		}
	})
}

// encodeFields writes the result of an execution: its field errors mapped
// through the boundary, and its data, written by data. noData says that
// execution gave no data at all.
func (a *API) encodeFields(ctx context.Context, fes []gqlerrors.FormattedError, noData bool, data func(w *jsonWriter)) outcome {
	errs := make([]outError, 0, len(fes))
	requestLevel := noData && len(fes) > 0
	timedOut := ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)
	for _, fe := range fes {
		e := a.classify(ctx, fe)
		if len(fe.Path) > 0 || e.Code == CodeTimeout {
			requestLevel = false
		}
		errs = append(errs, e)
	}
	codes := make([]Code, len(errs))
	for i, e := range errs {
		codes[i] = e.Code
	}
	if timedOut && noData && len(errs) == 0 {
		errs = append(errs, outError{Code: CodeTimeout, Message: timeoutMessage})
	}
	if requestLevel {
		return requestError(http.StatusBadRequest, http.StatusOK, errs...)
	}
	var w jsonWriter
	w.response(errs, data)
	return outcome{body: w.bytes(), status: http.StatusOK, legacyStatus: http.StatusOK, codes: codes}
}

// shadowRun runs a query exec answered through graphql.Execute too, with
// a request state of its own, and hands both outcomes to a.shadow, unless
// the request's deadline passed: each executor then reports the timeout
// where it first notices it (the whole request, or the field it was
// resolving), which depends on timing, not on the executor.
func (a *API) shadowRun(ctx context.Context, req Request, p *prepared, op *ast.OperationDefinition, fast outcome) {
	old := stateOf(ctx)
	ctx = withState(ctx, &reqState{id: old.id, authorized: old.authorized, nodes: map[string]*graph.Node{},
		growStack: p.depth[op] >= growStackDepth})
	res := graphql.Execute(graphql.ExecuteParams{
		Schema: a.execSchema, AST: p.doc, OperationName: req.OperationName, Args: req.Variables, Context: ctx,
	})
	if ctx.Err() != nil {
		return
	}
	slow := a.encodeResult(ctx, p, op, res)
	slow.op, slow.cost = fast.op, fast.cost
	a.shadow(req.Query, fast, slow)
}
