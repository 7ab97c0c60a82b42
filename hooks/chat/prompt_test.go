package chat_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The context queries must read a conversation's questions through the
// (conversation, created) index, newest first, with no sort, and each
// one's answer by its id, also once a
// full ANALYZE has sampled chats into sqlite_stat4 and the planner weighs
// the samples.
func TestContextQueryUsesTheConversationIndex(t *testing.T) {
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	for i := range 400 {
		_, err := app.DB().NewQuery(`INSERT INTO ` + migrations.ChatsCollection + ` ("id", "user", "conversation", "role", "content", "status", "created", "updated")
			VALUES ({:id}, {:user}, {:conversation}, 'user', 'q', 'done', {:created}, {:created})`).Bind(map[string]any{
			"id": fmt.Sprintf("chat%011d", i), "user": fmt.Sprintf("user%010d", i%20), "conversation": fmt.Sprintf("conv%011d", i%40),
			"created": fmt.Sprintf("2026-11-%02d 10:00:00.000Z", 1+i%28),
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		t.Fatal(err)
	}
	var samples int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM sqlite_stat4 WHERE "tbl" = 'chats'`).Row(&samples); err != nil {
		t.Fatal(err)
	}
	if samples == 0 {
		t.Fatal("ANALYZE wrote no sqlite_stat4 samples for chats: the test would not test the planner's use of them")
	}
	for _, c := range []struct {
		before bool
		args   []any
		plan   string
	}{
		{false, []any{"conv00000000003"}, "SEARCH q USING INDEX idx_chats_conversation_created (conversation=?); SEARCH a USING INDEX sqlite_autoindex_chats_1 (id=?)"},
		{true, []any{"conv00000000003", "2026-11-20 10:00:00.000Z"}, "SEARCH q USING INDEX idx_chats_conversation_created (conversation=? AND created<?); SEARCH a USING INDEX sqlite_autoindex_chats_1 (id=?)"},
	} {
		if got := queryPlan(t, app, chat.ContextSQL(6, c.before), c.args...); got != c.plan {
			t.Errorf("plan of the context query (before: %v): %q", c.before, got)
		}
	}
}

// queryPlan is SQLite's plan of query, its steps joined by "; ".
func queryPlan(t *testing.T, app core.App, query string, args ...any) string {
	t.Helper()
	rows, err := app.ConcurrentDB().(*dbx.DB).DB().Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var details []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		details = append(details, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(details, "; ")
}
