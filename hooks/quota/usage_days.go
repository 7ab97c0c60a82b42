package quota

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/migrations"
)

// The days GET /api/usage covers.
const (
	UsageDaysDefault = 30
	UsageDaysMax     = 90
)

// DayCount is a user's count of one local day.
type DayCount struct {
	Day      string `json:"day"`
	Requests int    `json:"requests"`
}

// Usage is a user's requests per local day, as GET /api/usage returns it.
type Usage struct {
	Timezone string     `json:"timezone"`
	Days     []DayCount `json:"days"`
}

// Days returns the n local days that end with now's, oldest first.
// Counting calendar dates rather than 24-hour steps keeps a day with a
// clock change (23 or 25 hours) from being skipped or repeated.
func Days(now time.Time, loc *time.Location, n int) []string {
	y, m, d := now.In(loc).Date()
	days := make([]string, n)
	for i := range days {
		days[i] = time.Date(y, m, d-(n-1-i), 0, 0, 0, 0, time.UTC).Format(DayLayout)
	}
	return days
}

// UsageOf reads the user's counts of the n local days that end with
// now's, oldest first, a day without requests as 0.
func UsageOf(db dbx.Builder, cfg *config.Config, user string, now time.Time, n int) (Usage, error) {
	days := Days(now, cfg.Location(), n)
	var rows []struct {
		Day   string `db:"day"`
		Count int    `db:"count"`
	}
	err := db.Select("day", "count").From(migrations.UsageTable).
		Where(dbx.HashExp{"user": user}).
		AndWhere(dbx.Between("day", days[0], days[n-1])).All(&rows)
	if err != nil {
		return Usage{}, fmt.Errorf("reading usage: %w", err)
	}
	counts := make(map[string]int, len(rows))
	for _, r := range rows {
		counts[r.Day] = r.Count
	}
	u := Usage{Timezone: cfg.Timezone, Days: make([]DayCount, n)}
	for i, day := range days {
		u.Days[i] = DayCount{Day: day, Requests: counts[day]}
	}
	return u, nil
}

// usageDays reads the days query parameter: UsageDaysDefault when absent,
// else a whole number from 1 to UsageDaysMax.
func usageDays(e *core.RequestEvent) (int, error) {
	q := e.Request.URL.Query()
	if !q.Has("days") {
		return UsageDaysDefault, nil
	}
	v := q.Get("days")
	n, err := strconv.Atoi(v)
	if err != nil || v[0] < '0' || v[0] > '9' || n < 1 || n > UsageDaysMax { // no sign: "+5" is not a count
		return 0, e.BadRequestError(fmt.Sprintf("The days parameter must be a whole number from 1 to %d.", UsageDaysMax), nil)
	}
	return n, nil
}

// usageHandler serves GET /api/usage (SPEC 13.3): the caller's requests
// per local day.
func usageHandler(cfg *config.Config) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		n, err := usageDays(e)
		if err != nil {
			return err
		}
		u, err := UsageOf(e.App.DB(), cfg, e.Auth.Id, cfg.Now(), n)
		if err != nil {
			return e.InternalServerError("", err)
		}
		return e.JSON(http.StatusOK, u)
	}
}
