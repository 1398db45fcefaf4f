package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// httpFloorRows measure the floor under any shortest-path answer over
// HTTP: a bare net/http handler that decodes the same request and sends
// back the answer stancegraph gave, stored beforehand, to the same kind of
// client. Whatever a server computes comes on top of this round trip, so
// where networkx in-process is less than twice as slow as the floor, the
// goal of 2× over HTTP is out of reach for any server.
//
// The first row serves the answers from this process, the client's: the
// least a round trip costs. The second serves them from a process of its
// own, as stancegraph serve is: that adds what crossing between two
// processes costs (waking the other's threads, on two shared cores), which
// any server pays too.
func (b *bench) httpFloorRows(ctx context.Context, size, work string, srv *server, q *querySet, nx *nxProc) error {
	answers := map[string][]byte{}
	for _, p := range q.pairs {
		body, _ := json.Marshal(map[string]any{"query": gqlPath, "variables": pathVars(p)})
		resp, err := srv.client.Post(srv.url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		answers[p[0]+"\t"+p[1]] = data
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: answerHandler(answers)}
	go hs.Serve(ln)
	defer hs.Close()
	nxPass := func() ([]time.Duration, error) { return nx.pass("path") }
	if err := b.latencyRow(row{What: "shortest path over HTTP: the floor", Size: size, Goal: "reference: what 2× over HTTP needs", GoalVal: 2,
		Notes: "a bare net/http handler in the client's process that decodes the request and sends stancegraph's answer stored beforehand; same client"},
		"bare net/http, stored answer", "networkx shortest_path_length", b.floorPass(ctx, "http://"+ln.Addr().String(), q), nxPass); err != nil {
		return err
	}

	file := filepath.Join(work, "floor-answers.json")
	data, _ := json.Marshal(answers)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self, serveAnswers, file)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		return fmt.Errorf("floor server: %q: %v", line, err)
	}
	return b.latencyRow(row{What: "shortest path over HTTP: the floor in a process of its own", Size: size, Goal: "reference: what 2× over HTTP needs", GoalVal: 2,
		Notes: "the same bare handler and stored answers, served by a process of its own, as stancegraph serve is; same client; any server's time is this plus its work"},
		"bare net/http process, stored answer", "networkx shortest_path_length", b.floorPass(ctx, "http://"+addr, q), nxPass)
}

// floorPass times the path queries against a floor server.
func (b *bench) floorPass(ctx context.Context, url string, q *querySet) func() ([]time.Duration, error) {
	floor := &server{url: url, client: &http.Client{}}
	return func() ([]time.Duration, error) {
		return timeEach(len(q.pairs), func(i int) error {
			return floor.gql(ctx, gqlPath, pathVars(q.pairs[i]), nil)
		})
	}
}

// answerHandler answers each path query with the answer stored for its
// pair ("from\tto").
func answerHandler(answers map[string][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query     string
			Variables struct{ From, To string }
		}
		err := json.NewDecoder(r.Body).Decode(&req)
		a := answers[req.Variables.From+"\t"+req.Variables.To]
		if err != nil || a == nil {
			http.Error(w, "unknown query", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(a)
	})
}

// serveAnswers is the argument that makes sgbench the floor server of
// httpFloorRows: sgbench serve-answers FILE listens on a free loopback
// port, prints "listening ADDR" and serves the answers in FILE until its
// standard input closes.
const serveAnswers = "serve-answers"

func runServeAnswers(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: sgbench serve-answers FILE")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var answers map[string][]byte
	if err := json.Unmarshal(data, &answers); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: answerHandler(answers)}
	go hs.Serve(ln)
	fmt.Fprintf(stdout, "listening %s\n", ln.Addr())
	io.Copy(io.Discard, stdin)
	return hs.Close()
}
