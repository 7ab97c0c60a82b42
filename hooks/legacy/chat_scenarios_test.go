package legacy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// The legacy POST /chat asks through the same chat service as POST
// /api/chat, so it fires the same events: the after-save events of the
// records it writes, in order, and nothing for a refused request.
func TestLegacyChatAskEvents(t *testing.T) {
	t.Parallel()
	alice := hookstest.LegacyAuth(hookstest.LegacyAliceToken)
	announced := func(created, updated int) map[string]int {
		return map[string]int{
			"*":                         0,
			"OnModelAfterCreateSuccess": created, "OnRecordAfterCreateSuccess": created,
			"OnModelAfterUpdateSuccess": updated, "OnRecordAfterUpdateSuccess": updated,
		}
	}
	offline := func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
	online := func(t testing.TB) *tests.TestApp {
		f := upstreamtest.NewServer(t)
		return hookstest.LegacyApp(t, func(c *config.Config) { c.OpenAIBaseURL = f.URL })
	}
	// fixture's chats: alice's two questions and one answer, bob's question and answer
	const fixtureChats = 5
	refused := hookstest.Checks(
		hookstest.DBCount(migrations.ChatsCollection, fixtureChats),
		hookstest.DBUsed(hookstest.LegacyAliceID, 0),
	)

	scenarios := []tests.ApiScenario{
		hookstest.ExpectChatEvents(tests.ApiScenario{
			Name: "answered offline", Method: http.MethodPost, URL: "/chat", Headers: alice,
			TestAppFactory:  offline,
			Body:            strings.NewReader(`{"content":"다행"}`),
			ExpectedStatus:  201,
			ExpectedContent: []string{`"content":"다행"`, `"chat_reply":{"id":"`},
			ExpectedEvents:  announced(2, 1),
			AfterTestFunc: hookstest.Checks(
				hookstest.DBCount(migrations.ChatsCollection, fixtureChats+2),
				hookstest.DBUsed(hookstest.LegacyAliceID, 1),
				hookstest.DBQuestion(hookstest.LegacyAliceID, "다행", chat.StatusDone, true, nil),
			),
		}, "create user pending", "create assistant done", "update user done"),
		hookstest.ExpectChatEvents(tests.ApiScenario{
			Name: "answered by the upstream", Method: http.MethodPost, URL: "/chat", Headers: alice,
			TestAppFactory:  online,
			Body:            strings.NewReader(`{"content":"hello"}`),
			ExpectedStatus:  201,
			ExpectedContent: []string{`"content":"` + strings.Join(upstreamtest.Answer, "") + `"`},
			ExpectedEvents:  announced(2, 1),
			AfterTestFunc:   hookstest.DBQuestion(hookstest.LegacyAliceID, "hello", chat.StatusDone, true, nil),
		}, "create user pending", "create assistant done", "update user done"),
		hookstest.ExpectChatEvents(tests.ApiScenario{
			Name: "an upstream failure: 502, refunded", Method: http.MethodPost, URL: "/chat", Headers: alice,
			TestAppFactory:     online,
			Body:               strings.NewReader(`{"content":"will fail [mode:500]"}`),
			ExpectedStatus:     502,
			ExpectedContent:    []string{`"status":502`},
			NotExpectedContent: []string{upstreamtest.SecretBody},
			ExpectedEvents:     announced(1, 1),
			AfterTestFunc: hookstest.Checks(
				hookstest.DBUsed(hookstest.LegacyAliceID, 0),
				hookstest.DBQuestion(hookstest.LegacyAliceID, "will fail [mode:500]", chat.StatusFailed, false, nil),
			),
		}, "create user pending", "update user failed"),
		{
			Name: "at the daily limit", Method: http.MethodPost, URL: "/chat", Headers: alice,
			TestAppFactory:  offline,
			BeforeTestFunc:  hookstest.UsedToday(hookstest.LegacyAliceID, 5),
			Body:            strings.NewReader(`{"content":"one more"}`),
			ExpectedStatus:  429,
			ExpectedContent: []string{`"status":429`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc: hookstest.Checks(
				hookstest.DBCount(migrations.ChatsCollection, fixtureChats),
				hookstest.DBUsed(hookstest.LegacyAliceID, 5),
			),
		},
		{
			Name: "a blocked user", Method: http.MethodPost, URL: "/chat", Headers: alice,
			TestAppFactory:  offline,
			BeforeTestFunc:  hookstest.BlockUser(hookstest.LegacyAliceID),
			Body:            strings.NewReader(`{"content":"hello"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   refused,
		},
		{
			Name: "a bad body", Method: http.MethodPost, URL: "/chat", Headers: alice,
			TestAppFactory:  offline,
			Body:            strings.NewReader(`{"content":"   "}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"content":{"code":"validation_required"`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   refused,
		},
		{
			Name: "a guest", Method: http.MethodPost, URL: "/chat",
			TestAppFactory:  offline,
			Body:            strings.NewReader(`{"content":"hello"}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   refused,
		},
		{
			Name: "another method", Method: http.MethodDelete, URL: "/chat", Headers: alice,
			TestAppFactory:  offline,
			ExpectedStatus:  405,
			ExpectedContent: []string{"this path takes GET, POST, HEAD"},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   refused,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
