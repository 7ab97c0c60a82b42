package chat_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// serveWithLimits serves app as the binary does, with the header and idle
// timeouts of its configuration shortened to limit, and PocketBase's read
// and write timeouts to what tweaks say.
func serveWithLimits(t *testing.T, f *upstreamtest.Server, limit time.Duration, tweaks ...func(*http.Server)) (string, string) {
	t.Helper()
	app := hookstest.OnlineApp(t, f, func(c *config.Config) {
		c.ReadHeaderTimeout = limit
		c.IdleTimeout = limit
		c.UpstreamTimeout = 10 * time.Second
	})
	t.Cleanup(app.Cleanup)
	user := hookstest.NewUser(t, app, "conn@example.com")
	srv := hookstest.StartServeServer(t, app, tweaks...)
	return srv.Listener.Addr().String(), hookstest.Token(t, user)
}

// closedWithin fails unless the server closes conn within d, and returns
// how long it took.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("expected the server to close the connection within %s, it is still open", d)
	}
	return time.Since(start)
}

// A connection that sends half a request line, then nothing, is closed
// after the header timeout (PocketBase's own is a minute).
func TestSlowHeadersAreCutAfterTheHeaderTimeout(t *testing.T) {
	t.Parallel()
	const limit = 300 * time.Millisecond
	addr, _ := serveWithLimits(t, upstreamtest.NewServer(t), limit)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /api/chat HTT"); err != nil {
		t.Fatal(err)
	}
	if took := closedWithin(t, conn, 5*time.Second); took < limit/2 {
		t.Fatalf("expected the connection held for the header timeout, closed after %s", took)
	}
}

// A keep-alive connection that asks nothing more is closed after the idle
// timeout (PocketBase's server keeps it for its read timeout, 5 minutes).
func TestIdleConnectionsAreClosedAfterTheIdleTimeout(t *testing.T) {
	t.Parallel()
	const limit = 300 * time.Millisecond
	addr, _ := serveWithLimits(t, upstreamtest.NewServer(t), limit)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /api/health HTTP/1.1\r\nHost: stovebot\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Close {
		t.Fatalf("expected a 200 on a connection kept alive, got %d (close %v)", res.StatusCode, res.Close)
	}
	if took := closedWithin(t, conn, 5*time.Second); took < limit/2 {
		t.Fatalf("expected the idle connection kept for the idle timeout, closed after %s", took)
	}
}

// A stream outlives the header and idle timeouts and the server's read
// and write timeouts (shortened here from PocketBase's 5 minutes): it
// runs to done. The write timeout is lifted by the stream itself; net/http
// lifts the read timeout once the body is read, and applies the header and
// idle timeouts only between requests.
func TestStreamOutlivesTheConnectionLimits(t *testing.T) {
	t.Parallel()
	const limit = 200 * time.Millisecond
	f := upstreamtest.NewServer(t)
	f.HoldFirst()
	addr, token := serveWithLimits(t, f, limit, func(s *http.Server) {
		s.ReadTimeout = 2 * limit
		s.WriteTimeout = 2 * limit
	})
	_, next := openStream(t, context.Background(), "http://"+addr+"/api/chat", token, `{"content":"오래 걸리는 질문"}`)
	if ev, ok := next(); !ok || ev.name != "chat" {
		t.Fatalf("expected the chat event, got %+v", ev)
	}
	f.WaitForRequests(t, 1)
	time.Sleep(6 * limit) // past every limit of the connection
	f.Release()
	var names []string
	for ev, ok := next(); ok; ev, ok = next() {
		names = append(names, ev.name)
	}
	if !deltasThenDone(names) {
		t.Fatalf("expected the stream to run to done past the connection limits, got %q", names)
	}
}
