// Package quota is the daily limit (SPEC section 4): one counter per user
// and local day, and one for the whole site, checked and counted in a
// single SQL statement; refunds; GET /api/chat/quota; the rate-limit
// headers, which every answer to a signed-in chat request carries; and
// the usage that users (GET /api/usage) and the CLI read.
package quota

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/config"
	"stovebot/hooks/store"
	"stovebot/migrations"
)

// Errors of the daily limit.
var (
	// ErrDailyLimitReached: the user has used all of today's requests.
	ErrDailyLimitReached = errors.New("daily limit reached")
	// ErrSiteLimitReached: the whole site has used today's requests.
	ErrSiteLimitReached = errors.New("site-wide daily limit reached")
)

// Quota is a user's standing against the daily limit (SPEC section 4), as
// GET /api/chat/quota returns it.
type Quota struct {
	Limit     int    `json:"limit"`
	Used      int    `json:"used"`
	Remaining int    `json:"remaining"`
	Reset     string `json:"reset"`
	Timezone  string `json:"timezone"`
	MaxChars  int    `json:"max_chars"` // the longest message accepted, so a client can count

	resetAt time.Time
	now     time.Time
}

func newQuota(cfg *config.Config, limit, used int, now time.Time) Quota {
	resetAt := NextMidnight(now, cfg.Location())
	return Quota{
		Limit:     limit,
		Used:      used,
		Remaining: max(0, limit-used),
		Reset:     resetAt.Format(time.RFC3339),
		Timezone:  cfg.Timezone,
		MaxChars:  cfg.MaxChars,
		resetAt:   resetAt,
		now:       now,
	}
}

// ResetAt is the next local midnight, when the count starts again.
func (q Quota) ResetAt() time.Time { return q.resetAt }

// SecondsToReset is the time to the next local midnight in whole seconds,
// rounded up and never 0.
func (q Quota) SecondsToReset() int {
	return max(1, int(math.Ceil(q.resetAt.Sub(q.now).Seconds())))
}

// writeHeaders sets the GitHub-style X-RateLimit-* headers and the IETF
// draft's RateLimit-Policy and RateLimit headers; Headers calls it.
func (q Quota) writeHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(q.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(q.Remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(q.Used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(q.resetAt.Unix(), 10))
	h.Set("RateLimit-Policy", fmt.Sprintf(`"daily";q=%d;w=86400`, q.Limit))
	h.Set("RateLimit", fmt.Sprintf(`"daily";r=%d;t=%d`, q.Remaining, q.SecondsToReset()))
}

// limitFor is the user's own daily_limit when set (≥ 1), else the default.
func limitFor(cfg *config.Config, user *core.Record) int {
	if l := user.GetInt("daily_limit"); l >= 1 {
		return l
	}
	return cfg.DailyLimit
}

// Status reads the user's quota at now without changing it.
func Status(db dbx.Builder, cfg *config.Config, user *core.Record, now time.Time) (Quota, error) {
	used, err := Used(db, user.Id, Day(now, cfg.Location()))
	if err != nil {
		return Quota{}, err
	}
	return newQuota(cfg, limitFor(cfg, user), used, now), nil
}

// Used is the count of user (SiteWide for the site) on day.
func Used(db dbx.Builder, user, day string) (int, error) {
	var used int
	err := db.Select("count").From(migrations.UsageTable).
		Where(dbx.HashExp{"user": user, "day": day}).Row(&used)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("reading usage: %w", err)
	}
	return used, nil
}

// Reserve counts one request for user on now's local day, unless that would
// pass the user's limit or the site's; one UPSERT per counter makes the
// check and the count a single atomic step, across processes too. Call it
// inside a transaction (txApp), so that a refused site-wide count undoes
// the user's.
func Reserve(txApp core.App, cfg *config.Config, user *core.Record, now time.Time) (Quota, error) {
	tx, err := store.SQLTx(txApp)
	if err != nil {
		return Quota{}, err
	}
	day := Day(now, cfg.Location())
	limit := limitFor(cfg, user)
	used, ok, err := increment(txApp.DB(), tx, user.Id, day, limit)
	if err != nil {
		return Quota{}, err
	}
	if !ok {
		return newQuota(cfg, limit, used, now), ErrDailyLimitReached
	}
	if cfg.GlobalDailyLimit > 0 {
		_, ok, err := increment(txApp.DB(), tx, SiteWide, day, cfg.GlobalDailyLimit)
		if err != nil {
			return Quota{}, err
		}
		if !ok {
			return newQuota(cfg, limit, used-1, now), ErrSiteLimitReached
		}
	}
	return newQuota(cfg, limit, used, now), nil
}

