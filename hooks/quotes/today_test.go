package quotes_test

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestQuoteOfTheDayNone(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{Name: "no quote at all: 404", Method: http.MethodGet, URL: "/api/quotes/today", TestAppFactory: hookstest.NewAppFactory(),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a guest gets an approved quote", Method: http.MethodGet,
			URL: "/api/quotes/today", ExpectedStatus: 200, ExpectedContent: []string{`"collectionName":"quotes"`, `"is_apply":true`},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OtherPending}}),
		{Name: "POST is refused", Method: http.MethodPost, URL: "/api/quotes/today", TestAppFactory: hookstest.NewAppFactory(),
			ExpectedStatus: 405, ExpectedContent: []string{"GET"}},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// The line of the day stays all day, whatever is approved, deleted or
// unapproved meanwhile, unless it is itself; it changes at local midnight.
func TestQuoteOfTheDayWithAClock(t *testing.T) {
	t.Parallel()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	var now atomic.Pointer[time.Time]
	set := func(tm time.Time) { now.Store(&tm) }
	set(time.Date(2026, 3, 1, 0, 0, 1, 0, seoul))
	app := hookstest.NewApp(t, func(c *config.Config) {
		c.Timezone = "Asia/Seoul"
		c.Now = func() time.Time { return *now.Load() }
	})
	defer app.Cleanup()
	var ids []string
	for _, c := range []string{"첫째 대사", "둘째 대사", "셋째 대사", "넷째 대사"} {
		ids = append(ids, hookstest.AddQuote(t, app, c, "백승수", 1, true, "").Id)
	}
	pendingID := hookstest.AddQuote(t, app, "승인 전 대사", "권경민", 1, false, "").Id
	srv := hookstest.StartServer(t, app)

	today := func() string {
		t.Helper()
		res, body := hookstest.Do(t, http.MethodGet, srv.URL+"/api/quotes/today", "", "")
		if res.StatusCode != 200 {
			t.Fatalf("expected 200, got %d: %s", res.StatusCode, body)
		}
		var q struct {
			ID      string `json:"id"`
			IsApply bool   `json:"is_apply"`
		}
		if err := json.Unmarshal([]byte(body), &q); err != nil {
			t.Fatal(err)
		}
		if !q.IsApply || q.ID == pendingID {
			t.Fatalf("expected an approved quote, got %s", body)
		}
		return q.ID
	}
	first := today()
	// the day goes on: more quotes approved, another deleted
	hookstest.AddQuote(t, app, "다섯째 대사", "이세영", 2, true, "")
	for _, id := range ids {
		if id != first {
			r, err := app.FindRecordById(migrations.QuotesCollection, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := app.Delete(r); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	for _, at := range []time.Time{
		time.Date(2026, 3, 1, 9, 0, 0, 0, seoul),
		time.Date(2026, 3, 1, 23, 59, 59, 0, seoul),
		time.Date(2026, 3, 1, 14, 59, 59, 0, time.UTC), // the same instant in UTC
	} {
		set(at)
		for range 3 {
			if got := today(); got != first {
				t.Fatalf("%v: expected the line of the day %s, got %s", at, first, got)
			}
		}
	}
	// midnight in Seoul (15:00 UTC): another line, the same all the next day
	set(time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC))
	second := today()
	if second == first {
		t.Fatalf("expected a new line at midnight, got %s again", first)
	}
	set(time.Date(2026, 3, 2, 20, 0, 0, 0, seoul))
	if got := today(); got != second {
		t.Fatalf("expected %s all day, got %s", second, got)
	}
	// the day's line unapproved: another is picked, and kept
	r, err := app.FindRecordById(migrations.QuotesCollection, second)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("is_apply", false)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	third := today()
	if third == second {
		t.Fatalf("expected a new line once %s was unapproved", second)
	}
	if got := today(); got != third {
		t.Fatalf("expected %s kept, got %s", third, got)
	}
}
