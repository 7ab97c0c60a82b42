package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// SPEC section 11 on PocketBase's native record endpoints: every bad input
// gets a 4xx naming the field where there is one, changes nothing, and no
// input gets a 500.

func TestUsersBadInput(t *testing.T) {
	t.Parallel()
	const users = "/api/collections/users/records"
	signUp := func(fields string) *strings.Reader {
		return hookstest.JSONBody(`{"password":"password123","passwordConfirm":"password123",` + fields + `}`)
	}
	unchanged := hookstest.DBCount(migrations.UsersCollection, 2)
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with invalid JSON", Method: http.MethodPost, URL: users,
			Body: hookstest.JSONBody(`{"email":"a@b.c",`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with email as a number", Method: http.MethodPost, URL: users,
			Body: signUp(`"email":12345`), ExpectedStatus: 400,
			ExpectedContent: []string{`"email":{"code":"validation_not_text"`}, AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a password as a number", Method: http.MethodPost, URL: users,
			Body:            hookstest.JSONBody(`{"email":"n@example.com","password":12345678,"passwordConfirm":12345678}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"password":{"code":"validation_not_text"`}, AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a nickname object", Method: http.MethodPost, URL: users,
			Body: signUp(`"email":"n@example.com","nickname":{"a":1}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"nickname":{"code":"validation_not_text"`}, AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a malformed email", Method: http.MethodPost, URL: users,
			Body: signUp(`"email":"not-an-email' OR 1=1 --"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"email":{"code":"validation_is_email"`}, AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a password of 25 Korean letters (75 bytes, over bcrypt's 72)", Method: http.MethodPost, URL: users,
			Body:            hookstest.JSONBody(`{"email":"n@example.com","password":"` + strings.Repeat("가", 25) + `","passwordConfirm":"` + strings.Repeat("가", 25) + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"password":{"code":"validation_max_text_constraint","message":"A password can be at most 72 bytes long`},
			AfterTestFunc:   unchanged}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a NUL in the nickname", Method: http.MethodPost, URL: users,
			Body: signUp(`"email":"n@example.com","nickname":"\u0000dave"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"nickname":{"code":"validation_control_characters"`}, AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "update with a NUL in the nickname", Method: http.MethodPatch, URL: users + "/" + hookstest.OwnerID,
			Body: hookstest.JSONBody(`{"nickname":"a\u0000b"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"nickname":{"code":"validation_control_characters"`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "nickname", hookstest.OwnerNick)}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with SQL in the nickname", Method: http.MethodPost, URL: users,
			Body: signUp(`"email":"n@example.com","nickname":"'); DROP TABLE users; --"`), ExpectedStatus: 200,
			ExpectedContent: []string{`"nickname":"'); DROP TABLE users; --"`}, AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "update with invalid JSON", Method: http.MethodPatch, URL: users + "/" + hookstest.OwnerID,
			Body: hookstest.JSONBody(`{"nickname":"x"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "nickname", hookstest.OwnerNick)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "update with a differently cased admin field changes nothing", Method: http.MethodPatch,
			URL: users + "/" + hookstest.OwnerID, Body: hookstest.JSONBody(`{"DAILY_LIMIT":1000,"Blocked":false}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"daily_limit":0`}, AfterTestFunc: hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "daily_limit", "0")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser: daily_limit as a word", Method: http.MethodPatch, URL: users + "/" + hookstest.OwnerID,
			Body: hookstest.JSONBody(`{"daily_limit":"lots"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"daily_limit":{"code":"validation_not_a_number"`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "daily_limit", "0")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser: a negative daily_limit", Method: http.MethodPatch, URL: users + "/" + hookstest.OwnerID,
			Body: hookstest.JSONBody(`{"daily_limit":-1}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"daily_limit":{"code":"validation_min_number_constraint"`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "daily_limit", "0")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser: blocked as a word", Method: http.MethodPatch, URL: users + "/" + hookstest.OwnerID,
			Body: hookstest.JSONBody(`{"blocked":"yes"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"blocked":{"code":"validation_not_a_bool"`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "blocked", "false")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser: chat content as a number", Method: http.MethodPost, URL: "/api/collections/chats/records",
			Body: hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `","role":"user","status":"done","content":7}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_not_text"`}, AfterTestFunc: hookstest.DBCount(migrations.ChatsCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser: a chat role outside the list", Method: http.MethodPost, URL: "/api/collections/chats/records",
			Body: hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `","role":"system","status":"done","content":"x"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"role":{"code":"validation_invalid_value"`}, AfterTestFunc: hookstest.DBCount(migrations.ChatsCollection, 3)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
