package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// IdempotencyTable remembers, per user and Idempotency-Key, the chat request
// it started (for 24 hours), so a retry replays the result instead of
// charging again.
const IdempotencyTable = "_stovebot_idempotency"

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS ` + IdempotencyTable + ` (
			[[user]]     TEXT    NOT NULL,
			[[key]]      TEXT    NOT NULL,
			[[hash]]     TEXT    NOT NULL,
			[[question]] TEXT    NOT NULL,
			[[state]]    TEXT    NOT NULL,
			[[created]]  INTEGER NOT NULL,
			PRIMARY KEY ([[user]], [[key]])
		) WITHOUT ROWID`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS ` + IdempotencyTable).Execute()
		return err
	})
}
