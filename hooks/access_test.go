package hooks

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

// The access fixture: two users, each with chats and quotes. Ids are fixed
// so that a scenario's URL can name a record before its app exists; every
// content is unique so that a response can be searched for it.
const (
	ownerID = "owner0000000001"
	otherID = "other0000000001"

	ownerQuestionID = "chatowner000001"
	ownerAnswerID   = "chatowner000002"
	otherChatID     = "chatother000001"

	ownerPendingID  = "qownerpending01"
	ownerApprovedID = "qownerapproved1"
	otherPendingID  = "qotherpending01"
	otherApprovedID = "qotherapproved1"

	ownerNick = "ownernick"
	otherNick = "othernick"
	ownerIP   = "203.0.113.7"
	otherIP   = "203.0.113.8"

	ownerQuestion = "owner-question-text"
	ownerAnswer   = "owner-answer-text"
	otherChat     = "other-private-chat"

	ownerPending  = "owner-pending-quote"
	ownerApproved = "owner-approved-quote"
	otherPending  = "other-pending-quote"
	otherApproved = "other-approved-quote"
)

// accessRole is who signs a scenario's request.
type accessRole int

const (
	asGuest accessRole = iota
	asOwner
	asOther
	asSuperuser
)

// fixturePasswordHash is "password123" hashed once per test binary: a bcrypt
// hash takes a good part of a second on a busy machine, and every scenario
// seeds a fresh app.
var fixturePasswordHash = sync.OnceValue(func() string {
	r := core.NewRecord(core.NewAuthCollection("fixture"))
	r.SetPassword("password123")
	return r.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue).Hash
})

// seedAccess fills app with the access fixture; both users' password is
// password123.
func seedAccess(t testing.TB, app core.App) {
	t.Helper()
	save := func(collection, id string, fields map[string]any) *core.Record {
		t.Helper()
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Id = id
		for k, v := range fields {
			r.Set(k, v)
		}
		if c.IsAuth() {
			r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: fixturePasswordHash()})
		}
		if err := app.Save(r); err != nil {
			t.Fatalf("seeding %s %s: %v", collection, id, err)
		}
		return r
	}
	save(migrations.UsersCollection, ownerID, map[string]any{"email": "owner@example.com", "nickname": ownerNick,
		"ip_address": ownerIP, "last_login": "2026-11-01 10:00:00.000Z"})
	save(migrations.UsersCollection, otherID, map[string]any{"email": "other@example.com", "nickname": otherNick,
		"ip_address": otherIP, "last_login": "2026-11-02 10:00:00.000Z"})

	save(migrations.ChatsCollection, ownerAnswerID, map[string]any{"user": ownerID, "role": "assistant", "content": ownerAnswer, "status": "done"})
	save(migrations.ChatsCollection, ownerQuestionID, map[string]any{"user": ownerID, "role": "user", "content": ownerQuestion,
		"status": "done", "reply": ownerAnswerID})
	save(migrations.ChatsCollection, otherChatID, map[string]any{"user": otherID, "role": "user", "content": otherChat, "status": "done"})

	save(migrations.QuotesCollection, ownerPendingID, map[string]any{"user": ownerID, "content": ownerPending})
	save(migrations.QuotesCollection, ownerApprovedID, map[string]any{"user": ownerID, "content": ownerApproved, "is_apply": true})
	save(migrations.QuotesCollection, otherPendingID, map[string]any{"user": otherID, "content": otherPending, "speaker": "권경민"})
	save(migrations.QuotesCollection, otherApprovedID, map[string]any{"user": otherID, "content": otherApproved, "is_apply": true})
}

// signedInAs completes s to run on a fresh app with the access fixture, signed in
// as w. The token depends on the fresh app's keys, so the factory writes it
// into the scenario's header map, which the request is built from after the
// factory has run.
func signedInAs(w accessRole, s tests.ApiScenario) tests.ApiScenario {
	headers := map[string]string{}
	for k, v := range s.Headers {
		headers[k] = v
	}
	s.Headers = headers
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := setupTestApp(t)
		seedAccess(t, app)
		switch w {
		case asOwner, asOther:
			id := map[accessRole]string{asOwner: ownerID, asOther: otherID}[w]
			u, err := app.FindRecordById(migrations.UsersCollection, id)
			if err != nil {
				t.Fatal(err)
			}
			headers["Authorization"] = authToken(t, u)
		case asSuperuser:
			headers["Authorization"] = newSuperuser(t, app)
		}
		return app
	}
	return s
}

