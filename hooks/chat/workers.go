package chat

// workers are long-lived goroutines that run functions for a caller that
// waits. Handing work to a parked worker and waiting at once lets the
// worker run on the caller's thread; the worker's stack, once grown, is
// reused, where a new goroutine's would grow (and be copied) each time.
type workers struct {
	jobs chan func()
}

func newWorkers(n int) *workers {
	w := &workers{jobs: make(chan func())}
	for range n {
		go func() {
			for job := range w.jobs {
				job()
			}
		}()
	}
	return w
}

// run runs f on a worker and returns when it has. A panic in f is passed
// on to the caller's goroutine (where PocketBase recovers a handler's).
func (w *workers) run(f func()) {
	var panicked any
	done := make(chan struct{})
	w.jobs <- func() {
		defer close(done)
		defer func() { panicked = recover() }()
		f()
	}
	<-done
	if panicked != nil {
		panic(panicked)
	}
}
