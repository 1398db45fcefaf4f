package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// BenchmarkBulkLoad loads a synthetic graph into an empty on-disk store
// with one Apply, beside two baselines that write the very same
// pre-encoded keys and values straight into Badger with the same options:
// WriteBatch (what any Badger user would write) and StreamWriter (Badger's
// fastest path for an empty database). Compare edges/s:
//
//	go test ./graph -run '^$' -bench BulkLoad -benchtime 3x -count 6 | benchstat -
func BenchmarkBulkLoad(b *testing.B) {
	for _, size := range []int{10_000, 100_000, 1_000_000} {
		if size == 1_000_000 && testing.Short() {
			continue
		}
		name := fmt.Sprintf("%dk", size/1000)
		gen := synth.New(synth.Config{Edges: size, Seed: 1})
		batch := &graph.Batch{}
		for n := range gen.Nodes {
			batch.PutNode(n)
		}
		edges := 0
		for e := range gen.Edges {
			batch.PutEdge(e)
			edges++
		}
		ctx := context.Background()
		probe, err := graph.Open("", graph.Options{InMemory: true})
		if err != nil {
			b.Fatal(err)
		}
		kvs, err := graph.PlanWrites(ctx, probe, batch)
		probe.Close()
		if err != nil {
			b.Fatal(err)
		}
		// Each run opens a fresh database and closes it afterwards; only
		// the load itself is timed.
		run := func(b *testing.B, load func(dir string) (closeFn func(), err error)) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				start := time.Now()
				closeFn, err := load(dir)
				total += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				closeFn()
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(total.Seconds()/float64(b.N), "s/load")
			b.ReportMetric(float64(edges)*float64(b.N)/total.Seconds(), "edges/s")
		}
		b.Run(name+"/apply", func(b *testing.B) {
			run(b, func(dir string) (func(), error) {
				s, err := graph.Open(dir, graph.Options{})
				if err != nil {
					return nil, err
				}
				_, err = s.Apply(ctx, batch, graph.ApplyOptions{})
				return func() { s.Close() }, err
			})
		})
		rawOpts := func(dir string) badger.Options {
			return badger.DefaultOptions(dir).WithLogger(nil).WithSyncWrites(true).
				WithMemTableSize(16 << 20).WithValueThreshold(1 << 20).WithBlockCacheSize(32 << 20).
				WithIndexCacheSize(16 << 20).WithValueLogFileSize(128 << 20).WithNumMemtables(3).WithNumCompactors(2)
		}
		b.Run(name+"/raw-writebatch", func(b *testing.B) {
			run(b, func(dir string) (func(), error) {
				db, err := badger.Open(rawOpts(dir))
				if err != nil {
					return nil, err
				}
				wb := db.NewWriteBatch()
				for _, kv := range kvs {
					if err := wb.Set(kv.Key, kv.Val); err != nil {
						return nil, err
					}
				}
				return func() { db.Close() }, wb.Flush()
			})
		})
		b.Run(name+"/raw-streamwriter", func(b *testing.B) {
			run(b, func(dir string) (func(), error) {
				db, err := badger.Open(rawOpts(dir))
				if err != nil {
					return nil, err
				}
				sw := db.NewStreamWriter()
				if err := sw.Prepare(); err != nil {
					return nil, err
				}
				buf := z.NewBuffer(64<<20, "bench")
				defer buf.Release()
				for _, kv := range kvs {
					badger.KVToBuffer(&pb.KV{Key: kv.Key, Value: kv.Val, Version: 1}, buf)
					if buf.LenNoPadding() > 16<<20 {
						if err := sw.Write(buf); err != nil {
							return nil, err
						}
						buf.Reset()
					}
				}
				if err := sw.Write(buf); err != nil {
					return nil, err
				}
				return func() { db.Close() }, sw.Flush()
			})
		})
	}
}
