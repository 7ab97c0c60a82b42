package legacy_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The seed's /quote API keeps section 6's visibility for everyone,
// moderators included: approved quotes and the caller's own. A rejected
// quote shows to its author as not approved, and nothing of moderation
// (the reason) shows at all.
func TestLegacyQuotesIgnoreModeration(t *testing.T) {
	t.Parallel()
	quote := func(id string) string { return "/quote/" + id }
	scenarios := []tests.ApiScenario{
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator lists approved quotes only",
			Method: http.MethodGet, URL: "/quote",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"total_items":2`, hookstest.OwnerApproved, hookstest.OtherApproved},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OtherPending, hookstest.OwnerRejected, hookstest.RejectedReason}}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator opens another user's pending quote",
			Method: http.MethodGet, URL: quote(hookstest.OtherPendingID),
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{hookstest.OtherPending}}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator opens a rejected quote",
			Method: http.MethodGet, URL: quote(hookstest.OwnerRejectedID),
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: []string{hookstest.OwnerRejected}}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator edits another user's pending quote",
			Method: http.MethodPut, URL: quote(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"content":"moderated-here"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   quoteField(hookstest.OtherPendingID, "content", hookstest.OtherPending)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator edits another user's approved quote",
			Method: http.MethodPut, URL: quote(hookstest.OtherApprovedID), Body: hookstest.JSONBody(`{"content":"moderated-here"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   quoteField(hookstest.OtherApprovedID, "content", hookstest.OtherApproved)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator approves through the seed API",
			Method: http.MethodPut, URL: quote(hookstest.OtherApprovedID), Body: hookstest.JSONBody(`{"is_apply":false}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   quoteField(hookstest.OtherApprovedID, "is_apply", "true")}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator deletes another user's pending quote",
			Method: http.MethodDelete, URL: quote(hookstest.OtherPendingID),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 5)}),

		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author lists their rejected quote as not approved",
			Method: http.MethodGet, URL: "/quote",
			ExpectedStatus: 200,
			ExpectedContent: []string{`"total_items":4`, `"id":"` + hookstest.OwnerRejectedID + `","user":"owner@example.com","nickname":"` +
				hookstest.OwnerNick + `","content":"` + hookstest.OwnerRejected + `","speaker":null,"episode":null,"is_apply":false,`},
			NotExpectedContent: []string{hookstest.RejectedReason, "rejected_", hookstest.OtherPending}}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author opens their rejected quote",
			Method: http.MethodGet, URL: quote(hookstest.OwnerRejectedID),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"content":"` + hookstest.OwnerRejected + `"`, `"is_apply":false`, `"applied_at":null`},
			NotExpectedContent: []string{hookstest.RejectedReason, "rejected_"}}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author's edit sends their rejected quote back to pending",
			Method: http.MethodPut, URL: quote(hookstest.OwnerRejectedID), Body: hookstest.JSONBody(`{"content":"owner-rewritten-quote"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"owner-rewritten-quote"`, `"is_apply":false`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				quoteField(hookstest.OwnerRejectedID, "rejected_reason", "")(t, app, res)
				quoteField(hookstest.OwnerRejectedID, "rejected_at", "")(t, app, res)
			}}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author clears the reason through the seed API",
			Method: http.MethodPut, URL: quote(hookstest.OwnerRejectedID), Body: hookstest.JSONBody(`{"rejected_reason":null}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_admin_only"`},
			AfterTestFunc:   quoteField(hookstest.OwnerRejectedID, "rejected_reason", hookstest.RejectedReason)}),
		hookstest.Moderated(hookstest.AsOther, false, tests.ApiScenario{Name: "another user never sees the rejected quote",
			Method: http.MethodGet, URL: "/quote",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"total_items":3`},
			NotExpectedContent: []string{hookstest.OwnerRejected, hookstest.OwnerPending}}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
