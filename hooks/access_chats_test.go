package hooks

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

func TestChatsAccess(t *testing.T) {
	t.Parallel()
	const chats = "/api/collections/chats/records"
	newChat := `{"user":"` + ownerID + `","role":"user","content":"free question","status":"done"}`
	scenarios := []tests.ApiScenario{
		// list
		signedInAs(asOwner, tests.ApiScenario{Name: "owner lists their own chats", Method: http.MethodGet, URL: chats,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, ownerQuestion, ownerAnswer},
			NotExpectedContent: []string{otherChat}}),
		signedInAs(asOther, tests.ApiScenario{Name: "another user lists only theirs", Method: http.MethodGet, URL: chats,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, otherChat},
			NotExpectedContent: []string{ownerQuestion, ownerAnswer}}),
		signedInAs(asOther, tests.ApiScenario{Name: "another user filtering on the owner gets nothing", Method: http.MethodGet,
			URL:                chats + "?filter=" + "(user%3D%27" + ownerID + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{ownerQuestion, ownerAnswer}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest lists chats: empty", Method: http.MethodGet, URL: chats,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`, `"items":[]`},
			NotExpectedContent: []string{ownerQuestion, otherChat}}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser lists every chat", Method: http.MethodGet, URL: chats,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":3`, ownerQuestion, otherChat}}),

		// view
		signedInAs(asOwner, tests.ApiScenario{Name: "owner views their question", Method: http.MethodGet, URL: chats + "/" + ownerQuestionID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"` + ownerQuestion + `"`, `"reply":"` + ownerAnswerID + `"`}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner views another user's chat: 404", Method: http.MethodGet, URL: chats + "/" + otherChatID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherChat}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest views a chat: 404", Method: http.MethodGet, URL: chats + "/" + ownerQuestionID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{ownerQuestion}}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser views any chat", Method: http.MethodGet, URL: chats + "/" + otherChatID,
			ExpectedStatus:  200,
			ExpectedContent: []string{otherChat}}),

		// create: only the server writes chats, or the daily limit could be bypassed
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot create a chat record", Method: http.MethodPost, URL: chats,
			Body:            jsonBody(newChat),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   dbCount(migrations.ChatsCollection, 3)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner creating a malformed chat record still gets 403", Method: http.MethodPost, URL: chats,
			Body:            jsonBody(`{"user":"` + ownerID + `","content":42}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   dbCount(migrations.ChatsCollection, 3)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest cannot create a chat record", Method: http.MethodPost, URL: chats,
			Body:            jsonBody(newChat),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   dbCount(migrations.ChatsCollection, 3)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser creates a chat record", Method: http.MethodPost, URL: chats,
			Body:            jsonBody(newChat),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"free question"`},
			AfterTestFunc:   dbCount(migrations.ChatsCollection, 4)}),

		// update
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot edit their chat", Method: http.MethodPatch, URL: chats + "/" + ownerAnswerID,
			Body:            jsonBody(`{"content":"a better answer"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   dbField(migrations.ChatsCollection, ownerAnswerID, "content", ownerAnswer)}),
		signedInAs(asOther, tests.ApiScenario{Name: "another user cannot edit the owner's chat", Method: http.MethodPatch, URL: chats + "/" + ownerAnswerID,
			Body:               jsonBody(`{"content":"defaced"}`),
			ExpectedStatus:     403,
			NotExpectedContent: []string{ownerAnswer},
			AfterTestFunc:      dbField(migrations.ChatsCollection, ownerAnswerID, "content", ownerAnswer)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser edits a chat", Method: http.MethodPatch, URL: chats + "/" + ownerAnswerID,
			Body:            jsonBody(`{"status":"failed"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"failed"`},
			AfterTestFunc:   dbField(migrations.ChatsCollection, ownerAnswerID, "status", "failed")}),

		// delete
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes a question and its answer goes with it", Method: http.MethodDelete,
			URL:            chats + "/" + ownerQuestionID,
			ExpectedStatus: 204,
			ExpectedEvents: map[string]int{"OnRecordDeleteRequest": 1, "OnRecordDelete": 2, "OnRecordAfterDeleteSuccess": 2},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				dbGone(migrations.ChatsCollection, ownerQuestionID, ownerAnswerID)(t, app, res)
				dbField(migrations.ChatsCollection, otherChatID, "content", otherChat)(t, app, res)
			}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes an answer alone", Method: http.MethodDelete, URL: chats + "/" + ownerAnswerID,
			ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				dbGone(migrations.ChatsCollection, ownerAnswerID)(t, app, res)
				dbField(migrations.ChatsCollection, ownerQuestionID, "reply", "")(t, app, res)
			}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes another user's chat: 404", Method: http.MethodDelete, URL: chats + "/" + otherChatID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherChat},
			AfterTestFunc:      dbCount(migrations.ChatsCollection, 3)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest deletes a chat: 404", Method: http.MethodDelete, URL: chats + "/" + ownerQuestionID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbCount(migrations.ChatsCollection, 3)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser deletes a question and its answer", Method: http.MethodDelete, URL: chats + "/" + ownerQuestionID,
			ExpectedStatus: 204,
			AfterTestFunc:  dbGone(migrations.ChatsCollection, ownerQuestionID, ownerAnswerID)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
