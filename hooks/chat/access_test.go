package chat_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestChatsAccess(t *testing.T) {
	t.Parallel()
	const chats = "/api/collections/chats/records"
	newChat := `{"user":"` + hookstest.OwnerID + `","role":"user","content":"free question","status":"done"}`
	scenarios := []tests.ApiScenario{
		// list
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner lists their own chats", Method: http.MethodGet, URL: chats,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, hookstest.OwnerQuestion, hookstest.OwnerAnswer},
			NotExpectedContent: []string{hookstest.OtherChat}}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user lists only theirs", Method: http.MethodGet, URL: chats,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, hookstest.OtherChat},
			NotExpectedContent: []string{hookstest.OwnerQuestion, hookstest.OwnerAnswer}}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user filtering on the owner gets nothing", Method: http.MethodGet,
			URL:                chats + "?filter=" + "(user%3D%27" + hookstest.OwnerID + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{hookstest.OwnerQuestion, hookstest.OwnerAnswer}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest lists chats: empty", Method: http.MethodGet, URL: chats,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`, `"items":[]`},
			NotExpectedContent: []string{hookstest.OwnerQuestion, hookstest.OtherChat}}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser lists every chat", Method: http.MethodGet, URL: chats,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":3`, hookstest.OwnerQuestion, hookstest.OtherChat}}),

		// view
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner views their question", Method: http.MethodGet, URL: chats + "/" + hookstest.OwnerQuestionID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"` + hookstest.OwnerQuestion + `"`, `"reply":"` + hookstest.OwnerAnswerID + `"`}}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner views another user's chat: 404", Method: http.MethodGet, URL: chats + "/" + hookstest.OtherChatID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{hookstest.OtherChat}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest views a chat: 404", Method: http.MethodGet, URL: chats + "/" + hookstest.OwnerQuestionID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{hookstest.OwnerQuestion}}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser views any chat", Method: http.MethodGet, URL: chats + "/" + hookstest.OtherChatID,
			ExpectedStatus:  200,
			ExpectedContent: []string{hookstest.OtherChat}}),

		// create: only the server writes chats, or the daily limit could be bypassed
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner cannot create a chat record", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(newChat),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   hookstest.DBCount(migrations.ChatsCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner creating a malformed chat record still gets 403", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `","content":42}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   hookstest.DBCount(migrations.ChatsCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest cannot create a chat record", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(newChat),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   hookstest.DBCount(migrations.ChatsCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser creates a chat record", Method: http.MethodPost, URL: chats,
			Body:            hookstest.JSONBody(newChat),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"free question"`},
			AfterTestFunc:   hookstest.DBCount(migrations.ChatsCollection, 4)}),

		// update
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner cannot edit their chat", Method: http.MethodPatch, URL: chats + "/" + hookstest.OwnerAnswerID,
			Body:            hookstest.JSONBody(`{"content":"a better answer"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   hookstest.DBField(migrations.ChatsCollection, hookstest.OwnerAnswerID, "content", hookstest.OwnerAnswer)}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user cannot edit the owner's chat", Method: http.MethodPatch, URL: chats + "/" + hookstest.OwnerAnswerID,
			Body:               hookstest.JSONBody(`{"content":"defaced"}`),
			ExpectedStatus:     403,
			NotExpectedContent: []string{hookstest.OwnerAnswer},
			AfterTestFunc:      hookstest.DBField(migrations.ChatsCollection, hookstest.OwnerAnswerID, "content", hookstest.OwnerAnswer)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser edits a chat", Method: http.MethodPatch, URL: chats + "/" + hookstest.OwnerAnswerID,
			Body:            hookstest.JSONBody(`{"status":"failed"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"failed"`},
			AfterTestFunc:   hookstest.DBField(migrations.ChatsCollection, hookstest.OwnerAnswerID, "status", "failed")}),

		// delete
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner deletes a question and its answer goes with it", Method: http.MethodDelete,
			URL:            chats + "/" + hookstest.OwnerQuestionID,
			ExpectedStatus: 204,
			ExpectedEvents: map[string]int{"OnRecordDeleteRequest": 1, "OnRecordDelete": 2, "OnRecordAfterDeleteSuccess": 2},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				hookstest.DBGone(migrations.ChatsCollection, hookstest.OwnerQuestionID, hookstest.OwnerAnswerID)(t, app, res)
				hookstest.DBField(migrations.ChatsCollection, hookstest.OtherChatID, "content", hookstest.OtherChat)(t, app, res)
			}}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner deletes an answer alone", Method: http.MethodDelete, URL: chats + "/" + hookstest.OwnerAnswerID,
			ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				hookstest.DBGone(migrations.ChatsCollection, hookstest.OwnerAnswerID)(t, app, res)
				hookstest.DBField(migrations.ChatsCollection, hookstest.OwnerQuestionID, "reply", "")(t, app, res)
			}}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner deletes another user's chat: 404", Method: http.MethodDelete, URL: chats + "/" + hookstest.OtherChatID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{hookstest.OtherChat},
			AfterTestFunc:      hookstest.DBCount(migrations.ChatsCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest deletes a chat: 404", Method: http.MethodDelete, URL: chats + "/" + hookstest.OwnerQuestionID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   hookstest.DBCount(migrations.ChatsCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser deletes a question and its answer", Method: http.MethodDelete, URL: chats + "/" + hookstest.OwnerQuestionID,
			ExpectedStatus: 204,
			AfterTestFunc:  hookstest.DBGone(migrations.ChatsCollection, hookstest.OwnerQuestionID, hookstest.OwnerAnswerID)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
