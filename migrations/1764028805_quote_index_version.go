package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// QuoteIndexVersionTable is a one-row counter moved by every write to the
// quote index, in the write's transaction: a server ranks searches from a
// copy of the index in memory and loads it again when the counter moved,
// whichever process wrote (the CLI too).
//
// The copy counts each term's quotes itself, so the term counts that
// searches read before (QuoteTermsTable) are dropped.
const QuoteIndexVersionTable = "_stovebot_quote_index_version"

func init() {
	m.Register(func(app core.App) error {
		return execAll(app,
			`CREATE TABLE IF NOT EXISTS `+QuoteIndexVersionTable+` (
				[[id]]      INTEGER PRIMARY KEY CHECK ([[id]] = 1),
				[[version]] INTEGER NOT NULL
			)`,
			`INSERT OR IGNORE INTO `+QuoteIndexVersionTable+` ([[id]], [[version]]) VALUES (1, 1)`,
			`DROP TABLE IF EXISTS `+QuoteTermsTable,
		)
	}, func(app core.App) error {
		// the term counts again, from FTS5's own vocabulary of the index
		return execAll(app,
			`CREATE TABLE IF NOT EXISTS `+QuoteTermsTable+` ([[term]] TEXT PRIMARY KEY, [[docs]] INTEGER NOT NULL) WITHOUT ROWID`,
			`CREATE VIRTUAL TABLE temp.stovebot_quote_vocab USING fts5vocab(main, '`+QuoteIndexTable+`', 'row')`,
			`INSERT OR REPLACE INTO `+QuoteTermsTable+` ([[term]], [[docs]]) SELECT [[term]], [[doc]] FROM temp.stovebot_quote_vocab`,
			`DROP TABLE temp.stovebot_quote_vocab`,
			`DROP TABLE IF EXISTS `+QuoteIndexVersionTable,
		)
	})
}

func execAll(app core.App, statements ...string) error {
	for _, sql := range statements {
		if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
			return err
		}
	}
	return nil
}
