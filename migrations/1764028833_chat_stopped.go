package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ChatStatusStopped is the status of an answer that its user stopped, and
// of its question (SPEC 13.2).
const ChatStatusStopped = "stopped"

// The chats' status gains "stopped". Down turns stopped records into
// failed ones, the nearest earlier value: neither is sent as context.
func init() {
	m.Register(upChatStopped, downChatStopped)
}

func chatStatusField(app core.App) (*core.Collection, *core.SelectField, error) {
	chats, err := app.FindCollectionByNameOrId(ChatsCollection)
	if err != nil {
		return nil, nil, err
	}
	f, ok := chats.Fields.GetByName("status").(*core.SelectField)
	if !ok {
		return nil, nil, fmt.Errorf("chats.status is not a select field")
	}
	return chats, f, nil
}

func upChatStopped(app core.App) error {
	chats, status, err := chatStatusField(app)
	if err != nil {
		return err
	}
	if slices.Contains(status.Values, ChatStatusStopped) {
		return nil // already there: a second run changes nothing
	}
	status.Values = append(status.Values, ChatStatusStopped)
	return app.Save(chats)
}

func downChatStopped(app core.App) error {
	_, err := app.DB().Update(ChatsCollection, dbx.Params{"status": "failed"},
		dbx.HashExp{"status": ChatStatusStopped}).Execute()
	if err != nil {
		return fmt.Errorf("failing the stopped chats: %w", err)
	}
	chats, status, err := chatStatusField(app)
	if err != nil {
		return err
	}
	status.Values = slices.DeleteFunc(status.Values, func(v string) bool { return v == ChatStatusStopped })
	return app.Save(chats)
}
