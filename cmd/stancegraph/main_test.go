package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlRE = regexp.MustCompile(`serving (http://\S+/) `)

// startServer runs "serve" on a free port with a temp database and returns
// its URL and a function that stops it and returns run's error.
func startServer(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "db")}, args...), &stdout, &stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			stop := func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(30 * time.Second):
					t.Fatal("server did not stop")
					return nil
				}
			}
			return m[1], stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("server printed no URL:\n%s\n%s", stdout.String(), stderr.String())
	return "", nil
}

func post(t *testing.T, url, query string, headers ...string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url+"graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestServeEmbeddedDataset(t *testing.T) {
	url, stop := startServer(t)
	for path, want := range map[string]string{"healthz": "ok", "readyz": "ready", "": "<title>"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET /%s: %d %q", path, resp.StatusCode, b)
		}
	}
	status, out := post(t, url, `{ person(id: "person/olaf-scholz") { name stances { totalCount edges { node { position quotes { text language translation } } } } } }`)
	if status != 200 || out["errors"] != nil {
		t.Fatalf("query: %d %v", status, out)
	}
	p := out["data"].(map[string]any)["person"].(map[string]any)
	if p["name"] != "Olaf Scholz" || p["stances"].(map[string]any)["totalCount"].(float64) < 1 {
		t.Fatalf("Scholz: %v", p)
	}
	// Read-only by default: a mutation is refused and writes nothing.
	status, out = post(t, url, `mutation { deleteNode(id: "person/olaf-scholz", cascade: true) }`)
	if status == 200 && out["errors"] == nil {
		t.Fatalf("mutation accepted without a token: %v", out)
	}
	if _, out = post(t, url, `{ person(id: "person/olaf-scholz") { name } }`); out["data"].(map[string]any)["person"] == nil {
		t.Fatal("refused mutation deleted Scholz")
	}
	if err := stop(); err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}
}

func TestServeMutationsWithToken(t *testing.T) {
	const token = "test-token-0123456789"
	t.Setenv("STANCEGRAPH_TOKENS", token)
	url, stop := startServer(t)
	defer stop()
	q := `mutation { upsertPerson(input: {id: "person/new-person", name: "New Person"}) { id origin } }`
	if _, out := post(t, url, q, "Authorization", "Bearer wrong-token-000000000"); out["errors"] == nil {
		t.Fatal("wrong token accepted")
	}
	_, out := post(t, url, q, "Authorization", "Bearer "+token)
	if out["errors"] != nil {
		t.Fatalf("mutation with token: %v", out)
	}
	if got := out["data"].(map[string]any)["upsertPerson"].(map[string]any)["origin"]; got != "mutation" {
		t.Fatalf("origin %v", got)
	}
	// applySeed goes through the seed loader; its errors are the client's.
	_, out = post(t, url, `mutation { applySeed(yaml: "people:\n  - id: person/x\n    nam: X\n") { nodesCreated } }`, "Authorization", "Bearer "+token)
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("bad seed accepted: %v", out)
	}
	ext := errs[0].(map[string]any)["extensions"].(map[string]any)
	if ext["code"] != "BAD_USER_INPUT" || !strings.Contains(errs[0].(map[string]any)["message"].(string), "3:") {
		t.Fatalf("seed error: %v", errs[0])
	}
}

func TestCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	seedFile := filepath.Join(dir, "extra.yaml")
	os.WriteFile(seedFile, []byte("people:\n  - id: person/jane-doe\n    name: Jane Doe\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("people:\n  - id: person/x\n    name: X\n    age: 3\n"), 0o644)

	call := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, &out, &errb)
		return out.String() + errb.String(), err
	}
	if out, err := call("validate", seedFile); err != nil || !strings.Contains(out, "1 nodes") {
		t.Fatalf("validate: %v %s", err, out)
	}
	if out, err := call("validate", bad); err == nil || !strings.Contains(err.Error(), "bad.yaml:4:5") {
		t.Fatalf("validate bad: %v %s", err, out)
	}
	if out, err := call("seed", "--db", db, "--dry-run", seedFile); err != nil || !strings.Contains(out, "1") {
		t.Fatalf("seed dry run: %v %s", err, out)
	}
	if out, err := call("stats", "--db", db); err != nil || !strings.HasPrefix(out, "0 nodes") {
		t.Fatalf("dry run wrote: %v %s", err, out)
	}
	if out, err := call("seed", "--db", db, seedFile); err != nil {
		t.Fatalf("seed: %v %s", err, out)
	}
	if out, err := call("seed", "--db", db, seedFile); err != nil || !strings.Contains(out, "unchanged since the last seed") {
		t.Fatalf("second seed of the same file: %v %s", err, out)
	}
	if out, err := call("seed", "--db", db, "--reparse", seedFile); err != nil || !strings.Contains(out, "nodes: 0 created, 0 updated") {
		t.Fatalf("second seed with --reparse: %v %s", err, out)
	}
	// A later file may refer to nodes that are only in the database.
	ref := filepath.Join(dir, "ref.yaml")
	os.WriteFile(ref, []byte("organizations:\n  - id: org/acme\n    name: Acme\n    type: COMPANY\nedges:\n  - type: MEMBER_OF\n    from: person/jane-doe\n    to: org/acme\n"), 0o644)
	if out, err := call("validate", ref); err == nil {
		t.Fatalf("validate resolved a reference outside the files: %s", out)
	}
	if out, err := call("seed", "--db", db, ref); err != nil {
		t.Fatalf("seed with a reference into the database: %v %s", err, out)
	}
	out, err := call("query", "--db", db, "--var", "id=person/jane-doe", `query($id: ID!) { person(id: $id) { name origin } }`)
	if err != nil || !strings.Contains(out, `"Jane Doe"`) || !strings.Contains(out, `"extra.yaml"`) {
		t.Fatalf("query: %v %s", err, out)
	}
	if out, err := call("query", "--db", db, `{ person(id: "nope") { name } }`); err == nil {
		t.Fatalf("query with a bad id succeeded: %s", out)
	}
	if out, err := call("verify", "--db", db); err != nil || !strings.HasPrefix(out, "ok: every table block and index checked; 2 nodes") {
		t.Fatalf("verify: %v %s", err, out)
	}
	backup := filepath.Join(dir, "backup.bin")
	if out, err := call("backup", "--db", db, "--out", backup); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	db2 := filepath.Join(dir, "db2")
	if out, err := call("restore", "--db", db2, backup); err != nil || !strings.Contains(out, "restored 2 nodes") {
		t.Fatalf("restore: %v %s", err, out)
	}
	if out, err := call("version"); err != nil || !strings.HasPrefix(out, "stancegraph ") {
		t.Fatalf("version: %v %s", err, out)
	}
	if _, err := call("frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
	for _, c := range commands() {
		if out, _ := call(c.name, "--help"); !strings.Contains(out, "Usage: stancegraph "+c.name) {
			t.Errorf("%s --help: %s", c.name, out)
		}
	}
}
