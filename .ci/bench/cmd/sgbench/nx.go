package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// nxProc is a running nx.py holding the graph in memory, driven one
// command at a time, so that its timed passes alternate with ours.
type nxProc struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *strings.Builder
}

// nxCheck is nx.py's answer to "check".
type nxCheck struct {
	Ego   [][2]any `json:"ego"` // [size, sha256]
	Paths []int    `json:"paths"`
}

func startNx(python, script string, f nxFiles) (*nxProc, error) {
	cmd := exec.Command(python, script, f.nodes, f.edges, f.ego, f.pairs)
	p := &nxProc{cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = p.stderr
	var err error
	if p.in, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.out = bufio.NewReaderSize(stdout, 1<<20)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nx.py: %w", err)
	}
	var ready struct{ Ready bool }
	if err := p.read(&ready); err != nil || !ready.Ready {
		p.close()
		return nil, fmt.Errorf("nx.py did not get ready: %v: %s", err, p.stderr)
	}
	return p, nil
}

func (p *nxProc) read(v any) error {
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read nx.py: %w: %s", err, p.stderr)
	}
	return json.Unmarshal(line, v)
}

func (p *nxProc) ask(cmd string, v any) error {
	if _, err := fmt.Fprintln(p.in, cmd); err != nil {
		return fmt.Errorf("nx.py %s: %w: %s", cmd, err, p.stderr)
	}
	return p.read(v)
}

// pass runs one timed pass ("ego" or "path") and returns each call's time.
func (p *nxProc) pass(cmd string) ([]time.Duration, error) {
	var r struct{ NS []int64 }
	if err := p.ask(cmd, &r); err != nil {
		return nil, err
	}
	lat := make([]time.Duration, len(r.NS))
	for i, ns := range r.NS {
		lat[i] = time.Duration(ns)
	}
	return lat, nil
}

func (p *nxProc) close() {
	fmt.Fprintln(p.in, "quit")
	p.in.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// findPython returns a python3 that imports networkx.
func findPython() (string, error) {
	var cands []string
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	cands = append(cands, "/usr/bin/python3")
	for _, py := range cands {
		if exec.Command(py, "-c", "import networkx").Run() == nil {
			return py, nil
		}
	}
	return "", fmt.Errorf("no python3 with networkx (PATH=%s): install Debian's python3-networkx", os.Getenv("PATH"))
}
