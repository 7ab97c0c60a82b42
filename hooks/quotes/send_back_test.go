package quotes_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// A quote form that always sends is_apply and applied_at, and the JS SDK's
// update(id, {...record, content}), work: the admin-only fields pass when
// they hold what the record shows, and are refused, named, when they would
// change. A quote submitted without user is the signed-in user's.
func TestQuotesSentBack(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	asOwner := func(id string, changes map[string]any, s tests.ApiScenario) tests.ApiScenario {
		s.Method, s.URL = http.MethodPatch, quotes+"/"+id
		return hookstest.SignedInAs(hookstest.AsOwner, hookstest.SendingBack(migrations.QuotesCollection, id, changes, s))
	}
	// what a list with expand=user gives the author
	expanded := map[string]any{"user": map[string]any{"id": hookstest.OwnerID, "nickname": hookstest.OwnerNick}}
	content := func(id, want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return hookstest.DBField(migrations.QuotesCollection, id, "content", want)
	}
	adminOnly := func(field string) []string {
		return []string{`"` + field + `":{"code":"validation_admin_only"`}
	}
	stillPending := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		content(hookstest.OwnerPendingID, hookstest.OwnerPending)(t, app, res)
		hookstest.DBPending(hookstest.OwnerPendingID)(t, app, res)
	}
	scenarios := []tests.ApiScenario{
		// update
		asOwner(hookstest.OwnerPendingID, map[string]any{"content": "돌려보낸 대사", "expand": expanded}, tests.ApiScenario{
			Name:            "a pending quote sent back with new content",
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"돌려보낸 대사"`, `"is_apply":false`, `"applied_at":""`, `"user":"` + hookstest.OwnerID + `"`},
			AfterTestFunc:   hookstest.Checks(content(hookstest.OwnerPendingID, "돌려보낸 대사"), hookstest.DBPending(hookstest.OwnerPendingID))}),
		asOwner(hookstest.OwnerPendingID, map[string]any{"content": "self-approved", "is_apply": true}, tests.ApiScenario{
			Name:           "a pending quote sent back approved",
			ExpectedStatus: 400, ExpectedContent: adminOnly("is_apply"), ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc: stillPending}),
		asOwner(hookstest.OwnerPendingID, map[string]any{"content": "backdated", "applied_at": "2026-01-01 00:00:00.000Z"}, tests.ApiScenario{
			Name:           "a pending quote sent back with an applied_at",
			ExpectedStatus: 400, ExpectedContent: adminOnly("applied_at"), ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc: stillPending}),
		asOwner(hookstest.OwnerPendingID, map[string]any{"content": "x", "is_apply": "false"}, tests.ApiScenario{
			Name:           "is_apply as text",
			ExpectedStatus: 400, ExpectedContent: []string{`"is_apply":{"code":`}, AfterTestFunc: stillPending}),
		asOwner(hookstest.OwnerPendingID, map[string]any{"content": "x", "is_apply": 0}, tests.ApiScenario{
			Name:           "is_apply as a number",
			ExpectedStatus: 400, ExpectedContent: []string{`"is_apply":{"code":`}, AfterTestFunc: stillPending}),
		asOwner(hookstest.OwnerPendingID, map[string]any{"content": "x", "applied_at": nil}, tests.ApiScenario{
			Name:           "a pending quote sent back without its admin-only fields",
			ExpectedStatus: 200, ExpectedContent: []string{`"content":"x"`},
			AfterTestFunc: hookstest.Checks(content(hookstest.OwnerPendingID, "x"), hookstest.DBPending(hookstest.OwnerPendingID))}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "applied_at as null", Method: http.MethodPatch, URL: quotes + "/" + hookstest.OwnerPendingID,
			Body:           hookstest.JSONBody(`{"content":"x","applied_at":null}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("applied_at"), AfterTestFunc: stillPending}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "is_apply unchanged through a modifier", Method: http.MethodPatch, URL: quotes + "/" + hookstest.OwnerPendingID,
			Body:           hookstest.JSONBody(`{"content":"x","is_apply+":false}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("is_apply"), AfterTestFunc: stillPending}),
		// the update rule still keeps an approved quote from its author
		asOwner(hookstest.OwnerApprovedID, map[string]any{"content": "rewritten after approval"}, tests.ApiScenario{
			Name:           "an approved quote sent back with new content: 404, as without the fields",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{"validation_admin_only"},
			AfterTestFunc: content(hookstest.OwnerApprovedID, hookstest.OwnerApproved)}),
		asOwner(hookstest.OwnerApprovedID, map[string]any{"is_apply": false}, tests.ApiScenario{
			Name:           "an approved quote sent back withdrawn",
			ExpectedStatus: 400, ExpectedContent: adminOnly("is_apply"),
			AfterTestFunc: hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerApprovedID, "is_apply", "true")}),
		// a quote the caller cannot see shows nothing
		hookstest.SignedInAs(hookstest.AsOwner, hookstest.SendingBack(migrations.QuotesCollection, hookstest.OtherPendingID, map[string]any{"content": "defaced"},
			tests.ApiScenario{Name: "another user's pending quote with its own values", Method: http.MethodPatch, URL: quotes + "/" + hookstest.OtherPendingID,
				ExpectedStatus: 400, ExpectedContent: adminOnly("is_apply"), NotExpectedContent: []string{hookstest.OtherPending},
				AfterTestFunc: content(hookstest.OtherPendingID, hookstest.OtherPending)})),

		// create
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote without user is the author's", Method: http.MethodPost, URL: quotes,
			Body:            hookstest.JSONBody(`{"content":"핑계 대지 마세요.","speaker":"백승수"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"핑계 대지 마세요."`, `"user":"` + hookstest.OwnerID + `"`, `"is_apply":false`},
			AfterTestFunc:   ownedBy("핑계 대지 마세요.", hookstest.OwnerID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote with an empty user is the author's", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"empty user","user":""}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"user":"` + hookstest.OwnerID + `"`},
			AfterTestFunc: ownedBy("empty user", hookstest.OwnerID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote with a null user is the author's", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"null user","user":null}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"user":"` + hookstest.OwnerID + `"`},
			AfterTestFunc: ownedBy("null user", hookstest.OwnerID)}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "a quote from a form that sends every field", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"from a full form","speaker":"","episode":null,"is_apply":false,"applied_at":""}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"user":"` + hookstest.OtherID + `"`, `"is_apply":false`},
			AfterTestFunc: ownedBy("from a full form", hookstest.OtherID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote without user as a multipart form", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.MultipartBody(t, map[string]string{"content": "from a multipart form", "is_apply": "false"}),
			Headers:        map[string]string{"Content-Type": hookstest.MultipartType},
			ExpectedStatus: 200, ExpectedContent: []string{`"user":"` + hookstest.OwnerID + `"`},
			AfterTestFunc: ownedBy("from a multipart form", hookstest.OwnerID)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote in another user's name", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"in someone else's name","user":"` + hookstest.OtherID + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote with user as a number", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"numbered","user":7}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote without user, approved", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"self-approved","is_apply":true}`),
			ExpectedStatus: 400, ExpectedContent: adminOnly("is_apply"),
			AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a quote without user or content", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_required"`},
			AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "a superuser's quote without user stays without", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"from the moderators"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"user":""`},
			AfterTestFunc: ownedBy("from the moderators", "")}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a guest's quote without user", Method: http.MethodPost, URL: quotes,
			Body:           hookstest.JSONBody(`{"content":"anonymous"}`),
			ExpectedStatus: 401, ExpectedContent: []string{`"message":"Sign in to submit a quote."`},
			AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 4)}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// ownedBy fails unless exactly one quote reads content, and its user is user.
func ownedBy(content, user string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		recs, err := app.FindAllRecords(migrations.QuotesCollection, dbx.HashExp{"content": content})
		if err != nil || len(recs) != 1 {
			t.Fatalf("expected one quote %q, got %d: %v", content, len(recs), err)
		}
		if got := recs[0].GetString("user"); got != user {
			t.Fatalf("expected the quote %q to be %q's, got %q", content, user, got)
		}
	}
}
