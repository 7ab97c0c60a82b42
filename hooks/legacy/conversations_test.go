package legacy_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The legacy API knows no conversations (SPEC 13.2): POST /chat continues
// the user's most recently active conversation, or makes one when they
// have none, and GET /chat lists every question of the user, whatever
// conversation it is in.
func TestLegacyChatConversations(t *testing.T) {
	t.Parallel()
	app := hookstest.LegacyApp(t)
	defer app.Cleanup()
	srv := hookstest.StartServer(t, app)

	// legacy asks through the legacy API and returns the question's
	// conversation
	legacyAsk := func(token, content string) string {
		t.Helper()
		res, body := hookstest.Do(t, http.MethodPost, srv.URL+"/chat", token, `{"content":"`+content+`"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("expected 201, got %d %s", res.StatusCode, body)
		}
		var item struct{ ID string }
		if err := json.Unmarshal([]byte(body), &item); err != nil {
			t.Fatal(err)
		}
		q, err := app.FindRecordById(migrations.ChatsCollection, item.ID)
		if err != nil {
			t.Fatal(err)
		}
		return q.GetString("conversation")
	}
	// ask asks through POST /api/chat, in conversation ("" for a new one)
	ask := func(token, content, conversation string) string {
		t.Helper()
		res, body := hookstest.Do(t, http.MethodPost, srv.URL+"/api/chat", token,
			`{"content":"`+content+`","conversation":"`+conversation+`"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("expected 201, got %d %s", res.StatusCode, body)
		}
		var r struct{ Conversation struct{ ID string } }
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		return r.Conversation.ID
	}

	// the fixture's chats are in alice's one conversation
	first := hookstest.RecordField(t, app, migrations.ChatsCollection, hookstest.LegacyAliceQ1, "conversation")
	if got := legacyAsk(hookstest.LegacyAliceToken, "legacy one"); got != first {
		t.Fatalf("expected the legacy question in alice's only conversation %s, got %s", first, got)
	}
	second := ask(hookstest.LegacyAliceToken, "in a new conversation", "")
	if got := legacyAsk(hookstest.LegacyAliceToken, "legacy two"); got != second {
		t.Fatalf("expected the legacy question in the most recent conversation %s, got %s", second, got)
	}
	ask(hookstest.LegacyAliceToken, "back in the first", first)
	if got := legacyAsk(hookstest.LegacyAliceToken, "legacy three"); got != first {
		t.Fatalf("expected the legacy question in the first conversation, active again, got %s", got)
	}

	// carol has no conversation: one is made, titled from the question
	made := legacyAsk(hookstest.LegacyCarolToken, "carol's first question")
	conv, err := app.FindRecordById(migrations.ConversationsCollection, made)
	if err != nil {
		t.Fatalf("expected carol's question in a new conversation: %v", err)
	}
	if conv.GetString("user") != hookstest.LegacyCarolID || conv.GetString("title") != "carol's first question" {
		t.Fatalf("expected carol's conversation titled from her question, got %s's %q", conv.GetString("user"), conv.GetString("title"))
	}

	// GET /chat: every question of alice's, in both conversations (two
	// asked within a millisecond may come in either order)
	res, body := hookstest.Do(t, http.MethodGet, srv.URL+"/chat?per_page=100", hookstest.LegacyAliceToken, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("expected 200, got %d %s", res.StatusCode, body)
	}
	var page struct {
		TotalItems int `json:"total_items"`
		Items      []struct{ Content string }
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range page.Items {
		got = append(got, it.Content)
	}
	want := []string{"legacy three", "back in the first", "legacy two", "in a new conversation", "legacy one", "This one failed", "Who said 다행이다?"}
	if page.TotalItems != len(want) || len(got) != len(want) {
		t.Fatalf("expected %d questions, got %d: %v", len(want), page.TotalItems, got)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("expected the questions %v, got %v", want, got)
	}
	byConversation := map[string]int{}
	questions, err := app.FindAllRecords(migrations.ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range questions {
		if q.GetString("user") == hookstest.LegacyAliceID {
			byConversation[q.GetString("conversation")]++
		}
	}
	if len(byConversation) != 2 {
		t.Fatalf("expected alice's chats in two conversations, got %v", byConversation)
	}
}
