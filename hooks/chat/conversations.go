package chat

import (
	"database/sql"
	"errors"
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/hooks/guard"
	"stovebot/hooks/store"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// ErrConversationNotFound: the conversation a request names is not one of
// the caller's (unknown, deleted, or another user's).
var ErrConversationNotFound = errors.New("no such conversation")

// Question is one chat request: what is asked, and in which conversation.
type Question struct {
	Content string
	Key     string // its Idempotency-Key, or ""

	// Conversation is the id of one of the user's conversations to
	// continue; "" starts a new one, titled from the question (unless
	// Latest).
	Conversation string
	// Latest continues the user's most recently active conversation, or
	// starts one if they have none: the legacy API, which knows no
	// conversations.
	Latest bool
	// Title names the conversation the question starts, if it starts one;
	// "": titled from the question.
	Title string

	// OwnContext sends Context upstream before the question instead of
	// the conversation's last messages: the /v1 API's client sends its own.
	OwnContext bool
	Context    []upstream.Message

	// Options of the upstream call.
	Options CallOptions
}

// CallOptions are a client's choices for the upstream call: MaxTokens (0:
// the server's most) is capped by the server's; nil leaves the upstream's
// defaults.
type CallOptions struct {
	MaxTokens   int
	Temperature *float32
	TopP        *float32
}

// validConversationID reports whether id can be a conversation's id: the
// default record id of PocketBase, 15 characters of a-z and 0-9.
func validConversationID(id string) bool {
	if len(id) != core.DefaultIdLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// checkConversation refuses a conversation id that cannot be one.
func checkConversation(id string) error {
	if id != "" && !validConversationID(id) {
		return guard.FieldError("conversation", "validation_invalid_id",
			"conversation must be the id of one of your conversations (15 letters a-z and digits).")
	}
	return nil
}

// conversation finds or makes, in w's transaction, the conversation that
// question goes into: q.Conversation when it is userID's (else
// ErrConversationNotFound), the most recent one for q.Latest, or a new one
// titled from the question. Its updated date is the question's created
// date, as the activity trigger sets it. fresh reports a new conversation,
// which has no earlier messages.
func (w *recordWriter) conversation(userID string, q Question, question *core.Record) (conv *core.Record, fresh bool, err error) {
	if w.conversations == nil {
		if w.conversations, err = w.app.FindCachedCollectionByNameOrId(migrations.ConversationsCollection); err != nil {
			return nil, false, err
		}
	}
	conv = core.NewRecord(w.conversations)
	conv.Set("user", userID)
	var title, created string
	switch {
	case q.Conversation != "":
		conv.Id = q.Conversation
		err = w.tx.QueryRow(findConversationSQL, q.Conversation, userID).Scan(&title, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, ErrConversationNotFound
		}
	case q.Latest:
		err = w.tx.QueryRow(latestConversationSQL, userID).Scan(&conv.Id, &title, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return w.newConversation(conv, question, q.Title)
		}
	default:
		return w.newConversation(conv, question, q.Title)
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the conversation: %w", err)
	}
	conv.Set("title", title)
	createdAt, err := types.ParseDateTime(created)
	if err != nil {
		return nil, false, fmt.Errorf("reading the conversation's date: %w", err)
	}
	conv.SetRaw("created", createdAt)
	conv.SetRaw("updated", question.GetDateTime("created"))
	conv.MarkAsNotNew()
	return conv, false, nil
}

// newConversation writes conv, titled from question and dated as it is.
func (w *recordWriter) newConversation(conv, question *core.Record, title string) (*core.Record, bool, error) {
	conv.Id = core.GenerateDefaultRandomId()
	if title == "" {
		title = migrations.ConversationTitle(question.GetString("content"))
	}
	conv.Set("title", title)
	at := question.GetDateTime("created")
	conv.SetRaw("created", at)
	conv.SetRaw("updated", at)
	_, err := w.tx.Exec(insertConversationSQL, conv.Id, conv.GetString("user"), conv.GetString("title"), at.String(), at.String())
	if err != nil {
		return nil, false, fmt.Errorf("making a conversation: %w", err)
	}
	conv.MarkAsNotNew()
	w.created = append(w.created, conv)
	return conv, true, nil
}

const (
	findConversationSQL = `SELECT "title", "created" FROM ` + migrations.ConversationsCollection + `
	WHERE "id" = ? AND "user" = ?`
	latestConversationSQL = `SELECT "id", "title", "created" FROM ` + migrations.ConversationsCollection + `
	WHERE "user" = ? ORDER BY "updated" DESC LIMIT 1`
	insertConversationSQL = `INSERT INTO ` + migrations.ConversationsCollection + `
	("id", "user", "title", "created", "updated") VALUES (?, ?, ?, ?, ?)`
)

// placeInConversation puts a chats record saved without a conversation
// (by a superuser, in the dashboard or the records API) into its user's
// most recently active conversation, made if they have none; a
// conversation of another user is refused. The server's own chats are
// written with SQL and never pass here.
func placeInConversation(e *core.RecordEvent) error {
	userID := e.Record.GetString("user")
	if userID == "" {
		return e.Next() // validation refuses it
	}
	if id := e.Record.GetString("conversation"); id != "" {
		conv, err := e.App.FindRecordById(migrations.ConversationsCollection, id)
		if err == nil && conv.GetString("user") != userID {
			return validation.Errors{"conversation": validation.NewError("validation_other_user",
				"The conversation belongs to another user.")}
		}
		return e.Next() // an unknown one fails the relation's validation
	}
	return store.InTransaction(e, func(txApp core.App) error {
		latest, err := txApp.FindRecordsByFilter(migrations.ConversationsCollection, "user = {:user}", "-updated", 1, 0,
			map[string]any{"user": userID})
		if err != nil {
			return err
		}
		if len(latest) == 1 {
			e.Record.Set("conversation", latest[0].Id)
			return nil
		}
		c, err := txApp.FindCachedCollectionByNameOrId(migrations.ConversationsCollection)
		if err != nil {
			return err
		}
		conv := core.NewRecord(c)
		conv.Set("user", userID)
		if e.Record.GetString("role") == RoleUser {
			conv.Set("title", migrations.ConversationTitle(e.Record.GetString("content")))
		}
		if err := txApp.Save(conv); err != nil {
			return fmt.Errorf("making a conversation: %w", err)
		}
		e.Record.Set("conversation", conv.Id)
		return nil
	}, nil)
}
