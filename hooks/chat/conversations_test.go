package chat_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// inConversation fails unless the question content of user, and its
// answer, are in the conversation id, the answer pointing at its question,
// and the conversation's last activity is the answer's.
func inConversation(user, content, id string) hookstest.Check {
	return hookstest.DBQuestion(user, content, chat.StatusDone, true, func(t testing.TB, q, a *core.Record) {
		t.Helper()
		if q.GetString("conversation") != id || a.GetString("conversation") != id || a.GetString("question") != q.Id {
			t.Fatalf("expected the question and its answer in %s, the answer pointing at %s, got %q %q %q",
				id, q.Id, q.GetString("conversation"), a.GetString("conversation"), a.GetString("question"))
		}
	})
}

// lastActivity fails unless conversation id's updated is its last
// message's created.
func lastActivity(id string) hookstest.Check {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		conv, err := app.FindRecordById(migrations.ConversationsCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		last, err := app.FindRecordsByFilter(migrations.ChatsCollection, "conversation = {:c}", "-created", 1, 0, map[string]any{"c": id})
		if err != nil || len(last) != 1 {
			t.Fatalf("expected a message in %s: %v", id, err)
		}
		if got, want := conv.GetDateTime("updated"), last[0].GetDateTime("created"); !got.Equal(want) {
			t.Fatalf("expected the conversation's updated at its last message, %s, got %s", want, got)
		}
	}
}

// newConversation fails unless the owner has one more conversation than
// the fixture's, titled title, holding the question content.
func newConversation(title, content string) hookstest.Check {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		convs, err := app.FindRecordsByFilter(migrations.ConversationsCollection, "user = {:u} && id != {:fixture}", "", 0, 0,
			map[string]any{"u": hookstest.OwnerID, "fixture": hookstest.OwnerConversationID})
		if err != nil || len(convs) != 1 {
			t.Fatalf("expected one new conversation of the owner, got %d (%v)", len(convs), err)
		}
		if got := convs[0].GetString("title"); got != title {
			t.Fatalf("expected the title %q, got %q", title, got)
		}
		inConversation(hookstest.OwnerID, content, convs[0].Id)(t, app, res)
		lastActivity(convs[0].Id)(t, app, res)
	}
}

// POST /api/chat with and without a conversation (SPEC 13.2).
func TestChatConversationScenarios(t *testing.T) {
	t.Parallel()
	ownerConv := `"conversation":"` + hookstest.OwnerConversationID + `"`
	long := "  스토브리그에서   백승수 단장이\n처음 드림즈에 와서 한 말이 뭐였지? 그리고 그 다음 말은?"
	scenarios := []tests.ApiScenario{
		hookstest.ExpectChatEvents(hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "one of the caller's conversations: continued, nothing made", Method: http.MethodPost, URL: "/api/chat",
			Body:           strings.NewReader(`{"content":"next question",` + ownerConv + `}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"chat":{`, ownerConv, `"title":"` + hookstest.OwnerTitle + `"`, `"collectionName":"conversations"`,
				`"id":"` + hookstest.OwnerConversationID + `"`, `"quota":{"limit":5,"used":1`,
			},
			ExpectedEvents: announcedEvents(2, 1),
			AfterTestFunc: hookstest.Checks(
				hookstest.DBUsed(hookstest.OwnerID, 1),
				hookstest.DBCount(migrations.ConversationsCollection, 2),
				inConversation(hookstest.OwnerID, "next question", hookstest.OwnerConversationID),
				lastActivity(hookstest.OwnerConversationID),
			),
		}), answeredSequence...),
		hookstest.ExpectChatEvents(hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "none: a new conversation, titled from the question", Method: http.MethodPost, URL: "/api/chat",
			Body:           strings.NewReader(`{"content":"` + strings.ReplaceAll(long, "\n", `\n`) + `"}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"title":"스토브리그에서 백승수 단장이 처음 드림즈에 와서 한 말이 뭐였지? 그리고"`,
				`"user":"` + hookstest.OwnerID + `"`, `"quota":{"limit":5,"used":1`,
			},
			NotExpectedContent: []string{hookstest.OwnerTitle},
			ExpectedEvents:     answeredEvents,
			AfterTestFunc: hookstest.Checks(
				hookstest.DBUsed(hookstest.OwnerID, 1),
				newConversation("스토브리그에서 백승수 단장이 처음 드림즈에 와서 한 말이 뭐였지? 그리고", strings.TrimSpace(long)),
			),
		}), answeredSequence...),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "null: a new conversation", Method: http.MethodPost, URL: "/api/chat",
			Body:            strings.NewReader(`{"content":"fresh start","conversation":null}`),
			ExpectedStatus:  201,
			ExpectedContent: []string{`"title":"fresh start"`},
			ExpectedEvents:  answeredEvents,
			AfterTestFunc:   newConversation("fresh start", "fresh start"),
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "empty: a new conversation", Method: http.MethodPost, URL: "/api/chat",
			Body:            strings.NewReader(`{"content":"fresh start","conversation":""}`),
			ExpectedStatus:  201,
			ExpectedContent: []string{`"title":"fresh start"`},
			ExpectedEvents:  answeredEvents,
			AfterTestFunc:   newConversation("fresh start", "fresh start"),
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "a stream: the chat event carries the conversation", Method: http.MethodPost, URL: "/api/chat",
			Headers:        map[string]string{"Accept": "text/event-stream"},
			Body:           strings.NewReader(`{"content":"streamed",` + ownerConv + `}`),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				"event: chat\ndata: {\"chat\":{", ownerConv, `"conversation":{"collectionId":`,
				`"title":"` + hookstest.OwnerTitle + `"`, "event: done",
			},
			ExpectedEvents: announcedEvents(2, 1),
			AfterTestFunc:  inConversation(hookstest.OwnerID, "streamed", hookstest.OwnerConversationID),
		}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// A conversation that is not the caller's, or that cannot be one, is
