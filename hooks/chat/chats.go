package chat

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/store"
	"stovebot/migrations"
)

// deleteAnswerWithQuestion deletes a question's answer in the same
// transaction as the question.
func deleteAnswerWithQuestion(e *core.RecordEvent) error {
	replyID := e.Record.GetString("reply")
	if replyID == "" {
		return e.Next()
	}
	return store.InTransaction(e, nil, func(txApp core.App) error {
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
