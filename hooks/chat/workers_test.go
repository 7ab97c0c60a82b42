package chat

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// run returns once f has run, from many callers at once, and a panic in f
// reaches the caller while the worker lives on.
func TestWorkersRunAndPassPanicsOn(t *testing.T) {
	t.Parallel()
	w := newWorkers(2)
	var ran atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done := false
			w.run(func() { ran.Add(1); done = true })
			if !done {
				t.Error("run returned before f had run")
			}
		}()
	}
	wg.Wait()
	if ran.Load() != 50 {
		t.Fatalf("expected 50 runs, got %d", ran.Load())
	}

	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("expected the panic passed on, got %v", r)
			}
		}()
		w.run(func() { panic("boom") })
	}()
	// both workers still serve: two jobs that wait for each other finish
	// only if two workers run them
	var both sync.WaitGroup
	both.Add(2)
	finished := make(chan struct{})
	go func() {
		var callers sync.WaitGroup
		for range 2 {
			callers.Add(1)
			go func() {
				defer callers.Done()
				w.run(func() { both.Done(); both.Wait() })
			}()
		}
		callers.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("expected two workers after a panic, the jobs did not finish")
	}
}
