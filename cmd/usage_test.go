package cmd_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

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
	app := usageApp(t)
	cfg := hookstest.Config()

	rows, total, err := quota.UsageOn(app, &cfg, "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	want := []quota.UsageRow{
		{Day: "2026-11-26", User: hookstest.OtherID, Email: "other@example.com", Nickname: hookstest.OtherNick, Requests: 5, Limit: 10},
		{Day: "2026-11-26", User: hookstest.OwnerID, Email: "owner@example.com", Nickname: hookstest.OwnerNick, Requests: 3, Limit: cfg.DailyLimit},
		{Day: "2026-11-26", User: "deleteduser0001", Requests: 1, Limit: cfg.DailyLimit},
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

func TestUsageBetween(t *testing.T) {
	t.Parallel()
	app := usageApp(t)
	cfg := hookstest.Config()

	rows, err := quota.UsageBetween(app, &cfg, "2026-11-25", "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Day+" "+r.User)
	}
	want := []string{"2026-11-25 " + hookstest.OwnerID, "2026-11-26 " + hookstest.OtherID, "2026-11-26 " + hookstest.OwnerID, "2026-11-26 deleteduser0001"}
	if !slices.Equal(got, want) {
		t.Fatalf("expected the days in order, most first within a day, no site-wide row: %v, got %v", want, got)
	}
	if _, err := quota.UsageBetween(app, &cfg, "2026-11-26", "2026-11-25"); err == nil || !strings.Contains(err.Error(), "after") {
		t.Fatalf("expected an error for a range that ends before it starts, got %v", err)
	}
	if _, err := quota.UsageBetween(app, &cfg, "2026-11-25", "tomorrow"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Fatalf("expected an error naming YYYY-MM-DD, got %v", err)
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
		{"a range of days", []string{"--from", "2026-11-24", "--to", "2026-11-26"}, "", []string{
			`^2026-11-24 to 2026-11-26 \(Asia/Seoul\)$`,
			`^DAY\s+USER\s+EMAIL\s+NICKNAME\s+REQUESTS\s+LIMIT$`,
			`^2026-11-25\s+` + hookstest.OwnerID + `\s+owner@example\.com\s+` + hookstest.OwnerNick + `\s+4\s+5$`,
			`^2026-11-26\s+` + hookstest.OtherID + `\s+other@example\.com\s+` + hookstest.OtherNick + `\s+5\s+10$`,
			`^2026-11-26\s+deleteduser0001\s+-\s+-\s+1\s+5$`,
			`^13 requests by 3 users$`,
		}},
		{"--from alone ends today", []string{"--from", "2026-11-25"}, "", []string{
			`^2026-11-25 to 2026-11-26 \(Asia/Seoul\)$`, `^13 requests by 3 users$`,
		}},
		{"--to alone is that day", []string{"--to", "2026-11-25"}, "", []string{
			`^2026-11-25 \(Asia/Seoul\)$`, `^4 requests by 1 users$`,
		}},
		{"a range of one day is that day's table", []string{"--from", "2026-11-26", "--to", "2026-11-26"}, "", []string{
			`^2026-11-26 \(Asia/Seoul\)$`, `^USER\s+EMAIL\s+NICKNAME\s+REQUESTS\s+LIMIT$`, `^9 requests by 3 users$`,
		}},
		{"a bad date", []string{"--date", "26.11.2026"}, "YYYY-MM-DD", nil},
		{"an impossible date", []string{"--date", "2026-02-30"}, "YYYY-MM-DD", nil},
		{"an empty date", []string{"--date="}, "YYYY-MM-DD", nil},
		{"a bad --from", []string{"--from", "2026-11", "--to", "2026-11-26"}, `--from: date "2026-11" is not YYYY-MM-DD`, nil},
		{"a bad --to", []string{"--from", "2026-11-25", "--to", "2026-11-31"}, `--to: date "2026-11-31" is not YYYY-MM-DD`, nil},
		{"--from after --to", []string{"--from", "2026-11-26", "--to", "2026-11-25"}, "--from 2026-11-26 is after --to 2026-11-25", nil},
		{"--from after today", []string{"--from", "2026-11-27"}, "--from 2026-11-27 is after --to 2026-11-26", nil},
		{"--date with --from", []string{"--date", "2026-11-25", "--from", "2026-11-25"}, "--date cannot be used with --from or --to", nil},
		{"no arguments", []string{"today"}, "unknown command", nil},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			out, err := runUsage(t, now, s.args...)
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

// --csv prints the usage_daily view's columns and nothing else: no title,
// no sum; a deleted user's email is empty.
func TestUsageCommandCSV(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC) // 2026-11-26 in Seoul
	const header = "day,user,email,requests\n"
	today := "2026-11-26," + hookstest.OtherID + ",other@example.com,5\n" +
		"2026-11-26," + hookstest.OwnerID + ",owner@example.com,3\n" +
		"2026-11-26,deleteduser0001,,1\n"
	scenarios := []struct {
		name string
		args []string
		want string
	}{
		{"today", []string{"--csv"}, header + today},
		{"a range, oldest day first", []string{"--csv", "--from", "2026-11-20", "--to", "2026-11-26"},
			header + "2026-11-25," + hookstest.OwnerID + ",owner@example.com,4\n" + today},
		{"one day by --date", []string{"--date", "2026-11-25", "--csv"}, header + "2026-11-25," + hookstest.OwnerID + ",owner@example.com,4\n"},
		{"a day without requests", []string{"--csv", "--date", "2020-01-01"}, header},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			out, err := runUsage(t, now, s.args...)
			if err != nil {
				t.Fatalf("expected success, got %v\n%s", err, out)
			}
			if out != s.want {
				t.Fatalf("expected\n%s\ngot\n%s", s.want, out)
			}
		})
	}
}

// usageApp is a fresh app with the access fixture and seedUsageDay's
// counts, cleaned up after t.
func usageApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := hookstest.NewApp(t)
	t.Cleanup(app.Cleanup)
	hookstest.SeedAccess(t, app)
	seedUsageDay(t, app)
	return app
}

// runUsage runs stovebot usage with args at now on a usageApp.
func runUsage(t *testing.T, now time.Time, args ...string) (string, error) {
	t.Helper()
	app := usageApp(t)
	cfg := hookstest.Config()
	cfg.Now = func() time.Time { return now }
	return runCommand(t, cmd.NewUsageCommand(app, &cfg), args...)
}
