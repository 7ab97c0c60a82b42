package chat

import (
	"context"
	"database/sql"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/hooks/store"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// recordWriter writes the chats records of one chat request (and the
// conversation it starts, see conversation) inside a transaction and remembers what it wrote, so that once the transaction
// has committed a single announce fires the events PocketBase fires after
// a save: realtime subscriptions and OnRecordAfter*Success hooks see the
// records as if app.Save had written them.
//
//	var w *recordWriter
//	err := app.RunInTransaction(func(txApp core.App) error {
//		var err error
//		if w, err = newRecordWriter(txApp); err != nil {
//			return err
//		}
//		question = w.newQuestion(userID, content)
//		return w.insertQuestion(question, conversationID)
//	})
//	if err == nil {
//		w.announce(app)
//	}
//
// It writes with plain SQL on the transaction's *sql.Tx (kept prepared by
// stmtcache), not with app.Save: PocketBase's save machinery (its before
// and execute hooks and the field interceptors) costs more CPU than the
// three writes of a chat request. The records are complete (id and dates
// as PocketBase sets them), but OnRecordCreate/OnRecordUpdate hooks and
// validation do not run for them. Do not use it for records that a user
// or an admin writes, and never announce a transaction that rolled back.
type recordWriter struct {
	app           core.App // the transaction's
	tx            *sql.Tx
	collection    *core.Collection
	conversations *core.Collection // loaded by the first conversation step
	created       []*core.Record   // in the order written
	updated       []*core.Record
}

// newRecordWriter returns a writer for txApp, the app of a transaction.
func newRecordWriter(txApp core.App) (*recordWriter, error) {
	tx, err := store.SQLTx(txApp)
	if err != nil {
		return nil, err
	}
	collection, err := txApp.FindCachedCollectionByNameOrId(migrations.ChatsCollection)
	if err != nil {
		return nil, err
	}
	return &recordWriter{app: txApp, tx: tx, collection: collection}, nil
}

// newQuestion returns a user's question, pending its answer, for
// insertQuestion once its conversation is known.
func (w *recordWriter) newQuestion(userID, content string) *core.Record {
	return newChat(w.collection, userID, RoleUser, content, StatusPending)
}

// insertQuestion writes question (newQuestion) into conversationID.
func (w *recordWriter) insertQuestion(question *core.Record, conversationID string) error {
	question.Set("conversation", conversationID)
	return w.insert(question)
}

// insertAnswer writes a finished answer to question, in its conversation,
// with its model and token usage. Link the question to it with
// updateQuestion.
func (w *recordWriter) insertAnswer(question *core.Record, res upstream.Result) (*core.Record, error) {
	r := newAnswer(w.collection, question, res.Content, StatusDone)
	r.Set("model", res.Model)
	r.Set("prompt_tokens", res.PromptTokens)
	r.Set("completion_tokens", res.CompletionTokens)
	return r, w.insert(r)
}

// insertAnswerText writes the text a request made before it failed or was
// stopped, as an answer to question with that status. Link the question to
// it with updateQuestion.
func (w *recordWriter) insertAnswerText(question *core.Record, text, status string) (*core.Record, error) {
	r := newAnswer(w.collection, question, text, status)
	return r, w.insert(r)
}

// updateQuestion sets a question's status, links its reply unless reply
// is nil, moves its updated date and writes it. The record is changed in
// memory first: if the transaction rolls back, the caller restores it.
func (w *recordWriter) updateQuestion(question *core.Record, status string, reply *core.Record) error {
	question.Set("status", status)
	if reply != nil {
		question.Set("reply", reply.Id)
	}
	question.SetRaw("updated", types.NowDateTime())
	_, err := w.tx.Exec(updateChatSQL, question.GetString("status"), question.GetString("reply"),
		question.GetDateTime("updated").String(), question.Id)
	if err != nil {
		return err
	}
	w.updated = append(w.updated, question)
	return nil
}

// announce fires, after the writer's transaction has committed, the
// after-create events of the records it inserted, in the order written,
// then the after-update events of those it updated. app is the app the
// transaction ran on, not the transaction's. A failing hook is logged:
// the records are saved all the same.
func (w *recordWriter) announce(app core.App) {
	for _, r := range w.created {
		fireAfterSave(app, core.ModelEventTypeCreate, r)
	}
	for _, r := range w.updated {
		fireAfterSave(app, core.ModelEventTypeUpdate, r)
	}
}

func fireAfterSave(app core.App, eventType string, r *core.Record) {
	e := &core.ModelEvent{App: app, Context: context.Background(), Type: eventType, Model: r}
	hook := app.OnModelAfterCreateSuccess()
	if eventType == core.ModelEventTypeUpdate {
		hook = app.OnModelAfterUpdateSuccess()
	}
	if err := hook.Trigger(e); err != nil {
		app.Logger().Warn("chat: an after-save hook failed", "record", r.Id, "error", err)
	}
}

func (w *recordWriter) insert(r *core.Record) error {
	_, err := w.tx.Exec(insertChatSQL, r.Id, r.GetString("user"), r.GetString("conversation"), r.GetString("role"),
		r.GetString("content"), r.GetString("status"), r.GetString("reply"), r.GetString("question"), r.GetString("model"),
		r.GetInt("prompt_tokens"), r.GetInt("completion_tokens"),
		r.GetDateTime("created").String(), r.GetDateTime("updated").String())
	if err != nil {
		return err
	}
	r.MarkAsNotNew()
	w.created = append(w.created, r)
	return nil
}

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

// newAnswer returns a new answer to question, in its conversation.
func newAnswer(collection *core.Collection, question *core.Record, content, status string) *core.Record {
	r := newChat(collection, question.GetString("user"), RoleAssistant, content, status)
	r.Set("conversation", question.GetString("conversation"))
	r.Set("question", question.Id)
	return r
}

const insertChatSQL = `INSERT INTO ` + migrations.ChatsCollection + `
	("id", "user", "conversation", "role", "content", "status", "reply", "question", "model", "prompt_tokens", "completion_tokens", "created", "updated")
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const updateChatSQL = `UPDATE ` + migrations.ChatsCollection + ` SET "status" = ?, "reply" = ?, "updated" = ? WHERE "id" = ?`
