package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stancegraph/stancegraph/graph"
)

// server is a running "stancegraph serve".
type server struct {
	cmd    *exec.Cmd
	url    string // http://host:port
	stderr *bytes.Buffer
	client *http.Client
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer execs the server on dir with extra environment and waits
// until /readyz answers 200; it returns the time from exec to ready.
func startServer(ctx context.Context, bin, dir string, env ...string) (*server, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	s := &server{url: "http://" + addr, stderr: &bytes.Buffer{},
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}}
	// A benchmark is one client far above the per-client rate limit.
	s.cmd = exec.Command(bin, "serve", "--db", dir, "--addr", addr, "--log-level", "warn", "--rate-limit", "0")
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stderr = s.stderr
	t0 := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s serve: %w", bin, err)
	}
	for {
		resp, err := s.client.Get(s.url + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(t0), nil
			}
		}
		if time.Since(t0) > 5*time.Minute || ctx.Err() != nil {
			s.stop()
			return nil, 0, fmt.Errorf("server on %s not ready: %s", dir, s.stderr)
		}
		if s.cmd.ProcessState != nil {
			return nil, 0, fmt.Errorf("server on %s exited: %s", dir, s.stderr)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (s *server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("server: %w: %s", err, s.stderr)
		}
		return nil
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
		return fmt.Errorf("server did not stop within 30s")
	}
}

// gql posts a query and decodes data into v; GraphQL errors are errors.
func (s *server) gql(ctx context.Context, query string, vars map[string]any, v any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return fmt.Errorf("graphql answer %d: %w: %.200s", resp.StatusCode, err, data)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("graphql error: %s", out.Errors[0].Message)
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(out.Data, v)
}

// memStatus reads VmRSS, RssAnon and RssFile of a process in MB.
func memStatus(pid int) (rss, anon, file float64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "RssAnon:":
			anon = kb / 1024
		case "RssFile:":
			file = kb / 1024
		}
	}
	return rss, anon, file, nil
}

const (
	// The queries take their ids as variables, as GraphQL clients do, so
	// that the server parses and validates each document once.
	gqlEgo  = `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 500) { truncated nodes { id name } edges { id } } }`
	gqlPath = `query($from: ID!, $to: ID!) { path(from: $from, to: $to, maxDepth: 8) { length nodes { id name } edges { id } } }`
	// gqlPoint is the README's point query, on a person of the synthetic graph.
	gqlPoint = `{ person(id: %q) { name stances { edges { node { name position topic { name } } } } } }`
)

