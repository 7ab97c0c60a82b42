package accounts_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The moderator flag is a superuser's to set, like daily_limit and blocked:
// refused (never changed) through the records API, the batch API and the
// rules themselves.
func TestModeratorFlagIsForSuperusers(t *testing.T) {
	t.Parallel()
	const users = "/api/collections/users/records"
	owner := users + "/" + hookstest.OwnerID
	moderator := users + "/" + hookstest.ModeratorID
	refusedCreate := []string{`"code":"batch_request_failed"`, `"response":{"data":{},"message":"Failed to create record.","status":400}`}
	refusedUpdate := []string{`"code":"batch_request_failed"`, `"message":"The requested resource wasn't found.","status":404}`}
	flag := func(id, want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return hookstest.DBField(migrations.UsersCollection, id, "moderator", want)
	}
	batched := []tests.ApiScenario{
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "a user makes themself a moderator in a batch",
			Body: hookstest.BatchOf("PATCH", owner, `{"moderator":true}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: flag(hookstest.OwnerID, "false")}),
		hookstest.Moderated(hookstest.AsGuest, false, tests.ApiScenario{Name: "a guest signs up as a moderator in a batch",
			Body:           hookstest.BatchOf("POST", users, `{"email":"new@example.com","password":"password123","passwordConfirm":"password123","moderator":true}`),
			ExpectedStatus: 400, ExpectedContent: refusedCreate,
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 3)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator steps down in a batch",
			Body: hookstest.BatchOf("PATCH", moderator, `{"moderator":false}`), ExpectedStatus: 400, ExpectedContent: refusedUpdate,
			AfterTestFunc: flag(hookstest.ModeratorID, "true")}),
		hookstest.Moderated(hookstest.AsSuperuser, false, tests.ApiScenario{Name: "a superuser makes a moderator in a batch",
			Body: hookstest.BatchOf("PATCH", owner, `{"moderator":true}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"status":200`, `"moderator":true`},
			AfterTestFunc:   flag(hookstest.OwnerID, "true")}),
	}
	for _, s := range batched {
		s.Method, s.URL = http.MethodPost, "/api/batch"
		s = hookstest.WithBatch(s)
		s.Test(t)
	}

	direct := []tests.ApiScenario{
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "a user makes themself a moderator",
			Method: http.MethodPatch, URL: owner, Body: hookstest.JSONBody(`{"moderator":true}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"moderator":{"code":"validation_admin_only"`},
			AfterTestFunc: flag(hookstest.OwnerID, "false")}),
		hookstest.Moderated(hookstest.AsGuest, false, tests.ApiScenario{Name: "a guest signs up as a moderator",
			Method: http.MethodPost, URL: users,
			Body:           hookstest.JSONBody(`{"email":"new@example.com","password":"password123","passwordConfirm":"password123","moderator":true}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"moderator":{"code":"validation_admin_only"`},
			AfterTestFunc: hookstest.DBCount(migrations.UsersCollection, 3)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator sends back their profile as read",
			Method: http.MethodPatch, URL: moderator, Body: hookstest.JSONBody(`{"nickname":"renamed","moderator":true}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"nickname":"renamed"`, `"moderator":true`},
			AfterTestFunc: flag(hookstest.ModeratorID, "true")}),
		hookstest.Moderated(hookstest.AsSuperuser, false, tests.ApiScenario{Name: "a superuser makes a moderator",
			Method: http.MethodPatch, URL: owner, Body: hookstest.JSONBody(`{"moderator":true}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"moderator":true`},
			AfterTestFunc: flag(hookstest.OwnerID, "true")}),
	}
	for _, s := range direct {
		s.Test(t)
	}
}

func TestUsersRulesKeepTheModeratorFlag(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	hookstest.SeedModeration(t, app)
	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := app.FindRecordById(users, hookstest.OwnerID)
	if err != nil {
		t.Fatal(err)
	}
	moderator, err := app.FindRecordById(users, hookstest.ModeratorID)
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name    string
		auth    *core.Record
		target  *core.Record
		rule    *string
		body    map[string]any
		allowed bool
	}{
		{"a guest signs up as a moderator", nil, owner, users.CreateRule, map[string]any{"email": "new@example.com", "moderator": true}, false},
		{"a guest signs up as no moderator", nil, owner, users.CreateRule, map[string]any{"email": "new@example.com", "moderator": false}, false},
		{"a user makes themself a moderator", owner, owner, users.UpdateRule, map[string]any{"moderator": true}, false},
		{"a user renames themself", owner, owner, users.UpdateRule, map[string]any{"nickname": "x"}, true},
		{"a moderator steps down", moderator, moderator, users.UpdateRule, map[string]any{"moderator": false}, false},
		{"a moderator renames a user", moderator, owner, users.UpdateRule, map[string]any{"nickname": "x"}, false},
		{"a moderator makes a user a moderator", moderator, owner, users.UpdateRule, map[string]any{"moderator": true}, false},
		{"a moderator reads another user", moderator, owner, users.ViewRule, nil, false},
	}
	for _, s := range scenarios {
		info := &core.RequestInfo{Auth: s.auth, Body: s.body, Method: http.MethodPatch, Context: core.RequestInfoContextDefault}
		got, err := app.CanAccessRecord(s.target, info, s.rule)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.allowed {
			t.Fatalf("%s: expected the rule to answer %v, got %v", s.name, s.allowed, got)
		}
	}
}
