package accounts_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// A client sends back the record it read with one field changed (the JS
// SDK's update(id, {...record, nickname})): the admin-only fields it holds
// pass when their values are exactly what the record shows, and are
// refused, named, when they would change.
func TestUsersSentBack(t *testing.T) {
	t.Parallel()
	const users = "/api/collections/users/records"
	owner := users + "/" + hookstest.OwnerID
	asOwner := func(changes map[string]any, s tests.ApiScenario) tests.ApiScenario {
		s.Method, s.URL = http.MethodPatch, owner
		return hookstest.SignedInAs(hookstest.AsOwner, hookstest.SendingBack(migrations.UsersCollection, hookstest.OwnerID, changes, s))
	}
	nickname := func(want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "nickname", want)
	}
	adminOnly := func(field string) []string {
		return []string{`"` + field + `":{"code":"validation_admin_only"`}
	}
	limitAndLastLogin := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "daily_limit", "0")(t, app, nil)
		hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "last_login", "2026-11-01 10:00:00.000Z")(t, app, nil)
		hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "ip_address", hookstest.OwnerIP)(t, app, nil)
	}
	scenarios := []tests.ApiScenario{
		asOwner(map[string]any{"nickname": "돌려보낸 별명"}, tests.ApiScenario{Name: "the record sent back with a new nickname",
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"돌려보낸 별명"`, `"daily_limit":0`, `"blocked":false`, `"last_login":"2026-11-01 10:00:00.000Z"`},
			AfterTestFunc:   hookstest.Checks(nickname("돌려보낸 별명"), limitAndLastLogin)}),
		asOwner(map[string]any{"nickname": "한도 있는 팬"}, tests.ApiScenario{Name: "an admin's daily_limit and blocked sent back unchanged",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				u, err := app.FindRecordById(migrations.UsersCollection, hookstest.OwnerID)
				if err != nil {
					t.Fatal(err)
				}
				u.Set("daily_limit", 20)
				u.Set("blocked", true)
				if err := app.Save(u); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"한도 있는 팬"`, `"daily_limit":20`, `"blocked":true`},
			AfterTestFunc: hookstest.Checks(nickname("한도 있는 팬"),
				hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "daily_limit", "20"),
				hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "blocked", "true"))}),
		asOwner(map[string]any{"nickname": "x", "created": "2020-01-01 00:00:00.000Z", "verified": false, "emailVisibility": false},
			tests.ApiScenario{Name: "the record sent back with its own dates and flags",
				ExpectedStatus:     200,
				ExpectedContent:    []string{`"nickname":"x"`},
				NotExpectedContent: []string{"2020-01-01"},
				AfterTestFunc:      hookstest.Checks(nickname("x"), limitAndLastLogin)}),

		// a change is refused, named, and nothing is written
		asOwner(map[string]any{"nickname": "greedy", "daily_limit": 1000}, tests.ApiScenario{Name: "a raised daily_limit",
			ExpectedStatus: 400, ExpectedContent: adminOnly("daily_limit"), ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc: hookstest.Checks(nickname(hookstest.OwnerNick), limitAndLastLogin)}),
		asOwner(map[string]any{"nickname": "greedy", "blocked": true}, tests.ApiScenario{Name: "a changed blocked",
			ExpectedStatus: 400, ExpectedContent: adminOnly("blocked"), ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc: nickname(hookstest.OwnerNick)}),
		asOwner(map[string]any{"last_login": "2030-01-01 00:00:00.000Z"}, tests.ApiScenario{Name: "a changed last_login",
			ExpectedStatus: 400, ExpectedContent: adminOnly("last_login"), AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"last_login": "2026-11-01T10:00:00Z"}, tests.ApiScenario{Name: "last_login spelled otherwise",
			ExpectedStatus: 400, ExpectedContent: adminOnly("last_login"), AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"last_login": ""}, tests.ApiScenario{Name: "last_login emptied",
			ExpectedStatus: 400, ExpectedContent: adminOnly("last_login"), AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"ip_address": hookstest.OwnerIP}, tests.ApiScenario{Name: "the hidden ip_address, even with its stored value",
			ExpectedStatus: 400, ExpectedContent: adminOnly("ip_address"), AfterTestFunc: limitAndLastLogin}),

		// wrong types are refused, even when they spell the same value
		asOwner(map[string]any{"daily_limit": "0"}, tests.ApiScenario{Name: "daily_limit as text",
			ExpectedStatus: 400, ExpectedContent: []string{`"daily_limit":{"code":`}, AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"daily_limit": false}, tests.ApiScenario{Name: "daily_limit as a bool",
			ExpectedStatus: 400, ExpectedContent: []string{`"daily_limit":{"code":`}, AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"blocked": "false"}, tests.ApiScenario{Name: "blocked as text",
			ExpectedStatus: 400, ExpectedContent: []string{`"blocked":{"code":`}, AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"blocked": 0}, tests.ApiScenario{Name: "blocked as a number",
			ExpectedStatus: 400, ExpectedContent: []string{`"blocked":{"code":`}, AfterTestFunc: limitAndLastLogin}),
		asOwner(map[string]any{"last_login": 0}, tests.ApiScenario{Name: "last_login as a number",
			ExpectedStatus: 400, ExpectedContent: []string{`"last_login":{"code":`}, AfterTestFunc: limitAndLastLogin}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "daily_limit as null", Method: http.MethodPatch, URL: owner,
			Body:           hookstest.JSONBody(`{"nickname":"x","daily_limit":null}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("daily_limit"),
			AfterTestFunc: hookstest.Checks(nickname(hookstest.OwnerNick), limitAndLastLogin)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "daily_limit unchanged through a modifier", Method: http.MethodPatch, URL: owner,
			Body:           hookstest.JSONBody(`{"nickname":"x","daily_limit+":0}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("daily_limit"),
			AfterTestFunc: hookstest.Checks(nickname(hookstest.OwnerNick), limitAndLastLogin)}),

		// a form sends text, which PocketBase reads as numbers and booleans
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "the record sent back as a multipart form", Method: http.MethodPatch, URL: owner,
			Body: hookstest.MultipartBody(t, map[string]string{"nickname": "폼 별명", "daily_limit": "0", "blocked": "false",
				"last_login": "2026-11-01 10:00:00.000Z"}),
			Headers:        map[string]string{"Content-Type": hookstest.MultipartType},
			ExpectedStatus: 200, ExpectedContent: []string{`"nickname":"폼 별명"`},
			AfterTestFunc: hookstest.Checks(nickname("폼 별명"), limitAndLastLogin)}),

		// a record the caller cannot see shows nothing: every admin-only field
		// is refused, whatever its value, so the answer tells nothing of it
		hookstest.SignedInAs(hookstest.AsOwner, hookstest.SendingBack(migrations.UsersCollection, hookstest.OtherID, map[string]any{"nickname": "hijacked"},
			tests.ApiScenario{Name: "another user's record with its own values", Method: http.MethodPatch, URL: users + "/" + hookstest.OtherID,
				ExpectedStatus: 400, ExpectedContent: adminOnly("daily_limit"), ExpectedEvents: map[string]int{"*": 0},
				AfterTestFunc: hookstest.DBField(migrations.UsersCollection, hookstest.OtherID, "nickname", hookstest.OtherNick)})),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "an unknown user's record", Method: http.MethodPatch, URL: users + "/doesnotexist123",
			Body:           hookstest.JSONBody(`{"nickname":"x","daily_limit":0,"blocked":false}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("daily_limit")}),

		// sign-up with the fields a form holds, at their defaults
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with the admin-only fields at their defaults", Method: http.MethodPost, URL: users,
			Body: hookstest.JSONBody(`{"email":"form@example.com","password":"password123","passwordConfirm":"password123",` +
				`"daily_limit":0,"blocked":false,"last_login":""}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"form"`, `"daily_limit":0`, `"blocked":false`, `"last_login":""`},
			AfterTestFunc:   hookstest.DBCount(migrations.UsersCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a daily_limit", Method: http.MethodPost, URL: users,
			Body: hookstest.JSONBody(`{"email":"form@example.com","password":"password123","passwordConfirm":"password123",` +
				`"daily_limit":1,"blocked":false}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("daily_limit"), NotExpectedContent: []string{`"blocked":{`},
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 2)}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sign-up with a last_login", Method: http.MethodPost, URL: users,
			Body: hookstest.JSONBody(`{"email":"form@example.com","password":"password123","passwordConfirm":"password123",` +
				`"last_login":"2026-11-01 10:00:00.000Z"}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("last_login"),
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 2)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
