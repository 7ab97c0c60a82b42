package hooks

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

// dbPending fails unless the quote is still pending with no applied_at.
func dbPending(id string) func(testing.TB, *tests.TestApp, *http.Response) {
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
		signedInAs(asGuest, tests.ApiScenario{Name: "guest lists the approved quotes only", Method: http.MethodGet, URL: quotes,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, ownerApproved, otherApproved},
			NotExpectedContent: []string{ownerPending, otherPending}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner lists the approved quotes and their own pending one", Method: http.MethodGet, URL: quotes,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":3`, ownerPending, ownerApproved, otherApproved},
			NotExpectedContent: []string{otherPending}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner filtering on another user sees only their approved quotes", Method: http.MethodGet,
			URL:                quotes + "?filter=" + "(user%3D%27" + otherID + "%27)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, otherApproved},
			NotExpectedContent: []string{otherPending}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest filtering on pending quotes gets nothing", Method: http.MethodGet,
			URL:                quotes + "?filter=" + "(is_apply%3Dfalse)",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{ownerPending, otherPending}}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser lists every quote", Method: http.MethodGet, URL: quotes,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":4`, ownerPending, otherPending}}),

		// view
		signedInAs(asGuest, tests.ApiScenario{Name: "guest views an approved quote", Method: http.MethodGet, URL: quotes + "/" + otherApprovedID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"` + otherApproved + `"`, `"is_apply":true`}}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest views a pending quote: 404", Method: http.MethodGet, URL: quotes + "/" + ownerPendingID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{ownerPending}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner views their pending quote", Method: http.MethodGet, URL: quotes + "/" + ownerPendingID,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"` + ownerPending + `"`, `"is_apply":false`, `"applied_at":""`}}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner views another user's pending quote: 404", Method: http.MethodGet, URL: quotes + "/" + otherPendingID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherPending, "권경민"}}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser views a pending quote", Method: http.MethodGet, URL: quotes + "/" + otherPendingID,
			ExpectedStatus:  200,
			ExpectedContent: []string{otherPending}}),

		// create
		signedInAs(asOwner, tests.ApiScenario{Name: "owner submits a quote as themself", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"user":"` + ownerID + `","content":"우리는 어차피 지는 팀이 아닙니다","speaker":"백승수","episode":3}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"우리는 어차피 지는 팀이 아닙니다"`, `"is_apply":false`, `"applied_at":""`, `"episode":3`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 5)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot submit an approved quote", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"user":"` + ownerID + `","content":"self-approved","is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot set applied_at", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"user":"` + ownerID + `","content":"backdated","applied_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"applied_at":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot submit a quote as another user", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"user":"` + otherID + `","content":"in someone else's name"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest cannot submit a quote", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"content":"anonymous"}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"message":"Sign in to submit a quote."`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest cannot submit a quote in a user's name", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"user":"` + ownerID + `","content":"anonymous"}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"message":"Sign in to submit a quote."`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser adds an approved quote, stamped", Method: http.MethodPost, URL: quotes,
			Body:               jsonBody(`{"content":"admin quote","is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"is_apply":true`, `"user":""`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      dbCount(migrations.QuotesCollection, 5)}),

		// update
		signedInAs(asOwner, tests.ApiScenario{Name: "owner edits their pending quote", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            jsonBody(`{"content":"fixed typo","speaker":"이세영"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"fixed typo"`, `"speaker":"이세영"`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, ownerPendingID, "content", "fixed typo")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot approve their quote", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            jsonBody(`{"is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   dbPending(ownerPendingID)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot set applied_at on their quote", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            jsonBody(`{"applied_at":"2026-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"applied_at":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbPending(ownerPendingID)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot hand their quote to another user", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            jsonBody(`{"user":"` + otherID + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, ownerPendingID, "user", ownerID)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot hand their quote over with a modifier", Method: http.MethodPatch, URL: quotes + "/" + ownerPendingID,
			Body:            jsonBody(`{"user+":"` + otherID + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, ownerPendingID, "user", ownerID)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot submit a quote for another user in a list", Method: http.MethodPost, URL: quotes,
			Body:            jsonBody(`{"user":["` + otherID + `"],"content":"in someone else's name"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot edit their approved quote", Method: http.MethodPatch, URL: quotes + "/" + ownerApprovedID,
			Body:            jsonBody(`{"content":"rewritten after approval"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, ownerApprovedID, "content", ownerApproved)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot withdraw the approval of their quote", Method: http.MethodPatch, URL: quotes + "/" + ownerApprovedID,
			Body:            jsonBody(`{"is_apply":false}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, ownerApprovedID, "is_apply", "true")}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner edits another user's pending quote: 404", Method: http.MethodPatch, URL: quotes + "/" + otherPendingID,
			Body:               jsonBody(`{"content":"defaced"}`),
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherPending},
			AfterTestFunc:      dbField(migrations.QuotesCollection, otherPendingID, "content", otherPending)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest edits an approved quote: 404", Method: http.MethodPatch, URL: quotes + "/" + otherApprovedID,
			Body:            jsonBody(`{"content":"defaced"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, otherApprovedID, "content", otherApproved)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser approves a quote, stamped", Method: http.MethodPatch, URL: quotes + "/" + otherPendingID,
			Body:               jsonBody(`{"is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"is_apply":true`},
			NotExpectedContent: []string{`"applied_at":""`},
			ExpectedEvents:     map[string]int{"OnRecordUpdateRequest": 1, "OnRecordUpdate": 1, "OnRecordAfterUpdateSuccess": 1},
			AfterTestFunc:      dbField(migrations.QuotesCollection, otherPendingID, "is_apply", "true")}),

		// delete
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes their pending quote", Method: http.MethodDelete, URL: quotes + "/" + ownerPendingID,
			ExpectedStatus: 204,
			AfterTestFunc:  dbGone(migrations.QuotesCollection, ownerPendingID)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner cannot delete their approved quote", Method: http.MethodDelete, URL: quotes + "/" + ownerApprovedID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbField(migrations.QuotesCollection, ownerApprovedID, "content", ownerApproved)}),
		signedInAs(asOwner, tests.ApiScenario{Name: "owner deletes another user's pending quote: 404", Method: http.MethodDelete, URL: quotes + "/" + otherPendingID,
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{otherPending},
			AfterTestFunc:      dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asGuest, tests.ApiScenario{Name: "guest deletes an approved quote: 404", Method: http.MethodDelete, URL: quotes + "/" + otherApprovedID,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbCount(migrations.QuotesCollection, 4)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "superuser deletes an approved quote", Method: http.MethodDelete, URL: quotes + "/" + otherApprovedID,
			ExpectedStatus: 204,
			AfterTestFunc:  dbGone(migrations.QuotesCollection, otherApprovedID)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
