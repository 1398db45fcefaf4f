package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// dialRaw opens a raw TCP connection to the server at url (http://host:port/).
func dialRaw(t *testing.T, url string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// queryStatus sends a normal query and returns the status and the error code, if any.
func queryStatus(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Post(url+"graphql", "application/json", strings.NewReader(`{"query":"{ stats { nodes } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Errors []struct {
			Extensions struct{ Code string } `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	code := ""
	if len(out.Errors) > 0 {
		code = out.Errors[0].Extensions.Code
	}
	return res.StatusCode, code, res.Header
}

// TestServeSlowClients: a Slowloris client, trickling header lines, is cut
// off by --read-header-timeout while normal requests are served; a client
// trickling a body holds one in-flight slot, so with --max-in-flight 1
// others are refused with 503 until it goes away.
func TestServeSlowClients(t *testing.T) {
	url, stop := startServer(t, "--read-header-timeout", "200ms", "--max-in-flight", "1")
	defer stop()

	const slow = 3
	done := make(chan struct{})
	var wg sync.WaitGroup
	conns := make([]net.Conn, slow)
	for i := range conns {
		c := dialRaw(t, url)
		conns[i] = c
		if _, err := io.WriteString(c, "GET /graphql HTTP/1.1\r\nHost: stancegraph\r\n"); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				if _, err := fmt.Fprintf(c, "X-Slow-%d: x\r\n", n); err != nil {
					return // the server hung up
				}
			}
		})
	}
	defer func() { close(done); wg.Wait() }()

	// While they trickle, the server answers others.
	if status, code, _ := queryStatus(t, url); status != http.StatusOK || code != "" {
		t.Errorf("normal request beside slow clients: %d %s", status, code)
	}
	for i, c := range conns {
		// Far beyond the 200ms the server allows, but bounded, to fail
		// rather than hang if the server kept the connection.
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(c)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("slow connection %d still open after 10s (read %q)", i, b)
		}
		if strings.Contains(string(b), "200 OK") {
			t.Errorf("slow connection %d was served: %q", i, b)
		}
	}

	// A slow body: the headers arrive, the handler runs and waits for the
	// rest of the body, holding the only slot.
	slowBody := func() net.Conn {
		c := dialRaw(t, url)
		if _, err := io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: stancegraph\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\":"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	body := slowBody()
	untilTrue(t, "503 while a slow body holds the only slot", func() bool {
		// The slow body may have reached the server while a poll held the
		// slot, and been refused with its own 503: then it comes again.
		_ = body.SetReadDeadline(time.Now().Add(time.Millisecond))
		if n, err := body.Read(make([]byte, 1)); n > 0 || errors.Is(err, io.EOF) {
			body.Close()
			body = slowBody()
			return false
		}
		status, code, h := queryStatus(t, url)
		if status == http.StatusServiceUnavailable {
			if code != "OVERLOADED" || h.Get("Retry-After") != "1" {
				t.Errorf("over the cap: code %q Retry-After %q", code, h.Get("Retry-After"))
			}
			return true
		}
		return false
	})
	for _, p := range []string{"healthz", "readyz"} {
		if res, err := http.Get(url + p); err != nil || res.StatusCode != http.StatusOK {
			t.Errorf("/%s while the slot is held: %v %v", p, res, err)
		} else {
			res.Body.Close()
		}
	}
	body.Close()
	untilTrue(t, "200 once the slow body is gone", func() bool {
		status, _, _ := queryStatus(t, url)
		return status == http.StatusOK
	})
}

// untilTrue polls cond until it holds, failing after a bound far above the
// milliseconds it needs.
func untilTrue(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("no %s within 10s", what)
}

// TestServeRateLimit: --rate-limit and --rate-burst take effect per client
// and spare the health checks.
func TestServeRateLimit(t *testing.T) {
	url, stop := startServer(t, "--rate-limit", "0.01", "--rate-burst", "1")
	defer stop()
	if status, code, _ := queryStatus(t, url); status != http.StatusOK || code != "" {
		t.Fatalf("first request: %d %s", status, code)
	}
	status, code, h := queryStatus(t, url)
	if status != http.StatusTooManyRequests || code != "RATE_LIMITED" || h.Get("Retry-After") == "" {
		t.Errorf("second request: %d %s Retry-After %q", status, code, h.Get("Retry-After"))
	}
	for _, p := range []string{"healthz", "readyz"} {
		res, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("/%s rate-limited: %d", p, res.StatusCode)
		}
	}
}

func TestServeLimitFlagsChecked(t *testing.T) {
	// Cancelled: should a bad value be accepted, serve stops at once
	// instead of hanging the test.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"--max-in-flight", "-1"},
		{"--rate-limit", "-2"},
		{"--rate-limit", "NaN"},
		{"--rate-burst", "-1"},
		{"--read-header-timeout", "0s"},
		{"--trusted-proxy", "example.org"},
	} {
		var out strings.Builder
		err := run(ctx, append([]string{"serve", "--in-memory", "--addr", "127.0.0.1:0"}, args...), &out, &out)
		if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(args[0], "-")) {
			t.Errorf("%v: err %v", args, err)
		}
	}
}
