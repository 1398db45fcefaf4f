// Command stancegraph serves and manages a stancegraph database: who stands
// where on AI regulation, and says so where.
//
//	stancegraph serve      serve GraphQL (and the explorer) over HTTP
//	stancegraph seed       apply YAML seed files to a database
//	stancegraph validate   check YAML seed files without a database
//	stancegraph query      run a GraphQL query against a database, print JSON
//	stancegraph export     export the graph for Gephi, networkx, pandas/R, RDF stores, Dgraph
//	stancegraph stats      count nodes and edges
//	stancegraph backup     write a backup of a database
//	stancegraph restore    replace a database with a backup
//	stancegraph version    print the version
//
// Run "stancegraph <command> --help" for the flags of each.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "stancegraph:", err)
		os.Exit(1)
	}
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve GraphQL and the explorer over HTTP", runServe},
		{"seed", "apply YAML seed files to a database", runSeed},
		{"validate", "check YAML seed files without a database", runValidate},
		{"query", "run a GraphQL query against a database and print JSON", runQuery},
		{"export", "export the graph as graphml, gexf, csv, jsonl, nquads, dgraph or yaml", runExport},
		{"stats", "count nodes and edges", runStats},
		{"verify", "check every table block and every index of a database", runVerify},
		{"backup", "write a backup of a database", runBackup},
		{"restore", "replace a database with a backup", runRestore},
		{"version", "print the version", runVersion},
	}
}

// run runs the command line args (without the program name).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stderr)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "stancegraph: a knowledge graph of who stands where on AI regulation.")
	fmt.Fprintln(w, "\nUsage: stancegraph <command> [flags] [arguments]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'stancegraph <command> --help' for a command's flags.")
}

// newFlags returns a FlagSet that prints its usage to stderr.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: stancegraph %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// listFlag collects a flag given several times.
type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
