package chat

import (
	"context"
	"database/sql"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/migrations"
)

// The chat path writes its chats records with plain SQL in the
// transaction (store.SQLTx, kept prepared by stmtcache), not with app.Save:
// PocketBase's save machinery (its before and execute hooks and the field
// interceptors) cost more CPU than the three writes of a chat request. The
// records are complete (id and dates as PocketBase sets them), and once
// their transaction has committed, announce fires the events PocketBase
// fires after a save, so realtime subscriptions and OnRecordAfter*Success
// hooks see them. OnRecordCreate/OnRecordUpdate hooks do not run for them.

// newChat returns a new chats record with its id and dates set.
func newChat(collection *core.Collection, userID, role, content, status string) *core.Record {
	r := core.NewRecord(collection)
	r.Id = core.GenerateDefaultRandomId()
	r.Set("user", userID)
	r.Set("role", role)
	r.Set("content", content)
	r.Set("status", status)
	now := types.NowDateTime()
	r.SetRaw("created", now) // Set leaves autodate fields to the save
	r.SetRaw("updated", now)
	return r
}

const insertChatSQL = `INSERT INTO ` + migrations.ChatsCollection + `
	("id", "user", "role", "content", "status", "reply", "model", "prompt_tokens", "completion_tokens", "created", "updated")
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertChat writes a record made by newChat in tx.
func insertChat(tx *sql.Tx, r *core.Record) error {
	_, err := tx.Exec(insertChatSQL, r.Id, r.GetString("user"), r.GetString("role"), r.GetString("content"),
		r.GetString("status"), r.GetString("reply"), r.GetString("model"),
		r.GetInt("prompt_tokens"), r.GetInt("completion_tokens"),
		r.GetDateTime("created").String(), r.GetDateTime("updated").String())
	if err == nil {
		r.MarkAsNotNew()
	}
	return err
}

const updateChatSQL = `UPDATE ` + migrations.ChatsCollection + ` SET "status" = ?, "reply" = ?, "updated" = ? WHERE "id" = ?`

// updateChatStatus writes a record's status and reply in tx, and moves
// its updated date.
func updateChatStatus(tx *sql.Tx, r *core.Record) error {
	r.SetRaw("updated", types.NowDateTime())
	_, err := tx.Exec(updateChatSQL, r.GetString("status"), r.GetString("reply"), r.GetDateTime("updated").String(), r.Id)
	return err
}

// announce fires PocketBase's after-save events for records written above,
// after their transaction has committed.
func announce(app core.App, eventType string, records ...*core.Record) {
	for _, r := range records {
		if r == nil {
			continue
		}
		e := &core.ModelEvent{App: app, Context: context.Background(), Type: eventType, Model: r}
		hook := app.OnModelAfterCreateSuccess()
		if eventType == core.ModelEventTypeUpdate {
			hook = app.OnModelAfterUpdateSuccess()
		}
		if err := hook.Trigger(e); err != nil {
			app.Logger().Warn("chat: an after-save hook failed", "record", r.Id, "error", err)
		}
	}
}
