package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// QuoteIndexTable is the full-text index of approved quotes. Its text is
// split by the hooks (Korean as syllable bigrams), which fill it at start-up
// and keep it in step with every quote write. Its rank is bm25 with a match
// in the speaker weighing double. QuoteTermsTable counted the quotes of
// each term, for searches to leave out the common ones; 1764028805 drops
// it.
const (
	QuoteIndexTable = "_stovebot_quotes_fts"
	QuoteTermsTable = "_stovebot_quote_terms"
)

func init() {
	m.Register(func(app core.App) error {
		for _, sql := range []string{
			`CREATE VIRTUAL TABLE IF NOT EXISTS ` + QuoteIndexTable +
				` USING fts5(quote_id UNINDEXED, content, speaker, tokenize = 'unicode61 remove_diacritics 2')`,
			`INSERT INTO ` + QuoteIndexTable + ` (` + QuoteIndexTable + `, rank) VALUES ('rank', 'bm25(0.0, 1.0, 2.0)')`,
			`CREATE TABLE IF NOT EXISTS ` + QuoteTermsTable + ` ([[term]] TEXT PRIMARY KEY, [[docs]] INTEGER NOT NULL) WITHOUT ROWID`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, table := range []string{QuoteTermsTable, QuoteIndexTable} {
			if _, err := app.DB().NewQuery(`DROP TABLE IF EXISTS ` + table).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
