package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
)

// The crash tests run the real server as a child process (this test binary
// again, running TestCrashServerChild), kill it with SIGKILL at a random
// moment while a client writes through it, and check on the database that
// every acknowledged write is there, no write is there in part, and Verify
// passes; then they restart the server on the same directory.

// crashServerEnv holds the JSON-encoded arguments of the child server.
const crashServerEnv = "STANCEGRAPH_CRASH_SERVER_ARGS"

const crashToken = "crash-test-token-0123456789"

// TestCrashServerChild is the server process of the crash tests. It runs
// only when a crash test starts it, and stops on SIGTERM (or SIGKILL).
func TestCrashServerChild(t *testing.T) {
	enc := os.Getenv(crashServerEnv)
	if enc == "" {
		t.Skip("the server process of the crash tests; it runs only when they start it")
	}
	var args []string
	if err := json.Unmarshal([]byte(enc), &args); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := run(ctx, args, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// crashRounds is how many kills a crash test does: 3, or
// STANCEGRAPH_CRASH_ROUNDS.
func crashRounds(t *testing.T) int {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	if v, err := strconv.Atoi(os.Getenv("STANCEGRAPH_CRASH_ROUNDS")); err == nil {
		return v
	}
	return 3
}

func crashRNG(t *testing.T) *rand.Rand {
	s := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", s)
	return rand.New(rand.NewPCG(s, 7))
}

// serverProc is a server child process.
type serverProc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	read   chan struct{} // closed when stdout is drained
}

// startServerProc starts "serve" on db in a child process and waits until
// it prints its URL.
func startServerProc(t *testing.T, db string) *serverProc {
	t.Helper()
	tokens := filepath.Join(filepath.Dir(db), "tokens")
	if err := os.WriteFile(tokens, []byte(crashToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--tokens-file", tokens,
		"--log-level", "warn", "--max-body", strconv.Itoa(32 << 20), "--timeout", "60s",
		"--rate-limit", "0"}) // the writers are one client; rate limits are tested elsewhere
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashServerChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashServerEnv+"="+string(args))
	p := &serverProc{cmd: cmd, stderr: &syncBuffer{}, read: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		defer close(p.read)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case p.url = <-urls:
		return p
	case <-p.read:
		cmd.Wait()
		t.Fatalf("server exited before serving:\n%s", p.stderr)
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("server printed no URL:\n%s", p.stderr)
	}
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serverProc) kill() {
	p.cmd.Process.Kill()
	<-p.read
	p.cmd.Wait()
}

// stop shuts the server down with SIGTERM and fails unless it exits cleanly.
func (p *serverProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.read
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("server did not stop cleanly: %v\n%s", err, p.stderr)
	}
}

// graphql posts a query with the token; ok is true only for HTTP 200
// without errors: an acknowledgement.
func (p *serverProc) graphql(client *http.Client, query string, vars map[string]any) (data map[string]json.RawMessage, ok bool, err error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, p.url+"graphql", bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+crashToken)
	resp, err := client.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	var r struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []json.RawMessage          `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, false, err
	}
	if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		return r.Data, false, fmt.Errorf("%s: %s", resp.Status, r.Errors)
	}
	return r.Data, true, nil
}

// presentIDs asks the server how many of ids exist, 500 at a time (the
// most nodes(ids:) takes).
func (p *serverProc) presentIDs(t *testing.T, ids []string) int {
	t.Helper()
	n := 0
	for chunk := range slices.Chunk(ids, 500) {
		data, _, err := p.graphql(http.DefaultClient, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": chunk})
		if err != nil {
			t.Fatalf("query the restarted server: %v", err)
		}
		var nodes []*struct{ ID string }
		if err := json.Unmarshal(data["nodes"], &nodes); err != nil {
			t.Fatal(err)
		}
		for _, x := range nodes {
			if x != nil {
				n++
			}
		}
	}
	return n
}

// openKilled opens the database a killed server left, checks it with
// Verify, and closes it at the end of the test or when the caller does.
// The store's warnings go to the test log and to logs.
func openKilled(t *testing.T, db string, logs *syncBuffer) *graph.Store {
	t.Helper()
	log := zerolog.New(io.MultiWriter(zerolog.NewTestWriter(t), logs)).Level(zerolog.WarnLevel)
	st, err := graph.Open(db, graph.Options{Logger: log})
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Verify(context.Background()); err != nil {
		t.Fatalf("database fails Verify after kill: %v", err)
	}
	return st
}

// smallSeed is mutation i: a person, an organization and the person's
// membership, in one applySeed transaction.
func smallSeed(i int) string {
	return fmt.Sprintf(`people:
  - id: person/crash-%[1]d
    name: Crash Person %[1]d
organizations:
  - id: org/crash-%[1]d
    name: Crash Org %[1]d
    type: OTHER
