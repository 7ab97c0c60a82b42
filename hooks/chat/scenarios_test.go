package chat_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// The events a POST /api/chat fires. Its chats records are written with
// plain SQL and announced after their transaction: only the after-save
// events fire (never OnRecordCreate, OnModelValidate and the rest of
// app.Save), one create per record inserted (the new conversation of a
// request that names none, then its chats) and one update per question
// settled, and nothing else.
var (
	// a new conversation, the question and its answer created, the
	// question updated to done
	answeredEvents = announcedEvents(3, 1)
	// a new conversation and the question created, then the question
	// updated to failed, without an answer
	failedEvents = announcedEvents(2, 1)
	// a new conversation, the question and the partial answer created, the
	// question failed
	failedWithPartialEvents = announcedEvents(3, 1)
	// a refused request writes nothing and fires nothing
	refusedEvents = map[string]int{"*": 0}
)

func announcedEvents(created, updated int) map[string]int {
	return map[string]int{
		"*":                         0,
		"OnModelAfterCreateSuccess": created, "OnRecordAfterCreateSuccess": created,
		"OnModelAfterUpdateSuccess": updated, "OnRecordAfterUpdateSuccess": updated,
	}
}

// The chats events of each outcome, in the order they fire (see
// hookstest.ExpectChatEvents).
var (
	answeredSequence          = []string{"create user pending", "create assistant done", "update user done"}
	failedSequence            = []string{"create user pending", "update user failed"}
	failedWithPartialSequence = []string{"create user pending", "create assistant failed", "update user failed"}
)

// complete fails unless both records have an id and dates as PocketBase
// sets them.
func complete(t testing.TB, records ...*core.Record) {
	t.Helper()
	for _, r := range records {
		if len(r.Id) != core.DefaultIdLength || r.GetDateTime("created").IsZero() || r.GetDateTime("updated").Before(r.GetDateTime("created")) {
			t.Fatalf("expected an id and dates as PocketBase sets them, got %q %v %v", r.Id, r.GetDateTime("created"), r.GetDateTime("updated"))
		}
	}
}

