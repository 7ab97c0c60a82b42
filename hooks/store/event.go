package store

import "github.com/pocketbase/pocketbase/core"

// InTransaction runs before, the rest of e's hook chain (the write) and
// after in one transaction, and gives e back its app once the transaction
// has ended; before and after may be nil. PocketBase fires the after-save
// and after-delete events with e.App once the hook returns, and realtime
// checks each subscriber's access through that app's database: left on the
// committed transaction, every check but a superuser's fails, and an
// after-delete hook that reads fails too.
func InTransaction(e *core.RecordEvent, before, after func(txApp core.App) error) error {
	app := e.App
	defer func() { e.App = app }()
	return app.RunInTransaction(func(txApp core.App) error {
		if before != nil {
			if err := before(txApp); err != nil {
				return err
			}
		}
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		if after != nil {
			return after(txApp)
		}
		return nil
	})
}
