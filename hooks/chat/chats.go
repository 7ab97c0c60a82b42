package chat

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// deleteAnswerWithQuestion deletes a question's answer in the same
// transaction as the question.
func deleteAnswerWithQuestion(e *core.RecordEvent) error {
	replyID := e.Record.GetString("reply")
	if replyID == "" {
		return e.Next()
	}
	// PocketBase fires the after-delete events with e.App once this hook
	// returns: give it back the app it had, not the committed transaction
	app := e.App
	defer func() { e.App = app }()
	return app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		reply, err := txApp.FindRecordById(migrations.ChatsCollection, replyID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already gone, e.g. deleted on its own
		}
		if err != nil {
			return err
		}
		return txApp.Delete(reply)
	})
}