// httpRows measures the server: GraphQL 2-hop and path queries against
// networkx, its memory against a raw Badger process, its start-up against
// opening raw Badger, and its throughput on 2 cores against 1.
func (b *bench) httpRows(ctx context.Context, d *dataset, work string, q *querySet, nx *nxProc) error {
	size := d.size
	dir := filepath.Join(work, "srv")
	if err := copyStore(d.store, dir); err != nil {
		return err
	}
	srv, _, err := startServer(ctx, b.cfg.bin, dir)
	if err != nil {
		return err
	}
	defer srv.stop()

	// Answers over GraphQL first.
	type egoAns struct {
		Neighborhood struct {
			Truncated bool
			Nodes     []struct{ ID string }
		}
	}
	type pathAns struct {
		Path *struct{ Length int }
	}
	for i, r := range q.roots[:q.apiRoots] {
		var a egoAns
		if err := srv.gql(ctx, gqlEgo, egoVars(r), &a); err != nil {
			return fmt.Errorf("graphql neighborhood of %s: %w", r, err)
		}
		ids := make([]string, len(a.Neighborhood.Nodes))
		for j, n := range a.Neighborhood.Nodes {
			ids[j] = n.ID
		}
		if got := digestOf(ids); got != q.egoWant[i] || a.Neighborhood.Truncated {
			return mismatch("2-hop neighbourhood", "stancegraph over GraphQL", r, got, q.egoWant[i])
		}
	}
	for i, p := range q.pairs {
		var a pathAns
		if err := srv.gql(ctx, gqlPath, pathVars(p), &a); err != nil {
			return fmt.Errorf("graphql path %s – %s: %w", p[0], p[1], err)
		}
		got := -1
		if a.Path != nil {
			got = a.Path.Length
		}
		if got != q.pathWant[i] {
			return mismatch("shortest path length", "stancegraph over GraphQL", p[0]+" – "+p[1], got, q.pathWant[i])
		}
	}
	b.log.Info().Msg("GraphQL answers identical")

	var srvMem [][3]float64
	sample := func() error {
		rss, anon, file, err := memStatus(srv.cmd.Process.Pid)
		srvMem = append(srvMem, [3]float64{rss, anon, file})
		return err
	}
	egoQ := func() ([]time.Duration, error) {
		lat, err := timeEach(q.apiRoots, func(i int) error { return srv.gql(ctx, gqlEgo, egoVars(q.roots[i]), nil) })
		if err == nil {
			err = sample()
		}
		return lat, err
	}
	nxEgo := func() ([]time.Duration, error) { return nx.pass("ego 0 " + strconv.Itoa(q.apiRoots)) }
	if err := b.latencyRow(row{What: "2-hop neighbourhood over GraphQL (HTTP)", Size: size, Goal: "≥ 1× networkx in-process", GoalVal: 1,
		Notes: "roots whose 2-hop set has ≤ 500 nodes (the API's page cap); ids and names of nodes, ids of edges; one client, keep-alive"},
		"stancegraph GraphQL", "networkx ego_graph", egoQ, nxEgo); err != nil {
		return err
	}
	pathQ := func() ([]time.Duration, error) {
		lat, err := timeEach(len(q.pairs), func(i int) error {
			return srv.gql(ctx, gqlPath, pathVars(q.pairs[i]), nil)
		})
		if err == nil {
			err = sample()
		}
		return lat, err
	}
	if err := b.latencyRow(row{What: "shortest path over GraphQL (HTTP)", Size: size, Goal: "≥ 2× networkx in-process", GoalVal: 2,
		Notes: "length, node ids and names, edge ids; one client, keep-alive"},
		"stancegraph GraphQL", "networkx shortest_path_length", pathQ, func() ([]time.Duration, error) { return nx.pass("path") }); err != nil {
		return err
	}
	if err := b.httpFloorRows(ctx, size, work, srv, q, nx); err != nil {
		return err
	}
	if err := srv.stop(); err != nil {
		return err
	}

	// Memory: the warmed-up server (sampled after every GraphQL pass)
	// against a process holding the same database opened by raw Badger
	// after reading every key and value once.
	var rawMem [][3]float64
	for range b.cfg.reps {
		cmd := exec.Command(b.cfg.rawBadger, "hold", dir)
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "ready") {
			cmd.Process.Kill()
			cmd.Wait()
			return fmt.Errorf("rawbadger hold: %v %q: %s", err, line, stderr.String())
		}
		rss, anon, file, err := memStatus(cmd.Process.Pid)
		in.Close()
		if werr := cmd.Wait(); err == nil {
			err = werr
		}
		if err != nil {
			return fmt.Errorf("rawbadger hold: %w: %s", err, stderr.String())
		}
		rawMem = append(rawMem, [3]float64{rss, anon, file})
	}
	memSide := func(name string, m [][3]float64) side {
		var v []float64
		for _, x := range m {
			v = append(v, x[0])
		}
		return side{Name: name, Unit: "MB", P50: spreadOf(v), Raw: v}
	}
	ms := memSide("stancegraph serve VmRSS", srvMem)
	rs := memSide("raw Badger process VmRSS", rawMem)
	mr := row{What: "server memory with the graph loaded", Size: size, Ours: ms, Base: rs, Goal: "≤ 1.5× raw Badger", GoalVal: 1.5,
		RatioDef: "ours / baseline RSS", Reps: b.cfg.reps,
		Notes: fmt.Sprintf("server sampled after each GraphQL pass (anon %.0f MB, file %.0f MB at the last); raw Badger (same options as graph.Open) after reading every key once (anon %.0f MB, file %.0f MB)",
			srvMem[len(srvMem)-1][1], srvMem[len(srvMem)-1][2], rawMem[len(rawMem)-1][1], rawMem[len(rawMem)-1][2])}
	mr.Ratio = spreadOf([]float64{ms.P50.Median / rs.P50.Median, ms.P50.Min / rs.P50.Max, ms.P50.Max / rs.P50.Min})
	mr.Ratio.Median = ms.P50.Median / rs.P50.Median
	b.add(mr)

	// Start-up: exec to /readyz 200, against opening raw Badger and exiting.
	var up, raw []float64
	for r := range b.cfg.reps + 1 {
		s, took, err := startServer(ctx, b.cfg.bin, dir)
		if err != nil {
			return err
		}
		if err := s.stop(); err != nil {
			return err
		}
		t0 := time.Now()
		if out, err := exec.Command(b.cfg.rawBadger, "open", dir).CombinedOutput(); err != nil {
			return fmt.Errorf("rawbadger open: %w: %s", err, out)
		}
		rt := time.Since(t0)
		if r == 0 {
			continue // warm-up: the page cache
		}
		up, raw = append(up, float64(took)), append(raw, float64(rt))
	}
	var ratios []float64
	for i := range up {
		ratios = append(ratios, up[i]/raw[i])
	}
	b.add(row{What: "start-up", Size: size, Ours: side{Name: "exec to /readyz 200", Unit: "ns", P50: spreadOf(up), Raw: up},
		Base: side{Name: "raw Badger open+close", Unit: "ns", P50: spreadOf(raw), Raw: raw}, Ratio: spreadOf(ratios),
		RatioDef: "ours / baseline time", Goal: "≤ 2× raw open", GoalVal: 2, Reps: b.cfg.reps,
		Notes: "warm page cache; the server loads the in-memory topology before it is ready"})

	return b.coresRow(ctx, d, work)
}

