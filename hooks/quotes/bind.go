// Package quotes is the quote board's behaviour behind PocketBase's quotes
// collection: record hooks that trim a quote and stamp its approval, the
// full-text index kept in step with every write, and the import, export
// and approval that the admin commands run.
package quotes

import (
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/hooks/search"
	"stovebot/migrations"
)

// Bind binds the quotes' record hooks and index to app, and returns the
// index, which the chat searches for grounding and offline answers.
func Bind(app core.App, cfg *config.Config) *search.Index {
	app.OnRecordCreate(migrations.QuotesCollection).BindFunc(trimQuote)
	app.OnRecordUpdate(migrations.QuotesCollection).BindFunc(trimQuote)
	app.OnRecordCreate(migrations.QuotesCollection).BindFunc(stampApproval)
	app.OnRecordUpdate(migrations.QuotesCollection).BindFunc(stampApproval)
	app.OnRecordValidate(migrations.QuotesCollection).BindFunc(guard.RefuseControlChars)
	app.OnRecordCreate(migrations.QuotesCollection).BindFunc(moderate)
	app.OnRecordUpdate(migrations.QuotesCollection).BindFunc(moderate)
	app.OnRecordCreateRequest(migrations.QuotesCollection).BindFunc(refuseDuplicate)

	index := search.NewIndex(cfg.QuoteIndexRecheck)
	bindIndex(app, index)
	bindSearch(app, index)
	bindToday(app, cfg)
	bindPage(app)
	return index
}
