package main

import (
	"math"
	"os"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/stancegraph/stancegraph/seed"
)

// TestPauseGCOverlapping pauses the collector from several goroutines at
// once and checks that the setting from before comes back when the last
// one resumes, whatever the order.
func TestPauseGCOverlapping(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(137))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			<-start
			resume := pauseGC()
			if got := debug.SetGCPercent(-1); got != -1 {
				t.Errorf("GOGC %d while paused, want off", got)
			}
			resume()
		})
	}
	close(start)
	wg.Wait()
	if got := debug.SetGCPercent(137); got != 137 {
		t.Fatalf("GOGC %d after every pause ended, want 137", got)
	}
}

// TestRaiseMemoryLimit checks that a seed at serve's start gets at least
// the seed command's heap budget and that serve's own limit comes back,
// and that no limit stays no limit.
func TestRaiseMemoryLimit(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOMEMLIMIT is set; raiseMemoryLimit leaves such a limit alone")
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(160 << 20))
	restore := raiseMemoryLimit(seed.MemoryLimit)
	if got := debug.SetMemoryLimit(-1); got != seed.MemoryLimit {
		t.Errorf("limit while seeding %d, want %d", got, seed.MemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != 160<<20 {
		t.Errorf("limit after seeding %d, want %d", got, 160<<20)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	raiseMemoryLimit(seed.MemoryLimit)()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("no limit became %d", got)
	}
}
