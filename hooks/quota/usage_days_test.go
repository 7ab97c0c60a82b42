package quota_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/migrations"
)

// usageNow is the clock of the usage scenarios: 00:30 on 2026-12-07 in
// Seoul, the evening of the 6th in UTC.
var usageNow = time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC)

// seedCounts is a BeforeTestFunc that writes usage rows, each
// "USER DAY COUNT".
func seedCounts(rows ...string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		t.Helper()
		for _, row := range rows {
			var user, day string
			var count int
			if _, err := fmt.Sscan(row, &user, &day, &count); err != nil {
				t.Fatalf("bad seed row %q: %v", row, err)
			}
			if user == "site" {
				user = quota.SiteWide
			}
			if _, err := app.DB().Insert(migrations.UsageTable, dbx.Params{"user": user, "day": day, "count": count}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// usageDays is a check that the body is the usage of the configured zone
// with exactly want, each "DAY=REQUESTS", in that order.
func usageDays(want ...string) hookstest.Check {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		got := decodeUsage(t, res.Body)
		if !slices.Equal(got, want) {
			t.Fatalf("expected days %v, got %v", want, got)
		}
	}
}

// decodeUsage reads a GET /api/usage body as "DAY=REQUESTS" strings and
// fails unless its zone is Asia/Seoul and it has nothing else.
func decodeUsage(t testing.TB, r io.Reader) []string {
	t.Helper()
	var body struct {
		Timezone string           `json:"timezone"`
		Days     []quota.DayCount `json:"days"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("decoding the usage: %v", err)
	}
	if body.Timezone != "Asia/Seoul" {
		t.Fatalf("expected the timezone Asia/Seoul, got %q", body.Timezone)
	}
	days := make([]string, len(body.Days))
	for i, d := range body.Days {
		days[i] = d.Day + "=" + strconv.Itoa(d.Requests)
	}
	return days
}

// lastDays is the n days that end on 2026-12-07, each with 0 requests
// except those of counts.
func lastDays(n int, counts map[string]int) []string {
	end := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	days := make([]string, n)
	for i := range days {
		day := end.AddDate(0, 0, i-n+1).Format(quota.DayLayout)
		days[i] = day + "=" + strconv.Itoa(counts[day])
	}
	return days
}

// GET /api/usage (SPEC 13.3): the caller's requests per local day,
// oldest first, today last, days without requests as 0; nobody else's.
func TestUsageScenarios(t *testing.T) {
	t.Parallel()
	const url = "/api/usage"
	onClock := hookstest.NewAppFactory(func(c *config.Config) { c.Now = func() time.Time { return usageNow } })
	seeded := seedCounts(
		hookstest.OwnerID+" 2026-12-07 2", hookstest.OwnerID+" 2026-12-05 3", hookstest.OwnerID+" 2026-11-08 4",
		hookstest.OwnerID+" 2026-11-07 9", hookstest.OwnerID+" 2026-12-08 8", // before the 30 days, and tomorrow
		hookstest.OtherID+" 2026-12-07 5", hookstest.OtherID+" 2026-12-06 6", "site 2026-12-07 11", "site 2026-12-06 11",
	)
	scenarios := []tests.ApiScenario{
		hookstest.SignedInOn(hookstest.AsOwner, onClock, tests.ApiScenario{
			Name: "30 days by default", Method: http.MethodGet, URL: url,
			BeforeTestFunc:  seeded,
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"timezone":"Asia/Seoul","days":[{"day":"2026-11-08","requests":4},{"day":"2026-11-09","requests":0},`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   usageDays(lastDays(30, map[string]int{"2026-12-07": 2, "2026-12-05": 3, "2026-11-08": 4})...),
		}),
		hookstest.SignedInOn(hookstest.AsOwner, onClock, tests.ApiScenario{
			Name: "one day is today", Method: http.MethodGet, URL: url + "?days=1",
			BeforeTestFunc:  seeded,
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"timezone":"Asia/Seoul","days":[{"day":"2026-12-07","requests":2}]}`},
			ExpectedEvents:  map[string]int{"*": 0},
		}),
		hookstest.SignedInOn(hookstest.AsOwner, onClock, tests.ApiScenario{
			Name: "three days", Method: http.MethodGet, URL: url + "?days=3",
			BeforeTestFunc:  seeded,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"days":[{"day":"2026-12-05","requests":3},{"day":"2026-12-06","requests":0},{"day":"2026-12-07","requests":2}]`},
			ExpectedEvents:  map[string]int{"*": 0},
		}),
		hookstest.SignedInOn(hookstest.AsOwner, onClock, tests.ApiScenario{
			Name: "90 days", Method: http.MethodGet, URL: url + "?days=90",
			BeforeTestFunc:  seeded,
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"timezone":"Asia/Seoul","days":[{"day":"2026-09-09","requests":0},`, `{"day":"2026-12-07","requests":2}]}`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc: usageDays(lastDays(90, map[string]int{
				"2026-12-07": 2, "2026-12-05": 3, "2026-11-08": 4, "2026-11-07": 9})...),
		}),
		hookstest.SignedInOn(hookstest.AsOther, onClock, tests.ApiScenario{
			Name: "another user sees only their own", Method: http.MethodGet, URL: url + "?days=3",
			BeforeTestFunc:  seeded,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"days":[{"day":"2026-12-05","requests":0},{"day":"2026-12-06","requests":6},{"day":"2026-12-07","requests":5}]`},
			ExpectedEvents:  map[string]int{"*": 0},
		}),
		hookstest.SignedInOn(hookstest.AsOwner, onClock, tests.ApiScenario{
			Name: "no requests yet", Method: http.MethodGet, URL: url + "?days=2",
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"timezone":"Asia/Seoul","days":[{"day":"2026-12-06","requests":0},{"day":"2026-12-07","requests":0}]}`},
			ExpectedEvents:  map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{
			Name: "guest", Method: http.MethodGet, URL: url,
			ExpectedStatus:     401,
			ExpectedContent:    []string{`"status":401`},
			NotExpectedContent: []string{`"days"`},
			ExpectedEvents:     map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{
			Name: "superuser", Method: http.MethodGet, URL: url,
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"status":403`},
			NotExpectedContent: []string{`"days"`},
			ExpectedEvents:     map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "another method", Method: http.MethodPost, URL: url,
			ExpectedStatus:  405,
			ExpectedContent: []string{"this path takes GET, HEAD"},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   hookstest.Headers(map[string]string{"Allow": "GET, HEAD"}),
		}),
	}
	for _, bad := range []string{"0", "91", "-1", "x", "1.5", "", "+5", "%2B5", "1e1", "%2030", "3000000000000000000000"} {
		scenarios = append(scenarios, hookstest.SignedInOn(hookstest.AsOwner, onClock, tests.ApiScenario{
			Name: "days=" + bad, Method: http.MethodGet, URL: url + "?days=" + bad,
			BeforeTestFunc:     seeded,
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"status":400`, `"message":"The days parameter must be a whole number from 1 to 90."`, `"data":{}`},
			NotExpectedContent: []string{`"days":`, `"timezone"`, `"requests"`},
			ExpectedEvents:     map[string]int{"*": 0},
		}))
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// The series follows the configured zone's days: a request made just
// before local midnight counts for that day, and after midnight the
// series moves on by one day with today at 0.
func TestUsageAcrossSeoulMidnight(t *testing.T) {
	t.Parallel()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	clock := hookstest.NewClock(time.Date(2026, 12, 7, 23, 59, 50, 0, seoul)) // 14:59:50 UTC
	app := hookstest.NewApp(t, func(c *config.Config) { c.Now = clock.Now })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "usage@example.com")
	other := hookstest.NewUser(t, app, "someone@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	usage := func(when string, want ...string) {
		t.Helper()
		res, body := hookstest.Do(t, "GET", srv.URL+"/api/usage?days=3", tok, "")
		if res.StatusCode != 200 {
			t.Fatalf("%s: expected 200, got %d: %s", when, res.StatusCode, body)
		}
		if got := decodeUsage(t, strings.NewReader(body)); !slices.Equal(got, want) {
			t.Fatalf("%s: expected %v, got %v", when, want, got)
		}
	}
	ask := func(token string) {
		t.Helper()
		if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", token, `{"content":"밤"}`); res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
		}
	}

	ask(tok)
	ask(tok)
	ask(hookstest.Token(t, other))
	usage("before midnight", "2026-12-05=0", "2026-12-06=0", "2026-12-07=2")

	clock.Set(time.Date(2026, 12, 8, 0, 0, 0, 0, seoul))
	usage("at midnight", "2026-12-06=0", "2026-12-07=2", "2026-12-08=0")
	ask(tok)
	usage("after a request of the new day", "2026-12-06=0", "2026-12-07=2", "2026-12-08=1")
}

// Across a clock change the series still has one entry per calendar day:
// the 23-hour day and the 25-hour day are neither skipped nor repeated.
func TestUsageAcrossAClockChange(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	scenarios := []struct {
		name string
		asks []time.Time // when each request is made
		now  time.Time
		want []string
		zone string
	}{
		{"spring forward (2026-03-29 has 23 hours)", []time.Time{
			time.Date(2026, 3, 28, 23, 30, 0, 0, berlin),
			time.Date(2026, 3, 29, 0, 30, 0, 0, berlin),
			time.Date(2026, 3, 29, 23, 30, 0, 0, berlin),
		}, time.Date(2026, 3, 30, 0, 30, 0, 0, berlin),
			[]string{"2026-03-27=0", "2026-03-28=1", "2026-03-29=2", "2026-03-30=1"}, "Europe/Berlin"},
		{"fall back (2026-10-25 has 25 hours)", []time.Time{
			time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), // 02:30 CEST
			time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), // 02:30 CET, the second time
			time.Date(2026, 10, 25, 23, 59, 0, 0, berlin),
		}, time.Date(2026, 10, 26, 0, 0, 0, 0, berlin),
			[]string{"2026-10-23=0", "2026-10-24=0", "2026-10-25=3", "2026-10-26=1"}, "Europe/Berlin"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			clock := hookstest.NewClock(s.asks[0])
			app := hookstest.NewApp(t, func(c *config.Config) { c.Now = clock.Now; c.Timezone = s.zone })
			defer app.Cleanup()
			user := hookstest.NewUser(t, app, "dst@example.com")
			srv := hookstest.StartServer(t, app)
			tok := hookstest.Token(t, user)
			for _, at := range append(s.asks, s.now) {
				clock.Set(at)
				if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"시계"}`); res.StatusCode != 201 {
					t.Fatalf("at %s: expected 201, got %d: %s", at, res.StatusCode, body)
				}
			}
			res, body := hookstest.Do(t, "GET", srv.URL+"/api/usage?days=4", tok, "")
			var got struct {
				Timezone string           `json:"timezone"`
				Days     []quota.DayCount `json:"days"`
			}
			if res.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil {
				t.Fatalf("expected 200 with the usage, got %d: %s", res.StatusCode, body)
			}
			days := make([]string, len(got.Days))
			for i, d := range got.Days {
				days[i] = d.Day + "=" + strconv.Itoa(d.Requests)
			}
			if got.Timezone != s.zone || !slices.Equal(days, s.want) {
				t.Fatalf("expected %s %v, got %s %v", s.zone, s.want, got.Timezone, days)
			}
		})
	}
}

// Days counts calendar days in the zone, whatever the length of each.
func TestDaysAreConsecutiveInEveryZone(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Asia/Seoul", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Pacific/Apia", "UTC"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for now := time.Date(2026, 1, 1, 0, 17, 0, 0, time.UTC); now.Year() < 2027; now = now.Add(31 * time.Hour) { // 31 hours: each hour of the day in turn
			days := quota.Days(now, loc, quota.UsageDaysMax)
			if len(days) != quota.UsageDaysMax || days[len(days)-1] != quota.Day(now, loc) {
				t.Fatalf("%s at %s: expected %d days ending today, got %v", zone, now, quota.UsageDaysMax, days)
			}
			for i := 1; i < len(days); i++ {
				prev, _ := time.Parse(quota.DayLayout, days[i-1])
				if next := prev.AddDate(0, 0, 1).Format(quota.DayLayout); days[i] != next {
					t.Fatalf("%s at %s: expected %s after %s, got %s", zone, now, next, days[i-1], days[i])
				}
			}
		}
	}
}
