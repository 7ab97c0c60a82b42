package hooks

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/migrations"
)

// appliedAt returns a quote's applied_at, or fails.
func appliedAt(t testing.TB, app core.App, id string) types.DateTime {
	t.Helper()
	q, err := app.FindRecordById(migrations.QuotesCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	return q.GetDateTime("applied_at")
}

// dbStampedNow fails unless the quote is approved with an applied_at of the
// last minute.
func dbStampedNow(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		dbField(migrations.QuotesCollection, id, "is_apply", "true")(t, app, nil)
		if age := time.Since(appliedAt(t, app, id).Time()); age < 0 || age > time.Minute {
			t.Fatalf("expected applied_at within the last minute, got %s", appliedAt(t, app, id))
		}
	}
}

func TestAppliedAtFollowsIsApply(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records/"
	scenarios := []tests.ApiScenario{
		signedInAs(asSuperuser, tests.ApiScenario{Name: "approving in the dashboard stamps applied_at", Method: http.MethodPatch,
			URL:                quotes + ownerPendingID,
			Body:               jsonBody(`{"is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"is_apply":true`, `"applied_at":"20`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      dbStampedNow(ownerPendingID)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "withdrawing the approval clears applied_at", Method: http.MethodPatch,
			URL:             quotes + ownerApprovedID,
			Body:            jsonBody(`{"is_apply":false}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":false`, `"applied_at":""`},
			AfterTestFunc:   dbPending(ownerApprovedID)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "applied_at cannot be set on a pending quote", Method: http.MethodPatch,
			URL:             quotes + ownerPendingID,
			Body:            jsonBody(`{"applied_at":"2026-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"is_apply":false`, `"applied_at":""`},
			AfterTestFunc:   dbPending(ownerPendingID)}),
		signedInAs(asSuperuser, tests.ApiScenario{Name: "creating an approved quote stamps it", Method: http.MethodPost,
			URL:                "/api/collections/quotes/records",
			Body:               jsonBody(`{"id":"qadminapproved1","content":"야구는 데이터로 하는 겁니다","is_apply":true}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"applied_at":"20`},
			NotExpectedContent: []string{`"applied_at":""`},
			AfterTestFunc:      dbStampedNow("qadminapproved1")}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}

	t.Run("editing an approved quote keeps its stamp; re-approving stamps anew", func(t *testing.T) {
		app := setupTestApp(t)
		defer app.Cleanup()
		seedAccess(t, app)
		q, err := app.FindRecordById(migrations.QuotesCollection, ownerApprovedID)
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
		if got := appliedAt(t, app, ownerApprovedID); !got.Equal(first) {
			t.Fatalf("expected applied_at %s kept after an edit, got %s", first, got)
		}

		q.Set("is_apply", false)
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
		if got := appliedAt(t, app, ownerApprovedID); !got.IsZero() {
			t.Fatalf("expected applied_at cleared, got %s", got)
		}
		time.Sleep(5 * time.Millisecond)
		q.Set("is_apply", true)
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
		if got := appliedAt(t, app, ownerApprovedID); !got.After(first) {
			t.Fatalf("expected a new applied_at after %s, got %s", first, got)
		}
	})

	t.Run("the CLI's approve stamps applied_at", func(t *testing.T) {
		app := setupTestApp(t)
		defer app.Cleanup()
		seedAccess(t, app)
		if err := ApproveQuotes(app, []string{ownerPendingID, otherPendingID}); err != nil {
			t.Fatalf("approve: %v", err)
		}
		dbStampedNow(ownerPendingID)(t, app, nil)
		dbStampedNow(otherPendingID)(t, app, nil)
	})
}

func TestQuoteCreateWithoutUserNamesTheField(t *testing.T) {
	t.Parallel()
	app := setupTestApp(t)
	defer app.Cleanup()
	srv := startServer(t, app)
	token := authToken(t, newUser(t, app, "forgetful@example.com"))

	res, body := do(t, "POST", srv.URL+"/api/collections/quotes/records", token, `{"content":"핑계 대지 마세요."}`)
	want := `"user":{"code":"validation_required","message":"Send your own id as user."}`
	if res.StatusCode != 400 || !strings.Contains(body, want) {
		t.Fatalf("expected 400 with %s, got %d %s", want, res.StatusCode, body)
	}
	if n, _ := app.CountRecords(migrations.QuotesCollection); n != 0 {
		t.Fatalf("expected nothing written, got %d quotes", n)
	}
}
