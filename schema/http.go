package schema

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
)

// Response media types of the GraphQL-over-HTTP specification.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// ServeHTTP is the /graphql endpoint: GET for queries and POST with
// application/json for everything, per the GraphQL-over-HTTP specification.
//
// Status codes: with Accept: application/graphql-response+json, request
// errors (malformed, invalid, too complex) answer 400 and executed
// requests 200; with application/json every well-formed request answers
// 200. In both, a body over the limit answers 413, a wrong content type
// 415, a mutation over GET or another method 405, a missing or wrong token
// 401, a mutation on a read-only server 403, a malformed body 400.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	info := infoOf(r.Context())
	reqID := ""
	if info != nil {
		reqID = info.ID
	}
	media := mediaJSON
	written := false
	send := func(status int, body []byte) {
		written = true
		writeBody(w, r, status, media, body)
	}
	defer func() {
		if rec := recover(); rec != nil {
			if rec == http.ErrAbortHandler {
				panic(rec)
			}
			a.internal(withState(r.Context(), &reqState{id: reqID}), fmt.Errorf("panic serving /graphql: %v\n%s", rec, debug.Stack()))
			if !written {
				out := oneError(http.StatusInternalServerError, http.StatusInternalServerError, &Error{Code: CodeInternal, Message: internalMessage})
				send(http.StatusInternalServerError, out.body)
			}
		}
	}()

	if a.handleCORS(w, r) {
		return
	}
	var ok bool
	media, ok = negotiate(r.Header.Get("Accept"))
	if !ok {
		media = mediaJSON
		send(http.StatusNotAcceptable, oneError(0, 0, badInput("the server answers only %s or %s", mediaGraphQLResponse, mediaJSON)).body)
		return
	}
	reply := func(out outcome) {
		if info != nil {
			info.Operation, info.Cost = out.op, out.cost
		}
		if out.allow != "" {
			w.Header().Set("Allow", out.allow)
		}
		if out.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="stancegraph"`)
		}
		status := out.legacyStatus
		if media == mediaGraphQLResponse {
			status = out.status
		}
		send(status, out.body)
	}
	fail := func(status int, e *Error) { reply(oneError(status, status, e)) }

	var req Request
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		var err *Error
		if req, err = requestFromQuery(r); err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
	case http.MethodPost:
		if ct := r.Header.Get("Content-Type"); ct != mediaJSON { // the usual header needs no parsing
			ct, params, err := mime.ParseMediaType(ct)
			if err != nil || ct != mediaJSON {
				fail(http.StatusUnsupportedMediaType, badInput("POST bodies must be %s", mediaJSON))
				return
			}
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
				fail(http.StatusUnsupportedMediaType, badInput("the body must be UTF-8"))
				return
			}
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				fail(http.StatusRequestEntityTooLarge, badInput("the body is larger than %d bytes", a.cfg.MaxBodyBytes))
				return
			}
			fail(http.StatusBadRequest, badInput("the body could not be read"))
			return
		}
		var perr *Error
		if req, perr = decodeBody(body); perr != nil {
			fail(http.StatusBadRequest, perr)
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		fail(http.StatusMethodNotAllowed, badInput("method %s is not allowed: use GET or POST", r.Method))
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.Timeout)
	defer cancel()
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	reply(a.run(ctx, req, runOptions{auth: a.authorize(r.Header.Get("Authorization")), method: method, reqID: reqID}))
}

// negotiate picks the response media type from an Accept header: the
// GraphQL response type when the client accepts it at least as much as
// plain JSON, JSON for a missing header or a wildcard.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		if q <= 0 {
			continue
		}
		var cand string
		switch mt {
		case mediaGraphQLResponse:
			cand = mediaGraphQLResponse
		case mediaJSON, "application/*", "*/*":
			cand = mediaJSON
		default:
			continue
		}
		if q > bestQ || q == bestQ && cand == mediaGraphQLResponse {
			best, bestQ = cand, q
		}
	}
	return best, best != ""
}

func requestFromQuery(r *http.Request) (Request, *Error) {
	v := r.URL.Query()
	req := Request{Query: v.Get("query"), OperationName: v.Get("operationName")}
	if s := v.Get("variables"); s != "" {
		if !utf8.ValidString(s) {
			return req, badInput("variables must be valid UTF-8")
		}
		if err := json.Unmarshal([]byte(s), &req.Variables); err != nil {
			return req, badInput("variables must be a JSON object")
		}
	}
	return req, nil
}

// decodeBody reads a GraphQL-over-HTTP JSON body strictly: one object,
// query a string, operationName a string or null, variables an object or null.
func decodeBody(body []byte) (Request, *Error) {
	var req Request
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return req, badInput("the body is empty")
	}
	if trimmed[0] == '[' {
		return req, badInput("batched requests are not supported: send one request object")
	}
	if trimmed[0] != '{' {
		return req, badInput("the body must be a JSON object")
	}
	if req, ok := simpleBody(trimmed); ok {
		return req, nil
	}
	return decodeJSON(body)
}

// decodeJSON is decodeBody's general path, for a body that starts with {.
func decodeJSON(body []byte) (Request, *Error) {
	var req Request
	// encoding/json would replace invalid bytes with U+FFFD, so that the
	// query run would not be the one sent.
	if !utf8.Valid(body) {
		return req, badInput("the body is not valid UTF-8")
	}
	var raw struct {
		Query         json.RawMessage `json:"query"`
		OperationName json.RawMessage `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
	}
	// A body that is exactly one JSON value decodes the same either way;
	// the decoder is only for telling what is wrong with the others.
	if json.Unmarshal(body, &raw) != nil {
		raw.Query, raw.OperationName, raw.Variables = nil, nil, nil
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&raw); err != nil {
			return req, badInput("the body is not valid JSON")
		}
		if dec.More() {
			return req, badInput("the body holds more than one JSON value")
		}
	}
	if len(raw.Query) == 0 || string(raw.Query) == "null" {
		return req, badInput("the request has no query")
	}
	if q, ok := plainString(raw.Query); ok {
		req.Query = q
	} else if err := json.Unmarshal(raw.Query, &req.Query); err != nil {
		return req, badInput("query must be a string")
	}
	if len(raw.OperationName) > 0 && string(raw.OperationName) != "null" {
		if err := json.Unmarshal(raw.OperationName, &req.OperationName); err != nil {
			return req, badInput("operationName must be a string")
		}
	}
	if len(raw.Variables) > 0 && string(raw.Variables) != "null" {
		if err := json.Unmarshal(raw.Variables, &req.Variables); err != nil || req.Variables == nil {
			return req, badInput("variables must be a JSON object")
		}
	}
	return req, nil
}

