package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// UsageTable holds one row per user and local day with the number of chat
// requests counted so far; the row with an empty user is the site-wide count.
// A counter, not a COUNT(*) over chats, keeps the daily-limit check the same
// cost at any history size, and one UPSERT makes check-and-reserve atomic
// across processes.
const UsageTable = "_stovebot_usage"

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS ` + UsageTable + ` (
			[[user]]  TEXT    NOT NULL,
			[[day]]   TEXT    NOT NULL,
			[[count]] INTEGER NOT NULL DEFAULT 0 CHECK ([[count]] >= 0),
			PRIMARY KEY ([[user]], [[day]])
		) WITHOUT ROWID`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS ` + UsageTable).Execute()
		return err
	})
}
