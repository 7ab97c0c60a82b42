package quotes_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/search"
	"stovebot/migrations"
)

// quoteRuleAllows asks rule whether auth may act on a quote holding
// stored with body, the quote written in a transaction that is rolled back.
func quoteRuleAllows(t *testing.T, app core.App, auth *core.Record, rule *string, method string, stored, body map[string]any) bool {
	t.Helper()
	info := &core.RequestInfo{Auth: auth, Body: body, Method: method, Context: core.RequestInfoContextDefault}
	var allowed bool
	errRollback := errors.New("rolled back")
	err := app.RunInTransaction(func(txApp core.App) error {
		params := dbx.Params{"id": "quoterulecheck1"}
		for k, v := range stored {
			params[k] = v
		}
		if _, err := txApp.DB().Insert(migrations.QuotesCollection, params).Execute(); err != nil {
			return err
		}
		r, err := txApp.FindRecordById(migrations.QuotesCollection, "quoterulecheck1")
		if err != nil {
			return err
		}
		if allowed, err = txApp.CanAccessRecord(r, info, rule); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("checking the rule: %v", err)
	}
	return allowed
}

func TestQuotesRulesForModerators(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	hookstest.SeedModeration(t, app)
	c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	user := func(id string) *core.Record {
		u, err := app.FindRecordById(migrations.UsersCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	moderator, owner, other := user(hookstest.ModeratorID), user(hookstest.OwnerID), user(hookstest.OtherID)
	const when = "2020-01-01 00:00:00.000Z"
	pending := map[string]any{"user": hookstest.OwnerID, "content": "rule check"}
	rejected := map[string]any{"user": hookstest.OwnerID, "content": "rule check", "rejected_reason": "no", "rejected_at": when}
	approved := map[string]any{"user": hookstest.OwnerID, "content": "rule check", "is_apply": true, "applied_at": when}
	mine := func(extra map[string]any) map[string]any {
		v := map[string]any{"user": hookstest.OwnerID, "content": "new"}
		for k, f := range extra {
			v[k] = f
		}
		return v
	}
	scenarios := []struct {
		name    string
		auth    *core.Record
		method  string
		stored  map[string]any
		body    map[string]any
		allowed bool
	}{
		// moderators see and review every quote
		{"a moderator lists a pending quote", moderator, http.MethodGet, pending, nil, true},
		{"a moderator lists a rejected quote", moderator, http.MethodGet, rejected, nil, true},
		{"a moderator approves", moderator, http.MethodPatch, pending, map[string]any{"is_apply": true}, true},
		{"a moderator withdraws an approval", moderator, http.MethodPatch, approved, map[string]any{"is_apply": false}, true},
		{"a moderator rejects", moderator, http.MethodPatch, pending, map[string]any{"rejected_reason": "duplicate"}, true},
		{"a moderator edits before approving", moderator, http.MethodPatch, pending,
			map[string]any{"content": "fixed", "speaker": "백승수", "episode": 3, "is_apply": true}, true},
		{"a moderator sends the author back", moderator, http.MethodPatch, pending, map[string]any{"user": hookstest.OwnerID, "is_apply": true}, true},
		{"a moderator sets applied_at", moderator, http.MethodPatch, pending, map[string]any{"applied_at": when}, false},
		{"a moderator sets rejected_at", moderator, http.MethodPatch, pending, map[string]any{"rejected_at": when}, false},
		{"a moderator gives a quote to another user", moderator, http.MethodPatch, pending, map[string]any{"user": hookstest.OtherID}, false},
		{"a moderator creates an approved quote", moderator, http.MethodPost, nil,
			map[string]any{"user": hookstest.ModeratorID, "content": "x", "is_apply": true}, false},
		{"a moderator creates a rejected quote", moderator, http.MethodPost, nil,
			map[string]any{"user": hookstest.ModeratorID, "content": "x", "rejected_reason": "no"}, false},

		// users do not moderate
		{"the author rejects their quote", owner, http.MethodPatch, pending, map[string]any{"rejected_reason": "no"}, false},
		{"the author clears their rejection", owner, http.MethodPatch, rejected, map[string]any{"rejected_reason": ""}, false},
		{"the author sets rejected_at", owner, http.MethodPatch, rejected, map[string]any{"rejected_at": ""}, false},
		{"the author approves their rejected quote", owner, http.MethodPatch, rejected, map[string]any{"is_apply": true}, false},
		{"the author creates a rejected quote", owner, http.MethodPost, nil, mine(map[string]any{"rejected_reason": "no"}), false},
		{"the author creates a quote with rejected_at", owner, http.MethodPost, nil, mine(map[string]any{"rejected_at": when}), false},
		{"another user rejects the owner's quote", other, http.MethodPatch, pending, map[string]any{"rejected_reason": "no"}, false},
		{"another user approves the owner's quote", other, http.MethodPatch, pending, map[string]any{"is_apply": true}, false},

		// the author keeps their rejected quote, and edits it
		{"the author sees their rejected quote", owner, http.MethodGet, rejected, nil, true},
		{"the author edits their rejected quote", owner, http.MethodPatch, rejected, map[string]any{"content": "edited"}, true},
		{"the author creates a pending quote", owner, http.MethodPost, nil, mine(nil), true},
		{"another user sees the owner's rejected quote", other, http.MethodGet, rejected, nil, false},
		{"another user sees the owner's pending quote", other, http.MethodGet, pending, nil, false},
		{"a guest sees a rejected quote", nil, http.MethodGet, rejected, nil, false},
		{"a guest sees an approved quote", nil, http.MethodGet, approved, nil, true},
	}
	for _, s := range scenarios {
		rules := map[string]*string{http.MethodGet: c.ListRule, http.MethodPatch: c.UpdateRule, http.MethodPost: c.CreateRule}
		stored := s.stored
		if s.method == http.MethodPost {
			stored = s.body // a create rule reads the submitted record
		}
		if got := quoteRuleAllows(t, app, s.auth, rules[s.method], s.method, stored, s.body); got != s.allowed {
			t.Fatalf("%s: expected the %s rule to answer %v, got %v", s.name, s.method, s.allowed, got)
		}
		if s.method == http.MethodGet {
			if got := quoteRuleAllows(t, app, s.auth, c.ViewRule, s.method, stored, nil); got != s.allowed {
				t.Fatalf("%s: expected the view rule to answer %v, got %v", s.name, s.allowed, got)
			}
		}
	}
}

func TestQuotesBatchModeration(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	refusedUpdate := []string{`"code":"batch_request_failed"`, `"message":"The requested resource wasn't found.","status":404}`}
	scenarios := []tests.ApiScenario{
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator approves in a batch",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OtherPendingID, `{"is_apply":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"is_apply":true`},
			AfterTestFunc:   hookstest.DBStampedNow(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator rejects in a batch",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OtherPendingID, `{"rejected_reason":"batched reason"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":200`, `"rejected_reason":"batched reason"`},
			AfterTestFunc:   dbRejectedNow(hookstest.OtherPendingID, "batched reason")}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator sets rejected_at in a batch",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OtherPendingID, `{"rejected_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OtherPendingID, "rejected_at", "")}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author rejects in a batch",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerPendingID, `{"rejected_reason":"self"}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerPendingID, "rejected_reason", "")}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author clears their rejection in a batch",
			Body:            hookstest.BatchOf("PATCH", quotes+"/"+hookstest.OwnerRejectedID, `{"rejected_reason":""}`),
			ExpectedStatus:  400,
			ExpectedContent: refusedUpdate,
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerRejectedID, "rejected_reason", hookstest.RejectedReason)}),
	}
	for _, s := range scenarios {
		s.Method, s.URL = http.MethodPost, "/api/batch"
		s = hookstest.WithBatch(s)
		s.Test(t)
	}
}

// dbRejectedNow fails unless the quote is rejected with reason, not
// approved, with a rejected_at of the last minute.
func dbRejectedNow(id, reason string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		q, err := app.FindRecordById(migrations.QuotesCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		if q.GetString("rejected_reason") != reason || q.GetBool("is_apply") || !q.GetDateTime("applied_at").IsZero() {
			t.Fatalf("expected quote %s rejected with %q and not approved, got reason %q, is_apply %v, applied_at %q",
				id, reason, q.GetString("rejected_reason"), q.GetBool("is_apply"), q.GetString("applied_at"))
		}
		if age := time.Since(q.GetDateTime("rejected_at").Time()); age < 0 || age > time.Minute {
			t.Fatalf("expected rejected_at within the last minute, got %q", q.GetString("rejected_at"))
		}
	}
}

// dbPendingNotRejected fails unless the quote awaits review: neither
// approved nor rejected.
func dbPendingNotRejected(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		hookstest.DBPending(id)(t, app, res)
		hookstest.DBField(migrations.QuotesCollection, id, "rejected_reason", "")(t, app, res)
		hookstest.DBField(migrations.QuotesCollection, id, "rejected_at", "")(t, app, res)
	}
}

func TestQuotesModerationThroughTheRecordsAPI(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	patch := func(id string) string { return quotes + "/" + id }
	unchangedRejection := hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerRejectedID, "rejected_reason", hookstest.RejectedReason)
	long := strings.Repeat("가", migrations.RejectedReasonMax+1)
	scenarios := []tests.ApiScenario{
		// a moderator's queue and actions
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator lists the pending quotes, oldest first",
			Method: http.MethodGet, URL: quotes + "?filter=is_apply%3Dfalse%26%26rejected_reason%3D%27%27&sort=created",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, hookstest.OwnerPending, hookstest.OtherPending},
			NotExpectedContent: []string{hookstest.OwnerApproved, hookstest.OwnerRejected}}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator lists every quote",
			Method: http.MethodGet, URL: quotes,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":5`, hookstest.OtherPending, hookstest.OwnerRejected, hookstest.RejectedReason}}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator approves",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"is_apply":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":true`, hookstest.OtherPending},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1, "OnRecordUpdate": 1, "OnRecordAfterUpdateSuccess": 1},
			AfterTestFunc:   hookstest.DBStampedNow(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator edits before approving",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID),
			Body:            hookstest.JSONBody(`{"content":"fixed-by-moderator","speaker":"백승수","episode":3,"is_apply":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"fixed-by-moderator"`, `"episode":3`, `"is_apply":true`},
			AfterTestFunc:   hookstest.DBStampedNow(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator sends back the quote as read, approved",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID),
			Body: hookstest.JSONBody(`{"user":"` + hookstest.OtherID + `","content":"` + hookstest.OtherPending +
				`","speaker":"권경민","episode":0,"is_apply":true,"applied_at":"","rejected_reason":"","rejected_at":""}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":true`},
			AfterTestFunc:   hookstest.DBStampedNow(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator rejects with a reason",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"rejected_reason":" 드라마에 없는 대사 "}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"rejected_reason":"드라마에 없는 대사"`, `"is_apply":false`},
			AfterTestFunc:   dbRejectedNow(hookstest.OtherPendingID, "드라마에 없는 대사")}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator rejects an approved quote",
			Method: http.MethodPatch, URL: patch(hookstest.OtherApprovedID), Body: hookstest.JSONBody(`{"rejected_reason":"approved by mistake"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":false`, `"applied_at":""`},
			AfterTestFunc:   dbRejectedNow(hookstest.OtherApprovedID, "approved by mistake")}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator approves a rejected quote",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerRejectedID), Body: hookstest.JSONBody(`{"is_apply":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":true`, `"rejected_reason":""`, `"rejected_at":""`},
			AfterTestFunc:   hookstest.DBStampedNow(hookstest.OwnerRejectedID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator sends a rejected quote back to pending",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerRejectedID), Body: hookstest.JSONBody(`{"rejected_reason":""}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"rejected_reason":""`, `"rejected_at":""`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OwnerRejectedID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a reason over 200 characters",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"rejected_reason":"` + long + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_max_text_constraint"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a reason of only blanks",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"rejected_reason":"   "}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_blank_reason"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "approved and rejected at once",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"is_apply":true,"rejected_reason":"both"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_approved_and_rejected"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator sets rejected_at",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"rejected_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_at":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator sets applied_at",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"applied_at":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"applied_at":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OtherPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, true, tests.ApiScenario{Name: "a moderator gives a quote to someone else",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_not_yourself"`},
			AfterTestFunc:   hookstest.DBField(migrations.QuotesCollection, hookstest.OtherPendingID, "user", hookstest.OtherID)}),
		hookstest.Moderated(hookstest.AsSuperuser, false, tests.ApiScenario{Name: "a superuser rejects",
			Method: http.MethodPatch, URL: patch(hookstest.OtherPendingID), Body: hookstest.JSONBody(`{"rejected_reason":"by the admin"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"rejected_reason":"by the admin"`},
			AfterTestFunc:   dbRejectedNow(hookstest.OtherPendingID, "by the admin")}),

		// users do not moderate: refused, never a change
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author approves their quote",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerPendingID), Body: hookstest.JSONBody(`{"is_apply":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OwnerPendingID)}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author rejects their quote",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerPendingID), Body: hookstest.JSONBody(`{"rejected_reason":"self"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OwnerPendingID)}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author clears the reason",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerRejectedID), Body: hookstest.JSONBody(`{"rejected_reason":""}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_admin_only"`},
			AfterTestFunc:   unchangedRejection}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author submits a rejected quote",
			Method: http.MethodPost, URL: quotes, Body: hookstest.JSONBody(`{"content":"pre-rejected","rejected_reason":"x"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_admin_only"`},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 5)}),
		hookstest.Moderated(hookstest.AsOther, false, tests.ApiScenario{Name: "another user rejects the owner's quote",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerPendingID), Body: hookstest.JSONBody(`{"rejected_reason":"spite"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"rejected_reason":{"code":"validation_admin_only"`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OwnerPendingID)}),
		hookstest.Moderated(hookstest.AsGuest, false, tests.ApiScenario{Name: "a guest approves",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerPendingID), Body: hookstest.JSONBody(`{"is_apply":true}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OwnerPendingID)}),

		// the author and the rejection
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author sees the reason",
			Method: http.MethodGet, URL: patch(hookstest.OwnerRejectedID),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"rejected_reason":"` + hookstest.RejectedReason + `"`, `"is_apply":false`}}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author's edit sends the quote back to pending",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerRejectedID), Body: hookstest.JSONBody(`{"content":"owner-rewritten-quote"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"content":"owner-rewritten-quote"`, `"rejected_reason":""`, `"rejected_at":""`},
			AfterTestFunc:   dbPendingNotRejected(hookstest.OwnerRejectedID)}),
		hookstest.Moderated(hookstest.AsOwner, false, tests.ApiScenario{Name: "the author sends back the rejected quote as read",
			Method: http.MethodPatch, URL: patch(hookstest.OwnerRejectedID),
			Body: hookstest.JSONBody(`{"content":"` + hookstest.OwnerRejected + `","is_apply":false,"applied_at":"","rejected_reason":"` +
				hookstest.RejectedReason + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"rejected_reason":"` + hookstest.RejectedReason + `"`},
			AfterTestFunc:   unchangedRejection}),
		hookstest.Moderated(hookstest.AsOther, false, tests.ApiScenario{Name: "another user never sees pending or rejected quotes",
			Method: http.MethodGet, URL: quotes,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":3`, hookstest.OwnerApproved, hookstest.OtherPending},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OwnerRejected, hookstest.RejectedReason}}),
		hookstest.Moderated(hookstest.AsOther, false, tests.ApiScenario{Name: "another user opens a rejected quote",
			Method: http.MethodGet, URL: patch(hookstest.OwnerRejectedID),
			ExpectedStatus:     404,
			NotExpectedContent: []string{hookstest.RejectedReason}}),
		hookstest.Moderated(hookstest.AsGuest, false, tests.ApiScenario{Name: "a guest lists the quotes",
			Method: http.MethodGet, URL: quotes,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OtherPending, hookstest.OwnerRejected}}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// A rejected quote is not approved: rejecting an approved quote takes it