// coresRow compares the server's point-query throughput with GOMAXPROCS=2
// and GOMAXPROCS=1, hey -c 32 alternating between the two servers.
func (b *bench) coresRow(ctx context.Context, d *dataset, work string) error {
	person := d.gen.Sample(1, 9, graph.KindPerson)[0]
	body, _ := json.Marshal(map[string]string{"query": fmt.Sprintf(gqlPoint, person)})
	var srvs [2]*server
	for i, procs := range []string{"GOMAXPROCS=2", "GOMAXPROCS=1"} {
		dir := filepath.Join(work, fmt.Sprintf("cores%d", i))
		if err := copyStore(d.store, dir); err != nil {
			return err
		}
		s, _, err := startServer(ctx, b.cfg.bin, dir, procs)
		if err != nil {
			return err
		}
		defer s.stop()
		if err := s.gql(ctx, fmt.Sprintf(gqlPoint, person), nil, nil); err != nil {
			return fmt.Errorf("point query: %w", err)
		}
		srvs[i] = s
	}
	var two, one []heyResult
	// Cores used during each run (CPU seconds per second of wall time):
	// the server's, from /proc, and hey's, from its rusage; and what the
	// machine's cores did besides: idle, the kernel's interrupt work
	// (loopback TCP), taken by the hypervisor (steal).
	var srvCores, heyCores, idleCores, irqCores, stealCores [2][]float64
	for r := range b.cfg.reps {
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		for _, i := range order {
			pid := srvs[i].cmd.Process.Pid
			before, err := procCPU(pid)
			if err != nil {
				return err
			}
			mBefore, err := machineCPU()
			if err != nil {
				return err
			}
			t0 := time.Now()
			res, heyCPU, err := runHeyCPU(srvs[i].url+"/graphql", string(body), b.cfg.heySeconds)
			if err != nil {
				return err
			}
			wall := time.Since(t0).Seconds()
			after, err := procCPU(pid)
			if err != nil {
				return err
			}
			mAfter, err := machineCPU()
			if err != nil {
				return err
			}
			srvCores[i] = append(srvCores[i], (after-before)/wall)
			heyCores[i] = append(heyCores[i], heyCPU/wall)
			idleCores[i] = append(idleCores[i], (mAfter.idle-mBefore.idle)/wall)
			irqCores[i] = append(irqCores[i], (mAfter.irq-mBefore.irq)/wall)
			stealCores[i] = append(stealCores[i], (mAfter.steal-mBefore.steal)/wall)
			if i == 0 {
				two = append(two, res)
			} else {
				one = append(one, res)
			}
		}
	}
	med := func(v []float64) float64 { return spreadOf(v).Median }
	// Beside hey, the kernel's interrupt work and the hypervisor, the
	// server at GOMAXPROCS=2 could at most have used also the cores that
	// stayed idle: the most 2 cores could give over 1 is that over what
	// the GOMAXPROCS=1 server used, at the same throughput per core.
	bound := (med(srvCores[0]) + med(idleCores[0])) / med(srvCores[1])
	// Requests per second per core the server used: equal figures mean
	// the server turns each core it gets into the same throughput.
	var perCore [2][]float64
	for i, rs := range [2][]heyResult{two, one} {
		for j, r := range rs {
			perCore[i] = append(perCore[i], r.rps/srvCores[i][j])
		}
	}
	b.add(heyRow(row{What: "2 cores vs 1 (point query, hey -c 32)", Size: d.size, Goal: "≥ 1.6× throughput", GoalVal: 1.6,
		RatioDef: "req/s GOMAXPROCS=2 / GOMAXPROCS=1", Reps: b.cfg.reps,
		Notes: fmt.Sprintf("hey runs on the same 2 cores as the server; cores used, medians at GOMAXPROCS=2 and =1: server %.2f and %.2f, hey %.2f and %.2f, the kernel's interrupts %.2f and %.2f, steal %.2f and %.2f, idle %.2f and %.2f; so with hey beside it the server could at most scale %.2f× (its cores at GOMAXPROCS=2 plus the idle ones, over its cores at GOMAXPROCS=1); req/s per server core %.0f and %.0f (%.2f×)",
			med(srvCores[0]), med(srvCores[1]), med(heyCores[0]), med(heyCores[1]), med(irqCores[0]), med(irqCores[1]),
			med(stealCores[0]), med(stealCores[1]), med(idleCores[0]), med(idleCores[1]), bound,
			med(perCore[0]), med(perCore[1]), med(perCore[0])/med(perCore[1]))}, "GOMAXPROCS=2", two, "GOMAXPROCS=1", one, "rps"))
	return nil
}

