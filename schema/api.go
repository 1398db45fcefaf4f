package schema

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/rs/zerolog"

	"github.com/stancegraph/stancegraph/graph"
)

// Seeder applies a seed document (the YAML seed format) as one
// transaction. The seed package implements it; schema declares it so that
// it need not import seed. Errors wrapping graph.ErrInvalid are shown to
// the client word for word.
type Seeder interface {
	ApplySeed(ctx context.Context, yaml string, dryRun bool) (graph.Result, error)
}

// Config configures the API. The zero value of each limit means its safe default.
type Config struct {
	// Logger receives internal errors (once each, with the request id).
	Logger zerolog.Logger
	// Tokens are the bearer tokens allowed to mutate; none makes the
	// server read-only.
	Tokens []string
	// MaxBodyBytes limits a POST body; default 1 MiB.
	MaxBodyBytes int64
	// MaxDepth limits the nesting of fields; default 12.
	MaxDepth int
	// MaxCost limits the estimated nodes returned, computed from the
	// first/limit arguments; default 20000.
	MaxCost int
	// MaxAliases limits aliased fields in one document; default 50.
	MaxAliases int
	// MaxOperations limits operations in one document; default 10.
	MaxOperations int
	// MaxTokens limits lexical tokens in the query, checked before
	// parsing; default 10000.
	MaxTokens int
	// Timeout bounds each request, parsing and resolvers included; the
	// context passed to graph is cancelled when it expires. Default 10s.
	Timeout time.Duration
	// CORSOrigins are the browser origins allowed to call the API; none
	// by default.
	CORSOrigins []string
	// Seeder implements applySeed; nil makes applySeed answer an error.
	Seeder Seeder
	// QueryCacheSize is the number of parsed and validated queries kept;
	// default 1000.
	QueryCacheSize int
}

// Default limits, used where a Config field is zero.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultMaxDepth       = 12
	DefaultMaxCost        = 20000
	DefaultMaxAliases     = 50
	DefaultMaxOperations  = 10
	DefaultMaxTokens      = 10000
	DefaultTimeout        = 10 * time.Second
	DefaultQueryCacheSize = 1000

	// MaxPage is the largest page a connection, search or neighbourhood returns.
	MaxPage = 500
	// maxList caps the plain (non-connection) lists of a node.
	maxList = 500
	// maxFields caps the fields of a document after fragments are expanded,
	// which bounds validation and execution work.
	maxFields = 1000
	// maxNesting caps bracket nesting in the query text, so that the
	// recursive parser cannot exhaust the stack.
	maxNesting = 64
)

func (c *Config) setDefaults() {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxCost <= 0 {
		c.MaxCost = DefaultMaxCost
	}
	if c.MaxAliases <= 0 {
		c.MaxAliases = DefaultMaxAliases
	}
	if c.MaxOperations <= 0 {
		c.MaxOperations = DefaultMaxOperations
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.QueryCacheSize <= 0 {
		c.QueryCacheSize = DefaultQueryCacheSize
	}
}

// API is the GraphQL API over one store: the schema, built once, the query
// cache and the limits. It is safe for concurrent use.
type API struct {
	store  *graph.Store
	cfg    Config
	log    zerolog.Logger
	schema graphql.Schema
	// execSchema is a copy of schema, taken before any validation, for
	// execution only. graphql-go's Schema.IsPossibleType writes a cache
	// into the Schema it is called on; validation calls it on schema, so
	// requests that copy the Schema into ResolveInfo or ExecuteParams copy
	// this one, which nothing writes.
	execSchema graphql.Schema
	// plain holds the fields that only copy a string out of their source
	// (see plainGetter).
	plain  map[plainKey]plainGetter
	cache  *lru
	tokens [][sha256.Size]byte
	cors   map[string]bool
	// shadow, when set, gets every query answered by exec together with
	// graphql.Execute's answer to it; tests set it to compare the two.
	shadow func(query string, fast, slow outcome)
}

// New builds the API and its GraphQL schema.
func New(store *graph.Store, cfg Config) (*API, error) {
	if store == nil {
		return nil, fmt.Errorf("schema: nil store")
	}
	cfg.setDefaults()
	a := &API{
		store: store,
		cfg:   cfg,
		log:   cfg.Logger,
		cache: newLRU(cfg.QueryCacheSize),
		cors:  map[string]bool{},
	}
	for _, t := range cfg.Tokens {
		if t = strings.TrimSpace(t); t != "" {
			a.tokens = append(a.tokens, sha256.Sum256([]byte(t)))
		}
	}
	for _, o := range cfg.CORSOrigins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			a.cors[o] = true
		}
	}
	patchIntrospection()
	s, err := a.buildSchema()
	if err != nil {
		return nil, fmt.Errorf("schema: build: %w", err)
	}
	a.schema, a.execSchema = s, s
	return a, nil
}

// Request is one GraphQL request: the query, the operation to run and the
// variables.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// Do runs one request without HTTP (the CLI's `stancegraph query`) and
// returns the JSON response body. authorized allows mutations.
func (a *API) Do(ctx context.Context, req Request, authorized bool) []byte {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	auth := authNone
	if authorized {
		auth = authOK
	}
	out := a.run(ctx, req, runOptions{auth: auth, method: "POST"})
	return out.body
}

// authState says what the request's credentials allow.
type authState uint8

const (
	authNone     authState = iota // no Authorization header
	authBad                       // a header, but not a valid token
	authReadOnly                  // a header, but the server has no tokens
	authOK                        // a valid token
)

// authorize checks an Authorization header against the configured tokens
// in constant time, comparing with every token.
func (a *API) authorize(header string) authState {
	if header == "" {
		return authNone
	}
	if len(a.tokens) == 0 {
		return authReadOnly
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return authBad
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	match := 0
	for i := range a.tokens {
		match |= subtle.ConstantTimeCompare(sum[:], a.tokens[i][:])
	}
	if match == 1 {
		return authOK
	}
	return authBad
}

// reqState is the per-request state resolvers reach through the context.
type reqState struct {
	id         string
	authorized bool

	mu    sync.Mutex
	nodes map[string]*graph.Node // nodes read in this request; nil entries are misses

	// growStack asks the first root resolver to grow the stack of the
	// execution goroutine; only that goroutine reads and clears it.
	growStack bool
}

type ctxKey struct{}

func withState(ctx context.Context, st *reqState) context.Context {
	return context.WithValue(ctx, ctxKey{}, st)
}

func stateOf(ctx context.Context) *reqState {
	if st, ok := ctx.Value(ctxKey{}).(*reqState); ok {
		return st
	}
	return nil
}
