// Package schema serves the stancegraph property graph through GraphQL:
// the schema of the public contract (shared/contract/schema.graphql), its
// resolvers over a *graph.Store, and the /graphql HTTP handler.
//
// New builds the schema once; (*API).ServeHTTP serves GET and POST as the
// GraphQL-over-HTTP specification says, and (*API).Do runs a request
// without HTTP. AccessLog wraps any handler with one JSON log line per
// request.
//
// # Request pipeline
//
// Every request goes through the same steps, cheapest first, so that no
// client can make the server do unbounded work:
//
//  1. body size (MaxBodyBytes, 413) and content type (application/json, 415);
//  2. a lexical scan counting tokens (MaxTokens) and bracket nesting, before
//     the recursive parser sees the text;
//  3. parse, then checks on the AST before graphql-go validates it:
//     operation count, fragment cycles (which overflow the stack in the
//     pinned graphql-go's validation), depth (MaxDepth), aliases
//     (MaxAliases) and the size of the document once fragments are
//     expanded; parse and validation run under recover and the deadline,
//     and the result is cached by query text (QueryCacheSize);
//  4. the cost: estimated nodes returned, multiplying list sizes from
//     first/limit arguments (MaxCost);
//  5. authorization for mutations (Tokens, compared in constant time);
//  6. execution under the request Timeout, whose context reaches graph:
//     queries by exec, on the request's goroutine, writing the JSON as it
//     resolves; mutations, introspection and variables graphql-go would
//     refuse by graphql.Execute (see exec.go).
//
// # Errors
//
// Every error carries extensions.code, one of the contract's
// BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, QUERY_TOO_COMPLEX,
// TIMEOUT and INTERNAL, or one this server adds: OVERLOADED (503, too many
// requests in flight) and RATE_LIMITED (429), both from Limit, and
// INSUFFICIENT_STORAGE (a write refused below the disk reserve).
// One boundary ((*API).public and classify) maps errors to codes: graph's
// ErrInvalid becomes BAD_USER_INPUT with its message, ErrNotFound
// NOT_FOUND, ErrNoSpace INSUFFICIENT_STORAGE, a deadline TIMEOUT; anything
// else is logged once and reaches the client as "internal error".
//
// # Responses
//
// Keys come back in query order: exec writes them so, and graphql.Execute's
// maps are encoded by walking the operation's selection sets.
package schema
