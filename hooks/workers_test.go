package hooks

import (
	"sync"
	"sync/atomic"
	"testing"
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
	for range 3 { // both workers still serve
		n := ran.Load()
		w.run(func() { ran.Add(1) })
		if ran.Load() != n+1 {
			t.Fatal("expected a worker to run after a panic")
		}
	}
}
