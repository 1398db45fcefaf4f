package schema

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestHTTPLoadVsBare is the HTTP load benchmark of the point query, not a
// test: it serves the GraphQL handler and the bare baseline handler on
// loopback with real net/http servers and drives each alternately with hey
// (32 concurrent clients), then reports medians of throughput and latency
// and their ratios. It runs only when asked:
//
//	STANCEGRAPH_BENCH_HTTP=1 go test ./schema -run HTTPLoadVsBare -v -timeout 30m
//
// STANCEGRAPH_BENCH_ROUNDS and STANCEGRAPH_BENCH_SECONDS change the
// repetitions (default 5) and the length of each run (default 10).
func TestHTTPLoadVsBare(t *testing.T) {
	if os.Getenv("STANCEGRAPH_BENCH_HTTP") != "1" {
		t.Skip("HTTP load benchmark: set STANCEGRAPH_BENCH_HTTP=1 to run it (needs hey: Debian package hey)")
	}
	if _, err := exec.LookPath("hey"); err != nil {
		t.Fatal("hey not found: install Debian's hey")
	}
	rounds, secs := envInt("STANCEGRAPH_BENCH_ROUNDS", 5), envInt("STANCEGRAPH_BENCH_SECONDS", 10)
	a, st := newAPI(t, Config{})
	a.shadow = nil // time exec alone, not beside graphql.Execute
	serve := func(h http.Handler) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return "http://" + ln.Addr().String() + "/graphql"
	}
	targets := []struct{ name, url string }{
		{"graphql", serve(a)},
		{"bare", serve(bareHandler(st))},
	}
	results := map[string][]heyResult{}
	for r := range rounds {
		for _, tg := range targets {
			res, err := runHey(tg.url, benchBody(), secs)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("round %d %-8s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms", r+1, tg.name, res.rps, res.p50, res.p99)
			results[tg.name] = append(results[tg.name], res)
		}
	}
	med := func(name string, f func(heyResult) float64) float64 {
		var v []float64
		for _, r := range results[name] {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	rps := func(r heyResult) float64 { return r.rps }
	p50 := func(r heyResult) float64 { return r.p50 }
	p99 := func(r heyResult) float64 { return r.p99 }
	fmt.Printf("\npoint query over HTTP, hey -c 32 -z %ds, %d alternated rounds, medians:\n", secs, rounds)
	fmt.Printf("| handler | req/s | p50 ms | p99 ms |\n|---|---|---|---|\n")
	for _, tg := range targets {
		fmt.Printf("| %s | %.0f | %.2f | %.2f |\n", tg.name, med(tg.name, rps), med(tg.name, p50), med(tg.name, p99))
	}
	fmt.Printf("ratio graphql/bare: throughput %.2f×, p50 latency %.2f×, p99 latency %.2f×\n",
		med("graphql", rps)/med("bare", rps), med("graphql", p50)/med("bare", p50), med("graphql", p99)/med("bare", p99))
}

type heyResult struct{ rps, p50, p99 float64 }

var (
	heyRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	heyPct = regexp.MustCompile(`(?m)^\s+(50|99)%+ in ([0-9.]+) secs`)
	heyOK  = regexp.MustCompile(`\[200\]\s+(\d+) responses`)
)

func runHey(url, body string, secs int) (heyResult, error) {
	out, err := exec.Command("hey", "-z", strconv.Itoa(secs)+"s", "-c", "32", "-m", "POST",
		"-T", "application/json", "-d", body, url).CombinedOutput()
	if err != nil {
		return heyResult{}, fmt.Errorf("hey: %v\n%s", err, out)
	}
	var r heyResult
	m := heyRPS.FindSubmatch(out)
	if m == nil || heyOK.Find(out) == nil {
		return r, fmt.Errorf("unexpected hey output (no 200 responses?):\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, m := range heyPct.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		if string(m[1]) == "50" {
			r.p50 = v * 1000
		} else {
			r.p99 = v * 1000
		}
	}
	return r, nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
