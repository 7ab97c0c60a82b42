package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The users' API rules keep the administrators' fields (daily_limit,
// blocked, ip_address, last_login) out of a user's reach: the batch API
// (when an admin enables it) runs each request through them but not
// through route middleware, so stovebot's admin-field check does not run
// there. These tests go through the batch API and ask the rules directly,
// on the rules the collection holds.

func TestUsersBatchCannotSetAdminFields(t *testing.T) {
	t.Parallel()
	const users = "/api/collections/users/records"
	owner := users + "/" + hookstest.OwnerID
	signUp := func(extra string) *strings.Reader {
		return hookstest.BatchOf("POST", users, `{"email":"new@example.com","password":"password123","passwordConfirm":"password123"`+extra+`}`)
	}
	// the batch fails with the refused request's own answer: a create
	// refused by its rule is a 400 without field errors, an update a 404
	refusedCreate := []string{`"code":"batch_request_failed"`, `"response":{"data":{},"message":"Failed to create record.","status":400}`}
	refusedUpdate := []string{`"code":"batch_request_failed"`, `"message":"The requested resource wasn't found.","status":404}`}
	unchanged := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		for field, want := range map[string]string{"daily_limit": "0", "blocked": "false", "ip_address": hookstest.OwnerIP,
			"last_login": "2026-11-01 10:00:00.000Z", "nickname": hookstest.OwnerNick} {
			hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, field, want)(t, app, res)
		}
	}
	scenarios := []tests.ApiScenario{
		// what a user may do through the batch API, so that a refusal below
		// is the rules' and not the batch API's
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest signs up",
			Body:            signUp(""),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"nickname":"new"`},
			AfterTestFunc:   hookstest.DBCount(migrations.UsersCollection, 3)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner changes their nickname",
			Body:            hookstest.BatchOf("PATCH", owner, `{"nickname":"batched"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"nickname":"batched"`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "nickname", "batched")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser raises a daily_limit",
			Body:            hookstest.BatchOf("PATCH", owner, `{"daily_limit":50}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"daily_limit":50`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "daily_limit", "50")}),

		// what only an administrator may do
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest signs up with a daily_limit",
			Body: signUp(`,"daily_limit":1000`), ExpectedStatus: 400, ExpectedContent: refusedCreate,
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 2)}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest signs up with blocked",
			Body: signUp(`,"blocked":false`), ExpectedStatus: 400, ExpectedContent: refusedCreate,
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 2)}),
		// ip_address is hidden: PocketBase drops it from a user's body before
		// the rules see it (and the rules refuse it too, for when it is not)
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest signs up with an ip_address",
			Body: signUp(`,"ip_address":"198.51.100.1"`), ExpectedStatus: 200, ExpectedContent: []string{`"status":200`},
			NotExpectedContent: []string{"198.51.100.1"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				u, err := app.FindAuthRecordByEmail(migrations.UsersCollection, "new@example.com")
				if err != nil || u.GetString("ip_address") != "" {
					t.Fatalf("expected the new user without an ip_address, got %v (%v)", u, err)
				}
			}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "guest signs up with a last_login",
			Body: signUp(`,"last_login":"2020-01-01 00:00:00.000Z"`), ExpectedStatus: 400, ExpectedContent: refusedCreate,
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 2)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner raises their daily_limit",
			Body: hookstest.BatchOf("PATCH", owner, `{"daily_limit":1000}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner raises their daily_limit with a modifier",
			Body: hookstest.BatchOf("PATCH", owner, `{"daily_limit+":1000}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner unblocks themself",
			Body: hookstest.BatchOf("PATCH", owner, `{"blocked":false}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner sets their ip_address",
			Body: hookstest.BatchOf("PATCH", owner, `{"ip_address":"198.51.100.1"}`), ExpectedStatus: 200, ExpectedContent: []string{`"status":200`},
			NotExpectedContent: []string{"198.51.100.1"},
			AfterTestFunc:      unchanged}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner sets their last_login",
			Body: hookstest.BatchOf("PATCH", owner, `{"last_login":"2020-01-01 00:00:00.000Z"}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: unchanged}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "another user renames the owner",
			Body: hookstest.BatchOf("PATCH", owner, `{"nickname":"renamed"}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: unchanged}),
	}
	for _, s := range scenarios {
		s.Method, s.URL = http.MethodPost, "/api/batch"
		s = hookstest.WithBatch(s)
		s.Test(t)
	}
}

func TestUsersRulesKeepAdminFieldsForAdministrators(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := app.FindRecordById(users, hookstest.OwnerID)
	if err != nil {
		t.Fatal(err)
	}
	other, err := app.FindRecordById(users, hookstest.OtherID)
	if err != nil {
		t.Fatal(err)
	}
	adminFields := map[string]any{"daily_limit": 1000, "blocked": false, "ip_address": "198.51.100.1", "last_login": "2020-01-01 00:00:00.000Z"}
	type scenario struct {
		name    string
		auth    *core.Record // nil: a guest
		method  string
		body    map[string]any
		allowed bool
	}
	scenarios := []scenario{
		{"a guest signs up", nil, http.MethodPost, map[string]any{"email": "new@example.com", "password": "password123"}, true},
		{"the owner renames themself", owner, http.MethodPatch, map[string]any{"nickname": "renamed"}, true},
		{"another user renames the owner", other, http.MethodPatch, map[string]any{"nickname": "renamed"}, false},
	}
	for field, value := range adminFields {
		scenarios = append(scenarios,
			scenario{"a guest signs up with " + field, nil, http.MethodPost, map[string]any{"email": "new@example.com", field: value}, false},
			scenario{"the owner sets their " + field, owner, http.MethodPatch, map[string]any{field: value}, false},
			scenario{"the owner sets their " + field + " with their nickname", owner, http.MethodPatch, map[string]any{"nickname": "x", field: value}, false})
	}
	for _, s := range scenarios {
		rule := users.UpdateRule
		if s.method == http.MethodPost {
			rule = users.CreateRule
		}
		info := &core.RequestInfo{Auth: s.auth, Body: s.body, Method: s.method, Context: core.RequestInfoContextDefault}
		// the create rule reads only the body: any stored user stands for the new one
		got, err := app.CanAccessRecord(owner, info, rule)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.allowed {
			t.Fatalf("%s: expected the %s rule to answer %v, got %v", s.name, s.method, s.allowed, got)
		}
	}
}
