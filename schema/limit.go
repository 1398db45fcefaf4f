package schema

import (
	"container/list"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Error codes of the load limits, answered by Limit before a request
// reaches the API.
const (
	// CodeOverloaded: the server has too many requests in flight (503).
	CodeOverloaded Code = "OVERLOADED"
	// CodeRateLimited: the client sent more requests than its rate (429).
	CodeRateLimited Code = "RATE_LIMITED"

	overloadedMessage  = "the server is busy: retry later"
	rateLimitedMessage = "too many requests from this client: retry later"
)

// Default load limits, the defaults of stancegraph serve's flags. They are
// far above what the explorer or a script of researchers sends, and all
// clients behind one proxy or NAT share the per-client rate.
const (
	DefaultMaxInFlight = 64
	DefaultRate        = 100 // requests per second per client
	DefaultRateBurst   = 200
	DefaultMaxClients  = 10000
)

// LimitConfig configures Limit. A zero MaxInFlight or Rate disables that limit.
type LimitConfig struct {
	// MaxInFlight caps the requests being served at once; one more is
	// answered 503 at once rather than queued.
	MaxInFlight int
	// Rate is the sustained requests per second allowed to one client
	// (an IPv4 address or an IPv6 /64); beyond it requests answer 429.
	Rate float64
	// Burst is how many requests a client may send at once; zero means
	// max(1, Rate).
	Burst int
	// MaxClients bounds the clients whose rate is tracked; beyond it the
	// least recently seen is forgotten. Zero means DefaultMaxClients.
	MaxClients int
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For header names the client. The header of any other
	// peer is ignored, since a client can write it freely.
	TrustedProxies []netip.Prefix
	// Exempt are paths that no limit applies to, such as health checks.
	Exempt []string

	now func() time.Time // for tests; nil means time.Now
}

// Limit wraps next with the load limits of cfg: a cap on requests in
// flight (503 OVERLOADED) and a token bucket per client (429
// RATE_LIMITED), both with Retry-After and a GraphQL-shaped error body.
// Rejections are logged at warn level, at most once a second.
func Limit(next http.Handler, cfg LimitConfig, log zerolog.Logger) http.Handler {
	l := &limiter{
		next:   next,
		cfg:    cfg,
		log:    log.Sample(&zerolog.BurstSampler{Burst: 1, Period: time.Second}),
		exempt: map[string]bool{},
	}
	for _, p := range cfg.Exempt {
		l.exempt[p] = true
	}
	if cfg.MaxInFlight > 0 {
		l.slots = make(chan struct{}, cfg.MaxInFlight)
	}
	if cfg.Rate > 0 {
		burst := float64(cfg.Burst)
		if burst <= 0 {
			burst = max(1, cfg.Rate)
		}
		maxClients := cfg.MaxClients
		if maxClients <= 0 {
			maxClients = DefaultMaxClients
		}
		now := cfg.now
		if now == nil {
			now = time.Now
		}
		l.rates = &clients{rate: cfg.Rate, burst: burst, max: maxClients, now: now,
			byKey: map[netip.Addr]*list.Element{}, lru: list.New()}
	}
	return l
}

type limiter struct {
	next   http.Handler
	cfg    LimitConfig
	log    zerolog.Logger
	exempt map[string]bool
	slots  chan struct{} // nil: no cap
	rates  *clients      // nil: no rate limit
}

func (l *limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if l.exempt[r.URL.Path] {
		l.next.ServeHTTP(w, r)
		return
	}
	if l.rates != nil {
		key := clientKey(r, l.cfg.TrustedProxies)
		if wait, ok := l.rates.allow(key); !ok {
			l.log.Warn().Str("client", key.String()).Msg("rate limit exceeded")
			refuse(w, r, http.StatusTooManyRequests, wait, &Error{Code: CodeRateLimited, Message: rateLimitedMessage})
			return
		}
	}
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
			defer func() { <-l.slots }()
		default:
			l.log.Warn().Int("max_in_flight", cap(l.slots)).Msg("too many requests in flight")
			refuse(w, r, http.StatusServiceUnavailable, time.Second, &Error{Code: CodeOverloaded, Message: overloadedMessage})
			return
		}
	}
	l.next.ServeHTTP(w, r)
}

// refuse answers a request the limits turned away.
func refuse(w http.ResponseWriter, r *http.Request, status int, wait time.Duration, e *Error) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		media = mediaJSON
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	writeBody(w, r, status, media, oneError(status, status, e).body)
}

// clientKey names the client of r for the rate limit: its IP address, or
// the /64 network of an IPv6 address, since one host commonly holds a
// whole /64. Behind a trusted proxy it is the nearest untrusted address
// of X-Forwarded-For.
func clientKey(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseIP(r.RemoteAddr)
	if isTrusted(addr, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		// Entries are appended by each proxy: read from the right and stop
		// at the first hop that no trusted proxy vouches for.
		for i := len(hops) - 1; i >= 0 && isTrusted(addr, trusted); i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = a.Unmap()
		}
	}
	if addr.Is6() {
		if p, err := addr.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return addr
}

// parseIP reads the address of a host:port; anything else (a Unix socket)
// gives the zero address, one shared client.
func parseIP(hostport string) netip.Addr {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clients holds a token bucket per client, at most max of them, the least
// recently seen forgotten first: an attacker with many addresses costs a
// bounded map, and a forgotten client only regains a full burst.
type clients struct {
	rate, burst float64
	max         int
	now         func() time.Time

	mu    sync.Mutex
	byKey map[netip.Addr]*list.Element // of *bucket
	lru   *list.List                   // most recently seen first
}

// maxWait caps Retry-After, in seconds, for tiny rates.
const maxWait = 3600

type bucket struct {
	key    netip.Addr
	tokens float64
	last   time.Time
}

// allow takes a token from key's bucket, or reports how long until one
// is there.
func (c *clients) allow(key netip.Addr) (time.Duration, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	var b *bucket
	if e, ok := c.byKey[key]; ok {
		c.lru.MoveToFront(e)
		b = e.Value.(*bucket)
		b.tokens = min(c.burst, b.tokens+now.Sub(b.last).Seconds()*c.rate)
		b.last = now
	} else {
		if c.lru.Len() >= c.max {
			old := c.lru.Back()
			c.lru.Remove(old)
			delete(c.byKey, old.Value.(*bucket).key)
		}
		b = &bucket{key: key, tokens: c.burst, last: now}
		c.byKey[key] = c.lru.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration(min((1-b.tokens)/c.rate, maxWait) * float64(time.Second)), false
}

// len returns the number of clients tracked.
func (c *clients) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