// refused before anything is written or counted: 404 for another user's or
// an unknown id, 400 for a value that is not an id.
func TestChatConversationRefusals(t *testing.T) {
	t.Parallel()
	untouched := hookstest.Checks(
		hookstest.DBCount(migrations.ChatsCollection, 3),
		hookstest.DBCount(migrations.ConversationsCollection, 2),
		hookstest.DBUsed(hookstest.OwnerID, 0),
		hookstest.Headers(map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Used": "0"}),
	)
	notFound := []string{`"status":404`, "No such conversation."}
	invalidID := []string{`"status":400`, `"conversation":{"code":"validation_invalid_id"`}
	invalidType := []string{`"status":400`, `"conversation":{"code":"validation_invalid_type"`}
	scenarios := []struct {
		name    string
		headers map[string]string
		body    string
		status  int
		expect  []string
	}{
		{"another user's", nil, `{"content":"hi","conversation":"` + hookstest.OtherConversationID + `"}`, 404, notFound},
		{"another user's, as a stream", map[string]string{"Accept": "text/event-stream"},
			`{"content":"hi","conversation":"` + hookstest.OtherConversationID + `"}`, 404, notFound},
		{"another user's, with an Idempotency-Key", map[string]string{"Idempotency-Key": "k-other"},
			`{"content":"hi","conversation":"` + hookstest.OtherConversationID + `"}`, 404, notFound},
		{"unknown", nil, `{"content":"hi","conversation":"zzzzzzzzzzzzzzz"}`, 404, notFound},
		{"a chat's id", nil, `{"content":"hi","conversation":"` + hookstest.OwnerQuestionID + `"}`, 404, notFound},
		{"a number", nil, `{"content":"hi","conversation":42}`, 400, invalidType},
		{"an object", nil, `{"content":"hi","conversation":{"id":"` + hookstest.OwnerConversationID + `"}}`, 400, invalidType},
		{"an array", nil, `{"content":"hi","conversation":["` + hookstest.OwnerConversationID + `"]}`, 400, invalidType},
		{"a boolean", nil, `{"content":"hi","conversation":true}`, 400, invalidType},
		{"too long", nil, `{"content":"hi","conversation":"` + strings.Repeat("a", 10000) + `"}`, 400, invalidID},
		{"too short", nil, `{"content":"hi","conversation":"convowner00000"}`, 400, invalidID},
		{"upper case", nil, `{"content":"hi","conversation":"CONVOWNER000001"}`, 400, invalidID},
		{"a filter", nil, `{"content":"hi","conversation":"' || 1=1 --    "}`, 400, invalidID},
		{"a NUL", nil, `{"content":"hi","conversation":"convowner00000\u0000"}`, 400, invalidID},
		{"spaces around", nil, `{"content":"hi","conversation":" ` + hookstest.OwnerConversationID + ` "}`, 400, invalidID},
	}
	for _, sc := range scenarios {
		s := hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: sc.name, Method: http.MethodPost, URL: "/api/chat",
			Headers:            sc.headers,
			Body:               strings.NewReader(sc.body),
			ExpectedStatus:     sc.status,
			ExpectedContent:    sc.expect,
			NotExpectedContent: []string{hookstest.OtherTitle, hookstest.OtherChat},
			ExpectedEvents:     refusedEvents,
			AfterTestFunc:      untouched,
		})
		s.Test(t)
	}

	// at the daily limit, no conversation is made
	s := hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
		Name: "at the daily limit without a conversation", Method: http.MethodPost, URL: "/api/chat",
		Body:            strings.NewReader(`{"content":"hi"}`),
		BeforeTestFunc:  hookstest.UsedToday(hookstest.OwnerID, 5),
		ExpectedStatus:  429,
		ExpectedContent: []string{`"status":429`},
		ExpectedEvents:  refusedEvents,
		AfterTestFunc: hookstest.Checks(
			hookstest.DBCount(migrations.ChatsCollection, 3),
			hookstest.DBCount(migrations.ConversationsCollection, 2),
		),
	})
	s.Test(t)

	// the daily limit is checked once the conversation is known to be the
	// caller's; a refused request does not move its last activity
	s = hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
		Name: "at the daily limit in one of the caller's conversations", Method: http.MethodPost, URL: "/api/chat",
		Body:            strings.NewReader(`{"content":"hi","conversation":"` + hookstest.OwnerConversationID + `"}`),
		BeforeTestFunc:  hookstest.UsedToday(hookstest.OwnerID, 5),
		ExpectedStatus:  429,
		ExpectedContent: []string{`"status":429`},
		ExpectedEvents:  refusedEvents,
		AfterTestFunc: hookstest.Checks(
			hookstest.DBCount(migrations.ChatsCollection, 3),
			hookstest.DBUsed(hookstest.OwnerID, 5),
			lastActivity(hookstest.OwnerConversationID),
		),
	})
	s.Test(t)
}
