// Command rawbadger is the baseline process of the memory and start-up
// comparisons of cmd/sgbench: it opens a Badger directory with the options
// graph.Open uses and nothing of stancegraph on top.
//
//	rawbadger open DIR   open the database, close it, exit
//	rawbadger hold DIR   open it, read every key and value once, print
//	                     "ready" and hold it open until standard input closes
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dgraph-io/badger/v4"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rawbadger:", err)
		os.Exit(1)
	}
}

// options returns the Badger options graph.Open uses for an on-disk store
// with its defaults (graph/store.go).
func options(dir string) badger.Options {
	return badger.DefaultOptions(dir).
		WithLogger(nil).
		WithSyncWrites(true).
		WithMemTableSize(16 << 20).
		WithValueThreshold(1 << 20).
		WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).
		WithValueLogFileSize(128 << 20).
		WithNumMemtables(2).
		WithBaseTableSize(512 << 10).
		WithNumCompactors(2).
		WithMetricsEnabled(false)
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 2 || (args[0] != "open" && args[0] != "hold") {
		return errors.New("usage: rawbadger open|hold DIR")
	}
	db, err := badger.Open(options(args[1]))
	if err != nil {
		return fmt.Errorf("open badger database in %q: %w", args[1], err)
	}
	if args[0] == "open" {
		return db.Close()
	}
	keys, bytes := 0, 0
	err = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := it.Item().Value(func(v []byte) error { bytes += len(v); return nil }); err != nil {
				return err
			}
			keys++
		}
		return nil
	})
	if err != nil {
		db.Close()
		return fmt.Errorf("read every key: %w", err)
	}
	fmt.Fprintf(stdout, "ready %d keys %d value bytes\n", keys, bytes)
	_, _ = io.Copy(io.Discard, bufio.NewReader(stdin))
	return db.Close()
}
