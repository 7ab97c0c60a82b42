package quota_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/migrations"
)

func TestDailyLimitHeadersAcrossSeoulMidnight(t *testing.T) {
	t.Parallel()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	clock := hookstest.NewClock(time.Date(2026, 11, 25, 23, 59, 30, 200_000_000, seoul))
	app := hookstest.NewApp(t, func(c *config.Config) { c.Now = clock.Now; c.DailyLimit = 2 })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "night@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	midnight := time.Date(2026, 11, 26, 0, 0, 0, 0, seoul)

	for i := 1; i <= 2; i++ {
		res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"밤"}`)
		if res.StatusCode != 201 {
			t.Fatalf("request %d: expected 201, got %d: %s", i, res.StatusCode, body)
		}
		if got := res.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(2-i) {
			t.Fatalf("request %d: expected remaining %d, got %s", i, 2-i, got)
		}
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"밤"}`)
	if res.StatusCode != 429 {
		t.Fatalf("expected 429, got %d: %s", res.StatusCode, body)
	}
	// 29.8 s to midnight, rounded up
	want := map[string]string{
		"Retry-After":           "30",
		"X-RateLimit-Limit":     "2",
		"X-RateLimit-Remaining": "0",
		"X-RateLimit-Used":      "2",
		"X-RateLimit-Reset":     strconv.FormatInt(midnight.Unix(), 10),
		"RateLimit-Policy":      `"daily";q=2;w=86400`,
		"RateLimit":             `"daily";r=0;t=30`,
	}
	for h, v := range want {
		if got := res.Header.Get(h); got != v {
			t.Fatalf("expected %s: %s, got %q", h, v, got)
		}
	}
	if !strings.Contains(body, `"data":{"limit":2,"remaining":0,"reset":"2026-11-26T00:00:00+09:00"}`) || !strings.Contains(body, "00:00 (Asia/Seoul)") {
		t.Fatalf("expected the limit and reset in the data and the message, got %s", body)
	}
	if n := len(hookstest.ChatRecords(t, app, user.Id)); n != 4 {
		t.Fatalf("expected the refused request to write nothing (4 records), got %d", n)
	}

	// 0.5 s before midnight the wait is still at least one second
	clock.Set(midnight.Add(-500 * time.Millisecond))
	res, _ = hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, "")
	if got := res.Header.Get("RateLimit"); got != `"daily";r=0;t=1` {
		t.Fatalf("expected t=1 just before midnight, got %q", got)
	}

	// after local midnight the count starts again
	clock.Set(midnight.Add(time.Second))
	res, body = hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", tok, "")
	wantBody := `{"limit":2,"used":0,"remaining":2,"reset":"2026-11-27T00:00:00+09:00","timezone":"Asia/Seoul","max_chars":2000}`
	if res.StatusCode != 200 || strings.TrimSpace(body) != wantBody {
		t.Fatalf("expected %s, got %d %s", wantBody, res.StatusCode, body)
	}
	res, _ = hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"아침"}`)
	if res.StatusCode != 201 || res.Header.Get("X-RateLimit-Remaining") != "1" {
		t.Fatalf("expected a new day's request to pass, got %d remaining %s", res.StatusCode, res.Header.Get("X-RateLimit-Remaining"))
	}
}

func TestDailyLimitPerUserOverrideAndSiteCap(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t, func(c *config.Config) { c.DailyLimit = 1; c.GlobalDailyLimit = 3 })
	defer app.Cleanup()
	vip := hookstest.NewUser(t, app, "vip@example.com")
	vip.Set("daily_limit", 10)
	if err := app.Save(vip); err != nil {
		t.Fatal(err)
	}
	other := hookstest.NewUser(t, app, "other@example.com")
	srv := hookstest.StartServer(t, app)

	for i := 0; i < 3; i++ {
		if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, vip), `{"content":"hi"}`); res.StatusCode != 201 {
			t.Fatalf("vip request %d: expected 201, got %d %s", i, res.StatusCode, body)
		}
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, vip), `{"content":"hi"}`)
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("expected 503 with Retry-After at the site cap, got %d %s", res.StatusCode, body)
	}
	if got := res.Header.Get("X-RateLimit-Remaining"); got != "7" {
		t.Fatalf("expected the vip's own count unaffected (7 left), got %s", got)
	}
	res, _ = hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, other), `{"content":"hi"}`)
	if res.StatusCode != 503 {
		t.Fatalf("expected the site cap for everyone, got %d", res.StatusCode)
	}
	res, _ = hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", hookstest.Token(t, other), "")
	if res.Header.Get("X-RateLimit-Used") != "0" {
		t.Fatalf("expected the refused user's count unchanged, got %s", res.Header.Get("X-RateLimit-Used"))
	}
}

// A site cap set during a day (by a restart with the setting) counts the
// requests the users made before it: the site's counter moves only while a
// cap is set.
func TestSiteCapCountsTheDayBeforeItWasSet(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t, func(c *config.Config) { c.GlobalDailyLimit = 3 })
	defer app.Cleanup()
	early := hookstest.NewUser(t, app, "early@example.com")
	late := hookstest.NewUser(t, app, "late@example.com")
	cfg := hookstest.Config()
	day := quota.Day(cfg.Now(), cfg.Location())
	// two requests made while no cap was set, and a stale site count of 0
	// from an earlier run with the cap
	for _, row := range []struct {
		user  string
		count int
	}{{early.Id, 2}, {quota.SiteWide, 0}, {late.Id, 0}} {
		if _, err := app.DB().Insert(migrations.UsageTable, dbx.Params{"user": row.user, "day": day, "count": row.count}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, late)
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"hi"}`); res.StatusCode != 201 {
		t.Fatalf("expected the third request of the day to pass, got %d %s", res.StatusCode, body)
	}
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"hi"}`); res.StatusCode != 503 {
		t.Fatalf("expected the fourth to meet the cap of 3, got %d %s", res.StatusCode, body)
	}
}

// The start-up recount never lowers the site's count: a deleted user's
// rows are gone, but their requests of the day were made.
func TestSiteCountIsNotLoweredAtStartUp(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t, func(c *config.Config) { c.GlobalDailyLimit = 3 })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "stays@example.com")
	cfg := hookstest.Config()
	day := quota.Day(cfg.Now(), cfg.Location())
	if _, err := app.DB().Insert(migrations.UsageTable, dbx.Params{"user": quota.SiteWide, "day": day, "count": 3}).Execute(); err != nil {
		t.Fatal(err)
	}
	srv := hookstest.StartServer(t, app)
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"hi"}`); res.StatusCode != 503 {
		t.Fatalf("expected the cap already reached by a deleted user's requests, got %d %s", res.StatusCode, body)
	}
}
