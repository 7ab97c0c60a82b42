package quotes_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	quotespkg "stovebot/hooks/quotes"
	"stovebot/migrations"
)

func TestAppliedAtFollowsIsApply(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records/"
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "approving in the dashboard stamps applied_at", Method: http.MethodPatch,
			URL:                quotes + hookstest.OwnerPendingID,
			Body:               hookstest.JSONBody(`{"is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"is_apply":true`, `"applied_at":"20`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      hookstest.DBStampedNow(hookstest.OwnerPendingID)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "withdrawing the approval clears applied_at", Method: http.MethodPatch,
			URL:             quotes + hookstest.OwnerApprovedID,
			Body:            hookstest.JSONBody(`{"is_apply":false}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":false`, `"applied_at":""`},
			AfterTestFunc:   hookstest.DBPending(hookstest.OwnerApprovedID)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "applied_at cannot be set on a pending quote", Method: http.MethodPatch,
			URL:             quotes + hookstest.OwnerPendingID,
			Body:            hookstest.JSONBody(`{"applied_at":"2026-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":false`, `"applied_at":""`},
			AfterTestFunc:   hookstest.DBPending(hookstest.OwnerPendingID)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "creating an approved quote stamps it", Method: http.MethodPost,
			URL:                "/api/collections/quotes/records",
			Body:               hookstest.JSONBody(`{"id":"qadminapproved1","content":"야구는 데이터로 하는 겁니다","is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"applied_at":"20`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      hookstest.DBStampedNow("qadminapproved1")}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}

	t.Run("editing an approved quote keeps its stamp; re-approving stamps anew", func(t *testing.T) {
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		hookstest.SeedAccess(t, app)
		q, err := app.FindRecordById(migrations.QuotesCollection, hookstest.OwnerApprovedID)
		if err != nil {
			t.Fatal(err)
		}
		first := q.GetDateTime("applied_at")
		if first.IsZero() {
			t.Fatal("expected the seeded approved quote to be stamped")
		}
		time.Sleep(5 * time.Millisecond)
		q.Set("speaker", "백승수")
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
		if got := hookstest.AppliedAt(t, app, hookstest.OwnerApprovedID); !got.Equal(first) {
			t.Fatalf("expected applied_at %s kept after an edit, got %s", first, got)
		}

		q.Set("is_apply", false)
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
		if got := hookstest.AppliedAt(t, app, hookstest.OwnerApprovedID); !got.IsZero() {
			t.Fatalf("expected applied_at cleared, got %s", got)
		}
		time.Sleep(5 * time.Millisecond)
		q.Set("is_apply", true)
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
		if got := hookstest.AppliedAt(t, app, hookstest.OwnerApprovedID); !got.After(first) {
			t.Fatalf("expected a new applied_at after %s, got %s", first, got)
		}
	})

	t.Run("the CLI's approve stamps applied_at", func(t *testing.T) {
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		hookstest.SeedAccess(t, app)
		if err := quotespkg.Approve(app, []string{hookstest.OwnerPendingID, hookstest.OtherPendingID}); err != nil {
			t.Fatalf("approve: %v", err)
		}
		hookstest.DBStampedNow(hookstest.OwnerPendingID)(t, app, nil)
		hookstest.DBStampedNow(hookstest.OtherPendingID)(t, app, nil)
	})
}