func TestChatAnswerScenarios(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		hookstest.ExpectChatEvents(hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "offline: 201 with an answer from the approved quotes only", Method: http.MethodPost, URL: "/api/chat",
			Body:           strings.NewReader(`{"content":"  approved  "}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"chat":{`, `"role":"user"`, `"content":"approved"`,
				`"reply":{`, `"role":"assistant"`, `"model":"` + chat.OfflineModel + `"`, hookstest.OwnerApproved, hookstest.OtherApproved,
				`"quota":{"limit":5,"used":1,"remaining":4`,
			},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OtherPending, `"status":"pending"`},
			ExpectedEvents:     answeredEvents,
			AfterTestFunc: hookstest.Checks(
				hookstest.Headers(map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4", "X-RateLimit-Used": "1"}),
				hookstest.DBUsed(hookstest.OwnerID, 1),
				hookstest.DBCount(migrations.ChatsCollection, 3+2),
				hookstest.DBQuestion(hookstest.OwnerID, "approved", chat.StatusDone, true, func(t testing.TB, q, a *core.Record) {
					complete(t, q, a)
					if a.GetString("status") != chat.StatusDone || a.GetString("model") != chat.OfflineModel || a.GetString("user") != hookstest.OwnerID {
						t.Fatalf("expected the owner's done answer of %s, got %q %q %q", chat.OfflineModel, a.GetString("status"), a.GetString("model"), a.GetString("user"))
					}
				}),
			),
		}), answeredSequence...),
		hookstest.ExpectChatEvents(hookstest.SignedInOn(hookstest.AsOwner, hookstest.OnlineAppFactory(), tests.ApiScenario{
			Name: "online: 201 with the upstream's answer, its model and usage", Method: http.MethodPost, URL: "/api/chat",
			Body:           strings.NewReader(`{"content":"hello"}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"content":"hello"`, `"content":"` + strings.Join(upstreamtest.Answer, "") + `"`, `"model":"gpt-test"`,
				`"quota":{"limit":5,"used":1,"remaining":4`,
			},
			NotExpectedContent: []string{`"status":"pending"`},
			ExpectedEvents:     answeredEvents,
			AfterTestFunc: hookstest.Checks(
				hookstest.Headers(map[string]string{"X-RateLimit-Remaining": "4", "X-RateLimit-Used": "1"}),
				hookstest.DBUsed(hookstest.OwnerID, 1),
				hookstest.DBQuestion(hookstest.OwnerID, "hello", chat.StatusDone, true, func(t testing.TB, q, a *core.Record) {
					complete(t, q, a)
					if a.GetString("status") != chat.StatusDone || a.GetString("model") != "gpt-test" || a.GetInt("completion_tokens") < 1 {
						t.Fatalf("expected the done answer with its model and usage, got %q %q tokens %d",
							a.GetString("status"), a.GetString("model"), a.GetInt("completion_tokens"))
					}
				}),
			),
		}), answeredSequence...),
		hookstest.ExpectChatEvents(hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "a replayed Idempotency-Key: 200, the first answer, nothing written or announced", Method: http.MethodPost, URL: "/api/chat",
			Headers:        map[string]string{"Idempotency-Key": "k-replay"},
			Body:           strings.NewReader(`{"content":"quote"}`),
			BeforeTestFunc: ask(hookstest.OwnerID, `{"content":"quote"}`, "Idempotency-Key", "k-replay"),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"content":"quote"`, `"model":"` + chat.OfflineModel + `"`, `"quota":{"limit":5,"used":1,"remaining":4`,
			},
			ExpectedEvents: refusedEvents,
			AfterTestFunc: hookstest.Checks(
				hookstest.Headers(map[string]string{"Idempotent-Replayed": "true", "X-RateLimit-Used": "1"}),
				hookstest.DBUsed(hookstest.OwnerID, 1),
				hookstest.DBCount(migrations.ChatsCollection, 3+2),
			),
		})),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// ask is a BeforeTestFunc that sends one chat request as user first.
func ask(user, body string, headers ...string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		t.Helper()
		u, err := app.FindRecordById(migrations.UsersCollection, user)
		if err != nil {
			t.Fatal(err)
		}
		h := map[string]string{"Authorization": hookstest.Token(t, u)}
		for i := 0; i+1 < len(headers); i += 2 {
			h[headers[i]] = headers[i+1]
		}
		if res := hookstest.LegacyDo(t, e, http.MethodPost, "/api/chat", body, h); res.Code != http.StatusCreated {
			t.Fatalf("expected the first request to answer 201, got %d: %s", res.Code, res.Body)
		}
	}
}

// Upstream failures (SPEC 5.5): 502, or 504 for the timeout, with a
// message that leaks nothing; the question saved as failed, with the text
// streamed so far as a failed answer; the request not charged.
func TestChatUpstreamFailureScenarios(t *testing.T) {
	t.Parallel()
	leaks := []string{upstreamtest.SecretBody, hookstest.APIKey, "127.0.0.1", "event: done"}
	online := hookstest.OnlineAppFactory(func(c *config.Config) { c.UpstreamTimeout = 300 * time.Millisecond })
	refused := hookstest.OnlineAppFactory(func(c *config.Config) { c.OpenAIBaseURL = "http://127.0.0.1:1" })
	notCharged := hookstest.DBUsed(hookstest.OwnerID, 0)
	// a JSON answer's headers show the quota after the refund; a stream's
	// went out before it, and its error event shows it (remaining 5)
	refundedHeaders := hookstest.Headers(map[string]string{"X-RateLimit-Remaining": "5", "X-RateLimit-Used": "0"})

	scenarios := []struct {
		name    string
		factory func(testing.TB) *tests.TestApp
		content string
		stream  bool
		status  int      // of the response
		expect  []string // in the body
		partial string   // the failed answer kept, if any
	}{
		{"server error", online, "명대사 [mode:500]", false, 502, []string{`"status":502`}, ""},
		{"upstream rate limit", online, "명대사 [mode:429]", false, 502, []string{`"status":502`}, ""},
		{"garbage body", online, "명대사 [mode:garbage]", false, 502, []string{`"status":502`}, ""},
		{"timeout", online, "명대사 [mode:slow]", false, 504, []string{`"status":504`}, ""},
		{"empty answer", online, "명대사 [mode:empty]", false, 502, []string{`"status":502`}, ""},
		{"refused connection", refused, "명대사", false, 502, []string{`"status":502`}, ""},
		{"stream server error", online, "명대사 [mode:500]", true, 200,
			[]string{"event: chat", "event: error", `"status":502`, `"remaining":5`}, ""},
		{"stream timeout", online, "명대사 [mode:slow]", true, 200,
			[]string{"event: chat", "event: error", `"status":504`, `"remaining":5`}, ""},
		{"stream cut after two chunks", online, "명대사 [mode:cut]", true, 200,
			[]string{"event: chat", "event: delta", "event: error", `"status":502`, `"remaining":5`}, "백승수 단장의 명대사는 "},
	}
	for _, sc := range scenarios {
		events, sequence, written := failedEvents, failedSequence, int64(1)
		if sc.partial != "" {
			events, sequence, written = failedWithPartialEvents, failedWithPartialSequence, 2
		}
		var headers map[string]string
		after := hookstest.Checks(
			notCharged,
			hookstest.DBCount(migrations.ChatsCollection, 3+written),
			hookstest.DBQuestion(hookstest.OwnerID, sc.content, chat.StatusFailed, sc.partial != "", func(t testing.TB, _, a *core.Record) {
				if a != nil && (a.GetString("content") != sc.partial || a.GetString("status") != chat.StatusFailed) {
					t.Fatalf("expected the partial answer %q saved as failed, got %q %q", sc.partial, a.GetString("content"), a.GetString("status"))
				}
			}),
		)
		if sc.stream {
			headers = map[string]string{"Accept": "text/event-stream"}
		} else {
			after = hookstest.Checks(refundedHeaders, after)
		}
		s := hookstest.ExpectChatEvents(hookstest.SignedInOn(hookstest.AsOwner, sc.factory, tests.ApiScenario{
			Name: sc.name, Method: http.MethodPost, URL: "/api/chat",
			Headers:            headers,
			Body:               strings.NewReader(`{"content":"` + sc.content + `"}`),
			ExpectedStatus:     sc.status,
			ExpectedContent:    sc.expect,
			NotExpectedContent: leaks,
			ExpectedEvents:     events,
			AfterTestFunc:      after,
		}), sequence...)
		s.Test(t)
	}

	// an answer the database refuses to save, as a full disk would: the
	// request fails cleanly, the answer kept as a failed one, not charged
	unsaved := hookstest.ExpectChatEvents(hookstest.SignedInOn(hookstest.AsOwner, hookstest.OnlineAppFactory(), tests.ApiScenario{
		Name: "an answer that cannot be saved: 500, kept as failed", Method: http.MethodPost, URL: "/api/chat",
		Body: strings.NewReader(`{"content":"hello"}`),
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			_, err := app.DB().NewQuery(`CREATE TRIGGER refuse_done BEFORE INSERT ON chats
				WHEN NEW.role = 'assistant' AND NEW.status = 'done' BEGIN SELECT RAISE(ABORT, 'refused'); END`).Execute()
			if err != nil {
				t.Fatal(err)
			}
		},
		ExpectedStatus:     500,
		ExpectedContent:    []string{`"status":500`},
		NotExpectedContent: []string{"refused", "refuse_done"},
		ExpectedEvents:     failedWithPartialEvents,
		AfterTestFunc: hookstest.Checks(
			refundedHeaders,
			notCharged,
			hookstest.DBCount(migrations.ChatsCollection, 3+2),
			hookstest.DBQuestion(hookstest.OwnerID, "hello", chat.StatusFailed, true, func(t testing.TB, _, a *core.Record) {
				if a.GetString("status") != chat.StatusFailed || a.GetString("content") != strings.Join(upstreamtest.Answer, "") {
					t.Fatalf("expected the whole answer kept as failed, got %q %q", a.GetString("status"), a.GetString("content"))
				}
			}),
		),
	}), failedWithPartialSequence...)
	unsaved.Test(t)
}

// A refused request (SPEC 5.1, 4, 3) is a JSON error, even to a client
// that asked for a stream, with the quota headers when the caller is a
// user; it writes nothing, charges nothing and fires no event.
func TestChatRefusalScenarios(t *testing.T) {
	t.Parallel()
	untouched := hookstest.Checks(
		func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			t.Helper()
			if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/event-stream") {
				t.Fatalf("expected an error known before the stream as JSON, got %s", ct)
			}
		},
		hookstest.DBCount(migrations.ChatsCollection, 3),
		hookstest.DBUsed(hookstest.OwnerID, 0),
	)
	withQuota := hookstest.Checks(untouched, hookstest.Headers(map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Used": "0"}))
	short := hookstest.NewAppFactory(func(c *config.Config) { c.MaxChars = 10 })

	scenarios := []struct {
		who     hookstest.Role
		factory func(testing.TB) *tests.TestApp // nil: hookstest.NewApp
		name    string
		method  string
		headers map[string]string
		body    string
		status  int
		expect  string
		after   hookstest.Check
	}{
		{hookstest.AsGuest, nil, "guest", "POST", nil, `{"content":"hi"}`, 401, `"status":401`, untouched},
		{hookstest.AsGuest, nil, "expired or forged token", "POST", map[string]string{"Authorization": "not-a-token"}, `{"content":"hi"}`, 401, `"status":401`, untouched},
		{hookstest.AsSuperuser, nil, "superuser", "POST", nil, `{"content":"hi"}`, 403, `"status":403`, untouched},
		{hookstest.AsOwner, nil, "invalid JSON", "POST", nil, `{"content":`, 400, "not valid JSON", withQuota},
		{hookstest.AsOwner, nil, "no body", "POST", nil, ``, 400, `"content":{"code":"validation_required"`, withQuota},
		{hookstest.AsOwner, nil, "empty content", "POST", nil, `{"content":"   "}`, 400, `"content":{"code":"validation_required"`, withQuota},
		{hookstest.AsOwner, nil, "missing content", "POST", nil, `{}`, 400, `"content":{"code":"validation_required"`, withQuota},
		{hookstest.AsOwner, short, "content too long", "POST", nil, `{"content":"12345678901"}`, 400, "at most 10", withQuota},
		{hookstest.AsOwner, nil, "content of the wrong type", "POST", nil, `{"content":42}`, 400, `"content":{"code":"validation_invalid_type"`, withQuota},
		{hookstest.AsOwner, nil, "a NUL in content", "POST", nil, `{"content":"a\u0000b"}`, 400, "validation_control_characters", withQuota},
		{hookstest.AsOwner, nil, "stream of the wrong type", "POST", nil, `{"content":"hi","stream":"yes"}`, 400, `"stream":{"code":"validation_invalid_type"`, withQuota},
		{hookstest.AsOwner, nil, "array body", "POST", nil, `["hi"]`, 400, "not valid JSON", withQuota},
		{hookstest.AsOwner, nil, "bad idempotency key", "POST", map[string]string{"Idempotency-Key": "has space"}, `{"content":"hi"}`, 400, "Idempotency-Key", withQuota},
		{hookstest.AsOwner, nil, "too long idempotency key", "POST", map[string]string{"Idempotency-Key": strings.Repeat("k", 129)}, `{"content":"hi"}`, 400, "Idempotency-Key", withQuota},
		{hookstest.AsOwner, nil, "oversized body", "POST", nil, `{"content":"` + strings.Repeat("x", 1<<20) + `"}`, 413, `"status":413`, withQuota},
		{hookstest.AsOwner, nil, "stream error before the stream starts", "POST", map[string]string{"Accept": "text/event-stream"}, `{"content":""}`, 400, `"content":{"code":"validation_required"`, withQuota},
		{hookstest.AsOwner, nil, "another method", "GET", nil, ``, 405, "this path takes POST",
			hookstest.Checks(untouched, hookstest.Headers(map[string]string{"Allow": "POST"}))},
	}
	for _, sc := range scenarios {
		s := hookstest.SignedInOn(sc.who, sc.factory, tests.ApiScenario{
			Name: sc.name, Method: sc.method, URL: "/api/chat",
			Headers:         sc.headers,
			Body:            strings.NewReader(sc.body),
			ExpectedStatus:  sc.status,
			ExpectedContent: []string{sc.expect},
			ExpectedEvents:  refusedEvents,
			AfterTestFunc:   sc.after,
		})
		s.Test(t)
	}

	// refusals that need the fixture changed first
	for _, s := range []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "blocked user", Method: http.MethodPost, URL: "/api/chat",
			Body:            strings.NewReader(`{"content":"hi"}`),
			BeforeTestFunc:  hookstest.BlockUser(hookstest.OwnerID),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`, "blocked"},
			ExpectedEvents:  refusedEvents,
			AfterTestFunc:   withQuota,
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "at the daily limit: 429 with Retry-After", Method: http.MethodPost, URL: "/api/chat",
			Body:            strings.NewReader(`{"content":"hi"}`),
			BeforeTestFunc:  hookstest.UsedToday(hookstest.OwnerID, 5),
			ExpectedStatus:  429,
			ExpectedContent: []string{`"status":429`, `"data":{"limit":5,"remaining":0`},
			ExpectedEvents:  refusedEvents,
			AfterTestFunc: hookstest.Checks(
				hookstest.Headers(map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5"}),
				func(t testing.TB, _ *tests.TestApp, res *http.Response) {
					if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
						t.Fatalf("expected a Retry-After, got %q", ra)
					}
				},
				hookstest.DBCount(migrations.ChatsCollection, 3),
				hookstest.DBUsed(hookstest.OwnerID, 5),
			),
		}),
	} {
		s.Test(t)
	}
}
