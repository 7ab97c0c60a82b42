package migrations

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Field and collection names shared with the hooks.
const (
	UsersCollection = "users"
	ChatsCollection = "chats"

	// ChatContentMax bounds a chat message, long enough for any answer of
	// the upstream's max_tokens and for any STOVEBOT_MAX_CHARS.
	ChatContentMax   = 100000
	QuotesCollection = "quotes"
)

func init() {
	m.Register(upCollections, downCollections)
}

func upCollections(app core.App) error {
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	if err := extendUsers(app, users); err != nil {
		return err
	}
	if err := createChats(app, users); err != nil {
		return err
	}
	return createQuotes(app, users)
}

func extendUsers(app core.App, users *core.Collection) error {
	users.ListRule = types.Pointer(UsersListRule)
	users.ViewRule = types.Pointer(UsersViewRule)
	users.CreateRule = types.Pointer(usersCreateRuleV1)
	users.UpdateRule = types.Pointer(usersUpdateRuleV1)
	users.DeleteRule = types.Pointer(UsersDeleteRule)

	// Kakao may share no email: the email is optional for OAuth2 accounts
	// and required for password sign-up by a hook.
	if email, ok := users.Fields.GetByName("email").(*core.EmailField); ok {
		email.Required = false
	}
	// nickname replaces PocketBase's default name and avatar fields
	users.Fields.RemoveByName("name")
	users.Fields.RemoveByName("avatar")
	users.OAuth2.MappedFields.Name = "nickname"
	users.OAuth2.MappedFields.AvatarURL = ""

	users.Fields.Add(
		&core.TextField{Name: "nickname", Max: 40},
		&core.TextField{Name: "ip_address", Max: 64, Hidden: true},
		&core.DateField{Name: "last_login"},
		&core.NumberField{Name: "daily_limit", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(100000.0)},
		&core.BoolField{Name: "blocked"},
	)
	return app.Save(users)
}

func createChats(app core.App, users *core.Collection) error {
	if _, err := app.FindCollectionByNameOrId(ChatsCollection); err == nil {
		return nil // already there: a second run changes nothing
	}

	chats := core.NewBaseCollection(ChatsCollection)
	chats.ListRule = types.Pointer(ChatsListRule)
	chats.ViewRule = types.Pointer(ChatsViewRule)
	chats.DeleteRule = types.Pointer(ChatsDeleteRule)
	chats.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, CascadeDelete: true, MaxSelect: 1},
		&core.SelectField{Name: "role", Values: []string{"user", "assistant"}, Required: true, MaxSelect: 1},
		&core.TextField{Name: "content", Required: true, Max: ChatContentMax},
		&core.SelectField{Name: "status", Values: []string{"pending", "done", "failed"}, Required: true, MaxSelect: 1},
		&core.TextField{Name: "model", Max: 200},
		&core.NumberField{Name: "prompt_tokens", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "completion_tokens", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	chats.AddIndex("idx_chats_user_created", false, "`user`, `created`", "")
	// empty but for requests in flight: start-up finds those a crash left
	chats.AddIndex("idx_chats_pending", false, "`status`", "`status` = 'pending'")
	if err := app.Save(chats); err != nil {
		return err
	}

	// a self-relation needs the collection's id, so it is added on a second save
	chats.Fields.Add(&core.RelationField{Name: "reply", CollectionId: chats.Id, MaxSelect: 1})
	return app.Save(chats)
}

func createQuotes(app core.App, users *core.Collection) error {
	if _, err := app.FindCollectionByNameOrId(QuotesCollection); err == nil {
		return nil
	}

	quotes := core.NewBaseCollection(QuotesCollection)
	quotes.ListRule = types.Pointer(quotesListRuleV1)
	quotes.ViewRule = types.Pointer(quotesListRuleV1)
	quotes.CreateRule = types.Pointer(quotesCreateRuleV1)
	quotes.UpdateRule = types.Pointer(quotesUpdateRuleV1)
	quotes.DeleteRule = types.Pointer(QuotesDeleteRule)
	quotes.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
		&core.TextField{Name: "content", Required: true, Min: 1, Max: 500},
		&core.TextField{Name: "speaker", Max: 50},
		&core.NumberField{Name: "episode", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(1000.0)},
		&core.BoolField{Name: "is_apply"},
		&core.DateField{Name: "applied_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	quotes.AddIndex("idx_quotes_is_apply_created", false, "`is_apply`, `created`", "")
	quotes.AddIndex("idx_quotes_user", false, "`user`", "")
	return app.Save(quotes)
}

func downCollections(app core.App) error {
	for _, name := range []string{QuotesCollection, ChatsCollection} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue // already gone
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}

	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	for _, name := range []string{"nickname", "ip_address", "last_login", "daily_limit", "blocked"} {
		users.Fields.RemoveByName(name)
	}
	// restore PocketBase's defaults for an auth collection
	users.ListRule = types.Pointer("id = @request.auth.id")
	users.ViewRule = types.Pointer("id = @request.auth.id")
	users.CreateRule = types.Pointer("")
	users.UpdateRule = types.Pointer("id = @request.auth.id")
	users.DeleteRule = types.Pointer("id = @request.auth.id")
	if email, ok := users.Fields.GetByName("email").(*core.EmailField); ok {
		email.Required = true
	}
	if users.Fields.GetByName("name") == nil {
		users.Fields.Add(&core.TextField{Name: "name", Max: 255})
	}
	if users.Fields.GetByName("avatar") == nil {
		users.Fields.Add(&core.FileField{Name: "avatar", MaxSelect: 1, MimeTypes: []string{"image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"}})
	}
	users.OAuth2.MappedFields.Name = "name"
	users.OAuth2.MappedFields.AvatarURL = "avatar"
	if err := app.Save(users); err != nil {
		return errors.Join(errors.New("restoring users"), err)
	}
	return nil
}