edges:
  - type: MEMBER_OF
    from: person/crash-%[1]d
    to: org/crash-%[1]d
`, i)
}

// smallSeedParts counts the parts of mutation i in st: 0 or 3 (person,
// organization, edge) unless a mutation is half applied.
func smallSeedParts(t *testing.T, st *graph.Store, i int) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	p, o := fmt.Sprintf("person/crash-%d", i), fmt.Sprintf("org/crash-%d", i)
	for _, id := range []string{p, o} {
		if st.Has(ctx, id) {
			n++
		}
	}
	if _, err := st.Edge(ctx, graph.MemberOf, p, o); err == nil {
		n++
	}
	return n
}

// TestCrashServerMutations kills the server while a client sends
// mutations one at a time, each an applySeed of three parts.
func TestCrashServerMutations(t *testing.T) {
	rounds := crashRounds(t)
	rng := crashRNG(t)
	db := filepath.Join(t.TempDir(), "db")
	acked := map[int]bool{} // every acknowledged mutation
	var unsure []int        // sent, but the kill came before the answer
	next := 0
	client := &http.Client{Timeout: 30 * time.Second}
	for round := range rounds {
		p := startServerProc(t, db)
		checkServerHasAcked(t, p, acked, round)
		start := next
		var (
			mu       sync.Mutex
			inFlight = -1
			sent     = start - 1
			failed   error
		)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := start; ; i++ {
				mu.Lock()
				inFlight, sent = i, i
				mu.Unlock()
				data, ok, err := p.graphql(client, `mutation($y: String!) { applySeed(yaml: $y) { nodesCreated edgesCreated } }`, map[string]any{"y": smallSeed(i)})
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return // the kill, or a failure the test reports below
				}
				var r struct{ NodesCreated, EdgesCreated int }
				json.Unmarshal(data["applySeed"], &r)
				mu.Lock()
				if ok && r.NodesCreated == 2 && r.EdgesCreated == 1 {
					acked[i] = true
					inFlight = -1
				} else {
					failed = fmt.Errorf("mutation %d answered %s", i, data["applySeed"])
				}
				mu.Unlock()
				if failed != nil {
					return
				}
			}
		}()
		after := time.Duration(100+rng.IntN(400)) * time.Millisecond
		select {
		case <-time.After(after):
		case <-done:
		}
		p.kill()
		<-done
		mu.Lock()
		if failed != nil && !isConnError(failed) {
			t.Fatalf("round %d: %v\n%s", round, failed, p.stderr)
		}
		if inFlight >= 0 {
			unsure = append(unsure, inFlight)
		}
		next = sent + 1
		mu.Unlock()

		st := openKilled(t, db, &syncBuffer{})
		for i := range acked {
			if got := smallSeedParts(t, st, i); got != 3 {
				t.Fatalf("round %d: acknowledged mutation %d has %d of its 3 parts", round, i, got)
			}
		}
		committed := 0
		for _, i := range unsure {
			switch smallSeedParts(t, st, i) {
			case 0:
			case 3:
				committed++
			default:
				t.Fatalf("round %d: unacknowledged mutation %d is half there", round, i)
			}
		}
		people, err := st.NodesByKind(context.Background(), graph.KindPerson, graph.Page{First: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		written := 0
		for _, n := range people.Nodes {
			if strings.HasPrefix(n.ID, "person/crash-") {
				written++
			}
		}
		if written != len(acked)+committed {
			t.Fatalf("round %d: %d mutations are there, but %d were acknowledged and %d more answered by no one", round, written, len(acked), committed)
		}
		t.Logf("round %d: killed after %v; %d acknowledged, %d answered by no one (%d of them committed); store consistent",
			round, after, len(acked), len(unsure), committed)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	p := startServerProc(t, db)
	checkServerHasAcked(t, p, acked, rounds)
	p.stop(t)
}

// checkServerHasAcked fails unless the restarted server has the nodes of
// every acknowledged mutation.
func checkServerHasAcked(t *testing.T, p *serverProc, acked map[int]bool, round int) {
	t.Helper()
	if len(acked) == 0 {
		return
	}
	var ids []string
	for i := range acked {
		ids = append(ids, fmt.Sprintf("person/crash-%d", i), fmt.Sprintf("org/crash-%d", i))
	}
	if got := p.presentIDs(t, ids); got != len(ids) {
		t.Fatalf("round %d: the restarted server has %d of the %d acknowledged nodes", round, got, len(ids))
	}
}

// isConnError reports an error of a request cut off by the kill.
func isConnError(err error) bool {
	s := err.Error()
	for _, w := range []string{"connection reset", "connection refused", "EOF", "broken pipe", "server closed idle connection"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// bulkSeed writes seed file r: an organization with n members.
func bulkSeed(t *testing.T, dir string, r, n int) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "organizations:\n  - id: org/bulk-%d\n    name: Bulk Org %d\n    type: OTHER\npeople:\n", r, r)
	for i := range n {
		fmt.Fprintf(&b, "  - id: person/bulk-%d-%d\n    name: Bulk Person %d of %d\n", r, i, i, r)
	}
	b.WriteString("edges:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - type: MEMBER_OF\n    from: person/bulk-%d-%d\n    to: org/bulk-%d\n", r, i, r)
	}
	p := filepath.Join(dir, fmt.Sprintf("bulk-%d.yaml", r))
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bulkParts counts the nodes and edges of seed r in st.
func bulkParts(t *testing.T, st *graph.Store, r int) (nodes, edges int) {
	t.Helper()
	ctx := context.Background()
	org := fmt.Sprintf("org/bulk-%d", r)
	if st.Has(ctx, org) {
		nodes++
		in, err := st.Edges(ctx, org, graph.In, []graph.EdgeType{graph.MemberOf}, graph.Date{})
		if err != nil {
			t.Fatal(err)
		}
		edges = len(in)
	}
	people, err := st.NodesByKind(ctx, graph.KindPerson, graph.Page{First: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("person/bulk-%d-", r)
	for _, p := range people.Nodes {
		if strings.HasPrefix(p.ID, prefix) {
			nodes++
		}
	}
	return nodes, edges
}

// TestCrashServerLargeSeed kills the server while "stancegraph seed
// --server" sends it a seed of several thousand nodes and edges: after the
// restart the seed is there whole or not at all.
func TestCrashServerLargeSeed(t *testing.T) {
	rounds := crashRounds(t)
	rng := crashRNG(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	const n = 3000 // 3,001 nodes and 3,000 edges: 27,000 key writes, more than one Badger transaction holds, so staged
	send := func(url, file string) error {
		var out, errb bytes.Buffer
		return run(context.Background(), []string{"seed", "--server", url, "--token", crashToken, file}, &out, &errb)
	}

	// One seed sent without a kill measures how long an apply takes, so
	// that the kills fall inside one.
	p := startServerProc(t, db)
	began := time.Now()
	if err := send(p.url, bulkSeed(t, dir, 0, n)); err != nil {
		t.Fatalf("seed: %v\n%s", err, p.stderr)
	}
	took := time.Since(began)
	p.stop(t)
	t.Logf("a seed of %d nodes and %d edges took %v", n+1, n, took)
	present := map[int]bool{0: true}
	est := took
	for r := 1; r <= rounds; r++ {
		file := bulkSeed(t, dir, r, n)
		p := startServerProc(t, db)
		res := make(chan error, 1)
		go func() { res <- send(p.url, file) }()
		// Around the estimate of when the apply runs: mostly past the
		// upload and the parsing, sometimes after the answer.
		after := est/2 + time.Duration(rng.Int64N(int64(est)))
		var err error
		acked := false
		select {
		case <-time.After(after):
			p.kill()
			err = <-res
			acked = err == nil
		case err = <-res:
			acked = err == nil
			p.kill()
		}
		if err != nil && !isConnError(err) {
			t.Fatalf("round %d: seed failed without the kill: %v\n%s", r, err, p.stderr)
		}

		var logs syncBuffer
		st := openKilled(t, db, &logs)
		nodes, edges := bulkParts(t, st, r)
		switch {
		case nodes == n+1 && edges == n:
			present[r] = true
		case nodes == 0 && edges == 0:
			if acked {
				t.Fatalf("round %d: the acknowledged seed is missing", r)
			}
		default:
			t.Fatalf("round %d: the seed is half there: %d of %d nodes, %d of %d edges", r, nodes, n+1, edges, n)
		}
		for q := range r {
			nodes, edges := bulkParts(t, st, q)
			if want := present[q]; (nodes == n+1 && edges == n) != want || (!want && nodes+edges > 0) {
				t.Fatalf("round %d: seed %d changed: %d nodes, %d edges (present before: %v)", r, q, nodes, edges, want)
			}
		}
		// Evidence that the kill fell inside the apply (the message also
		// comes when the kill fell before the old generation was dropped).
		dropped := strings.Contains(logs.String(), "interrupted batch")
		t.Logf("round %d: killed after %v, seed acknowledged: %v, present: %v, a generation dropped at open: %v; store consistent",
			r, after, acked, present[r], dropped)
		// Later applies run slower than the first: aim later when the kill
		// came before the staging began, earlier when after the answer.
		switch {
		case acked:
			est = est * 4 / 5
		case !dropped:
			est = est * 5 / 4
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	p = startServerProc(t, db)
	if got := p.presentIDs(t, []string{"org/bulk-0", fmt.Sprintf("person/bulk-0-%d", n-1)}); got != 2 {
		t.Fatalf("the restarted server has %d of 2 nodes of the first seed", got)
	}
	p.stop(t)
}
