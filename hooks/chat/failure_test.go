package chat_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// panicTransport is an upstream call with a bug in it.
type panicTransport struct{}

func (panicTransport) RoundTrip(*http.Request) (*http.Response, error) {
	panic("a bug in the upstream call")
}

// A panic while a JSON answer is made answers 500 and fails and refunds
// the request at once; the server keeps serving.
func TestChatPanicInAJSONAnswerFailsTheRequest(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, func(c *config.Config) { c.HTTPClient = &http.Client{Transport: panicTransport{}} })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "buggy@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)

	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"버그"}`, "Idempotency-Key", "k-panic")
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("expected 500, got %d: %s", res.StatusCode, body)
	}
	recs := hookstest.ChatRecords(t, app, user.Id)
	if len(recs) != 1 || recs[0].GetString("status") != chat.StatusFailed {
		t.Fatalf("expected the question failed, got %d records", len(recs))
	}
	res, body = hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, "")
	if res.StatusCode != 200 || !strings.Contains(body, `"used":0`) {
		t.Fatalf("expected the request refunded, got %d %s", res.StatusCode, body)
	}
	// the key is not left "running": the same request runs anew (and fails again)
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"버그"}`, "Idempotency-Key", "k-panic"); res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("expected the key to run anew, got %d: %s", res.StatusCode, body)
	}
}

// panicMidStream answers a streaming upstream call with one piece, then
// panics while the body is read: a bug in the middle of a stream.
type panicMidStream struct{}

func (panicMidStream) RoundTrip(r *http.Request) (*http.Response, error) {
	piece := `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"백승수 단장의 "}}]}` + "\n\n"
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/event-stream"}},
		Body:       io.NopCloser(&panicAfter{rest: piece}),
		Request:    r,
	}, nil
}

type panicAfter struct{ rest string }

func (p *panicAfter) Read(b []byte) (int, error) {
	if p.rest == "" {
		panic("a bug in the middle of a stream")
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	return n, nil
}

// A panic while a stream's answer is made (on a goroutine no handler
// recovers) ends that request with an error event, fails and refunds it,
// keeps the text streamed so far, and leaves the server serving.
func TestChatPanicInAStreamFailsTheRequest(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, func(c *config.Config) { c.HTTPClient = &http.Client{Transport: panicMidStream{}} })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "buggy-stream@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)

	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"버그"}`, "Idempotency-Key", "k-stream-panic")
	var events []sseEvent
	for ev, ok := next(); ok; ev, ok = next() {
		events = append(events, ev)
	}
	if len(events) < 2 || events[0].name != "chat" {
		t.Fatalf("expected the chat event first, got %+v", events)
	}
	last := events[len(events)-1]
	if last.name != "error" || !strings.Contains(last.data, `"status":500`) || !strings.Contains(last.data, `"remaining":5`) {
		t.Fatalf("expected an error event with status 500 and the refunded quota, got %+v", last)
	}
	var question, reply *core.Record
	for _, r := range hookstest.ChatRecords(t, app, user.Id) {
		if r.GetString("role") == chat.RoleAssistant {
			reply = r
		} else {
			question = r
		}
	}
	if question == nil || question.GetString("status") != chat.StatusFailed {
		t.Fatalf("expected the question failed, got %v", question)
	}
	if reply == nil || reply.GetString("status") != chat.StatusFailed || reply.GetString("content") != "백승수 단장의 " || question.GetString("reply") != reply.Id {
		t.Fatalf("expected the streamed text kept as a failed answer, got %v", reply)
	}
	// the server still serves, and the key is free again
	res, body := hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, "")
	if res.StatusCode != 200 || !strings.Contains(body, `"used":0`) {
		t.Fatalf("expected the request refunded, got %d %s", res.StatusCode, body)
	}
	res, _ = openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"버그"}`, "Idempotency-Key", "k-stream-panic")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("expected the key to run anew, got %d", res.StatusCode)
	}
}

// A panic later in a stream's life: after its answer was saved (in an
// after-save hook, as a plugin could bind), the client still gets done; a
// second panic while the first one's failure is saved still ends the
// request with an error event, after the refund, and the server serves on.
func TestChatPanicsLaterInAStream(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name      string
		transport http.RoundTripper // nil: the fake upstream
		hook      func(app core.App)
		last      string // the stream's last event
		status    string // the question's status after
		used      string // the quota's count after
	}{
		{
			name: "after the answer is saved",
			hook: func(app core.App) {
				app.OnRecordAfterCreateSuccess(migrations.ChatsCollection).BindFunc(func(e *core.RecordEvent) error {
					if e.Record.GetString("role") == chat.RoleAssistant {
						panic("a bug in an after-save hook")
					}
					return e.Next()
				})
			},
			last: "done", status: chat.StatusDone, used: `"used":1`,
		},
		{
			name:      "while the failure of a first panic is saved",
			transport: panicMidStream{},
			hook: func(app core.App) {
				app.OnRecordAfterUpdateSuccess(migrations.ChatsCollection).BindFunc(func(e *core.RecordEvent) error {
					if e.Record.GetString("status") == chat.StatusFailed {
						panic("a second bug")
					}
					return e.Next()
				})
			},
			last: "error", status: chat.StatusFailed, used: `"used":0`,
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			f := upstreamtest.NewServer(t)
			app := hookstest.OnlineApp(t, f, func(c *config.Config) {
				if sc.transport != nil {
					c.HTTPClient = &http.Client{Transport: sc.transport}
				}
			})
			defer app.Cleanup()
			sc.hook(app)
			user := hookstest.NewUser(t, app, "panics@example.com")
			srv := hookstest.StartServer(t, app)
			tok := hookstest.Token(t, user)

			_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"버그"}`)
			var last sseEvent
			for ev, ok := next(); ok; ev, ok = next() {
				last = ev
			}
			if last.name != sc.last {
				t.Fatalf("expected the stream to end with %s, got %+v", sc.last, last)
			}
			if sc.last == "error" && (!strings.Contains(last.data, `"status":500`) || !strings.Contains(last.data, `"remaining":5`)) {
				t.Fatalf("expected a 500 with the quota after the refund, got %s", last.data)
			}
			for _, r := range hookstest.ChatRecords(t, app, user.Id) {
				if r.GetString("role") == chat.RoleUser && r.GetString("status") != sc.status {
					t.Fatalf("expected the question %s, got %s", sc.status, r.GetString("status"))
				}
			}
			if res, body := hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, ""); res.StatusCode != 200 || !strings.Contains(body, sc.used) {
				t.Fatalf("expected %s, got %d %s", sc.used, res.StatusCode, body)
			}
		})
	}
}
