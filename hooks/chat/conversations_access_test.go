package chat_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The conversations collection through the records API (and the batch
// API, which applies the rules alone): its owner lists, views, renames and
// deletes it; nobody else sees it; no client creates one or gives it away.
func TestConversationsAccess(t *testing.T) {
	t.Parallel()
	const conversations = "/api/collections/conversations/records"
	owner := conversations + "/" + hookstest.OwnerConversationID
	untouched := hookstest.Checks(
		hookstest.DBCount(migrations.ConversationsCollection, 2),
		hookstest.DBField(migrations.ConversationsCollection, hookstest.OwnerConversationID, "title", hookstest.OwnerTitle),
		hookstest.DBField(migrations.ConversationsCollection, hookstest.OwnerConversationID, "user", hookstest.OwnerID),
	)
	scenarios := []tests.ApiScenario{
		// list and view
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner lists their own", Method: http.MethodGet, URL: conversations + "?sort=-updated",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, hookstest.OwnerTitle},
			NotExpectedContent: []string{hookstest.OtherTitle}}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user filtering on the owner gets nothing", Method: http.MethodGet,
			URL:                conversations + "?filter=" + "(user%3D%27" + hookstest.OwnerID + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{hookstest.OwnerTitle}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest lists: empty", Method: http.MethodGet, URL: conversations,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`, `"items":[]`},
			NotExpectedContent: []string{hookstest.OwnerTitle, hookstest.OtherTitle}}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner views theirs", Method: http.MethodGet, URL: owner,
			ExpectedStatus:  200,
			ExpectedContent: []string{hookstest.OwnerTitle}}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user views it: 404", Method: http.MethodGet, URL: owner,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{hookstest.OwnerTitle}}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner's chats of one conversation", Method: http.MethodGet,
			URL:                "/api/collections/chats/records?filter=" + "(conversation%3D%27" + hookstest.OwnerConversationID + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, hookstest.OwnerQuestion, hookstest.OwnerAnswer},
			NotExpectedContent: []string{hookstest.OtherChat}}),

		// create: the server makes conversations
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner cannot create one", Method: http.MethodPost, URL: conversations,
			Body:            hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `","title":"mine"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   untouched}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser creates one", Method: http.MethodPost, URL: conversations,
			Body:            hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `","title":"from the dashboard"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"from the dashboard"`},
			AfterTestFunc:   hookstest.DBCount(migrations.ConversationsCollection, 3)}),

		// update: the title only
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner renames theirs; updated moves", Method: http.MethodPatch, URL: owner,
			Body:            hookstest.JSONBody(`{"title":"renamed"}`),
			BeforeTestFunc:  agedConversation(hookstest.OwnerConversationID),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"renamed"`},
			AfterTestFunc: hookstest.Checks(
				hookstest.DBField(migrations.ConversationsCollection, hookstest.OwnerConversationID, "title", "renamed"),
				movedToday(hookstest.OwnerConversationID),
			)}),
		hookstest.SendingBack(migrations.ConversationsCollection, hookstest.OwnerConversationID, map[string]any{"title": "sent back"},
			hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner sends back the record as read, renamed", Method: http.MethodPatch, URL: owner,
				ExpectedStatus:  200,
				ExpectedContent: []string{`"title":"sent back"`},
				AfterTestFunc:   hookstest.DBField(migrations.ConversationsCollection, hookstest.OwnerConversationID, "title", "sent back")})),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner gives theirs away: refused", Method: http.MethodPatch, URL: owner,
			Body:            hookstest.JSONBody(`{"user":"` + hookstest.OtherID + `","title":"a gift"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   untouched}),
		hookstest.WithBatch(hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner gives theirs away through the batch API: refused", Method: http.MethodPost,
			URL:             "/api/batch",
			Body:            hookstest.BatchOf(http.MethodPatch, owner, `{"user":"`+hookstest.OtherID+`"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   untouched})),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a title over 100 characters: 400", Method: http.MethodPatch, URL: owner,
			Body:            hookstest.JSONBody(`{"title":"` + strings.Repeat("가", 101) + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"title":{"code":"validation_max_text_constraint"`},
			AfterTestFunc:   untouched}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user renames it: 404", Method: http.MethodPatch, URL: owner,
			Body:            hookstest.JSONBody(`{"title":"defaced"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   untouched}),

		// delete: its messages go with it, the day's requests stay counted
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner deletes theirs with its messages; the count stays", Method: http.MethodDelete, URL: owner,
			BeforeTestFunc: hookstest.UsedToday(hookstest.OwnerID, 2),
			ExpectedStatus: 204,
			AfterTestFunc: hookstest.Checks(
				hookstest.DBGone(migrations.ConversationsCollection, hookstest.OwnerConversationID),
				hookstest.DBGone(migrations.ChatsCollection, hookstest.OwnerQuestionID, hookstest.OwnerAnswerID),
				hookstest.DBCount(migrations.ChatsCollection, 1),
				hookstest.DBUsed(hookstest.OwnerID, 2),
			)}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user deletes it: 404", Method: http.MethodDelete, URL: owner,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   hookstest.Checks(untouched, hookstest.DBCount(migrations.ChatsCollection, 3))}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// agedConversation is a BeforeTestFunc that dates conversation id's last
// activity a year back.
func agedConversation(id string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		t.Helper()
		_, err := app.DB().NewQuery("UPDATE conversations SET updated = '2025-01-01 00:00:00.000Z' WHERE id = {:id}").
			Bind(map[string]any{"id": id}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// movedToday fails unless conversation id's updated is of the last minute.
func movedToday(id string) hookstest.Check {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		conv, err := app.FindRecordById(migrations.ConversationsCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		if age := time.Since(conv.GetDateTime("updated").Time()); age < 0 || age > time.Minute {
			t.Fatalf("expected updated within the last minute, got %s", conv.GetDateTime("updated"))
		}
	}
}

// A chats record that a superuser creates without a conversation goes into
// its user's most recently active conversation, or a new one titled from
// it when they have none; one in another user's conversation is refused.
func TestSuperuserChatsFindTheirConversation(t *testing.T) {
	t.Parallel()
	const chats = "/api/collections/chats/records"
	chatOf := func(user, conversation string) string {
		return `{"user":"` + user + `","conversation":"` + conversation + `","role":"user","content":"added by an admin","status":"done"}`
	}
	placed := func(user string, conversations int64, title string) hookstest.Check {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			t.Helper()
			hookstest.DBCount(migrations.ConversationsCollection, conversations)(t, app, res)
			q, err := app.FindFirstRecordByData(migrations.ChatsCollection, "content", "added by an admin")
			if err != nil {
				t.Fatal(err)
			}
			conv, err := app.FindRecordById(migrations.ConversationsCollection, q.GetString("conversation"))
			if err != nil {
				t.Fatalf("expected the chat in a conversation: %v", err)
			}
			if conv.GetString("user") != user || conv.GetString("title") != title {
				t.Fatalf("expected the chat in %s's conversation %q, got %s's %q", user, title, conv.GetString("user"), conv.GetString("title"))
			}
			lastActivity(conv.Id)(t, app, res)
		}
	}
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "into the user's most recent conversation", Method: http.MethodPost, URL: chats,
			Body: hookstest.JSONBody(chatOf(hookstest.OwnerID, "")),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				agedConversation(hookstest.OwnerConversationID)(t, app, e)
				// a second, older conversation of the owner
				c, err := app.FindCollectionByNameOrId(migrations.ConversationsCollection)
				if err != nil {
					t.Fatal(err)
				}
				older := core.NewRecord(c)
				older.Set("user", hookstest.OwnerID)
				older.Set("title", "older")
				hookstest.LegacySave(t, app, older)
				_, err = app.DB().NewQuery("UPDATE conversations SET updated = '2024-01-01 00:00:00.000Z' WHERE id = {:id}").
					Bind(map[string]any{"id": older.Id}).Execute()
				if err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"conversation":"` + hookstest.OwnerConversationID + `"`},
			AfterTestFunc:   placed(hookstest.OwnerID, 3, hookstest.OwnerTitle)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "a user without one gets one", Method: http.MethodPost, URL: chats,
			Body: hookstest.JSONBody(chatOf(hookstest.OwnerID, "")),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				deleteConversation(t, app, hookstest.OwnerConversationID)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"added by an admin"`},
			AfterTestFunc:   placed(hookstest.OwnerID, 2, "added by an admin")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "into a conversation named", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(chatOf(hookstest.OwnerID, hookstest.OwnerConversationID)),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"conversation":"` + hookstest.OwnerConversationID + `"`},
			AfterTestFunc:   placed(hookstest.OwnerID, 2, hookstest.OwnerTitle)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "into another user's conversation: 400", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(chatOf(hookstest.OwnerID, hookstest.OtherConversationID)),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"conversation":{"code":"validation_other_user"`},
			AfterTestFunc:   hookstest.Checks(hookstest.DBCount(migrations.ChatsCollection, 3), hookstest.DBCount(migrations.ConversationsCollection, 2))}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "into an unknown conversation: 400", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(chatOf(hookstest.OwnerID, "zzzzzzzzzzzzzzz")),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"conversation":{"code":`},
			AfterTestFunc:   hookstest.Checks(hookstest.DBCount(migrations.ChatsCollection, 3), hookstest.DBCount(migrations.ConversationsCollection, 2))}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "without a user: 400, no conversation made", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(`{"role":"user","content":"added by an admin","status":"done"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_required"`},
			AfterTestFunc:   hookstest.Checks(hookstest.DBCount(migrations.ChatsCollection, 3), hookstest.DBCount(migrations.ConversationsCollection, 2))}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "invalid otherwise: 400, no conversation made", Method: http.MethodPost, URL: chats,
			Body: hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `","role":"nobody","content":"added by an admin","status":"done"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				deleteConversation(t, app, hookstest.OwnerConversationID)
			},
			ExpectedStatus:  400,
			ExpectedContent: []string{`"role":{"code":`},
			AfterTestFunc:   hookstest.Checks(hookstest.DBCount(migrations.ChatsCollection, 1), hookstest.DBCount(migrations.ConversationsCollection, 1))}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func deleteConversation(t testing.TB, app core.App, id string) {
	t.Helper()
	conv, err := app.FindRecordById(migrations.ConversationsCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(conv); err != nil {
		t.Fatal(err)
	}
}
