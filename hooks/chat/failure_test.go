package chat_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

func TestChatUpstreamFailuresAreNotCharged(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name    string
		mode    string
		stream  bool
		status  int
		partial string // the failed answer kept, if any
	}{
		{"server error", "500", false, 502, ""},
		{"upstream rate limit", "429", false, 502, ""},
		{"garbage body", "garbage", false, 502, ""},
		{"timeout", "slow", false, 504, ""},
		{"empty answer", "empty", false, 502, ""},
		{"refused connection", "refused", false, 502, ""},
		{"stream server error", "500", true, 502, ""},
		{"stream timeout", "slow", true, 504, ""},
		{"stream cut after two chunks", "cut", true, 502, "백승수 단장의 명대사는 "},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			f := upstreamtest.NewServer(t)
			f.SetMode(upstreamtest.Mode(s.mode))
			app := hookstest.OnlineApp(t, f, func(c *config.Config) {
				c.UpstreamTimeout = 300 * time.Millisecond
				if s.mode == "refused" {
					c.OpenAIBaseURL = "http://127.0.0.1:1"
				}
			})
			defer app.Cleanup()
			user := hookstest.NewUser(t, app, "unlucky@example.com")
			srv := hookstest.StartServer(t, app)
			tok := hookstest.Token(t, user)

			var headers []string
			if s.stream {
				headers = []string{"Accept", "text/event-stream"}
			}
			res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"명대사"}`, headers...)
			if s.stream {
				if res.StatusCode != 200 || !strings.Contains(body, "event: error") ||
					!strings.Contains(body, `"status":`+strconv.Itoa(s.status)) || strings.Contains(body, "event: done") {
					t.Fatalf("expected an error event with %d, got %d %s", s.status, res.StatusCode, body)
				}
				if !strings.Contains(body, `"remaining":5`) {
					t.Fatalf("expected the quota after the refund in the error event, got %s", body)
				}
			} else {
				if res.StatusCode != s.status {
					t.Fatalf("expected %d, got %d %s", s.status, res.StatusCode, body)
				}
				if res.Header.Get("X-RateLimit-Remaining") != "5" {
					t.Fatalf("expected the headers after the refund (5 left), got %q", res.Header.Get("X-RateLimit-Remaining"))
				}
			}
			for _, leak := range []string{upstreamtest.SecretBody, hookstest.APIKey, "127.0.0.1"} {
				if strings.Contains(body, leak) {
					t.Fatalf("the response leaks %q: %s", leak, body)
				}
			}

			recs := hookstest.ChatRecords(t, app, user.Id)
			if len(recs) == 0 || recs[0].GetString("status") != chat.StatusFailed {
				t.Fatalf("expected the question saved as failed, got %d records", len(recs))
			}
			if s.partial == "" && len(recs) != 1 {
				t.Fatalf("expected no answer record, got %d records", len(recs))
			}
			if s.partial != "" {
				if len(recs) != 2 || recs[1].GetString("content") != s.partial || recs[1].GetString("status") != chat.StatusFailed ||
					recs[0].GetString("reply") != recs[1].Id {
					t.Fatalf("expected the partial answer %q saved as failed", s.partial)
				}
			}
			res, _ = hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, "")
			if res.Header.Get("X-RateLimit-Used") != "0" {
				t.Fatalf("expected the failed request not charged, used %s", res.Header.Get("X-RateLimit-Used"))
			}
		})
	}
}

func TestChatRefusesBadRequests(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t, func(c *config.Config) { c.MaxChars = 10 })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "careless@example.com")
	blocked := hookstest.NewUser(t, app, "blocked@example.com")
	blocked.Set("blocked", true)
	if err := app.Save(blocked); err != nil {
		t.Fatal(err)
	}
	suToken := hookstest.NewSuperuser(t, app)
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)

	scenarios := []struct {
		name    string
		token   string
		body    string
		headers []string
		status  int
		expect  string
	}{
		{"guest", "", `{"content":"hi"}`, nil, 401, ""},
		{"expired or forged token", "not-a-token", `{"content":"hi"}`, nil, 401, ""},
		{"superuser", suToken, `{"content":"hi"}`, nil, 403, ""},
		{"blocked user", hookstest.Token(t, blocked), `{"content":"hi"}`, nil, 403, "blocked"},
		{"invalid JSON", tok, `{"content":`, nil, 400, "not valid JSON"},
		{"no body", tok, ``, nil, 400, `"content"`},
		{"empty content", tok, `{"content":"   "}`, nil, 400, `"content"`},
		{"missing content", tok, `{}`, nil, 400, `"content"`},
		{"content too long", tok, `{"content":"12345678901"}`, nil, 400, "at most 10"},
		{"content of the wrong type", tok, `{"content":42}`, nil, 400, `"content"`},
		{"a NUL in content", tok, `{"content":"a\u0000b"}`, nil, 400, "validation_control_characters"},
		{"stream of the wrong type", tok, `{"content":"hi","stream":"yes"}`, nil, 400, `"stream"`},
		{"array body", tok, `["hi"]`, nil, 400, "not valid JSON"},
		{"bad idempotency key", tok, `{"content":"hi"}`, []string{"Idempotency-Key", "has space"}, 400, "Idempotency-Key"},
		{"too long idempotency key", tok, `{"content":"hi"}`, []string{"Idempotency-Key", strings.Repeat("k", 129)}, 400, "Idempotency-Key"},
		{"oversized body", tok, `{"content":"` + strings.Repeat("x", 1<<20) + `"}`, nil, 413, ""},
		{"stream error before the stream starts", tok, `{"content":""}`, []string{"Accept", "text/event-stream"}, 400, `"content"`},
	}
	for _, s := range scenarios {
		res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", s.token, s.body, s.headers...)
		if res.StatusCode != s.status || !strings.Contains(body, s.expect) {
			t.Fatalf("%s: expected %d with %q, got %d %s", s.name, s.status, s.expect, res.StatusCode, body)
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("%s: an error known before the stream must be JSON", s.name)
		}
		if s.token == tok && res.Header.Get("X-RateLimit-Limit") != "5" {
			t.Fatalf("%s: expected the quota headers on an error to a signed-in user", s.name)
		}
	}
	if n := len(hookstest.ChatRecords(t, app, user.Id)); n != 0 {
		t.Fatalf("expected bad requests to write nothing, got %d records", n)
	}
	res, _ := hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, "")
	if res.Header.Get("X-RateLimit-Used") != "0" {
		t.Fatalf("expected bad requests not charged, used %s", res.Header.Get("X-RateLimit-Used"))
	}
	if res, _ := hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", "", ""); res.StatusCode != 401 {
		t.Fatalf("expected the quota to need a token, got %d", res.StatusCode)
	}
}

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
