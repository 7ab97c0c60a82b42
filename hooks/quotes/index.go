package quotes

import (
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/search"
	"stovebot/hooks/store"
	"stovebot/migrations"
)

// bindIndex keeps the full-text index in step with every quote write
// (API, dashboard, CLI), in the same transaction as the write, tells the
// copy in memory once the write has committed, and repairs the index at
// start-up when a write bypassed the hooks.
func bindIndex(app core.App, quotes *search.Index) {
	sync := func(e *core.RecordEvent) error {
		return store.InTransaction(e, nil, func(txApp core.App) error {
			r := e.Record
			return search.Sync(txApp.DB(), r.Id, r.GetString("content"), r.GetString("speaker"), r.GetBool("is_apply"))
		})
	}
	app.OnRecordCreateExecute(migrations.QuotesCollection).BindFunc(sync)
	app.OnRecordUpdateExecute(migrations.QuotesCollection).BindFunc(sync)
	app.OnRecordDeleteExecute(migrations.QuotesCollection).BindFunc(func(e *core.RecordEvent) error {
		return store.InTransaction(e, nil, func(txApp core.App) error { return search.Remove(txApp.DB(), e.Record.Id) })
	})

	changed := func(e *core.RecordEvent) error {
		quotes.Changed()
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess(migrations.QuotesCollection).BindFunc(changed)
	app.OnRecordAfterUpdateSuccess(migrations.QuotesCollection).BindFunc(changed)
	app.OnRecordAfterDeleteSuccess(migrations.QuotesCollection).BindFunc(changed)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		inStep, err := search.InStep(se.App.DB())
		if err != nil {
			return err
		}
		if !inStep {
			se.App.Logger().Info("rebuilding the quote index")
			if err := se.App.RunInTransaction(func(txApp core.App) error { return search.Rebuild(txApp.DB()) }); err != nil {
				return err
			}
			quotes.Changed()
		}
		return se.Next()
	})
}