// countSQL adds one to a counter below a limit and returns the new count;
// at the limit it changes nothing and returns no row.
const countSQL = `INSERT INTO ` + migrations.UsageTable + ` ("user", "day", "count") VALUES (?, ?, 1)
	ON CONFLICT ("user", "day") DO UPDATE SET "count" = "count" + 1 WHERE "count" < ?
	RETURNING "count"`

// increment runs countSQL for a counter in tx and returns the new count;
// at the limit it returns the count, read from db, with false. The SQL
// goes to tx directly, not through dbx, which would cost as much as the
// statement (stmtcache keeps it prepared).
func increment(db dbx.Builder, tx *sql.Tx, user, day string, limit int) (int, bool, error) {
	var n int
	err := tx.QueryRow(countSQL, user, day, limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		used, err := Used(db, user, day)
		return used, false, err
	}
	if err != nil {
		return 0, false, fmt.Errorf("counting a request: %w", err)
	}
	return n, true, nil
}

// SyncSiteCount raises the site's count for now's local day to the sum of
// the users' counts. The site's counter moves only while a cap is set, so a
// cap set during a day (a restart with the setting) would otherwise start
// that day at 0, or at what it had counted before it was unset. It never
// lowers it: a deleted user's rows go, but their requests were made.
func SyncSiteCount(db dbx.Builder, cfg *config.Config, now time.Time) error {
	if cfg.GlobalDailyLimit <= 0 {
		return nil
	}
	_, err := db.NewQuery(`INSERT INTO ` + migrations.UsageTable + ` ([[user]], [[day]], [[count]])
		SELECT {:site}, {:day}, COALESCE(SUM([[count]]), 0) FROM ` + migrations.UsageTable + `
		WHERE [[day]] = {:day} AND [[user]] != {:site}
		ON CONFLICT ([[user]], [[day]]) DO UPDATE SET [[count]] = MAX([[count]], excluded.[[count]])`).
		Bind(dbx.Params{"site": SiteWide, "day": Day(now, cfg.Location())}).Execute()
	if err != nil {
		return fmt.Errorf("counting today's requests for the site: %w", err)
	}
	return nil
}

// Refund takes back one request counted on day, for the user and the site.
func Refund(db dbx.Builder, cfg *config.Config, user, day string) error {
	owners := []string{user}
	if cfg.GlobalDailyLimit > 0 {
		owners = append(owners, SiteWide)
	}
	for _, owner := range owners {
		_, err := db.NewQuery(`UPDATE ` + migrations.UsageTable + ` SET [[count]] = [[count]] - 1
			WHERE [[user]] = {:user} AND [[day]] = {:day} AND [[count]] > 0`).
			Bind(dbx.Params{"user": owner, "day": day}).Execute()
		if err != nil {
			return fmt.Errorf("refunding a request: %w", err)
		}
	}
	return nil
}

// LimitError is the answer to a request that Reserve refused with err
// (ErrDailyLimitReached or ErrSiteLimitReached) at quota q: a 429 for the
// user's limit, a 503 for the site's, with Retry-After, the quota in the
// error's data and (through Headers) in the quota headers.
func LimitError(e *core.RequestEvent, cfg *config.Config, q Quota, err error) error {
	status := http.StatusTooManyRequests
	used := fmt.Sprintf("all %d chat requests", q.Limit)
	if q.Limit == 1 {
		used = "your one chat request"
	}
	message := fmt.Sprintf("You have used %s for today. The limit resets at %s (%s).",
		used, q.resetAt.Format("15:04"), cfg.Timezone)
	if errors.Is(err, ErrSiteLimitReached) {
		status = http.StatusServiceUnavailable
		message = fmt.Sprintf("The site has answered all the questions it can today. Try again after %s (%s).",
			q.resetAt.Format("15:04"), cfg.Timezone)
	}
	Use(e, q)
	e.Response.Header().Set("Retry-After", fmt.Sprint(q.SecondsToReset()))
	apiErr := router.NewApiError(status, message, nil)
	// set after NewApiError, which would turn values that are not
	// validation errors into "validation_invalid_value"
	apiErr.Data = map[string]any{"limit": q.Limit, "remaining": q.Remaining, "reset": q.Reset}
	return apiErr
}
