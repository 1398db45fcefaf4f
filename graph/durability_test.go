package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stancegraph/stancegraph/graph"
)

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	mustApply(t, s, fixture())
	want := dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != graph.ErrClosed {
		t.Fatalf("second close: %v", err)
	}
	if _, err := s.Node(context.Background(), "person/jd-vance"); err != graph.ErrClosed {
		t.Fatalf("read after close: %v", err)
	}
	s = mustOpenDir(t, dir, graph.Options{})
	defer s.Close()
	if got := dump(t, s); got != want {
		t.Fatal("reopened store differs")
	}
	mustVerify(t, s)
	if hits, _ := s.Search(context.Background(), "antonio", graph.SearchOptions{}); len(hits) != 1 {
		t.Fatalf("search after reopen: %v", hitIDs(hits))
	}
}

// TestOpenAfterCrashLeftEmptyMemtable reopens a store whose directory holds
// the empty memtable file that a kill between Badger's create and resize
// leaves behind.
func TestOpenAfterCrashLeftEmptyMemtable(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	mustApply(t, s, fixture())
	want := dump(t, s)
	s.Close()
	if err := os.WriteFile(filepath.Join(dir, "00099.mem"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s = mustOpenDir(t, dir, graph.Options{})
	defer s.Close()
	if dump(t, s) != want {
		t.Fatal("store changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "00099.mem")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("empty memtable file kept: %v", err)
	}
}

// bigBatch builds n stances held by people, on one topic; with offset it
// names different stances.
func bigBatch(n, offset int) *graph.Batch {
	b := &graph.Batch{}
	bigBatchInto(b, n, offset)
	return b
}

func bigBatchInto(b *graph.Batch, n, offset int) {
	b.PutNode(graph.Node{ID: "topic/big", Name: "Big topic", Scale: &graph.Scale{Negative: "no", Positive: "yes"}})
	for i := offset; i < offset+n; i++ {
		st := fmt.Sprintf("stance/s%06d", i)
		p := fmt.Sprintf("person/p%04d", i%500)
		b.PutNode(graph.Node{ID: p, Name: "Person " + strconv.Itoa(i%500)})
		b.PutNode(graph.Node{ID: st, Name: "Stance on regulation " + strconv.Itoa(i), Position: float64(i%21)/10 - 1, Confidence: 1})
		b.PutEdge(graph.Edge{Type: graph.HeldBy, From: st, To: p})
		b.PutEdge(graph.Edge{Type: graph.OnTopic, From: st, To: "topic/big"})
	}
}

// TestStagedBatch forces batches past Badger's transaction limit (a small
// memtable makes the limit small) and checks that the staged path gives
// exactly the state that small batches give.
func TestStagedBatch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	small := graph.Options{MemTableSize: 1 << 20}
	staged := mustOpenDir(t, dir, small)
	plain := mustOpen(t)
	mustApply(t, staged, fixture())
	mustApply(t, plain, fixture())

	// A batch of 8,000 edges on top of existing data, with updates and a
	// cascading delete of existing nodes.
	b := bigBatch(4000, 0)
	b.PutNode(graph.Node{ID: "person/jd-vance", Name: "JD Vance"})
	b.DeleteNode("person/olaf-scholz", true)
	r, err := staged.Apply(ctx, b, graph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.EdgesCreated != 8000 || r.NodesUpdated != 1 || r.NodesDeleted != 1 {
		t.Fatalf("staged result %+v", r)
	}
	mustApply(t, plain, bigBatch(4000, 0))
	b = &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/jd-vance", Name: "JD Vance"})
	b.DeleteNode("person/olaf-scholz", true)
	mustApply(t, plain, b)
	want := dump(t, plain)
	if got := dump(t, staged); got != want {
		t.Fatal("staged batch gave a different state than small batches")
	}
	mustVerify(t, staged)

	// Re-applying the same big batch changes nothing.
	if r := mustApply(t, staged, bigBatch(4000, 0)); r.Changed() {
		t.Fatalf("re-apply changed %+v", r)
	}
	// A big batch that fails at its end writes nothing.
	b = bigBatch(4000, 4000)
	b.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/s000001", To: "person/nobody"})
	if _, err := staged.Apply(ctx, b, graph.ApplyOptions{}); err == nil {
		t.Fatal("bad big batch applied")
	}
	// A big batch cancelled while staging writes nothing either.
	cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	time.Sleep(2 * time.Millisecond)
	staged.Apply(cctx, bigBatch(4000, 8000), graph.ApplyOptions{})
	if got := dump(t, staged); got != want {
		t.Fatal("failed big batches changed the store")
	}
	if err := staged.Close(); err != nil {
		t.Fatal(err)
	}
	staged = mustOpenDir(t, dir, small)
	defer staged.Close()
	if got := dump(t, staged); got != want {
		t.Fatal("reopened staged store differs")
	}
	mustVerify(t, staged)
}

// TestStreamLoad loads a big batch into an empty store (the streaming
// path) and checks it gives what small transactions give.
func TestStreamLoad(t *testing.T) {
	dir := t.TempDir()
	loaded := mustOpenDir(t, dir, graph.Options{})
	small := mustOpen(t)
	mustApply(t, small, fixture())
	mustApply(t, small, bigBatch(4000, 0))
	// The fixture and the big batch in one batch, with an update, and a
	// node and edge created and deleted within the batch.
	all := &graph.Batch{}
	fixtureInto(all)
	bigBatchInto(all, 4000, 0)
	all.PutNode(graph.Node{ID: "person/jd-vance", Name: "JD Vance"})
	all.PutNode(graph.Node{ID: "person/gone", Name: "Gone"})
	all.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/gone", To: "org/un"})
	all.DeleteNode("person/gone", true)
	fix := &graph.Batch{}
	fix.PutNode(graph.Node{ID: "person/jd-vance", Name: "JD Vance"})
	mustApply(t, small, fix)

	dry, err := loaded.Apply(context.Background(), all, graph.ApplyOptions{DryRun: true})
	if err != nil || dry.EdgesCreated != 16+8000 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if c, _ := loaded.Counts(context.Background()); c.Nodes != 0 {
		t.Fatal("dry run wrote")
	}
	r := mustApply(t, loaded, all)
	if r.EdgesCreated != 16+8000 || r.NodesCreated != 15+4000+500+1 {
		t.Fatalf("load result %+v", r)
	}
	want := dump(t, small)
	if got := dump(t, loaded); got != want {
		t.Fatal("streamed load differs from small transactions")
	}
	mustVerify(t, loaded)
	if hits, _ := loaded.Search(context.Background(), "antonio", graph.SearchOptions{}); len(hits) != 1 {
		t.Fatalf("search after load: %v", hitIDs(hits))
	}
	// Writes after the load go through transactions on top of it.
	mustApply(t, loaded, bigBatch(10, 9000))
	mustVerify(t, loaded)
	loaded.Close()
	loaded = mustOpenDir(t, dir, graph.Options{})
	defer loaded.Close()
	mustVerify(t, loaded)
}

// TestStreamLoadOfPuts loads a batch of puts only, which the load plans
// without the planner's maps, and checks it against small transactions:
// nodes and edges put more than once keep their last put. An edge to a
// missing node fails the load as the planner words it, and nothing is
// written.
func TestStreamLoadOfPuts(t *testing.T) {
	ctx := context.Background()
	loaded := mustOpen(t)
	small := mustOpen(t)
	all := &graph.Batch{}
	fixtureInto(all)
	bigBatchInto(all, 4000, 0) // puts each of 500 people 8 times
	again := &graph.Batch{}
	again.PutNode(graph.Node{ID: "person/jd-vance", Name: "JD Vance"})
	again.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/p0001", To: "org/un", Role: "second"})
	all.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/p0001", To: "org/un", Role: "first"})
	all.PutNode(graph.Node{ID: "person/jd-vance", Name: "JD Vance"})
	all.PutEdge(graph.Edge{Type: graph.MemberOf, From: "person/p0001", To: "org/un", Role: "second"})
	mustApply(t, small, fixture())
	mustApply(t, small, bigBatch(4000, 0))
	mustApply(t, small, again)

	r := mustApply(t, loaded, all)
	if r.EdgesCreated != 16+8000+1 || r.NodesCreated != 15+4000+500+1 || r.ByKind[graph.KindPerson].Created != 3+500 {
		t.Fatalf("load result %+v", r)
	}
	if got, want := dump(t, loaded), dump(t, small); got != want {
		t.Fatal("streamed load differs from small transactions")
	}
	mustVerify(t, loaded)
	// Into an empty store every node and edge is created: the result
	// counts, by kind and edge type, what the store then holds.
	c, _ := loaded.Counts(ctx)
	if cs, _ := small.Counts(ctx); fmt.Sprint(c) != fmt.Sprint(cs) {
		t.Fatalf("counts after the load %v, after small transactions %v", c, cs)
	}
	for k, n := range c.ByKind {
		if r.ByKind[k].Created != n {
			t.Errorf("load result: %d %s created, the store holds %d", r.ByKind[k].Created, k, n)
		}
	}
	for et, n := range c.ByEdgeType {
		if r.ByEdgeType[et].Created != n {
			t.Errorf("load result: %d %s edges created, the store holds %d", r.ByEdgeType[et].Created, et, n)
		}
	}
	if len(r.ByKind) != len(c.ByKind) || len(r.ByEdgeType) != len(c.ByEdgeType) {
		t.Errorf("load result by kind %v, by edge type %v; the store holds %v and %v", r.ByKind, r.ByEdgeType, c.ByKind, c.ByEdgeType)
	}

	// A load clears the stamp of an origin it writes data of without
	// stamping it again, and keeps the others.
	stamped := mustOpen(t)
	stamps := &graph.Batch{}
	stamps.StampOrigin("a.yaml", []byte("a1"))
	stamps.StampOrigin("b.yaml", []byte("b1"))
	mustApply(t, stamped, stamps)
	withOrigin := bigBatch(4000, 0)
	withOrigin.PutNode(graph.Node{ID: "person/from-a", Name: "From A", Origin: "a.yaml"})
	mustApply(t, stamped, withOrigin)
	if got, _ := stamped.OriginStamps(ctx, []string{"a.yaml", "b.yaml"}); got[0] != nil || string(got[1]) != "b1" {
		t.Fatalf("stamps after a load that wrote a.yaml's data: %q", got)
	}

	bad := bigBatch(4000, 0)
	bad.PutEdge(graph.Edge{Type: graph.HeldBy, From: "stance/s000001", To: "person/missing"})
	empty := mustOpen(t)
	_, err := empty.Apply(ctx, bad, graph.ApplyOptions{})
	if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "stance/s000001|HELD_BY|person/missing: node person/missing does not exist") {
		t.Fatalf("dangling edge in a load: %v", err)
	}
	if c, _ := empty.Counts(ctx); c.Nodes != 0 || c.Edges != 0 {
		t.Fatalf("a failed load wrote %+v", c)
	}
	// The planner, on a store that is not empty, says the same.
	other := mustOpen(t)
	mustApply(t, other, fixture())
	if _, err2 := other.Apply(ctx, bad, graph.ApplyOptions{}); err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("planner: %v, load: %v", err2, err)
	}
}

// TestConsecutiveStagedBatches applies staged batches back to back, so
// that each starts while the previous generation may still be dropping.
func TestConsecutiveStagedBatches(t *testing.T) {
	s := mustOpenDir(t, t.TempDir(), graph.Options{MemTableSize: 1 << 20, NoSync: true})
	defer s.Close()
	mustApply(t, s, fixture())
	for i := range 4 {
		if _, err := s.Apply(context.Background(), bigBatch(2500, i*2500), graph.ApplyOptions{}); err != nil {
			t.Fatalf("staged batch %d: %v", i, err)
		}
		// Small writes right after a switch must not meet blocked writes.
		b := &graph.Batch{}
		b.PutNode(graph.Node{ID: fmt.Sprintf("person/after-%d", i), Name: "After"})
		mustApply(t, s, b)
	}
	mustVerify(t, s)
	c, _ := s.Counts(context.Background())
	if c.ByKind[graph.KindStance] != 4+4*2500 {
		t.Fatalf("stances %d", c.ByKind[graph.KindStance])
	}
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t)
	mustApply(t, src, fixture())
	mustApply(t, src, bigBatch(300, 0))
	var buf bytes.Buffer
	if err := src.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	dst := mustOpen(t)
	b := &graph.Batch{}
	b.PutNode(graph.Node{ID: "person/replaced", Name: "Gone after restore"})
	mustApply(t, dst, b)
	if err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if dump(t, dst) != dump(t, src) {
		t.Fatal("restored store differs")
	}
	mustVerify(t, dst)
	c1, _ := src.Counts(ctx)
	c2, _ := dst.Counts(ctx)
	if fmt.Sprint(c1) != fmt.Sprint(c2) {
		t.Fatalf("counts %v vs %v", c1, c2)
	}
	if err := dst.Restore(ctx, strings.NewReader("not a backup")); err == nil {
		t.Fatal("garbage restored")
	}
}

