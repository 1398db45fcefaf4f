package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/schema"
	"github.com/stancegraph/stancegraph/seed"
)

// seeder implements the applySeed mutation with the seed package.
type seeder struct{ st *graph.Store }

// ApplySeed parses one YAML seed document and applies it as one batch.
// Seed errors (with their line and column) are the client's to fix, so
// they are marked invalid input.
func (s seeder) ApplySeed(ctx context.Context, yaml string, dryRun bool) (graph.Result, error) {
	// With only dangling references wrong, the set comes back too: Apply
	// resolves them against the store.
	set, err := seed.ParseDocument("mutation", []byte(yaml))
	if set == nil {
		return graph.Result{}, invalid(err)
	}
	res, err := seed.Apply(ctx, s.st, set, seed.ApplyOptions{DryRun: dryRun})
	if err != nil {
		return graph.Result{}, invalid(err)
	}
	return res, nil
}

// invalid marks seed errors as invalid input, leaving others as they are.
func invalid(err error) error {
	var es seed.Errors
	var e *seed.Error
	if (errors.As(err, &es) || errors.As(err, &e)) && !errors.Is(err, graph.ErrInvalid) {
		return fmt.Errorf("%w: %w", graph.ErrInvalid, err)
	}
	return err
}

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", "[flags] PATH...", stderr)
	var db dbFlags
	db.register(fs, false)
	dryRun := fs.Bool("dry-run", false, "report what would change without writing")
	prune := fs.Bool("prune", false, "delete what these files wrote before but no longer contain")
	reparse := fs.Bool("reparse", false, "parse and compare every file even when the store records that none has changed since the last seed")
	server := fs.String("server", "", "send the files to a running server `URL` (e.g. http://127.0.0.1:8080) through the applySeed mutation instead of opening the database; needs --token or STANCEGRAPH_TOKEN")
	token := fs.String("token", "", "bearer `token` for --server (default $STANCEGRAPH_TOKEN)")
	memLimit := memoryLimitFlag(fs, seed.MemoryLimit>>20)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("seed needs at least one file or directory")
	}
	setMemoryLimit(*memLimit)
	if *server != "" {
		if *prune {
			return errors.New("--prune is not available with --server")
		}
		tok := *token
		if tok == "" {
			tok = os.Getenv("STANCEGRAPH_TOKEN")
		}
		return seedRemote(ctx, *server, tok, fs.Args(), *dryRun, stdout)
	}
	st, err := db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	if err != nil {
		return err
	}
	defer st.Close()
	if !*reparse {
		unchanged, err := seed.Unchanged(ctx, st, *prune, fs.Args()...)
		if err != nil {
			return err
		}
		if unchanged {
			fmt.Fprintln(stdout, "unchanged since the last seed: every file and the data it wrote are as they were; nothing to do")
			return nil
		}
	}
	set, err := seed.LoadPaths(fs.Args()...)
	if set == nil {
		return err // references to nodes already in the store are resolved by Apply
	}
	res, err := seed.Apply(ctx, st, set, seed.ApplyOptions{DryRun: *dryRun, Prune: *prune})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, seed.Summary(res, *dryRun))
	return nil
}

