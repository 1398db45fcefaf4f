package main

import (
	"runtime/debug"
	"sync"
	"testing"
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