// out of the search, and approving a rejected one puts it in.
func TestQuoteSearchFollowsModeration(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	approved := hookstest.AddQuote(t, app, "우리는 어차피 지는 팀이 아닙니다", "백승수", 1, true, "").Id
	rejected := hookstest.AddQuote(t, app, "여론은 언제나 바뀝니다", "백승수", 2, false, "")
	rejected.Set("rejected_reason", "중복")
	if err := app.Save(rejected); err != nil {
		t.Fatal(err)
	}
	idx := search.NewIndex(0)
	found := func(q string) bool {
		t.Helper()
		hits, err := idx.Find(app.DB(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		return len(hits) > 0
	}
	save := func(id string, fields map[string]any) {
		t.Helper()
		q, err := app.FindRecordById(migrations.QuotesCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range fields {
			q.Set(k, v)
		}
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
	}
	if !found("지는 팀") || found("여론") {
		t.Fatal("expected the approved quote found and the rejected one not")
	}
	save(approved, map[string]any{"rejected_reason": "no"})
	if found("지는 팀") {
		t.Fatal("expected a rejected quote out of the search")
	}
	save(rejected.Id, map[string]any{"is_apply": true})
	if !found("여론") {
		t.Fatal("expected an approved quote, rejected before, in the search")
	}
}