// The crash test: a child process applies numbered batches and prints
// "ack N" after each returns; the parent kills it with SIGKILL at a random
// moment, reopens the store, and checks that every acknowledged batch is
// there whole and no batch is there in part.

const crashChildEnv = "STANCEGRAPH_CRASH_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	code := m.Run()
	removeBenchGraphs()
	os.Exit(code)
}

func crashChild(dir string) {
	s, err := graph.Open(dir, graph.Options{MemTableSize: 1 << 20})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	start := 0
	if c, err := s.Counts(ctx); err == nil {
		start = c.ByKind[graph.KindEvent]
	}
	for i := start; ; i++ {
		b := crashBatch(i)
		if _, err := s.Apply(ctx, b, graph.ApplyOptions{}); err != nil {
			fmt.Println("apply:", err)
			os.Exit(3)
		}
		fmt.Printf("ack %d\n", i)
	}
}

func stancesInCrashBatch(i int) int {
	if i%5 == 0 {
		return 2000 // 6,002 operations: streamed into the empty store, staged later
	}
	return 20
}

// crashBatch i holds an event e<i> and 20 stances (2,500 when i%5 == 0, so
// the first goes through the stream path and later ones are staged), each
// with two edges.
func crashBatch(i int) *graph.Batch {
	n := stancesInCrashBatch(i)
	b := &graph.Batch{}
	ev := fmt.Sprintf("event/e%d", i)
	b.PutNode(graph.Node{ID: ev, Name: "Event " + strconv.Itoa(i)})
	b.PutNode(graph.Node{ID: "person/holder", Name: "Holder"})
	for j := range n {
		st := fmt.Sprintf("stance/b%d-%d", i, j)
		b.PutNode(graph.Node{ID: st, Name: "Stance", Position: 0.5})
		b.PutEdge(graph.Edge{Type: graph.HeldBy, From: st, To: "person/holder"})
		b.PutEdge(graph.Edge{Type: graph.StatedAt, From: st, To: ev})
	}
	return b
}

func TestCrashKeepsAcknowledgedBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("STANCEGRAPH_CRASH_ROUNDS")); err == nil {
		rounds = v
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	acked := -1
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(time.Duration(200+rng.IntN(800)) * time.Millisecond)
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if n, found := strings.CutPrefix(l, "ack "); found {
					acked, _ = strconv.Atoi(n)
				} else {
					t.Fatalf("child: %s", l)
				}
			case <-deadline:
				cmd.Process.Kill()
				break read
			}
		}
		cmd.Process.Kill()
		for range lines { // drain what the child printed before dying
		}
		cmd.Wait()

		s := mustOpenDir(t, dir, graph.Options{MemTableSize: 1 << 20})
		ctx := context.Background()
		c, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		events := c.ByKind[graph.KindEvent]
		if events < acked+1 {
			t.Fatalf("round %d: %d batches acknowledged, only %d present", round, acked+1, events)
		}
		for i := range events {
			ev := fmt.Sprintf("event/e%d", i)
			got, err := s.Edges(ctx, ev, graph.In, nil, graph.Date{})
			if err != nil {
				t.Fatal(err)
			}
			if want := stancesInCrashBatch(i); len(got) != want {
				t.Fatalf("round %d: batch %d has %d of its %d stances", round, i, len(got), want)
			}
		}
		if _, err := s.Node(ctx, fmt.Sprintf("event/e%d", events)); err == nil {
			t.Fatalf("round %d: a half batch is visible", round)
		}
		mustVerify(t, s)
		t.Logf("round %d: killed after %d acknowledged batches; %d present, store consistent", round, acked+1, events)
		s.Close()
	}
}

// TestSecondOpenNamesHolder opens a database twice: the second Open fails
// at once with ErrLocked and names the process holding it.
func TestSecondOpenNamesHolder(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenDir(t, dir, graph.Options{})
	defer s.Close()
	_, err := graph.Open(dir, graph.Options{})
	if !errors.Is(err, graph.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if want := fmt.Sprintf("held by process %d", os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name the holder (%s)", err, want)
	}
}
