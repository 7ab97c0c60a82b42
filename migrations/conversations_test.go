package migrations

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

func TestConversationTitle(t *testing.T) {
	t.Parallel()
	scenarios := []struct{ question, want string }{
		{"", ""},
		{"짧은 질문", "짧은 질문"},
		{"  spaced \n\t out  ", "spaced out"},
		{strings.Repeat("가", 40), strings.Repeat("가", 40)},
		{strings.Repeat("가", 41), strings.Repeat("가", 40)},
		// cut after 39 letters and a space: no trailing space
		{strings.Repeat("a", 39) + " bcd", strings.Repeat("a", 39)},
		{"  우리는 어차피   지는 팀이\n아닙니다. 이 문장은 사십 글자를 넘도록 조금 더 길게 씁니다  ",
			"우리는 어차피 지는 팀이 아닙니다. 이 문장은 사십 글자를 넘도록 조금"},
		{strings.Repeat("😀", 50), strings.Repeat("😀", 40)},
	}
	for _, s := range scenarios {
		if got := ConversationTitle(s.question); got != s.want {
			t.Errorf("ConversationTitle(%q): expected %q, got %q", s.question, s.want, got)
		}
	}
}

// The conversations migration puts each user's chats into one conversation
// titled by their first question, dated from their first chat to their
// last, and links each answer to its question; down removes conversations,
// the new chats fields and the trigger, and up does it all again.
func TestConversationsMigrationMovesChats(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	var m *core.Migration
	for _, own := range ownMigrations(t) {
		if own.File == "1764028832_conversations.go" {
			m = own
		}
	}
	if m == nil {
		t.Fatal("expected the conversations migration to be registered")
	}
	if err := m.Down(app); err != nil {
		t.Fatalf("down: %v", err)
	}
	checkNoConversations(t, app)

	checkWorking(t, app, "fan@example.com")
	checkWorking(t, app, "other@example.com")
	checkWorking(t, app, "quiet@example.com") // no chats: no conversation
	userID := func(email string) string {
		u, err := app.FindAuthRecordByEmail(UsersCollection, email)
		if err != nil {
			t.Fatal(err)
		}
		return u.Id
	}
	fan, other := userID("fan@example.com"), userID("other@example.com")
	const long = "  우리는 어차피   지는 팀이\n아닙니다. 이 문장은 사십 글자를 넘도록 조금 더 길게 씁니다  "
	for _, c := range []struct{ id, user, role, content, status, reply, created string }{
		{"fanq00000000001", fan, "user", long, "done", "fana00000000001", "2026-11-01 10:00:00.000Z"},
		{"fana00000000001", fan, "assistant", "첫 대답", "done", "", "2026-11-01 10:00:01.000Z"},
		{"fanq00000000002", fan, "user", "failed, no answer", "failed", "", "2026-11-02 10:00:00.000Z"},
		{"fanq00000000003", fan, "user", "cut short", "failed", "fana00000000003", "2026-11-03 10:00:00.000Z"},
		{"fana00000000003", fan, "assistant", "partial", "failed", "", "2026-11-03 10:00:02.000Z"},
		{"othq00000000001", other, "user", "other's question", "done", "otha00000000001", "2026-11-05 09:00:00.000Z"},
		{"otha00000000001", other, "assistant", "other's answer", "done", "", "2026-11-05 09:00:01.000Z"},
	} {
		_, err := app.DB().Insert(ChatsCollection, dbx.Params{"id": c.id, "user": c.user, "role": c.role, "content": c.content,
			"status": c.status, "reply": c.reply, "created": c.created, "updated": c.created}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}

	moved := func() {
		t.Helper()
		want := map[string]struct{ title, created, updated string }{
			fan:   {"우리는 어차피 지는 팀이 아닙니다. 이 문장은 사십 글자를 넘도록 조금", "2026-11-01 10:00:00.000Z", "2026-11-03 10:00:02.000Z"},
			other: {"other's question", "2026-11-05 09:00:00.000Z", "2026-11-05 09:00:01.000Z"},
		}
		convs, err := app.FindAllRecords(ConversationsCollection)
		if err != nil {
			t.Fatal(err)
		}
		if len(convs) != len(want) {
			t.Fatalf("expected one conversation for each user with chats, got %d", len(convs))
		}
		for _, conv := range convs {
			w, ok := want[conv.GetString("user")]
			if !ok {
				t.Fatalf("expected no conversation for %s", conv.GetString("user"))
			}
			if got := conv.GetString("title"); got != w.title {
				t.Fatalf("expected the title %q, got %q", w.title, got)
			}
			if c, u := conv.GetDateTime("created").String(), conv.GetDateTime("updated").String(); c != w.created || u != w.updated {
				t.Fatalf("expected the conversation dated %s to %s, got %s to %s", w.created, w.updated, c, u)
			}
			chats, err := app.FindAllRecords(ChatsCollection, dbx.HashExp{"user": conv.GetString("user")})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range chats {
				if c.GetString("conversation") != conv.Id {
					t.Fatalf("expected chat %s in conversation %s, got %q", c.Id, conv.Id, c.GetString("conversation"))
				}
				wantQuestion := map[string]string{"fana00000000001": "fanq00000000001", "fana00000000003": "fanq00000000003",
					"otha00000000001": "othq00000000001"}[c.Id]
				if got := c.GetString("question"); got != wantQuestion {
					t.Fatalf("expected chat %s to point at the question %q, got %q", c.Id, wantQuestion, got)
				}
			}
		}
		// a new message moves its conversation's last activity
		conv := convs[0]
		_, err = app.DB().Insert(ChatsCollection, dbx.Params{"id": "newq00000000001", "user": conv.GetString("user"),
			"conversation": conv.Id, "role": "user", "content": "later", "status": "done",
			"created": "2026-12-01 10:00:00.000Z", "updated": "2026-12-01 10:00:00.000Z"}).Execute()
		if err != nil {
			t.Fatal(err)
		}
		conv, err = app.FindRecordById(ConversationsCollection, conv.Id)
		if err != nil {
			t.Fatal(err)
		}
		if got := conv.GetDateTime("updated").String(); got != "2026-12-01 10:00:00.000Z" {
			t.Fatalf("expected a new message to move the conversation's updated, got %s", got)
		}
		if _, err := app.DB().Delete(ChatsCollection, dbx.HashExp{"id": "newq00000000001"}).Execute(); err != nil {
			t.Fatal(err)
		}
	}

	if err := m.Up(app); err != nil {
		t.Fatalf("up: %v", err)
	}
	moved()
	checkDataModel(t, app)

	if err := m.Down(app); err != nil {
		t.Fatalf("down with data: %v", err)
	}
	checkNoConversations(t, app)
	var chats int
	if err := app.DB().Select("count(*)").From(ChatsCollection).Row(&chats); err != nil || chats != 7 {
		t.Fatalf("expected down to keep the 7 chats, got %d (%v)", chats, err)
	}

	if err := m.Up(app); err != nil {
		t.Fatalf("up again: %v", err)
	}
	moved()
}

// checkNoConversations fails unless the conversations collection, the new
// chats fields and the activity trigger are gone.
func checkNoConversations(t *testing.T, app core.App) {
	t.Helper()
	if _, err := app.FindCollectionByNameOrId(ConversationsCollection); err == nil {
		t.Fatal("expected no conversations collection")
	}
	chats, err := app.FindCollectionByNameOrId(ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"conversation", "question"} {
		if chats.Fields.GetByName(name) != nil {
			t.Fatalf("expected no chats.%s", name)
		}
	}
	var columns int
	err = app.DB().NewQuery(`SELECT count(*) FROM pragma_table_info('chats') WHERE name IN ('conversation', 'question')`).Row(&columns)
	if err != nil || columns != 0 {
		t.Fatalf("expected the columns dropped, got %d (%v)", columns, err)
	}
	var triggers int
	err = app.DB().Select("count(*)").From("sqlite_master").
		Where(dbx.HashExp{"type": "trigger", "name": ConversationActivityTrigger}).Row(&triggers)
	if err != nil || triggers != 0 {
		t.Fatalf("expected the activity trigger dropped, got %d (%v)", triggers, err)
	}
}
