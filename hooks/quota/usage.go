package quota

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/migrations"
)

// DayLayout is how a local day is written in the usage table and the CLI.
const DayLayout = "2006-01-02"

// SiteWide is the usage table's user value for the whole site's count.
const SiteWide = ""

// Day is the calendar day of t in loc, the key of the usage counter.
func Day(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(DayLayout)
}

// NextMidnight is the start of the day after t's day in loc.
func NextMidnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	if ny, nm, nd := next.Date(); ny == y && nm == m && nd == d {
		// Where a clock change skips midnight (America/Santiago), time.Date
		// answers 23:00 of the day before in the old offset: the next day
		// starts when that offset ends.
		_, next = next.ZoneBounds()
	}
	return next
}

// UsageRow is one user's count for a day.
type UsageRow struct {
	Day      string `db:"day"`
	User     string `db:"user"`
	Email    string `db:"email"`
	Nickname string `db:"nickname"`
	Requests int    `db:"requests"`
	Limit    int    `db:"daily_limit"`
}

// UsageOn returns the requests of every user who made any on day
// (YYYY-MM-DD in the configured zone), most first, and their sum (the
// site-wide count left out).
func UsageOn(app core.App, cfg *config.Config, day string) ([]UsageRow, int, error) {
	rows, err := UsageBetween(app, cfg, day, day)
	if err != nil {
		return nil, 0, err
	}
	var total int
	for _, r := range rows {
		total += r.Requests
	}
	return rows, total, nil
}

// UsageBetween returns the requests of every user who made any from day
// from to day to (both YYYY-MM-DD in the configured zone, both included),
// by day, then most first. A deleted user's rows keep their id, with no
// email or nickname.
func UsageBetween(app core.App, cfg *config.Config, from, to string) ([]UsageRow, error) {
	for _, day := range []string{from, to} {
		if _, err := time.ParseInLocation(DayLayout, day, cfg.Location()); err != nil {
			return nil, fmt.Errorf("date %q is not YYYY-MM-DD", day)
		}
	}
	if from > to {
		return nil, fmt.Errorf("the first day %s is after the last day %s", from, to)
	}
	var rows []UsageRow
	err := app.DB().NewQuery(`
		SELECT u.[[day]] AS day, u.[[user]] AS user, COALESCE(x.email, '') AS email, COALESCE(x.nickname, '') AS nickname,
		       u.[[count]] AS requests, COALESCE(x.daily_limit, 0) AS daily_limit
		FROM ` + migrations.UsageTable + ` u LEFT JOIN ` + migrations.UsersCollection + ` x ON x.id = u.[[user]]
		WHERE u.[[day]] BETWEEN {:from} AND {:to} AND u.[[user]] != {:site}
		ORDER BY u.[[day]], u.[[count]] DESC, u.[[user]]`).
		Bind(dbx.Params{"from": from, "to": to, "site": SiteWide}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("reading usage: %w", err)
	}
	for i := range rows {
		if rows[i].Limit < 1 {
			rows[i].Limit = cfg.DailyLimit
		}
	}
	return rows, nil
}
