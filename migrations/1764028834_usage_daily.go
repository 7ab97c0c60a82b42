package migrations

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// UsageDailyCollection is a view collection of the usage counter (SPEC
// 13.3): one record per user and local day, for superusers in the
// dashboard. Its list and view rules are nil: only superusers read it.
const UsageDailyCollection = "usage_daily"

// usageDailyQuery is the view's query. PocketBase types each column from
// it: `x.id` makes `user` a relation to users, `x.email` copies the
// users' email field, the casts make `day` text and `requests` an
// integer. The id is the user's id followed by the day's digits, unique
// and of the characters a record id takes. The join leaves out the
// site-wide row, whose user is empty; a deleted user's rows go with them.
const usageDailyQuery = `SELECT
	(u.user || REPLACE(u.day, '-', '')) AS id,
	CAST(u.day AS TEXT) AS day,
	x.id AS user,
	x.email AS email,
	CAST(u.count AS INTEGER) AS requests
FROM ` + UsageTable + ` u
JOIN ` + UsersCollection + ` x ON x.id = u.user`

func init() {
	m.Register(upUsageDaily, downUsageDaily)
}

func upUsageDaily(app core.App) error {
	if _, err := app.FindCollectionByNameOrId(UsageDailyCollection); err == nil {
		return nil // already there: a second run changes nothing
	}
	view := core.NewViewCollection(UsageDailyCollection)
	view.ViewQuery = usageDailyQuery
	return app.Save(view)
}

func downUsageDaily(app core.App) error {
	view, err := app.FindCollectionByNameOrId(UsageDailyCollection)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // already gone
	}
	if err != nil {
		return err
	}
	return app.Delete(view)
}