// simpleBody reads the usual body without encoding/json: an object with
// "query", perhaps "operationName" and perhaps "variables", each at most
// once; the query a string, the operation name a string or null, the
// variables null or an object of strings, numbers, booleans and nulls, as
// encoding/json would decode them. Strings hold no \u escapes. Anything
// else (variables that nest, say, or a body that is not UTF-8) is left to
// decodeBody's general path.
func simpleBody(b []byte) (req Request, ok bool) {
	if !utf8.Valid(b) {
		return Request{}, false
	}
	sc := bodyScanner{b: b}
	if !sc.take('{') {
		return Request{}, false
	}
	var seenQuery, seenOp, seenVars bool
	for {
		key, ok := sc.str()
		if !ok || !sc.take(':') {
			return Request{}, false
		}
		switch {
		case key == "query" && !seenQuery:
			seenQuery = true
			if req.Query, ok = sc.str(); !ok {
				return Request{}, false
			}
		case key == "operationName" && !seenOp:
			seenOp = true
			if !sc.word("null") {
				if req.OperationName, ok = sc.str(); !ok {
					return Request{}, false
				}
			}
		case key == "variables" && !seenVars:
			seenVars = true
			if !sc.word("null") {
				if req.Variables, ok = sc.object(); !ok {
					return Request{}, false
				}
			}
		default:
			return Request{}, false
		}
		if sc.take(',') {
			continue
		}
		if sc.take('}') && sc.end() {
			return req, seenQuery
		}
		return Request{}, false
	}
}

// bodyScanner reads JSON for simpleBody. Each method skips the white
// space before what it reads and reports whether it was there.
type bodyScanner struct {
	b []byte
	i int
}

