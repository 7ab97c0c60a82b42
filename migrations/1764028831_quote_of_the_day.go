package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// QuoteOfTheDayTable remembers the line of the day: one row per local day
// with the quote picked for it, so that every caller sees the same line all
// day, whatever is approved or deleted meanwhile.
const QuoteOfTheDayTable = "_stovebot_quote_of_the_day"

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS ` + QuoteOfTheDayTable + ` (
			[[day]]   TEXT NOT NULL PRIMARY KEY,
			[[quote]] TEXT NOT NULL
		) WITHOUT ROWID`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS ` + QuoteOfTheDayTable).Execute()
		return err
	})
}