// cpuTimes are the machine's CPU seconds so far, summed over its cores.
type cpuTimes struct{ idle, irq, steal float64 }

// machineCPU reads the machine's CPU times from the first line of
// /proc/stat (user nice system idle iowait irq softirq steal ..., in clock
// ticks of 1/100 s).
func machineCPU() (cpuTimes, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}, fmt.Errorf("unexpected /proc/stat: %.80q", line)
	}
	var v [8]float64
	for i := range v {
		if v[i], err = strconv.ParseFloat(f[i+1], 64); err != nil {
			return cpuTimes{}, fmt.Errorf("unexpected /proc/stat: %.80q", line)
		}
	}
	return cpuTimes{idle: (v[3] + v[4]) / 100, irq: (v[5] + v[6]) / 100, steal: v[7] / 100}, nil
}

// procCPU returns the user and system CPU seconds of process pid so far.
func procCPU(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks of 1/100 s.
	rest := string(data[bytes.LastIndexByte(data, ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	s, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return (u + s) / 100, nil
}

// heyResult is one hey run: throughput and latency percentiles in ns.
type heyResult struct{ rps, p50, p99 float64 }

// heyRow builds a row from alternated hey runs; ratio by rps (ours/base)
// or p50 latency (ours/base).
func heyRow(r row, oursName string, ours []heyResult, baseName string, base []heyResult, by string) row {
	mk := func(name string, rs []heyResult) side {
		var rps, p50, p99 []float64
		for _, x := range rs {
			rps, p50, p99 = append(rps, x.rps), append(p50, x.p50), append(p99, x.p99)
		}
		if by == "rps" {
			return side{Name: name, Unit: "req/s", P50: spreadOf(rps), Raw: rps}
		}
		return side{Name: name, Unit: "ns", P50: spreadOf(p50), P99: spreadOf(p99), Raw: p50}
	}
	r.Ours, r.Base = mk(oursName, ours), mk(baseName, base)
	var ratios []float64
	for i := range ours {
		ratios = append(ratios, r.Ours.Raw[i]/r.Base.Raw[i])
	}
	r.Ratio = spreadOf(ratios)
	r.HigherOK = by == "rps"
	return r
}

var (
	heyRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	heyPct = regexp.MustCompile(`(?m)^\s+(50|99)%+ in ([0-9.]+) secs`)
	heyOK  = regexp.MustCompile(`\[200\]\s+(\d+) responses`)
	heyAny = regexp.MustCompile(`\[\d+\]\s+\d+ responses`)
)

// runHeyCPU runs hey and also returns the CPU seconds hey itself used.
func runHeyCPU(url, body string, secs int) (heyResult, float64, error) {
	cmd := exec.Command("hey", "-z", strconv.Itoa(secs)+"s", "-c", "32", "-m", "POST",
		"-T", "application/json", "-d", body, url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return heyResult{}, 0, fmt.Errorf("hey: %w: %s", err, out)
	}
	cpu := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	r, err := parseHey(out)
	return r, cpu, err
}

// parseHey reads throughput and latency percentiles from hey's report.
func parseHey(out []byte) (heyResult, error) {
	var r heyResult
	m := heyRPS.FindSubmatch(out)
	if m == nil || heyOK.Find(out) == nil || len(heyAny.FindAll(out, -1)) != 1 || bytes.Contains(out, []byte("Error distribution")) {
		return r, fmt.Errorf("hey saw errors or answers other than 200:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, m := range heyPct.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		if string(m[1]) == "50" {
			r.p50 = v * 1e9
		} else {
			r.p99 = v * 1e9
		}
	}
	return r, nil
}

var (
	roundLine = regexp.MustCompile(`round \d+ (graphql|bare)\s+([0-9.]+) req/s\s+p50\s+([0-9.]+) ms\s+p99\s+([0-9.]+) ms`)
	benchLine = regexp.MustCompile(`(?m)^Benchmark(PointQuery|BareHandler)\S*\s+\d+\s+([0-9.]+) ns/op\s+([0-9.]+) B/op\s+([0-9.]+) allocs/op`)
)

// pointQuery runs schema's own load test of the point query against its
// bare net/http handler (in one process, the seed dataset) and its
// allocation benchmarks, and parses their output.
func (b *bench) pointQuery(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "./schema", "-run", "^TestHTTPLoadVsBare$", "-count=1", "-v", "-timeout", "60m")
	cmd.Dir = b.cfg.repo
	cmd.Env = append(os.Environ(), "STANCEGRAPH_BENCH_HTTP=1", "STANCEGRAPH_BENCH_ROUNDS="+strconv.Itoa(b.cfg.reps),
		"STANCEGRAPH_BENCH_SECONDS="+strconv.Itoa(b.cfg.heySeconds))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test ./schema -run TestHTTPLoadVsBare: %w\n%s", err, out)
	}
	res := map[string][]heyResult{}
	for _, m := range roundLine.FindAllSubmatch(out, -1) {
		var r heyResult
		r.rps, _ = strconv.ParseFloat(string(m[2]), 64)
		p50, _ := strconv.ParseFloat(string(m[3]), 64)
		p99, _ := strconv.ParseFloat(string(m[4]), 64)
		r.p50, r.p99 = p50*1e6, p99*1e6
		res[string(m[1])] = append(res[string(m[1])], r)
	}
	if len(res["graphql"]) != b.cfg.reps || len(res["bare"]) != b.cfg.reps {
		return fmt.Errorf("TestHTTPLoadVsBare printed %d graphql and %d bare rounds, want %d:\n%s", len(res["graphql"]), len(res["bare"]), b.cfg.reps, out)
	}
	const note = "schema.TestHTTPLoadVsBare: the README's point query on the shipped dataset, real net/http servers on loopback in one process, hey -c 32"
	b.add(heyRow(row{What: "GraphQL point query over HTTP: throughput", Size: "dataset", Goal: "≥ 0.6× bare net/http", GoalVal: 0.6,
		RatioDef: "req/s ours / bare", Reps: b.cfg.reps, Notes: note}, "GraphQL", res["graphql"], "bare net/http", res["bare"], "rps"))
	b.add(heyRow(row{What: "GraphQL point query over HTTP: latency", Size: "dataset", Goal: "≤ 1.25× bare median latency", GoalVal: 1.25,
		RatioDef: "p50 ours / bare", Reps: b.cfg.reps, Notes: note}, "GraphQL", res["graphql"], "bare net/http", res["bare"], "p50"))

	cmd = exec.CommandContext(ctx, "go", "test", "./schema", "-run", "^$", "-bench", "^(BenchmarkPointQuery|BenchmarkBareHandler)$",
		"-benchmem", "-benchtime", "2000x", "-count", strconv.Itoa(b.cfg.reps))
	cmd.Dir = b.cfg.repo
	if out, err = cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go test ./schema -bench PointQuery|BareHandler: %w\n%s", err, out)
	}
	allocs := map[string][]float64{}
	for _, m := range benchLine.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[4]), 64)
		allocs[string(m[1])] = append(allocs[string(m[1])], v)
	}
	g, bare := allocs["PointQuery"], allocs["BareHandler"]
	if len(g) != b.cfg.reps || len(bare) != b.cfg.reps {
		return fmt.Errorf("benchmarks printed %d and %d results, want %d:\n%s", len(g), len(bare), b.cfg.reps, out)
	}
	var ratios []float64
	for i := range g {
		ratios = append(ratios, g[i]/bare[i])
	}
	b.add(row{What: "GraphQL point query: allocations per request", Size: "dataset",
		Ours: side{Name: "GraphQL handler", Unit: "allocs", P50: spreadOf(g), Raw: g}, Base: side{Name: "bare handler", Unit: "allocs", P50: spreadOf(bare), Raw: bare},
		Ratio: spreadOf(ratios), RatioDef: "ours / bare", Goal: "≤ 5× bare", GoalVal: 5, Reps: b.cfg.reps,
		Notes: "schema.BenchmarkPointQuery vs BenchmarkBareHandler, -benchmem, httptest recorder"})
	return nil
}

func egoVars(id string) map[string]any { return map[string]any{"id": id} }

func pathVars(p [2]string) map[string]any { return map[string]any{"from": p[0], "to": p[1]} }
