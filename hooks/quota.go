package hooks

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

func newQuota(cfg *Config, limit, used int, now time.Time) Quota {
	resetAt := nextMidnight(now, cfg.Location())
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

// SecondsToReset is the time to the next local midnight in whole seconds,
// rounded up and never 0.
func (q Quota) SecondsToReset() int {
	return max(1, int(math.Ceil(q.resetAt.Sub(q.now).Seconds())))
}

// WriteHeaders sets the GitHub-style X-RateLimit-* headers and the IETF
// draft's RateLimit-Policy and RateLimit headers.
func (q Quota) WriteHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(q.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(q.Remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(q.Used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(q.resetAt.Unix(), 10))
	h.Set("RateLimit-Policy", fmt.Sprintf(`"daily";q=%d;w=86400`, q.Limit))
	h.Set("RateLimit", fmt.Sprintf(`"daily";r=%d;t=%d`, q.Remaining, q.SecondsToReset()))
}

// limitFor is the user's own daily_limit when set (≥ 1), else the default.
func limitFor(cfg *Config, user *core.Record) int {
	if l := user.GetInt("daily_limit"); l >= 1 {
		return l
	}
	return cfg.DailyLimit
}

// quotaStatus reads the user's quota at now without changing it.
func quotaStatus(db dbx.Builder, cfg *Config, user *core.Record, now time.Time) (Quota, error) {
	used, err := usedOn(db, user.Id, localDay(now, cfg.Location()))
	if err != nil {
		return Quota{}, err
	}
	return newQuota(cfg, limitFor(cfg, user), used, now), nil
}

func usedOn(db dbx.Builder, user, day string) (int, error) {
	var used int
	err := db.Select("count").From(migrations.UsageTable).
		Where(dbx.HashExp{"user": user, "day": day}).Row(&used)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("reading usage: %w", err)
	}
	return used, nil
}

// reserve counts one request for user on now's local day, unless that would
// pass the user's limit or the site's; one UPSERT per counter (count, bound
// to the transaction) makes the check and the count a single atomic step,
// across processes too. Call it inside a transaction, so that a refused
// site-wide count undoes the user's.
func reserve(txApp core.App, count *sql.Stmt, cfg *Config, user *core.Record, now time.Time) (Quota, error) {
	day := localDay(now, cfg.Location())
	limit := limitFor(cfg, user)
	used, ok, err := increment(txApp.DB(), count, user.Id, day, limit)
	if err != nil {
		return Quota{}, err
	}
	if !ok {
		return newQuota(cfg, limit, used, now), ErrDailyLimitReached
	}
	if cfg.GlobalDailyLimit > 0 {
		_, ok, err := increment(txApp.DB(), count, siteWide, day, cfg.GlobalDailyLimit)
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

// increment runs count (countSQL) for a counter and returns the new count;
// at the limit it returns the count, read from db, with false.
func increment(db dbx.Builder, count *sql.Stmt, user, day string, limit int) (int, bool, error) {
	var n int
	err := count.QueryRow(user, day, limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		used, err := usedOn(db, user, day)
		return used, false, err
	}
	if err != nil {
		return 0, false, fmt.Errorf("counting a request: %w", err)
	}
	return n, true, nil
}

// syncSiteCount raises the site's count for now's local day to the sum of
// the users' counts. The site's counter moves only while a cap is set, so a
// cap set during a day (a restart with the setting) would otherwise start
// that day at 0, or at what it had counted before it was unset. It never
// lowers it: a deleted user's rows go, but their requests were made.
func syncSiteCount(db dbx.Builder, cfg *Config, now time.Time) error {
	if cfg.GlobalDailyLimit <= 0 {
		return nil
	}
	_, err := db.NewQuery(`INSERT INTO ` + migrations.UsageTable + ` ([[user]], [[day]], [[count]])
		SELECT {:site}, {:day}, COALESCE(SUM([[count]]), 0) FROM ` + migrations.UsageTable + `
		WHERE [[day]] = {:day} AND [[user]] != {:site}
		ON CONFLICT ([[user]], [[day]]) DO UPDATE SET [[count]] = MAX([[count]], excluded.[[count]])`).
		Bind(dbx.Params{"site": siteWide, "day": localDay(now, cfg.Location())}).Execute()
	if err != nil {
		return fmt.Errorf("counting today's requests for the site: %w", err)
	}
	return nil
}

// refund takes back one request counted on day, for the user and the site.
func refund(db dbx.Builder, cfg *Config, user, day string) error {
	owners := []string{user}
	if cfg.GlobalDailyLimit > 0 {
		owners = append(owners, siteWide)
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
