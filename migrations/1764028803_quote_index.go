package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// QuoteIndexTable is the full-text index of approved quotes. Its text is
// split by the hooks (Korean as syllable bigrams), which fill it at start-up
// and keep it in step with every quote write.
const QuoteIndexTable = "_stovebot_quotes_fts"

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE VIRTUAL TABLE IF NOT EXISTS ` + QuoteIndexTable +
			` USING fts5(quote_id UNINDEXED, content, speaker, tokenize = 'unicode61 remove_diacritics 2')`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS ` + QuoteIndexTable).Execute()
		return err
	})
}
