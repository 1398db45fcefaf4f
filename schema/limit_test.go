package schema

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

// limitReq sends a GET of path from remote (host:port) through h.
func limitReq(h http.Handler, path, remote string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// checkRefusal checks a refusal's status, Retry-After and GraphQL body.
func checkRefusal(t *testing.T, w *httptest.ResponseRecorder, status int, retryAfter string, code Code) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.Bytes())
	}
	if got := w.Header().Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, mediaJSON) {
		t.Errorf("content type %q", ct)
	}
	var out struct {
		Data   any `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, w.Body.Bytes())
	}
	if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != string(code) || out.Errors[0].Message == "" || out.Data != nil {
		t.Errorf("body %s, want one %s error", w.Body.Bytes(), code)
	}
}

func TestLimitInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	blocking := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/block" {
			entered <- struct{}{}
			<-release
		}
		w.WriteHeader(http.StatusOK)
	})
	h := Limit(blocking, LimitConfig{MaxInFlight: 2, Exempt: []string{"/healthz"}}, zerolog.New(zerolog.NewTestWriter(t)))
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Go(func() { codes[i] = limitReq(h, "/block", fmt.Sprintf("192.0.2.%d:1", i)).Code })
		<-entered
	}
	// Both slots are held: one more is refused at once, whoever sends it.
	checkRefusal(t, limitReq(h, "/graphql", "198.51.100.7:1"), http.StatusServiceUnavailable, "1", CodeOverloaded)
	if w := limitReq(h, "/healthz", "198.51.100.7:1"); w.Code != http.StatusOK {
		t.Errorf("exempt path refused while full: %d", w.Code)
	}
	close(release)
	wg.Wait()
	if !slices.Equal(codes, []int{200, 200}) {
		t.Errorf("held requests answered %v", codes)
	}
	if w := limitReq(h, "/graphql", "198.51.100.7:1"); w.Code != http.StatusOK {
		t.Errorf("after the release: %d", w.Code)
	}
}

func TestLimitRate(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	h := Limit(okHandler, LimitConfig{Rate: 1, Burst: 2, Exempt: []string{"/healthz", "/readyz"}, now: clock.now},
		zerolog.New(zerolog.NewTestWriter(t)))
	const a, b = "192.0.2.1:1000", "192.0.2.2:1000"
	for i := range 2 {
		if w := limitReq(h, "/graphql", a); w.Code != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i, w.Code)
		}
	}
	checkRefusal(t, limitReq(h, "/graphql", a), http.StatusTooManyRequests, "1", CodeRateLimited)
	// Another port of the same address is the same client; another address is not.
	checkRefusal(t, limitReq(h, "/graphql", "192.0.2.1:2000"), http.StatusTooManyRequests, "1", CodeRateLimited)
	if w := limitReq(h, "/graphql", b); w.Code != http.StatusOK {
		t.Errorf("another client: %d", w.Code)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if w := limitReq(h, p, a); w.Code != http.StatusOK {
			t.Errorf("%s rate-limited: %d", p, w.Code)
		}
	}
	clock.add(500 * time.Millisecond)
	checkRefusal(t, limitReq(h, "/graphql", a), http.StatusTooManyRequests, "1", CodeRateLimited)
	clock.add(500 * time.Millisecond)
	if w := limitReq(h, "/graphql", a); w.Code != http.StatusOK {
		t.Errorf("after a second: %d", w.Code)
	}
	checkRefusal(t, limitReq(h, "/graphql", a), http.StatusTooManyRequests, "1", CodeRateLimited)
	// A long pause refills the bucket only up to the burst.
	clock.add(time.Hour)
	for i := range 3 {
		want := http.StatusOK
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if w := limitReq(h, "/graphql", a); w.Code != want {
			t.Errorf("after an hour, request %d: %d, want %d", i, w.Code, want)
		}
	}
}

func TestLimitRetryAfter(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	h := Limit(okHandler, LimitConfig{Rate: 0.1, Burst: 1, now: clock.now}, zerolog.Nop())
	limitReq(h, "/", "192.0.2.1:1")
	checkRefusal(t, limitReq(h, "/", "192.0.2.1:1"), http.StatusTooManyRequests, "10", CodeRateLimited)
	clock.add(7 * time.Second)
	checkRefusal(t, limitReq(h, "/", "192.0.2.1:1"), http.StatusTooManyRequests, "3", CodeRateLimited)
	h = Limit(okHandler, LimitConfig{Rate: 1e-9, Burst: 1, now: clock.now}, zerolog.Nop())
	limitReq(h, "/", "192.0.2.1:1")
	checkRefusal(t, limitReq(h, "/", "192.0.2.1:1"), http.StatusTooManyRequests, "3600", CodeRateLimited)
}

func TestClientKey(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, c := range []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"plain", "192.0.2.1:5555", "", nil, "192.0.2.1"},
		{"forged header without a trusted proxy", "192.0.2.1:5555", "203.0.113.9", nil, "192.0.2.1"},
		{"forged header from an untrusted peer", "192.0.2.1:5555", "203.0.113.9", proxies, "192.0.2.1"},
		{"behind a trusted proxy", "10.1.2.3:5555", "203.0.113.9", proxies, "203.0.113.9"},
		{"client-written entries on the left are ignored", "10.1.2.3:5555", "1.1.1.1, 203.0.113.9", proxies, "203.0.113.9"},
		{"two trusted proxies", "10.1.2.3:5555", "1.1.1.1, 203.0.113.9, 10.9.9.9", proxies, "203.0.113.9"},
		{"trusted proxy without the header", "10.1.2.3:5555", "", proxies, "10.1.2.3"},
		{"garbage in the header", "10.1.2.3:5555", "203.0.113.9, not-an-ip", proxies, "10.1.2.3"},
		{"IPv6 by /64", "[2001:db8:1:2:aaaa::1]:5555", "", nil, "2001:db8:1:2::"},
		{"IPv4-mapped IPv6", "[::ffff:192.0.2.1]:5555", "", nil, "192.0.2.1"},
		{"IPv6 behind a trusted proxy", "[fd00::1]:5555", "2001:db8:1:2:3:4:5:6", proxies, "2001:db8:1:2::"},
		{"unix socket", "@", "203.0.113.9", proxies, "invalid IP"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = c.remote
			if c.xff != "" {
				req.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := clientKey(req, c.trusted).String(); got != c.want {
				t.Errorf("client %s, want %s", got, c.want)
			}
		})
	}
}

// TestLimitForgedForwardedFor: a client cannot escape its bucket by
// writing X-Forwarded-For unless its peer is a trusted proxy.
func TestLimitForgedForwardedFor(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	h := Limit(okHandler, LimitConfig{Rate: 1, Burst: 1, now: clock.now}, zerolog.Nop())
	limitReq(h, "/", "192.0.2.1:1", "X-Forwarded-For", "203.0.113.1")
	if w := limitReq(h, "/", "192.0.2.1:1", "X-Forwarded-For", "203.0.113.2"); w.Code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the limit: %d", w.Code)
	}
	h = Limit(okHandler, LimitConfig{Rate: 1, Burst: 1, now: clock.now, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}}, zerolog.Nop())
	limitReq(h, "/", "192.0.2.1:1", "X-Forwarded-For", "203.0.113.1")
	if w := limitReq(h, "/", "192.0.2.1:1", "X-Forwarded-For", "203.0.113.2"); w.Code != http.StatusOK {
		t.Errorf("two clients behind a trusted proxy share a bucket: %d", w.Code)
	}
	if w := limitReq(h, "/", "192.0.2.1:1", "X-Forwarded-For", "203.0.113.2"); w.Code != http.StatusTooManyRequests {
		t.Errorf("a client behind a trusted proxy escaped the limit: %d", w.Code)
	}
}

// TestLimitClientsBounded: many addresses cost a bounded map, and the
// least recently seen client is the one forgotten.
func TestLimitClientsBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	h := Limit(okHandler, LimitConfig{Rate: 1, Burst: 1, MaxClients: 3, now: clock.now}, zerolog.Nop())
	rates := h.(*limiter).rates
	limitReq(h, "/", "192.0.2.1:1") // the client to keep
	for i := range 1000 {
		limitReq(h, "/", fmt.Sprintf("[2001:db8:%x::1]:1", i))
		limitReq(h, "/", "192.0.2.1:1") // seen again: most recent
		if n := rates.len(); n > 3 {
			t.Fatalf("%d clients tracked, at most 3 allowed", n)
		}
	}
	if w := limitReq(h, "/", "192.0.2.1:1"); w.Code != http.StatusTooManyRequests {
		t.Errorf("a recently seen client was forgotten: %d", w.Code)
	}
	// The first attacker address was evicted long ago: it starts afresh.
	if w := limitReq(h, "/", "[2001:db8:0::1]:1"); w.Code != http.StatusOK {
		t.Errorf("evicted client: %d", w.Code)
	}
}

func TestLimitDisabled(t *testing.T) {
	h := Limit(okHandler, LimitConfig{}, zerolog.Nop())
	for range 1000 {
		if w := limitReq(h, "/graphql", "192.0.2.1:1"); w.Code != http.StatusOK {
			t.Fatalf("zero config limited: %d", w.Code)
		}
	}
}

// TestLimitGraphQLMedia: a refusal speaks the media type the client asked for.
func TestLimitGraphQLMedia(t *testing.T) {
	h := Limit(okHandler, LimitConfig{Rate: 1e-3, Burst: 1}, zerolog.Nop())
	limitReq(h, "/", "192.0.2.1:1")
	w := limitReq(h, "/", "192.0.2.1:1", "Accept", gqlResp)
	if w.Code != http.StatusTooManyRequests || !strings.HasPrefix(w.Header().Get("Content-Type"), gqlResp) {
		t.Errorf("graphql-response refusal: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
}