// seedRemote sends each file to a running server's applySeed mutation, one
// transaction per file.
func seedRemote(ctx context.Context, server, token string, paths []string, dryRun bool, stdout io.Writer) error {
	if token == "" {
		return errors.New("--server needs a token (--token or STANCEGRAPH_TOKEN)")
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("--server sends single files: %w", err)
		}
		body, _ := json.Marshal(schema.Request{
			Query:     `mutation($y: String!, $d: Boolean) { applySeed(yaml: $y, dryRun: $d) { dryRun nodesCreated nodesUpdated nodesDeleted edgesCreated edgesUpdated edgesDeleted } }`,
			Variables: map[string]any{"y": string(data), "d": dryRun},
		})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/graphql", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("send %s: %w", p, err)
		}
		out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("send %s: %w", p, err)
		}
		var r struct {
			Data   map[string]json.RawMessage `json:"data"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			return fmt.Errorf("send %s: the server answered %s", p, resp.Status)
		}
		if len(r.Errors) > 0 {
			msgs := make([]string, len(r.Errors))
			for i, e := range r.Errors {
				msgs[i] = e.Message
			}
			return fmt.Errorf("%s: %s", p, strings.Join(msgs, "\n"))
		}
		fmt.Fprintf(stdout, "%s: %s\n", p, r.Data["applySeed"])
	}
	return nil
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "PATH...", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("validate needs at least one file or directory")
	}
	set, err := seed.LoadPaths(fs.Args()...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d files, %d nodes, %d edges\n", len(set.Files()), set.Nodes(), set.Edges())
	return nil
}

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("query", "[flags] QUERY | -f FILE", stderr)
	var db dbFlags
	db.register(fs, false)
	file := fs.String("f", "", "read the query from `file` (- for standard input)")
	op := fs.String("operation", "", "operation `name` to run when the query holds several")
	var vars listFlag
	fs.Var(&vars, "var", "variable `name=value`; the value is read as JSON when it parses, else as a string; repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var query string
	switch {
	case *file == "-":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		query = string(b)
	case *file != "":
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		query = string(b)
	case fs.NArg() == 1:
		query = fs.Arg(0)
	default:
		fs.Usage()
		return errors.New("query needs one QUERY argument or -f FILE")
	}
	variables := map[string]any{}
	for _, v := range vars {
		name, val, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return fmt.Errorf("--var %q is not name=value", v)
		}
		var parsed any
		if err := json.Unmarshal([]byte(val), &parsed); err == nil {
			variables[name] = parsed
		} else {
			variables[name] = val
		}
	}
	log := zerolog.New(stderr).Level(zerolog.WarnLevel)
	st, err := db.open(log)
	if err != nil {
		return err
	}
	defer st.Close()
	api, err := schema.New(st, schema.Config{Logger: log, Seeder: seeder{st}})
	if err != nil {
		return err
	}
	out := api.Do(ctx, schema.Request{Query: query, OperationName: *op, Variables: variables}, true)
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") == nil {
		out = pretty.Bytes()
	}
	stdout.Write(append(out, '\n'))
	var r struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(out, &r) == nil && len(r.Errors) > 0 {
		return errors.New("the query returned errors")
	}
	return nil
}

// runVerify reads the whole database: every table block against its
// checksum, then every index against the data (graph's Verify).
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", "[flags]", stderr)
	var db dbFlags
	db.register(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db.checkTables = true
	st, err := db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Verify(ctx); err != nil {
		return fmt.Errorf("%w\nrestore from a backup with `stancegraph restore --db %s FILE`", err, db.dir)
	}
	c, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: every table block and index checked; %d nodes, %d edges\n", c.Nodes, c.Edges)
	return nil
}

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stats", "[flags]", stderr)
	var db dbFlags
	db.register(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d nodes, %d edges\n", c.Nodes, c.Edges)
	for _, k := range graph.Kinds() {
		if n := c.ByKind[k]; n > 0 {
			fmt.Fprintf(stdout, "  %-14s %d\n", k, n)
		}
	}
	types := make([]string, 0, len(c.ByEdgeType))
	for t := range c.ByEdgeType {
		types = append(types, string(t))
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(stdout, "  %-14s %d\n", t, c.ByEdgeType[graph.EdgeType(t)])
	}
	return nil
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", "[flags] --out FILE", stderr)
	var db dbFlags
	db.register(fs, false)
	out := fs.String("out", "", "backup `file` to write (- for standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("backup needs --out FILE")
	}
	st, err := db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	if err != nil {
		return err
	}
	defer st.Close()
	if *out == "-" {
		return st.Backup(ctx, stdout)
	}
	// Write to a temporary file and rename, so a failed backup never
	// replaces a good one.
	tmp, err := os.CreateTemp(dirOf(*out), ".stancegraph-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := st.Backup(ctx, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "."
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", "[flags] FILE", stderr)
	var db dbFlags
	db.register(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore needs one backup FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db.acceptLoss = true // the backup replaces whatever is left
	st, err := db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	if errors.Is(err, graph.ErrCorrupt) {
		// Keep the damaged files for inspection and restore into a fresh
		// directory.
		aside := fmt.Sprintf("%s.damaged-%s", strings.TrimRight(db.dir, "/"), time.Now().UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(db.dir, aside); rerr != nil {
			return fmt.Errorf("%w\nmove the damaged database aside: %w", err, rerr)
		}
		fmt.Fprintf(stdout, "the database in %s is damaged; moved it to %s and restoring into a fresh one\n", db.dir, aside)
		st, err = db.open(zerolog.New(stderr).Level(zerolog.WarnLevel))
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Restore(ctx, f); err != nil {
		return err
	}
	if err := st.Verify(ctx); err != nil {
		return fmt.Errorf("restored data fails its checks: %w", err)
	}
	c, _ := st.Counts(ctx)
	fmt.Fprintf(stdout, "restored %d nodes and %d edges into %s\n", c.Nodes, c.Edges, db.dir)
	return nil
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "stancegraph", version())
	return nil
}

// version is the module version, or the VCS revision of a source build.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty, _ = strconv.ParseBool(s.Value)
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev
		if dirty {
			v += ", modified"
		}
		v += ")"
	}
	return v + " " + bi.GoVersion
}
