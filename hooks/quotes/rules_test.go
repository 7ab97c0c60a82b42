package quotes_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The quotes' API rules are what keeps approval with the administrators:
// the batch API (when an admin enables it) runs each request through them
// but not through route middleware, so stovebot's admin-field check does not
// run there. These tests go through the batch API and ask the rules
// directly, on the rules the collection holds.

func TestQuotesBatchCannotApprove(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	// the batch fails with the refused request's own answer: a create
	// refused by its rule is a 400 without field errors, an update a 404
	refusedCreate := []string{`"code":"batch_request_failed"`, `"response":{"data":{},"message":"Failed to create record.","status":400}`}
	refusedUpdate := []string{`"code":"batch_request_failed"`, `"message":"The requested resource wasn't found.","status":404}`}
	scenarios := []tests.ApiScenario{
		// what a user may do through the batch API, so that a refusal below
		// is the rules' and not the batch API's
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner submits a pending quote",
			Body:            hookstest.BatchOf("POST", quotes, `{"user":"`+hookstest.OwnerID+`","content":"batched quote"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"content":"batched quote"`, `"is_apply":false`},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 5)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner edits their pending quote",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerPendingID, `{"content":"edited in a batch"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"content":"edited in a batch"`},
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerPendingID, "content", "edited in a batch")}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "superuser approves a quote",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerPendingID, `{"is_apply":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"is_apply":true`},
			AfterTestFunc:   hookstest.DBStampedNow(hookstest.OwnerPendingID)}),

		// what only an administrator may do
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner submits an approved quote",
			Body:               hookstest.BatchOf("POST", quotes, `{"user":"`+hookstest.OwnerID+`","content":"self-approved","is_apply":true}`),
			ExpectedStatus:     400,
			ExpectedContent:    refusedCreate,
			NotExpectedContent: []string{"self-approved"},
			AfterTestFunc:      hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner submits a quote with applied_at",
			Body:               hookstest.BatchOf("POST", quotes, `{"user":"`+hookstest.OwnerID+`","content":"backdated","applied_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:     400,
			ExpectedContent:    refusedCreate,
			NotExpectedContent: []string{"backdated"},
			AfterTestFunc:      hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner approves their pending quote",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerPendingID, `{"is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBPending(hookstest.OwnerPendingID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner approves their pending quote with an upsert",
			Body:            hookstest.BatchOf("PUT", quotes, `{"id":"`+hookstest.OwnerPendingID+`","is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBPending(hookstest.OwnerPendingID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner sets applied_at on their pending quote",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerPendingID, `{"applied_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBPending(hookstest.OwnerPendingID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner edits their approved quote",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerApprovedID, `{"content":"changed after approval"}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerApprovedID, "content", hookstest.OwnerApproved)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "owner gives their pending quote to another user",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerPendingID, `{"user":"`+hookstest.OtherID+`"}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerPendingID, "user", hookstest.OwnerID)}),
	}
	for _, s := range scenarios {
		s.Method, s.URL = http.MethodPost, "/api/batch"
		s = hookstest.WithBatch(s)
		s.Test(t)
	}
}

// ruleAllows asks the quotes' rule for method whether auth may submit body
// (POST) or send it to update a quote holding stored (PATCH). A create rule
// is checked against the submitted values as a stored quote, as PocketBase
// checks it; so both are written in a transaction that is rolled back.
func ruleAllows(t *testing.T, app core.App, auth *core.Record, method string, stored, body map[string]any) bool {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	rule := c.UpdateRule
	values := stored
	if method == http.MethodPost {
		rule, values = c.CreateRule, body
	}
	return quoteRuleAllows(t, app, auth, rule, method, values, body)
}

func TestQuotesRulesKeepApprovalForAdministrators(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	owner, err := app.FindRecordById(migrations.UsersCollection, hookstest.OwnerID)
	if err != nil {
		t.Fatal(err)
	}
	mine := func(fields map[string]any) map[string]any {
		v := map[string]any{"user": hookstest.OwnerID, "content": "rule check"}
		for k, f := range fields {
			v[k] = f
		}
		return v
	}
	pending := mine(nil)
	const when = "2020-01-01 00:00:00.000Z"
	scenarios := []struct {
		name    string
		method  string
		stored  map[string]any
		body    map[string]any
		allowed bool
	}{
		{"create a pending quote", http.MethodPost, nil, mine(nil), true},
		{"create an approved quote", http.MethodPost, nil, mine(map[string]any{"is_apply": true}), false},
		{"create a quote with applied_at", http.MethodPost, nil, mine(map[string]any{"applied_at": when}), false},
		{"create an approved quote with applied_at", http.MethodPost, nil, mine(map[string]any{"is_apply": true, "applied_at": when}), false},
		{"create a quote as another user", http.MethodPost, nil, map[string]any{"user": hookstest.OtherID, "content": "x"}, false},

		{"edit a pending quote", http.MethodPatch, pending, map[string]any{"content": "edited"}, true},
		{"approve a pending quote", http.MethodPatch, pending, map[string]any{"is_apply": true}, false},
		{"send is_apply false", http.MethodPatch, pending, map[string]any{"is_apply": false}, false},
		{"set applied_at on a pending quote", http.MethodPatch, pending, map[string]any{"applied_at": when}, false},
		{"clear applied_at on a pending quote", http.MethodPatch, pending, map[string]any{"applied_at": ""}, false},
		{"give a pending quote to another user", http.MethodPatch, pending, map[string]any{"user": hookstest.OtherID}, false},
		{"edit an approved quote", http.MethodPatch, mine(map[string]any{"is_apply": true, "applied_at": when}), map[string]any{"content": "edited"}, false},
		{"edit another user's pending quote", http.MethodPatch, map[string]any{"user": hookstest.OtherID, "content": "x"}, map[string]any{"content": "edited"}, false},
	}
	for _, s := range scenarios {
		if got := ruleAllows(t, app, owner, s.method, s.stored, s.body); got != s.allowed {
			t.Fatalf("%s: expected the %s rule to answer %v, got %v", s.name, s.method, s.allowed, got)
		}
	}
}