// field returns a record's field as text, or fails.
func recordField(t testing.TB, app core.App, collection, id, name string) string {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatalf("expected %s %s to exist: %v", collection, id, err)
	}
	return r.GetString(name)
}

// dbField fails unless a record's field reads want.
func dbField(collection, id, name, want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got := recordField(t, app, collection, id, name); got != want {
			t.Fatalf("expected %s %s.%s %q, got %q", collection, id, name, want, got)
		}
	}
}

// dbGone fails unless every id is missing from collection.
func dbGone(collection string, ids ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		for _, id := range ids {
			if _, err := app.FindRecordById(collection, id); err == nil {
				t.Fatalf("expected %s %s to be deleted", collection, id)
			}
		}
	}
}

// dbCount fails unless collection holds n records.
func dbCount(collection string, n int64) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		got, err := app.CountRecords(collection)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("expected %d %s, got %d", n, collection, got)
		}
	}
}

func jsonBody(s string) *strings.Reader { return strings.NewReader(s) }

// multipartType is the Content-Type of a multipartBody.
const multipartType = "multipart/form-data; boundary=stovebotboundary"

// multipartBody encodes fields as a multipart form, as the dashboard and the
// JS SDK send them.
func multipartBody(t testing.TB, fields map[string]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary("stovebotboundary"); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestUsersAccess(t *testing.T) {
	t.Parallel()
	const users = "/api/collections/users/records"
	scenarios := []tests.ApiScenario{
		// list
		signedInAs(asOwner, tests.ApiScenario{Name: "owner lists users: only themself", Method: http.MethodGet, URL: users,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `"id":"` + ownerID + `"`, `"nickname":"` + ownerNick + `"`},
			NotExpectedContent: []string{otherID, otherNick, ownerIP, `"ip_address"`}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest lists users: empty", Method: http.MethodGet, URL: users,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`, `"items":[]`},
			NotExpectedContent: []string{ownerNick, otherNick}}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser lists every user", Method: http.MethodGet, URL: users,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":2`, ownerID, otherID}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot filter their way to another user", Method: http.MethodGet,
			URL:                users + "?filter=" + "(nickname%3D%27" + otherNick + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{otherID, otherNick}}),

		// view
		signedInAs(asOwner, tests.ApiScenario{Name: "owner views themself without the hidden ip", Method: http.MethodGet, URL: users + "/" + ownerID,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"id":"` + ownerID + `"`, `"last_login":"2026-11-01 10:00:00.000Z"`, `"daily_limit":0`, `"blocked":false`},
			NotExpectedContent: []string{ownerIP, `"ip_address"`}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner views another user: 404", Method: http.MethodGet, URL: users + "/" + otherID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherNick, "other@example.com"}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest views a user: 404", Method: http.MethodGet, URL: users + "/" + ownerID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{ownerNick}}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser views a user with the hidden ip", Method: http.MethodGet, URL: users + "/" + otherID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"` + otherNick + `"`, `"ip_address":"` + otherIP + `"`}}),

		// create
		signedInAs(asGuest, tests.ApiScenario{Name: "sign-up cannot set daily_limit", Method: http.MethodPost, URL: users,
			Body:            jsonBody(`{"email":"new@example.com","password":"password123","passwordConfirm":"password123","daily_limit":1000}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"daily_limit":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbCount(migrations.UsersCollection, 2)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "sign-up cannot set blocked, ip_address or last_login", Method: http.MethodPost, URL: users,
			Body: jsonBody(`{"email":"new@example.com","password":"password123","passwordConfirm":"password123",` +
				`"blocked":false,"ip_address":"1.2.3.4","last_login":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{`"blocked":{"code":"validation_admin_only"`, `"ip_address":{"code":"validation_admin_only"`,
				`"last_login":{"code":"validation_admin_only"`},
			AfterTestFunc: dbCount(migrations.UsersCollection, 2)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest signs up", Method: http.MethodPost, URL: users,
			Body:               jsonBody(`{"email":"new@example.com","password":"password123","passwordConfirm":"password123"}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"nickname":"new"`, `"daily_limit":0`, `"blocked":false`, `"last_login":""`},
			NotExpectedContent: []string{`"ip_address"`},
			AfterTestFunc:      dbCount(migrations.UsersCollection, 3)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser creates a user with a daily limit", Method: http.MethodPost, URL: users,
			Body:            jsonBody(`{"email":"vip@example.com","password":"password123","passwordConfirm":"password123","daily_limit":50,"blocked":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"daily_limit":50`, `"blocked":true`},
			AfterTestFunc:   dbCount(migrations.UsersCollection, 3)}),

		// update
		signedInAs(asGuest, tests.ApiScenario{Name: "a guest's update with an admin field is not found, not a field error", Method: http.MethodPatch,
			URL: users + "/doesnotexist123", Body: jsonBody(`{"blocked":false}`), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{`validation_admin_only`}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "a guest cannot update a user's admin fields", Method: http.MethodPatch,
			URL: users + "/" + ownerID, Body: jsonBody(`{"blocked":true,"daily_limit":99}`), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "daily_limit", "0")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner changes their nickname", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"nickname":"세이버메트릭스"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"세이버메트릭스"`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "nickname", "세이버메트릭스")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot raise their daily_limit", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"daily_limit":1000}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"daily_limit":{"code":"validation_admin_only"`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "daily_limit", "0")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot raise daily_limit with a modifier", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"daily_limit+":1000}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"daily_limit":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "daily_limit", "0")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot unblock themself", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"blocked":false}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"blocked":{"code":"validation_admin_only"`}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot change ip_address", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"ip_address":"10.0.0.1"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"ip_address":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "ip_address", ownerIP)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot change last_login", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"last_login":"2030-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"last_login":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "last_login", "2026-11-01 10:00:00.000Z")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot set daily_limit in a multipart form", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            multipartBody(t, map[string]string{"daily_limit": "1000"}),
			Headers:         map[string]string{"Content-Type": multipartType},
			ExpectedStatus:  400,
			ExpectedContent: []string{`"daily_limit":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "daily_limit", "0")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot verify themself", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"verified":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"verified":{"code":`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "verified", "false")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot change their password without the old one", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"password":"new-password-1","passwordConfirm":"new-password-1"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"oldPassword":{"code":"validation_required"`}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot change their email directly", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"email":"takeover@example.com"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"email":{"code":`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "email", "owner@example.com")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner updates another user: 404", Method: http.MethodPatch, URL: users + "/" + otherID,
			Body:               jsonBody(`{"nickname":"hijacked"}`),
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherNick},
			AfterTestFunc:      dbField(migrations.UsersCollection, otherID, "nickname", otherNick)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest updates a user: 404", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"nickname":"hijacked"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "nickname", ownerNick)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser sets daily_limit and blocked", Method: http.MethodPatch, URL: users + "/" + ownerID,
			Body:            jsonBody(`{"daily_limit":20,"blocked":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"daily_limit":20`, `"blocked":true`},
			AfterTestFunc:   dbField(migrations.UsersCollection, ownerID, "daily_limit", "20")}),

		// delete
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes themself", Method: http.MethodDelete, URL: users + "/" + ownerID,
			ExpectedStatus: 204,
			AfterTestFunc:  dbGone(migrations.UsersCollection, ownerID)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes another user: 404", Method: http.MethodDelete, URL: users + "/" + otherID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherNick},
			AfterTestFunc:      dbField(migrations.UsersCollection, otherID, "nickname", otherNick)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest deletes a user: 404", Method: http.MethodDelete, URL: users + "/" + ownerID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbCount(migrations.UsersCollection, 2)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser deletes a user", Method: http.MethodDelete, URL: users + "/" + otherID,
			ExpectedStatus: 204,
			AfterTestFunc:  dbGone(migrations.UsersCollection, otherID)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
