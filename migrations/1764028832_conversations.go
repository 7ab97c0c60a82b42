package migrations

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Conversations (SPEC 13.2): each chats record belongs to one conversation
// of its user; an answer points at its question.
const (
	ConversationsCollection = "conversations"

	// ConversationTitleMax bounds a conversation's title.
	ConversationTitleMax = 100
	// ConversationTitleChars is how much of its first question titles a
	// conversation that the server makes.
	ConversationTitleChars = 40

	// ConversationActivityTrigger moves a conversation's updated date to
	// the created date of each chats record inserted into it, whoever
	// inserts it: the server's plain SQL, a superuser's save, the CLI. It
	// fires no PocketBase event.
	ConversationActivityTrigger = "_stovebot_conversation_activity"
)

func init() {
	m.Register(upConversations, downConversations)
}

// ConversationTitle is the title the server gives a conversation from
// its first question: the question's first ConversationTitleChars
// characters, with each run of spaces and line breaks made one space.
func ConversationTitle(question string) string {
	title := strings.Join(strings.Fields(question), " ")
	n := 0
	for i := range title {
		if n == ConversationTitleChars {
			return strings.TrimSpace(title[:i])
		}
		n++
	}
	return title
}

func upConversations(app core.App) error {
	if _, err := app.FindCollectionByNameOrId(ConversationsCollection); err == nil {
		return nil // already there: a second run changes nothing
	}
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	chats, err := app.FindCollectionByNameOrId(ChatsCollection)
	if err != nil {
		return err
	}

	conversations := core.NewBaseCollection(ConversationsCollection)
	conversations.ListRule = types.Pointer(ConversationsListRule)
	conversations.ViewRule = types.Pointer(ConversationsViewRule)
	conversations.UpdateRule = types.Pointer(ConversationsUpdateRule)
	conversations.DeleteRule = types.Pointer(ConversationsDeleteRule)
	conversations.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, CascadeDelete: true, MaxSelect: 1},
		&core.TextField{Name: "title", Max: ConversationTitleMax},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	// the conversation list, newest activity first, and the legacy API's
	// "most recent conversation"
	conversations.AddIndex("idx_conversations_user_updated", false, "`user`, `updated`", "")
	if err := app.Save(conversations); err != nil {
		return err
	}

	chats.Fields.Add(
		&core.RelationField{Name: "conversation", CollectionId: conversations.Id, Required: true, CascadeDelete: true, MaxSelect: 1},
		&core.RelationField{Name: "question", CollectionId: chats.Id, CascadeDelete: true, MaxSelect: 1},
	)
	// a conversation's messages, and the context sent upstream
	chats.AddIndex("idx_chats_conversation_created", false, "`conversation`, `created`", "")
	// the answers of a question, found by PocketBase's cascade delete
	chats.AddIndex("idx_chats_question", false, "`question`", "")
	if err := app.Save(chats); err != nil {
		return err
	}

	if err := moveChatsIntoConversations(app); err != nil {
		return err
	}
	_, err = app.DB().NewQuery(`CREATE TRIGGER IF NOT EXISTS ` + ConversationActivityTrigger + `
		AFTER INSERT ON ` + ChatsCollection + ` BEGIN
			UPDATE ` + ConversationsCollection + ` SET [[updated]] = NEW.[[created]]
			WHERE [[id]] = NEW.[[conversation]] AND [[updated]] < NEW.[[created]];
		END`).Execute()
	return err
}

// moveChatsIntoConversations puts each user's chats into one new
// conversation titled by the user's first question, created with the first
// chat and last active with the last, and links each answer to the
// question whose reply it is.
func moveChatsIntoConversations(app core.App) error {
	var owners []struct {
		User  string `db:"user"`
		First string `db:"first"`
		Last  string `db:"last"`
	}
	err := app.DB().NewQuery(`SELECT [[user]], min([[created]]) AS [[first]], max([[created]]) AS [[last]]
		FROM ` + ChatsCollection + ` GROUP BY [[user]]`).All(&owners)
	if err != nil {
		return fmt.Errorf("reading the chats' owners: %w", err)
	}
	for _, o := range owners {
		var question string
		err := app.DB().Select("content").From(ChatsCollection).
			Where(dbx.HashExp{"user": o.User, "role": "user"}).
			OrderBy("created ASC").Limit(1).Row(&question)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reading the first question of %s: %w", o.User, err)
		}
		id := core.GenerateDefaultRandomId()
		_, err = app.DB().Insert(ConversationsCollection, dbx.Params{
			"id": id, "user": o.User, "title": ConversationTitle(question), "created": o.First, "updated": o.Last,
		}).Execute()
		if err != nil {
			return fmt.Errorf("making the conversation of %s: %w", o.User, err)
		}
		_, err = app.DB().Update(ChatsCollection, dbx.Params{"conversation": id}, dbx.HashExp{"user": o.User}).Execute()
		if err != nil {
			return fmt.Errorf("moving the chats of %s: %w", o.User, err)
		}
	}
	_, err = app.DB().NewQuery(`UPDATE ` + ChatsCollection + ` SET [[question]] = q.[[id]]
		FROM (SELECT [[id]], [[reply]] FROM ` + ChatsCollection + ` WHERE [[reply]] != '') AS q
		WHERE ` + ChatsCollection + `.[[id]] = q.[[reply]] AND ` + ChatsCollection + `.[[role]] = 'assistant'`).Execute()
	if err != nil {
		return fmt.Errorf("linking answers to their questions: %w", err)
	}
	return nil
}

func downConversations(app core.App) error {
	if _, err := app.DB().NewQuery(`DROP TRIGGER IF EXISTS ` + ConversationActivityTrigger).Execute(); err != nil {
		return err
	}
	chats, err := app.FindCollectionByNameOrId(ChatsCollection)
	if err != nil {
		return err
	}
	chats.Fields.RemoveByName("conversation")
	chats.Fields.RemoveByName("question")
	chats.RemoveIndex("idx_chats_conversation_created")
	chats.RemoveIndex("idx_chats_question")
	if err := app.Save(chats); err != nil {
		return err
	}
	conversations, err := app.FindCollectionByNameOrId(ConversationsCollection)
	if err != nil {
		return nil // already gone
	}
	return app.Delete(conversations)
}
