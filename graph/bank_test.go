package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stancegraph/stancegraph/graph"
)

// The bank test: accounts are initiative nodes whose Amount is the balance,
// transfers are read-modify-write batches guarded by Batch.ExpectNode, and
// the total of all balances must never change, whatever the interleaving.
// Balances are whole euros, so float64 sums are exact.
const (
	bankAccounts  = 8
	bankBalance   = 1000
	bankWriters   = 8
	bankTransfers = 60 // successful transfers per writer
)

func bankID(i int) string { return fmt.Sprintf("initiative/account-%02d", i) }

func bankIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = bankID(i)
	}
	return ids
}

// openBank creates n accounts holding bankBalance each.
func openBank(tb testing.TB, s *graph.Store, n int) {
	tb.Helper()
	var b graph.Batch
	for _, id := range bankIDs(n) {
		b.PutNode(graph.Node{ID: id, Kind: graph.KindInitiative, Name: id, Amount: &graph.Money{Amount: bankBalance, Currency: "EUR"}})
	}
	mustApply(tb, s, &b)
}

// balances reads every account in one snapshot: Store.Nodes reads all ids
// in a single read transaction.
func balances(ctx context.Context, s *graph.Store, ids []string) ([]float64, error) {
	nodes, err := s.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ids))
	for i, n := range nodes {
		if n == nil || n.Amount == nil {
			return nil, fmt.Errorf("account %s is missing or has no amount", ids[i])
		}
		out[i] = n.Amount.Amount
	}
	return out, nil
}

func sum(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t
}

// prepareTransfer reads both accounts and builds the batch moving amount
// from one to the other, guarded by ExpectNode on what it read when expect
// is set. It returns a nil batch when the payer cannot afford the amount.
func prepareTransfer(ctx context.Context, s *graph.Store, from, to string, amount float64, expect bool) (*graph.Batch, error) {
	nodes, err := s.Nodes(ctx, []string{from, to})
	if err != nil {
		return nil, err
	}
	if nodes[0] == nil || nodes[1] == nil {
		return nil, fmt.Errorf("transfer %s -> %s: an account is missing", from, to)
	}
	a, b := *nodes[0], *nodes[1]
	if a.Amount.Amount < amount {
		return nil, nil
	}
	var batch graph.Batch
	if expect {
		batch.ExpectNode(a)
		batch.ExpectNode(b)
	}
	// New Money values: a and b must keep what was read for ExpectNode.
	a.Amount = &graph.Money{Amount: a.Amount.Amount - amount, Currency: a.Amount.Currency}
	b.Amount = &graph.Money{Amount: b.Amount.Amount + amount, Currency: b.Amount.Currency}
	batch.PutNode(a)
	batch.PutNode(b)
	return &batch, nil
}

func TestBank(t *testing.T) {
	t.Run("stale transfer", testBankStale)
	t.Run("concurrent transfers", testBankConcurrent)
}

// testBankStale interleaves two transfers prepared from the same snapshot.
// Guarded, the second fails with ErrConflict and writes nothing; unguarded,
// it overwrites the first and the total changes, which is what the
// concurrent test would see if ExpectNode did nothing.
func testBankStale(t *testing.T) {
	ctx := context.Background()
	ids := bankIDs(3)
	for _, expect := range []bool{true, false} {
		s := mustOpen(t)
		openBank(t, s, len(ids))
		first, err := prepareTransfer(ctx, s, ids[0], ids[1], 10, expect)
		if err != nil {
			t.Fatal(err)
		}
		second, err := prepareTransfer(ctx, s, ids[0], ids[2], 20, expect)
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, s, first)
		_, err = s.Apply(ctx, second, graph.ApplyOptions{})
		got, rerr := balances(ctx, s, ids)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if expect {
			if !errors.Is(err, graph.ErrConflict) {
				t.Fatalf("stale guarded transfer: got error %v, want ErrConflict", err)
			}
			if want := []float64{990, 1010, 1000}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("balances after a refused transfer: %v, want %v", got, want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("unguarded transfer: %v", err)
		}
		if total := sum(got); total == bankBalance*float64(len(ids)) {
			t.Fatalf("an unguarded stale transfer kept the total (%v): the bank check could not see lost updates", got)
		}
	}
}

// testBankConcurrent runs writers that move money between random accounts
// and retry on ErrConflict, and a reader that checks the total in every
// snapshot; then it checks each balance against the writers' ledgers,
// reopens the store and checks again.
func testBankConcurrent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	ids := bankIDs(bankAccounts)
	openBank(t, s, len(ids))
	total := float64(bankAccounts * bankBalance)

	var conflicts, reads atomic.Int64
	ledgers := make([][]float64, bankWriters) // per writer: net change per account
	stop := make(chan struct{})
	readerDone := make(chan error, 1)
	go func() {
		for {
			got, err := balances(ctx, s, ids)
			if err != nil {
				readerDone <- err
				return
			}
			reads.Add(1)
			if sum(got) != total {
				readerDone <- fmt.Errorf("snapshot %d: total %v, want %v (balances %v)", reads.Load(), sum(got), total, got)
				return
			}
			for i, x := range got {
				if x < 0 {
					readerDone <- fmt.Errorf("snapshot %d: %s is overdrawn: %v", reads.Load(), ids[i], x)
					return
				}
			}
			select {
			case <-stop:
				readerDone <- nil
				return
			default:
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, bankWriters)
	for w := range bankWriters {
		ledgers[w] = make([]float64, len(ids))
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(7, uint64(w)))
			for done := 0; done < bankTransfers; {
				i, j := rng.IntN(len(ids)), rng.IntN(len(ids)-1)
				if j >= i {
					j++
				}
				amount := float64(1 + rng.IntN(100))
				for {
					b, err := prepareTransfer(ctx, s, ids[i], ids[j], amount, true)
					if err != nil {
						errs <- err
						return
					}
					if b == nil {
						break // cannot afford it: pick another transfer
					}
					_, err = s.Apply(ctx, b, graph.ApplyOptions{})
					if errors.Is(err, graph.ErrConflict) {
						conflicts.Add(1)
						continue
					}
					if err != nil {
						errs <- fmt.Errorf("writer %d: %w", w, err)
						return
					}
					ledgers[w][i] -= amount
					ledgers[w][j] += amount
					done++
					break
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := <-readerDone; err != nil {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d transfers, %d conflicts retried, %d snapshots checked", bankWriters*bankTransfers, conflicts.Load(), reads.Load())
	// Eight writers on eight accounts, each reading outside the writer
	// lock, overlap many times per run; zero conflicts would mean that
	// ExpectNode never refused a stale batch.
	if conflicts.Load() == 0 {
		t.Error("no conflicts: the writers never overlapped, or ExpectNode does not detect changes")
	}

	want := make([]float64, len(ids))
	for i := range want {
		want[i] = bankBalance
		for _, l := range ledgers {
			want[i] += l[i]
		}
	}
	check := func(when string, s *graph.Store) {
		t.Helper()
		got, err := balances(ctx, s, ids)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: balances %v, want %v from the writers' ledgers", when, got, want)
		}
		if sum(got) != total {
			t.Fatalf("%s: total %v, want %v", when, sum(got), total)
		}
		mustVerify(t, s)
	}
	check("after the writers", s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, graph.Options{})
	defer s.Close()
	check("after reopening", s)
}
