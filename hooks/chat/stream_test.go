package chat_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// sseEvent is one Server-Sent Event.
type sseEvent struct{ name, data string }

// openStream posts a streaming chat request and returns a reader of events.
func openStream(t testing.TB, ctx context.Context, url, token, body string, headers ...string) (*http.Response, func() (sseEvent, bool)) {
	t.Helper()
	return openEvents(t, ctx, "POST", url, token, body, headers...)
}

// openEvents is openStream with another method.
func openEvents(t testing.TB, ctx context.Context, method, url, token, body string, headers ...string) (*http.Response, func() (sseEvent, bool)) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	sc := bufio.NewScanner(res.Body)
	next := func() (sseEvent, bool) {
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				return ev, true
			}
		}
		return ev, false
	}
	return res, next
}

func TestChatStreamsPiecesAsTheyArrive(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold() // the fake sends its first piece, then waits
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "streamer@example.com")
	srv := hookstest.StartServer(t, app)

	res, next := openStream(t, context.Background(), srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"명대사 알려줘"}`)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("expected a 200 event stream, got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res.Header.Get("X-RateLimit-Remaining") != "4" {
		t.Fatalf("expected the quota headers on the stream, got %q", res.Header.Get("X-RateLimit-Remaining"))
	}
	ev, ok := next()
	if !ok || ev.name != "chat" || !strings.Contains(ev.data, `"status":"pending"`) || !strings.Contains(ev.data, `"remaining":4`) {
		t.Fatalf("expected the chat event first, got %+v", ev)
	}
	ev, ok = next()
	if !ok || ev.name != "delta" || ev.data != `{"content":"백승수 단장의 "}` {
		t.Fatalf("expected the first piece while the upstream is still answering, got %+v", ev)
	}
	f.Release()
	var text strings.Builder
	text.WriteString("백승수 단장의 ")
	for {
		ev, ok = next()
		if !ok {
			t.Fatal("the stream ended without done")
		}
		if ev.name != "delta" {
			break
		}
		text.WriteString(strings.TrimSuffix(strings.TrimPrefix(ev.data, `{"content":"`), `"}`))
	}
	if ev.name != "done" || !strings.Contains(ev.data, `"status":"done"`) || !strings.Contains(ev.data, "이것입니다.") {
		t.Fatalf("expected done with the saved reply, got %+v", ev)
	}
	if text.String() != "백승수 단장의 명대사는 이것입니다." {
		t.Fatalf("expected the whole answer in deltas, got %q", text.String())
	}
	if req := f.Received()[0]; !req.Body.Stream {
		t.Fatal("expected a streaming upstream request")
	}
}

func TestChatAnswerIsSavedWhenTheClientGoesAway(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold()
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "leaver@example.com")
	gone := requestContextsEnd(app, "/api/chat")
	srv := hookstest.StartServer(t, app)

	ctx, cancel := context.WithCancel(context.Background())
	_, next := openStream(t, ctx, srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"떠나요"}`)
	if ev, ok := next(); !ok || ev.name != "chat" {
		t.Fatalf("expected the chat event, got %+v", ev)
	}
	f.WaitForRequests(t, 1)
	cancel() // the client goes away mid-answer
	expectEnded(t, gone)
	// a call tied to the client's request would end within moments
	if got, ended := f.Await(cancelGrace, endedBeforeRelease); ended {
		t.Fatalf("expected the upstream stream to outlive the client, but it ended (cancelled: %v)", got[0].Cancelled)
	}
	f.Release()
	if got := f.WaitForEnded(t, 1); got[0].Cancelled {
		t.Fatal("expected the upstream stream to finish after the client went away, but it was cancelled")
	}
	expectAnswerSaved(t, app, user.Id)
}

// expectAnswerSaved waits until the user's one question is settled, and
// fails unless it is done with the fake's whole answer saved after it, as
// after the client went away.
func expectAnswerSaved(t *testing.T, app core.App, userID string) {
	t.Helper()
	var recs []*core.Record
	waitFor(t, "the question to be settled", 5*time.Second, func() bool {
		recs = hookstest.ChatRecords(t, app, userID)
		return len(recs) > 0 && recs[0].GetString("status") != chat.StatusPending
	})
	if len(recs) != 2 || recs[0].GetString("status") != chat.StatusDone {
		t.Fatalf("expected the question done and its answer saved after the client went away, got %d records, question %s",
			len(recs), recs[0].GetString("status"))
	}
	if got := recs[1].GetString("content"); got != strings.Join(upstreamtest.Answer, "") {
		t.Fatalf("expected the whole answer saved, got %q", got)
	}
}

func TestOfflineAnswersStreamFromApprovedQuotes(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "offline@example.com")
	hookstest.AddQuote(t, app, "우리가 다행이라고 생각하는 순간이 제일 위험합니다.", "백승수", 3, true, "")
	hookstest.AddQuote(t, app, "다행히 아직 승인 전인 대사", "임미선", 4, false, user.Id)
	srv := hookstest.StartServer(t, app)

	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"다행"}`)
	var deltas []string
	var last sseEvent
	for {
		ev, ok := next()
		if !ok {
			break
		}
		if ev.name == "delta" {
			deltas = append(deltas, ev.data)
		}
		last = ev
	}
	all := strings.Join(deltas, "")
	if len(deltas) == 0 || !strings.Contains(all, "“우리가 다행이라고 생각하는 순간이 제일 위험합니다.” — 백승수 (3화)") {
		t.Fatalf("expected the approved quote in the deltas, got %v", deltas)
	}
	if strings.Contains(all, "승인 전인") {
		t.Fatal("an offline answer showed a pending quote")
	}
	if last.name != "done" || !strings.Contains(last.data, `"model":"quote-search"`) {
		t.Fatalf("expected done with model quote-search, got %+v", last)
	}

	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"zebra crossing"}`)
	if res.StatusCode != 201 || !strings.Contains(body, "quote board") {
		t.Fatalf("expected a pointer to the quote board when nothing matches, got %d %s", res.StatusCode, body)
	}
}

func TestChatStreamOutlivesTheServerWriteTimeout(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold()
	app := hookstest.OnlineApp(t, f, func(c *config.Config) { c.UpstreamTimeout = 1500 * time.Millisecond })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "patient@example.com")
	srv := hookstest.StartServerWithTimeout(t, app, 300*time.Millisecond)

	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"천천히"}`)
	if ev, ok := next(); !ok || ev.name != "chat" {
		t.Fatalf("expected the chat event, got %+v", ev)
	}
	time.Sleep(700 * time.Millisecond) // well past the write timeout
	f.Release()
	var last sseEvent
	for ev, ok := next(); ok; ev, ok = next() {
		last = ev
	}
	if last.name != "done" {
		t.Fatalf("expected the stream to finish after the write timeout, last event %+v", last)
	}
	// a plain JSON answer that comes late (a 504 after 1.5 s) is still cut
	// by the timeout, which shows the server really has one
	f.SetMode(upstreamtest.Mode("slow"))
	req, _ := http.NewRequest("POST", srv.URL+"/api/chat", strings.NewReader(`{"content":"json"}`))
	req.Header.Set("Authorization", hookstest.Token(t, user))
	if res, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 201 && len(b) > 0 {
			t.Fatal("expected the write timeout to cut a slow non-streaming answer")
		}
	}
}
