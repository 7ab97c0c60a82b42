package legacy_test

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
	"stovebot/hooks/legacy"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// expectHeaders fails unless res carries every header of want.
func expectHeaders(want map[string]string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Fatalf("expected %s: %q, got %q", k, v, got)
			}
		}
	}
}

// allChecks runs every check in order.
func allChecks(checks ...func(testing.TB, *tests.TestApp, *http.Response)) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		for _, c := range checks {
			c(t, app, res)
		}
	}
}

// chatCount fails unless user has n chat records.
func chatCount(user string, n int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if got := len(hookstest.ChatRecords(t, app, user)); got != n {
			t.Fatalf("expected %d chats of %s, got %d", n, user, got)
		}
	}
}

func TestLegacyChatReadAndDelete(t *testing.T) {
	t.Parallel()
	alice := hookstest.LegacyAuth(hookstest.LegacyAliceToken)
	scenarios := []tests.ApiScenario{
		{
			Name: "list the caller's questions, newest first", Method: http.MethodGet, URL: "/chat", Headers: alice,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"total_items":2`,
				`"items":[{"id":"` + hookstest.LegacyAliceQ2 + `","user":"alice@example.com","content":"This one failed","created_at":"20`,
				`"chat_reply":null},{"id":"` + hookstest.LegacyAliceQ1 + `","user":"alice@example.com","content":"Who said 다행이다?"`,
				`"chat_reply":{"id":"` + hookstest.LegacyAliceR1 + `","user":"alice@example.com","content":"Baek Seung-soo.","created_at":"20`,
			},
			NotExpectedContent: []string{"Bob's"},
		},
		{
			Name: "list without a token", Method: http.MethodGet, URL: "/chat",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "view a question with its answer", Method: http.MethodGet, URL: "/chat/" + hookstest.LegacyAliceQ1, Headers: alice,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"id":"` + hookstest.LegacyAliceQ1 + `"`, `"user":"alice@example.com"`,
				`"chat_reply":{"id":"` + hookstest.LegacyAliceR1 + `"`,
			},
			NotExpectedContent: []string{`"links"`},
		},
		{
			Name: "view a question without an answer", Method: http.MethodGet, URL: "/chat/" + hookstest.LegacyAliceQ2, Headers: alice,
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + hookstest.LegacyAliceQ2 + `"`, `"chat_reply":null`},
		},
		{
			Name: "view another user's question", Method: http.MethodGet, URL: "/chat/" + hookstest.LegacyBobQ1, Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{"Bob's"},
		},
		{
			Name: "view an answer's id", Method: http.MethodGet, URL: "/chat/" + hookstest.LegacyAliceR1, Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "view an unknown id", Method: http.MethodGet, URL: "/chat/nosuchchat0000", Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "view an id full of SQL", Method: http.MethodGet, URL: "/chat/x'%20OR%20'1'='1", Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "view without a token", Method: http.MethodGet, URL: "/chat/" + hookstest.LegacyAliceQ1,
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "delete a question and its answer", Method: http.MethodDelete, URL: "/chat/" + hookstest.LegacyAliceQ1, Headers: alice,
			ExpectedStatus: 204,
			AfterTestFunc: allChecks(
				hookstest.LegacyRecordGone(migrations.ChatsCollection, hookstest.LegacyAliceQ1, hookstest.LegacyAliceR1),
				hookstest.LegacyRecordKept(migrations.ChatsCollection, hookstest.LegacyAliceQ2, hookstest.LegacyBobQ1, hookstest.LegacyBobR1),
			),
		},
		{
			Name: "delete another user's question", Method: http.MethodDelete, URL: "/chat/" + hookstest.LegacyBobQ1, Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.ChatsCollection, hookstest.LegacyBobQ1, hookstest.LegacyBobR1),
		},
		{
			Name: "delete an answer's id", Method: http.MethodDelete, URL: "/chat/" + hookstest.LegacyAliceR1, Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.ChatsCollection, hookstest.LegacyAliceQ1, hookstest.LegacyAliceR1),
		},
		{
			Name: "delete without a token", Method: http.MethodDelete, URL: "/chat/" + hookstest.LegacyAliceQ1,
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.ChatsCollection, hookstest.LegacyAliceQ1, hookstest.LegacyAliceR1),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

func TestLegacyChatAsk(t *testing.T) {
	t.Parallel()
	alice := hookstest.LegacyAuth(hookstest.LegacyAliceToken)
	ask := func(content string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			if res := hookstest.LegacyDo(t, e, http.MethodPost, "/chat", `{"content":"`+content+`"}`, alice); res.Code != http.StatusCreated {
				t.Fatalf("expected the first request to answer 201, got %d: %s", res.Code, res.Body)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "ask: 201 with the answer, links and the quota headers", Method: http.MethodPost, URL: "/chat",
			Headers: alice, Body: strings.NewReader(`{"content":"  다행 🙏 '; DROP TABLE chats;--  "}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"user":"alice@example.com","content":"다행 🙏 '; DROP TABLE chats;--","created_at":"20`,
				`"chat_reply":{"id":"`,
				`"links":[{"rel":"self","href":"http://example.com/chat/`,
				`"method":"GET"},{"rel":"delete","href":"http://example.com/chat/`,
				`"method":"DELETE"}]`,
			},
			AfterTestFunc: allChecks(
				expectHeaders(map[string]string{
					"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4", "X-RateLimit-Used": "1",
					"RateLimit-Policy": `"daily";q=5;w=86400`,
				}),
				chatCount(hookstest.LegacyAliceID, 3+2),
				func(t testing.TB, app *tests.TestApp, res *http.Response) {
					var body struct {
						ID    string `json:"id"`
						Links []legacy.Link
					}
					hookstest.LegacyDecode(t, res.Body, &body)
					q, err := app.FindRecordById(migrations.ChatsCollection, body.ID)
					if err != nil || q.GetString("status") != chat.StatusDone || q.GetString("reply") == "" {
						t.Fatalf("expected a done question with its answer, got %v %v", q, err)
					}
					if want := "http://example.com/chat/" + body.ID; body.Links[0].Link != want {
						t.Fatalf("expected the self link %s, got %s", want, body.Links[0].Link)
					}
				},
			),
		},
		{
			Name: "over the daily limit: 429, Retry-After, nothing written", Method: http.MethodPost, URL: "/chat",
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				return hookstest.LegacyApp(t, func(c *config.Config) { c.DailyLimit = 1 })
			},
			Headers: alice, Body: strings.NewReader(`{"content":"one more"}`),
			BeforeTestFunc: ask("the only one"),
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`, `your one chat request`},
			AfterTestFunc: allChecks(
				expectHeaders(map[string]string{"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "1"}),
				func(t testing.TB, _ *tests.TestApp, res *http.Response) {
					if res.Header.Get("Retry-After") == "" || res.Header.Get("Retry-After") == "0" {
						t.Fatalf("expected a Retry-After, got %q", res.Header.Get("Retry-After"))
					}
				},
				chatCount(hookstest.LegacyAliceID, 3+2),
			),
		},
		{
			Name: "an upstream failure: 502, the question failed, not charged", Method: http.MethodPost, URL: "/chat",
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				f := upstreamtest.NewServer(t)
				f.SetMode(upstreamtest.Mode("500"))
				return hookstest.LegacyApp(t, func(c *config.Config) {
					c.OpenAIBaseURL = f.URL
					c.UpstreamTimeout = 2 * time.Second
				})
			},
			Headers: alice, Body: strings.NewReader(`{"content":"will fail"}`),
			ExpectedStatus:     502,
			ExpectedContent:    []string{`"status":502`},
			NotExpectedContent: []string{upstreamtest.SecretBody},
			AfterTestFunc: allChecks(
				expectHeaders(map[string]string{"X-RateLimit-Remaining": "5", "X-RateLimit-Used": "0"}),
				func(t testing.TB, app *tests.TestApp, _ *http.Response) {
					recs := hookstest.ChatRecords(t, app, hookstest.LegacyAliceID)
					last := recs[len(recs)-1]
					if last.GetString("content") != "will fail" || last.GetString("status") != chat.StatusFailed {
						t.Fatalf("expected the question saved as failed, got %q %q", last.GetString("content"), last.GetString("status"))
					}
				},
			),
		},
		{
			Name: "a blocked user", Method: http.MethodPost, URL: "/chat", Headers: alice,
			Body: strings.NewReader(`{"content":"hello"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				u, err := app.FindRecordById(migrations.UsersCollection, hookstest.LegacyAliceID)
				if err != nil {
					t.Fatal(err)
				}
				u.Set("blocked", true)
				hookstest.LegacySave(t, app, u)
			},
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			AfterTestFunc: chatCount(hookstest.LegacyAliceID, 3),
		},
		{
			Name: "empty content", Method: http.MethodPost, URL: "/chat", Headers: alice,
			Body:           strings.NewReader(`{"content":"   "}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_required"`},
			AfterTestFunc: allChecks(
				expectHeaders(map[string]string{"X-RateLimit-Remaining": "5"}),
				chatCount(hookstest.LegacyAliceID, 3),
			),
		},
		{
			Name: "content over the limit", Method: http.MethodPost, URL: "/chat", Headers: alice,
			Body:           strings.NewReader(`{"content":"` + strings.Repeat("가", 2001) + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_max_chars"`},
			AfterTestFunc: chatCount(hookstest.LegacyAliceID, 3),
		},
		{
			Name: "JSON sent as a form (curl -d without a Content-Type)", Method: http.MethodPost, URL: "/chat",
			Headers:        map[string]string{"Authorization": alice["Authorization"], "Content-Type": "application/x-www-form-urlencoded"},
			Body:           strings.NewReader(`{"content":"hello"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`The body is JSON but was sent as a form`},
			AfterTestFunc: chatCount(hookstest.LegacyAliceID, 3),
		},
		{
			Name: "a NUL in a form's content", Method: http.MethodPost, URL: "/chat",
			Headers:        map[string]string{"Authorization": alice["Authorization"], "Content-Type": "application/x-www-form-urlencoded"},
			Body:           strings.NewReader(`content=a%00b`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_control_characters"`},
			AfterTestFunc: chatCount(hookstest.LegacyAliceID, 3),
		},
		{
			Name: "content of the wrong type", Method: http.MethodPost, URL: "/chat", Headers: alice,
			Body:           strings.NewReader(`{"content":["hello"]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_invalid_type"`},
			AfterTestFunc: allChecks(
				expectHeaders(map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "5"}),
				chatCount(hookstest.LegacyAliceID, 3),
			),
		},
		{
			Name: "invalid JSON", Method: http.MethodPost, URL: "/chat", Headers: alice,
			Body:           strings.NewReader(`{"content":`),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"The body is not a valid JSON object."`},
			AfterTestFunc: allChecks(
				expectHeaders(map[string]string{"X-RateLimit-Limit": "5"}),
				chatCount(hookstest.LegacyAliceID, 3),
			),
		},
		{
			Name: "ask without a token", Method: http.MethodPost, URL: "/chat",
			Body:           strings.NewReader(`{"content":"hello"}`),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: chatCount(hookstest.LegacyAliceID, 3),
		},
	}
	for _, s := range scenarios {
		if s.TestAppFactory == nil {
			s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		}
		s.Test(t)
	}
}
