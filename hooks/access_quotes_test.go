package hooks

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

// expectPending fails unless the quote is still pending with no applied_at.
func expectPending(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		q, err := app.FindRecordById(migrations.QuotesCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		if q.GetBool("is_apply") || !q.GetDateTime("applied_at").IsZero() {
			t.Fatalf("expected quote %s pending, got is_apply=%v applied_at=%q", id, q.GetBool("is_apply"), q.GetString("applied_at"))
		}
	}
}

func TestQuotesAccess(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	scenarios := []tests.ApiScenario{
		// list
		as(guest, tests.ApiScenario{Name: "guest lists the approved quotes only", Method: http.MethodGet, URL: quotes,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, ownerApproved, otherApproved},
			NotExpectedContent: []string{ownerPending, otherPending}}),
		as(owner, tests.ApiScenario{Name: "owner lists the approved quotes and their own pending one", Method: http.MethodGet, URL: quotes,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":3`, ownerPending, ownerApproved, otherApproved},
			NotExpectedContent: []string{otherPending}}),
		as(owner, tests.ApiScenario{Name: "owner filtering on another user sees only their approved quotes", Method: http.MethodGet,
			URL:                quotes + "?filter=" + "(user%3D%27" + otherID + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, otherApproved},
			NotExpectedContent: []string{otherPending}}),
		as(guest, tests.ApiScenario{Name: "guest filtering on pending quotes gets nothing", Method: http.MethodGet,
			URL:                quotes + "?filter=" + "(is_apply%3Dfalse)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{ownerPending, otherPending}}),
		as(superuser, tests.ApiScenario{Name: "superuser lists every quote", Method: http.MethodGet, URL: quotes,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":4`, ownerPending, otherPending}}),

		// view
		as(guest, tests.ApiScenario{Name: "guest views an approved quote", Method: http.MethodGet, URL: quotes + "/" + otherApprovedID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"` + otherApproved + `"`, `"is_apply":true`}}),
		as(guest, tests.ApiScenario{Name: "guest views a pending quote: 404", Method: http.MethodGet, URL: quotes + "/" + ownerPendingID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{ownerPending}}),
		as(owner, tests.ApiScenario{Name: "owner views their pending quote", Method: http.MethodGet, URL: quotes + "/" + ownerPendingID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"` + ownerPending + `"`, `"is_apply":false`, `"applied_at":""`}}),
		as(owner, tests.ApiScenario{Name: "owner views another user's pending quote: 404", Method: http.MethodGet, URL: quotes + "/" + otherPendingID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherPending, "권경민"}}),
		as(superuser, tests.ApiScenario{Name: "superuser views a pending quote", Method: http.MethodGet, URL: quotes + "/" + otherPendingID,
			ExpectedStatus:  200,
			ExpectedContent: []string{otherPending}}),

		// create
		as(owner, tests.ApiScenario{Name: "owner submits a quote as themself", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"user":"` + ownerID + `","content":"우리는 어차피 지는 팀이 아닙니다","speaker":"백승수","episode":3}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"우리는 어차피 지는 팀이 아닙니다"`, `"is_apply":false`, `"applied_at":""`, `"episode":3`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 5)}),
		as(owner, tests.ApiScenario{Name: "owner cannot submit an approved quote", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"user":"` + ownerID + `","content":"self-approved","is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(owner, tests.ApiScenario{Name: "owner cannot set applied_at", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"user":"` + ownerID + `","content":"backdated","applied_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"applied_at":{"code":"validation_admin_only"`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(owner, tests.ApiScenario{Name: "owner cannot submit a quote as another user", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"user":"` + otherID + `","content":"in someone else's name"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(guest, tests.ApiScenario{Name: "guest cannot submit a quote", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"content":"anonymous"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(guest, tests.ApiScenario{Name: "guest cannot submit a quote in a user's name", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"user":"` + ownerID + `","content":"anonymous"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(superuser, tests.ApiScenario{Name: "superuser adds an approved quote, stamped", Method: http.MethodPost, URL: quotes,
			Body:               body(`{"content":"admin quote","is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"is_apply":true`, `"user":""`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      expectCount(migrations.QuotesCollection, 5)}),

		// update
		as(owner, tests.ApiScenario{Name: "owner edits their pending quote", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            body(`{"content":"fixed typo","speaker":"이세영"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"fixed typo"`, `"speaker":"이세영"`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, ownerPendingID, "content", "fixed typo")}),
		as(owner, tests.ApiScenario{Name: "owner cannot approve their quote", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            body(`{"is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   expectPending(ownerPendingID)}),
		as(owner, tests.ApiScenario{Name: "owner cannot set applied_at on their quote", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            body(`{"applied_at":"2026-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"applied_at":{"code":"validation_admin_only"`},
			AfterTestFunc:   expectPending(ownerPendingID)}),
		as(owner, tests.ApiScenario{Name: "owner cannot hand their quote to another user", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            body(`{"user":"` + otherID + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, ownerPendingID, "user", ownerID)}),
		as(owner, tests.ApiScenario{Name: "owner cannot hand their quote over with a modifier", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            body(`{"user+":"` + otherID + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, ownerPendingID, "user", ownerID)}),
		as(owner, tests.ApiScenario{Name: "owner cannot submit a quote for another user in a list", Method: http.MethodPost, URL: quotes,
			Body:            body(`{"user":["` + otherID + `"],"content":"in someone else's name"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(owner, tests.ApiScenario{Name: "owner cannot edit their approved quote", Method: http.MethodPatch, URL: quotes + "/" + ownerApprovedID,
			Body:            body(`{"content":"rewritten after approval"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, ownerApprovedID, "content", ownerApproved)}),
		as(owner, tests.ApiScenario{Name: "owner cannot withdraw the approval of their quote", Method: http.MethodPatch, URL: quotes + "/" + ownerApprovedID,
			Body:            body(`{"is_apply":false}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, ownerApprovedID, "is_apply", "true")}),
		as(owner, tests.ApiScenario{Name: "owner edits another user's pending quote: 404", Method: http.MethodPatch, URL: quotes + "/" + otherPendingID,
			Body:               body(`{"content":"defaced"}`),
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherPending},
			AfterTestFunc:      expectField(migrations.QuotesCollection, otherPendingID, "content", otherPending)}),
		as(guest, tests.ApiScenario{Name: "guest edits an approved quote: 404", Method: http.MethodPatch, URL: quotes + "/" + otherApprovedID,
			Body:            body(`{"content":"defaced"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, otherApprovedID, "content", otherApproved)}),
		as(superuser, tests.ApiScenario{Name: "superuser approves a quote, stamped", Method: http.MethodPatch, URL: quotes + "/" + otherPendingID,
			Body:               body(`{"is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"is_apply":true`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      expectField(migrations.QuotesCollection, otherPendingID, "is_apply", "true")}),

		// delete
		as(owner, tests.ApiScenario{Name: "owner deletes their pending quote", Method: http.MethodDelete, URL: quotes + "/" + ownerPendingID,
			ExpectedStatus: 204,
			AfterTestFunc:  expectGone(migrations.QuotesCollection, ownerPendingID)}),
		as(owner, tests.ApiScenario{Name: "owner cannot delete their approved quote", Method: http.MethodDelete, URL: quotes + "/" + ownerApprovedID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   expectField(migrations.QuotesCollection, ownerApprovedID, "content", ownerApproved)}),
		as(owner, tests.ApiScenario{Name: "owner deletes another user's pending quote: 404", Method: http.MethodDelete, URL: quotes + "/" + otherPendingID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherPending},
			AfterTestFunc:      expectCount(migrations.QuotesCollection, 4)}),
		as(guest, tests.ApiScenario{Name: "guest deletes an approved quote: 404", Method: http.MethodDelete, URL: quotes + "/" + otherApprovedID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   expectCount(migrations.QuotesCollection, 4)}),
		as(superuser, tests.ApiScenario{Name: "superuser deletes an approved quote", Method: http.MethodDelete, URL: quotes + "/" + otherApprovedID,
			ExpectedStatus: 204,
			AfterTestFunc:  expectGone(migrations.QuotesCollection, otherApprovedID)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
