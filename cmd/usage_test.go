package cmd_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/cmd"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/migrations"
)

// seedUsageDay fills the usage table for 2026-11-26: the other user (own
// limit 10) 5 requests, the owner 3, a deleted user 1, and a site-wide row
// of 100 that no user row adds up to, plus rows of the day before.
func seedUsageDay(t testing.TB, app core.App) {
	t.Helper()
	other, err := app.FindRecordById(migrations.UsersCollection, hookstest.OtherID)
	if err != nil {
		t.Fatal(err)
	}
	other.Set("daily_limit", 10)
	if err := app.Save(other); err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		user, day string
		count     int
	}{
		{hookstest.OwnerID, "2026-11-26", 3}, {hookstest.OtherID, "2026-11-26", 5}, {"deleteduser0001", "2026-11-26", 1}, {quota.SiteWide, "2026-11-26", 100},
		{hookstest.OwnerID, "2026-11-25", 4}, {quota.SiteWide, "2026-11-25", 4},
	} {
		if _, err := app.DB().Insert(migrations.UsageTable, dbx.Params{"user": row.user, "day": row.day, "count": row.count}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUsageOn(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	seedUsageDay(t, app)
	cfg := hookstest.Config()

	rows, total, err := quota.UsageOn(app, &cfg, "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	want := []quota.UsageRow{
		{User: hookstest.OtherID, Email: "other@example.com", Nickname: hookstest.OtherNick, Requests: 5, Limit: 10},
		{User: hookstest.OwnerID, Email: "owner@example.com", Nickname: hookstest.OwnerNick, Requests: 3, Limit: cfg.DailyLimit},
		{User: "deleteduser0001", Requests: 1, Limit: cfg.DailyLimit},
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("expected %+v, got %+v", want, rows)
	}
	if total != 9 {
		t.Fatalf("expected 9 requests by users (the site-wide row left out), got %d", total)
	}

	rows, total, err = quota.UsageOn(app, &cfg, "2026-01-01")
	if err != nil || len(rows) != 0 || total != 0 {
		t.Fatalf("expected an empty day, got %+v, %d, %v", rows, total, err)
	}

	for _, day := range []string{"", "yesterday", "2026-13-01", "2026-02-30", "26-11-26", "2026-11-26T00:00", "2026/11/26", "' OR 1=1 --"} {
		if _, _, err := quota.UsageOn(app, &cfg, day); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Fatalf("date %q: expected an error naming YYYY-MM-DD, got %v", day, err)
		}
	}
}

func TestUsageCommand(t *testing.T) {
	t.Parallel()
	// 15:30 UTC on the 25th is 00:30 on the 26th in Seoul
	now := time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC)
	scenarios := []struct {
		name    string
		args    []string
		wantErr string
		want    []string // regular expressions, each matching one line
	}{
		{"today is the configured zone's day", nil, "", []string{
			`^2026-11-26 \(Asia/Seoul\)$`,
			`^USER\s+EMAIL\s+NICKNAME\s+REQUESTS\s+LIMIT$`,
			`^` + hookstest.OtherID + `\s+other@example\.com\s+` + hookstest.OtherNick + `\s+5\s+10$`,
			`^` + hookstest.OwnerID + `\s+owner@example\.com\s+` + hookstest.OwnerNick + `\s+3\s+5$`,
			`^deleteduser0001\s+-\s+-\s+1\s+5$`,
			`^9 requests by 3 users$`,
		}},
		{"another day", []string{"--date", "2026-11-25"}, "", []string{
			`^2026-11-25 \(Asia/Seoul\)$`,
			`^` + hookstest.OwnerID + `\s+owner@example\.com\s+` + hookstest.OwnerNick + `\s+4\s+5$`,
			`^4 requests by 1 users$`,
		}},
		{"a day without requests", []string{"--date=2020-01-01"}, "", []string{`^0 requests by 0 users$`}},
		{"a bad date", []string{"--date", "26.11.2026"}, "YYYY-MM-DD", nil},
		{"an impossible date", []string{"--date", "2026-02-30"}, "YYYY-MM-DD", nil},
		{"no arguments", []string{"today"}, "unknown command", nil},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := hookstest.NewApp(t)
			defer app.Cleanup()
			hookstest.SeedAccess(t, app)
			seedUsageDay(t, app)
			cfg := hookstest.Config()
			cfg.Now = func() time.Time { return now }

			out, err := runCommand(t, cmd.NewUsageCommand(app, &cfg), s.args...)
			if s.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), s.wantErr) {
					t.Fatalf("expected an error with %q, got %v\n%s", s.wantErr, err, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("expected success, got %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			for _, w := range s.want {
				re := regexp.MustCompile(w)
				if !slices.ContainsFunc(lines, func(l string) bool { return re.MatchString(strings.TrimRight(l, " ")) }) {
					t.Fatalf("expected a line matching %s, got\n%s", w, out)
				}
			}
		})
	}
}