func (s *bodyScanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// end reports whether only white space is left.
func (s *bodyScanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// take reads the byte c.
func (s *bodyScanner) take(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// word reads a literal: null, true or false.
func (s *bodyScanner) word(w string) bool {
	s.ws()
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

// str reads a string without \u escapes and returns it decoded.
func (s *bodyScanner) str() (string, bool) {
	s.ws()
	b := s.b
	if s.i >= len(b) || b[s.i] != '"' {
		return "", false
	}
	var esc []byte // the decoded text, once there is an escape
	start := s.i + 1
	for j := start; j < len(b); j++ {
		c := b[j]
		switch {
		case c == '"':
			s.i = j + 1
			if esc == nil {
				return string(b[start:j]), true
			}
			return string(append(esc, b[start:j]...)), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if j+1 >= len(b) {
				return "", false
			}
			var d byte
			switch b[j+1] {
			case '"', '\\', '/':
				d = b[j+1]
			case 'b':
				d = '\b'
			case 'f':
				d = '\f'
			case 'n':
				d = '\n'
			case 'r':
				d = '\r'
			case 't':
				d = '\t'
			default: // \u and invalid escapes
				return "", false
			}
			esc = append(append(esc, b[start:j]...), d)
			j++
			start = j + 1
		}
	}
	return "", false
}

// object reads an object whose values are strings, numbers, booleans or
// nulls. A key given twice keeps its last value, as in encoding/json.
func (s *bodyScanner) object() (map[string]any, bool) {
	if !s.take('{') {
		return nil, false
	}
	m := map[string]any{}
	if s.take('}') {
		return m, true
	}
	for {
		key, ok := s.str()
		if !ok || !s.take(':') {
			return nil, false
		}
		if m[key], ok = s.scalar(); !ok {
			return nil, false
		}
		if s.take(',') {
			continue
		}
		return m, s.take('}')
	}
}

// scalar reads a string, a number (as a float64), true, false or null.
func (s *bodyScanner) scalar() (any, bool) {
	s.ws()
	if s.i >= len(s.b) {
		return nil, false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	case s.word("null"):
		return nil, true
	case s.word("true"):
		return true, true
	case s.word("false"):
		return false, true
	}
	return nil, false
}

// number reads a number in JSON's grammar, as encoding/json decodes it
// into an interface: a float64, refused when out of range.
func (s *bodyScanner) number() (any, bool) {
	b, i := s.b, s.i
	digits := func() bool {
		from := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > from
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(string(b[s.i:i]), 64)
	if err != nil {
		return nil, false
	}
	s.i = i
	return f, true
}

// plainString decodes a JSON string literal without escapes, control
// characters or non-ASCII bytes, the usual form of a query, as
// encoding/json would.
func plainString(lit []byte) (string, bool) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", false
	}
	lit = lit[1 : len(lit)-1]
	for _, c := range lit {
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return "", false
		}
	}
	return string(lit), true
}

// handleCORS sets CORS headers for allowed origins and answers preflight
// requests; it reports whether the request has been answered. Mutations
// cannot come through CORS-simple requests: those carry text/plain or form
// bodies, which ServeHTTP refuses with 415, or use GET, which refuses
// mutations with 405.
func (a *API) handleCORS(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	allowed := origin != "" && a.cors[origin]
	if allowed {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	if r.Method != http.MethodOptions {
		return false
	}
	h := w.Header()
	h.Set("Allow", "GET, POST, OPTIONS")
	if allowed && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, Accept")
		h.Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}

// RequestInfo is what the access log records about a request; ServeHTTP
// fills in the operation and its cost.
type RequestInfo struct {
	ID        string
	Operation string
	Cost      int
}

type infoKey struct{}

func infoOf(ctx context.Context) *RequestInfo {
	i, _ := ctx.Value(infoKey{}).(*RequestInfo)
	return i
}

// AccessLog wraps a handler to write one JSON line per request: request
// id, method, path, status, duration, bytes, operation name and cost. It
// sets X-Request-Id. Query strings and headers (tokens) are never logged.
func AccessLog(logger zerolog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &RequestInfo{ID: newRequestID()}
		w.Header().Set("X-Request-Id", info.ID)
		rw := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			ev := logger.Info()
			if rw.status >= 500 {
				ev = logger.Error()
			}
			ev.Str("request_id", info.ID).
				Str("method", r.Method).
				Str("path", r.URL.Path).
				Int("status", rw.status).
				Dur("duration", time.Since(start)).
				Int64("bytes", rw.bytes).
				Str("operation", info.Operation).
				Int("cost", info.Cost).
				Msg("request")
		}()
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
	})
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recorder remembers the status and counts the bytes written.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// writeBody sends a complete GraphQL response body of the given media
// type, uncached; HEAD gets the headers only.
func writeBody(w http.ResponseWriter, r *http.Request, status int, media string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", media+"; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
