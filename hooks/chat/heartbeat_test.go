package chat_test

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// A stream whose upstream is silent sends an SSE comment every StreamPing,
// so that a proxy does not close it (SPEC 13.4); the events are the same.
func TestStreamPingsWhileTheUpstreamThinks(t *testing.T) {
	t.Parallel()
	const every = 300 * time.Millisecond
	f := upstreamtest.NewServer(t)
	f.HoldFirst() // the upstream answers its headers, then thinks
	app := hookstest.OnlineApp(t, f, func(c *config.Config) {
		c.StreamPing = every
		c.UpstreamTimeout = 10 * time.Second
	})
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "pinged@example.com")
	srv := hookstest.StartServer(t, app)

	req, _ := http.NewRequest("POST", srv.URL+"/api/chat", strings.NewReader(`{"content":"천천히 생각해"}`))
	req.Header.Set("Authorization", hookstest.Token(t, user))
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func(within time.Duration) (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(within):
			t.Fatalf("no line within %s", within)
			return "", false
		}
	}
	if l, _ := next(5 * time.Second); l != "event: chat" {
		t.Fatalf("expected the chat event first, got %q", l)
	}
	next(time.Second) // its data
	next(time.Second) // the blank line that ends it
	start := time.Now()
	for n := 0; n < 2; n++ {
		l, _ := next(every + time.Second)
		if l != ": ping" {
			t.Fatalf("expected a ping comment while the upstream is silent, got %q", l)
		}
		if waited := time.Since(start); waited < every*3/4 {
			t.Fatalf("expected a ping after %s of silence, got one after %s", every, waited)
		}
		if l, _ := next(time.Second); l != "" {
			t.Fatalf("expected a blank line after the ping, got %q", l)
		}
		start = time.Now()
	}
	f.Release()
	var rest []string
	for {
		l, ok := next(5 * time.Second)
		if !ok {
			break
		}
		rest = append(rest, l)
	}
	// what an SSE client sees: the comments are not events
	var events, text []string
	for _, l := range rest {
		switch {
		case strings.HasPrefix(l, "event: "):
			events = append(events, strings.TrimPrefix(l, "event: "))
		case strings.HasPrefix(l, `data: {"content":"`):
			text = append(text, strings.TrimSuffix(strings.TrimPrefix(l, `data: {"content":"`), `"}`))
		}
	}
	if got := deltasThenDone(events); !got {
		t.Fatalf("expected deltas and done after the pings, got %q in %q", events, rest)
	}
	if got := strings.Join(text, ""); got != strings.Join(upstreamtest.Answer, "") {
		t.Fatalf("expected the whole answer, got %q", got)
	}
}

// deltasThenDone reports whether names are one or more deltas (pieces that
// arrive together are sent as one), then done.
func deltasThenDone(names []string) bool {
	n := len(names)
	if n < 2 || names[n-1] != "done" {
		return false
	}
	for _, name := range names[:n-1] {
		if name != "delta" {
			return false
		}
	}
	return true
}
