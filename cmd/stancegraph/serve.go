package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/cmd/stancegraph/explorer"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/schema"
	"github.com/stancegraph/stancegraph/seed"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "[flags]", stderr)
	var db dbFlags
	db.register(fs, true)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (host:port; port 0 picks a free one)")
	var seeds, origins listFlag
	fs.Var(&seeds, "seed", "seed `path` (file or directory) to apply at start; repeatable. Without it an empty database gets the embedded dataset")
	fs.Var(&origins, "cors-origin", "browser `origin` allowed to call the API, e.g. https://example.org; repeatable (none by default)")
	tokensFile := fs.String("tokens-file", "", "`file` of bearer tokens allowed to mutate, one per line (also STANCEGRAPH_TOKENS, comma-separated); none makes the server read-only")
	logFormat := fs.String("log-format", "json", "log `format`: json or console")
	logLevel := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	maxBody := fs.Int64("max-body", schema.DefaultMaxBodyBytes, "largest request body in `bytes`")
	maxDepth := fs.Int("max-depth", schema.DefaultMaxDepth, "deepest field nesting of a query")
	maxCost := fs.Int("max-cost", schema.DefaultMaxCost, "largest estimated number of nodes a query may return")
	timeout := fs.Duration("timeout", schema.DefaultTimeout, "time limit of one request")
	shutdown := fs.Duration("shutdown-timeout", 15*time.Second, "how long to let requests finish on SIGINT/SIGTERM")
	memLimit := memoryLimitFlag(fs, 160)
	var lim limitFlags
	lim.register(fs)
	backups := backupFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := backups.check(); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	limits, err := lim.config()
	if err != nil {
		return err
	}
	setMemoryLimit(*memLimit)
	toks, err := tokens(*tokensFile)
	if err != nil {
		return err
	}

	st, err := db.open(log.With().Str("component", "graph").Logger())
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error().Err(err).Msg("close database")
		}
	}()
	// Seed files are parsed and loaded with the seed command's heap budget:
	// under the server's own limit a big first seed would spend most of
	// its time collecting.
	restoreLimit := raiseMemoryLimit(seed.MemoryLimit)
	err = seedOnStart(ctx, st, seeds, log)
	restoreLimit()
	if err != nil {
		return err
	}
	stopBackups, err := startBackups(ctx, st, *backups, log.With().Str("component", "backup").Logger())
	if err != nil {
		return err
	}
	defer stopBackups() // before the deferred st.Close
	api, err := schema.New(st, schema.Config{
		Logger: log.With().Str("component", "graphql").Logger(), Tokens: toks,
		MaxBodyBytes: *maxBody, MaxDepth: *maxDepth, MaxCost: *maxCost, Timeout: *timeout,
		CORSOrigins: origins, Seeder: seeder{st},
	})
	if err != nil {
		return err
	}
	var ready atomic.Bool
	ready.Store(true)
	srv := &http.Server{
		Handler: schema.AccessLog(log.With().Str("component", "http").Logger(),
			schema.Limit(routes(api, st, &ready, log), limits, log.With().Str("component", "limit").Logger())),
		ReadHeaderTimeout: lim.readHeader, // slow clients cannot hold connections with headers (Slowloris)
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "stancegraph is serving %s (GraphQL at %sgraphql)\n", url, url)
	mode := "read-only (no tokens configured)"
	if len(toks) > 0 {
		mode = fmt.Sprintf("mutations allowed with %d token(s)", len(toks))
	}
	log.Info().Str("url", url).Str("db", dbName(db)).Str("mode", mode).Msg("serving")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	ready.Store(false)
	log.Info().Dur("deadline", *shutdown).Msg("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), *shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn().Err(err).Msg("requests still running at the deadline were cut off")
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info().Msg("stopped")
	return nil
}

// limitFlags are the flags of the load limits.
type limitFlags struct {
	maxInFlight int
	rate        float64
	burst       int
	proxies     listFlag
	readHeader  time.Duration
}

func (l *limitFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&l.maxInFlight, "max-in-flight", schema.DefaultMaxInFlight, "requests served at once; more are refused with 503 (0 = no cap)")
	fs.Float64Var(&l.rate, "rate-limit", schema.DefaultRate, "requests per second allowed to one client address (IPv6: /64); more are refused with 429 (0 = no limit)")
	fs.IntVar(&l.burst, "rate-burst", schema.DefaultRateBurst, "requests one client may send at once before --rate-limit applies")
	fs.Var(&l.proxies, "trusted-proxy", "`CIDR` or address of a reverse proxy whose X-Forwarded-For names the client for --rate-limit; repeatable (none by default)")
	fs.DurationVar(&l.readHeader, "read-header-timeout", 5*time.Second, "time a client has to send the request headers (against Slowloris)")
}

func (l *limitFlags) config() (schema.LimitConfig, error) {
	cfg := schema.LimitConfig{MaxInFlight: l.maxInFlight, Rate: l.rate, Burst: l.burst, Exempt: []string{"/healthz", "/readyz"}}
	switch {
	case l.maxInFlight < 0:
		return cfg, fmt.Errorf("--max-in-flight must not be negative, got %d", l.maxInFlight)
	case l.rate < 0 || math.IsNaN(l.rate) || math.IsInf(l.rate, 0):
		return cfg, fmt.Errorf("--rate-limit must be a number of requests per second, at least 0, got %v", l.rate)
	case l.burst < 0:
		return cfg, fmt.Errorf("--rate-burst must not be negative, got %d", l.burst)
	case l.readHeader <= 0:
		return cfg, fmt.Errorf("--read-header-timeout must be positive, got %v", l.readHeader)
	}
	for _, p := range l.proxies {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return cfg, fmt.Errorf("--trusted-proxy %q: want a CIDR such as 10.0.0.0/8 or an address: %w", p, err)
			}
			pfx = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, pfx.Masked())
	}
	return cfg, nil
}

func dbName(d dbFlags) string {
	if d.inMemory {
		return "in memory"
	}
	return d.dir
}

// routes wires the HTTP endpoints.
func routes(api *schema.API, st *graph.Store, ready *atomic.Bool, log zerolog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.Handle("GET /export/{format}", exportHandler(st, log.With().Str("component", "export").Logger()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		c, err := st.Counts(r.Context())
		if !ready.Load() || err != nil || c.Nodes == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "not ready\n")
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("/", explorer.Handler())
	return mux
}

// memoryLimitFlag registers --memory-limit with a default in MiB.
func memoryLimitFlag(fs *flag.FlagSet, mib int64) *int64 {
	return fs.Int64("memory-limit", mib, "soft limit of the Go heap in `MiB`: the garbage collector works harder near it (0 = none; GOMEMLIMIT overrides)")
}

// raiseMemoryLimit raises a soft heap limit set by --memory-limit to at
// least bytes until the returned function is called. No limit, or one from
// GOMEMLIMIT, is left as it is.
func raiseMemoryLimit(bytes int64) (restore func()) {
	cur := debug.SetMemoryLimit(-1)
	if cur == math.MaxInt64 || cur >= bytes || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetMemoryLimit(bytes)
	return func() { debug.SetMemoryLimit(cur) }
}

// setMemoryLimit sets the soft heap limit in MiB, unless it is 0 or
// GOMEMLIMIT is set.
func setMemoryLimit(mib int64) {
	if mib > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(mib << 20)
	}
}
