package migrations

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Down turns stopped chats into failed ones, which the earlier status
// field takes; up takes stopped again.
func TestChatStoppedMigrationDownThenUp(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	var m *core.Migration
	for _, own := range ownMigrations(t) {
		if own.File == "1764028833_chat_stopped.go" {
			m = own
		}
	}
	if m == nil {
		t.Fatal("expected the chat_stopped migration to be registered")
	}
	checkWorking(t, app, "stopper@example.com")
	u, err := app.FindAuthRecordByEmail(UsersCollection, "stopper@example.com")
	if err != nil {
		t.Fatal(err)
	}
	chats, err := app.FindCollectionByNameOrId(ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	conversations, err := app.FindCollectionByNameOrId(ConversationsCollection)
	if err != nil {
		t.Fatal(err)
	}
	conv := core.NewRecord(conversations)
	conv.Set("user", u.Id)
	if err := app.Save(conv); err != nil {
		t.Fatal(err)
	}
	stopped := core.NewRecord(chats)
	stopped.Set("conversation", conv.Id)
	stopped.Set("user", u.Id)
	stopped.Set("role", "user")
	stopped.Set("content", "멈춘 질문")
	stopped.Set("status", ChatStatusStopped)
	if err := app.Save(stopped); err != nil {
		t.Fatalf("expected a stopped chat to save, got %v", err)
	}

	if err := m.Down(app); err != nil {
		t.Fatalf("down: %v", err)
	}
	var status string
	if err := app.DB().Select("status").From(ChatsCollection).Where(dbx.HashExp{"id": stopped.Id}).Row(&status); err != nil {
		t.Fatal(err)
	}
	if status != "failed" {
		t.Fatalf("expected the stopped chat failed after down, got %q", status)
	}
	again, err := app.FindRecordById(ChatsCollection, stopped.Id)
	if err != nil {
		t.Fatal(err)
	}
	again.Set("status", ChatStatusStopped)
	if err := app.Save(again); err == nil {
		t.Fatal("expected stopped to be refused after down")
	}

	if err := m.Up(app); err != nil {
		t.Fatalf("up: %v", err)
	}
	if err := m.Up(app); err != nil {
		t.Fatalf("second up: %v", err)
	}
	checkDataModel(t, app)
	if again, err = app.FindRecordById(ChatsCollection, stopped.Id); err != nil {
		t.Fatal(err)
	}
	again.Set("status", ChatStatusStopped)
	if err := app.Save(again); err != nil {
		t.Fatalf("expected stopped to be taken again after up, got %v", err)
	}
}
