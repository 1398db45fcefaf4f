package schema

import (
	"context"
	"errors"
	"fmt"

	"github.com/graphql-go/graphql/gqlerrors"

	"github.com/stancegraph/stancegraph/graph"
)

// Code is the value of an error's extensions.code.
type Code string

// The error codes of the contract.
const (
	CodeBadUserInput    Code = "BAD_USER_INPUT"
	CodeNotFound        Code = "NOT_FOUND"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeQueryTooComplex Code = "QUERY_TOO_COMPLEX"
	CodeTimeout         Code = "TIMEOUT"
	CodeInternal        Code = "INTERNAL"
)

// CodeInsufficientStorage, added by this server: the disk is below its
// free-space reserve, so writes are refused until an operator makes room.
const CodeInsufficientStorage Code = "INSUFFICIENT_STORAGE"

// Public messages.
const (
	internalMessage        = "internal error"
	timeoutMessage         = "the request took longer than the server allows"
	unauthenticatedMessage = "mutations need a valid Authorization: Bearer <token> header"
	forbiddenMessage       = "this server is read-only: no mutation tokens are configured"
	noSpaceMessage         = "the server is low on disk space and accepts no writes for now; reads still work"
)

// Error is an error whose message is safe to show to clients, with its
// extensions.code. graphql-go finds the extensions by type assertion, so
// resolvers return *Error itself.
type Error struct {
	Code    Code
	Message string
}

// Error returns the public message.
func (e *Error) Error() string { return e.Message }

// Extensions returns {"code": ...} for the GraphQL response.
func (e *Error) Extensions() map[string]any { return map[string]any{"code": string(e.Code)} }

var _ gqlerrors.ExtendedError = (*Error)(nil)

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func badInput(format string, args ...any) *Error { return errorf(CodeBadUserInput, format, args...) }

// public is the one error boundary: it maps any error to a public *Error
// and logs internal errors, once, with their real text.
func (a *API) public(ctx context.Context, err error) *Error {
	var pe *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Error{Code: CodeTimeout, Message: timeoutMessage}
	case errors.Is(err, graph.ErrInvalid), errors.Is(err, graph.ErrHasEdges):
		return &Error{Code: CodeBadUserInput, Message: err.Error()}
	case errors.Is(err, graph.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: err.Error()}
	case errors.Is(err, graph.ErrNoSpace):
		a.internal(ctx, err) // the operator needs the details; the client gets none
		return &Error{Code: CodeInsufficientStorage, Message: noSpaceMessage}
	}
	return a.internal(ctx, err)
}

// internal logs err and returns the opaque public INTERNAL error.
func (a *API) internal(ctx context.Context, err error) *Error {
	ev := a.log.Error().Err(err)
	if st := stateOf(ctx); st != nil {
		ev = ev.Str("request_id", st.id)
	}
	ev.Msg("graphql internal error")
	return &Error{Code: CodeInternal, Message: internalMessage}
}

// outError is one entry of a response's errors list.
type outError struct {
	Message   string
	Code      Code
	Locations [][2]int // line, column
	Path      []any
}

// classify maps an error from graphql-go's result to its public form.
// Errors without a path come from building the execution (variables,
// operation selection) and are the client's; errors with a path that no
// resolver produced (null in a non-null field) are internal.
func (a *API) classify(ctx context.Context, fe gqlerrors.FormattedError) outError {
	out := outError{Path: fe.Path}
	for _, l := range fe.Locations {
		out.Locations = append(out.Locations, [2]int{l.Line, l.Column})
	}
	orig := unwrapGQL(fe)
	var pe *Error
	switch {
	case orig != nil && errors.As(orig, &pe):
		out.Code, out.Message = pe.Code, pe.Message
	case orig != nil && (errors.Is(orig, context.DeadlineExceeded) || errors.Is(orig, context.Canceled)):
		out.Code, out.Message = CodeTimeout, timeoutMessage
		out.Locations, out.Path = nil, nil
	case len(fe.Path) == 0:
		out.Code, out.Message = CodeBadUserInput, fe.Message
	default:
		pe := a.internal(ctx, fmt.Errorf("%s (path %v)", fe.Message, fe.Path))
		out.Code, out.Message = pe.Code, pe.Message
	}
	return out
}

// unwrapGQL digs the original error out of graphql-go's wrappers.
func unwrapGQL(err error) error {
	for i := 0; i < 8 && err != nil; i++ {
		switch e := err.(type) {
		case gqlerrors.FormattedError:
			err = e.OriginalError()
		case *gqlerrors.Error:
			if e.OriginalError == nil {
				return e
			}
			err = e.OriginalError
		case gqlerrors.Error:
			if e.OriginalError == nil {
				return e
			}
			err = e.OriginalError
		default:
			return err
		}
	}
	return err
}
