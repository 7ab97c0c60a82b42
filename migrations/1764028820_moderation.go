package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// RejectedReasonMax bounds the reason a moderator gives for a rejection.
const RejectedReasonMax = 200

// Moderation: users.moderator, set by superusers only, lets a user review
// every quote; quotes.rejected_reason (1–200 characters when set) and
// quotes.rejected_at (set by the server) record a rejection.
func init() {
	m.Register(upModeration, downModeration)
}

func upModeration(app core.App) error {
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	users.Fields.Add(&core.BoolField{Name: "moderator"})
	users.CreateRule = types.Pointer(UsersCreateRule)
	users.UpdateRule = types.Pointer(UsersUpdateRule)
	if err := app.Save(users); err != nil {
		return err
	}

	quotes, err := app.FindCollectionByNameOrId(QuotesCollection)
	if err != nil {
		return err
	}
	quotes.Fields.Add(
		&core.TextField{Name: "rejected_reason", Min: 1, Max: RejectedReasonMax},
		&core.DateField{Name: "rejected_at"},
	)
	quotes.ListRule = types.Pointer(QuotesListRule)
	quotes.ViewRule = types.Pointer(QuotesViewRule)
	quotes.CreateRule = types.Pointer(QuotesCreateRule)
	quotes.UpdateRule = types.Pointer(QuotesUpdateRule)
	return app.Save(quotes)
}

func downModeration(app core.App) error {
	quotes, err := app.FindCollectionByNameOrId(QuotesCollection)
	if err != nil {
		return err
	}
	quotes.ListRule = types.Pointer(quotesListRuleV1)
	quotes.ViewRule = types.Pointer(quotesListRuleV1)
	quotes.CreateRule = types.Pointer(quotesCreateRuleV1)
	quotes.UpdateRule = types.Pointer(quotesUpdateRuleV1)
	quotes.Fields.RemoveByName("rejected_reason")
	quotes.Fields.RemoveByName("rejected_at")
	if err := app.Save(quotes); err != nil {
		return err
	}

	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		return err
	}
	users.CreateRule = types.Pointer(usersCreateRuleV1)
	users.UpdateRule = types.Pointer(usersUpdateRuleV1)
	users.Fields.RemoveByName("moderator")
	return app.Save(users)
}
