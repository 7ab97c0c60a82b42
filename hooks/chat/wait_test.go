package chat_test

import (
	"context"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/upstream/upstreamtest"
)

// waitFor polls cond every few milliseconds until it holds, and fails t
// after timeout, naming what it waited for. It is for a state that sends no
// signal (rows in the database); a test waits on the fake upstream's
// signals (WaitForRequests, WaitForEnded) where it can.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("waited %s for %s", timeout, what)
		}
	}
}

// requestContextsEnd reports, on the returned channel, each time the
// context of a request to path ends: when the server learns that the
// client went away, or at the latest when the handler returns. Call it
// before the app serves.
func requestContextsEnd(app core.App, path string) <-chan struct{} {
	ended := make(chan struct{}, 64)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			if e.Request.URL.Path == path {
				context.AfterFunc(e.Request.Context(), func() {
					select {
					case ended <- struct{}{}:
					default:
					}
				})
			}
			return e.Next()
		})
		return se.Next()
	})
	return ended
}

// cancelGrace is how long a test gives a request to be cancelled that
// must not be: a cancellation travels from the server's request context
// through the HTTP client to the fake upstream in well under a millisecond
// on an idle machine, and in tens under the race detector on a busy one.
const cancelGrace = 300 * time.Millisecond

// endedBeforeRelease reports whether the fake upstream's first request,
// held until Release, has ended: only a cancellation can end it.
func endedBeforeRelease(got []upstreamtest.Request) bool { return len(got) > 0 && got[0].Ended }

// expectEnded waits for one signal of requestContextsEnd, and fails t
// after 10 s.
func expectEnded(t testing.TB, ended <-chan struct{}) {
	t.Helper()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not notice within 10 s that the client went away")
	}
}
