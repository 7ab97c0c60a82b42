package chat_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// A user's expands of reply and chats_via_question, which stovebot serves
// itself, equal PocketBase's own (a superuser's request, which it leaves
// to PocketBase), in a list and for one record, and mix with other expands.
func TestOwnExpandsEqualPocketBases(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f)
	t.Cleanup(app.Cleanup)
	// the SQL that the server reads with, to tell whose lookups ran
	var mu sync.Mutex
	var queries []string
	app.ConcurrentDB().(*dbx.DB).QueryLogFunc = func(_ context.Context, _ time.Duration, sql string, _ *sql.Rows, _ error) {
		mu.Lock()
		queries = append(queries, sql)
		mu.Unlock()
	}
	logged := func() []string {
		mu.Lock()
		defer mu.Unlock()
		q := queries
		queries = nil
		return q
	}
	user := hookstest.NewUser(t, app, "expander@example.com")
	r := &answerRig{f: f, app: app, url: hookstest.StartServer(t, app).URL, user: user, tok: hookstest.Token(t, user)}
	su := hookstest.NewSuperuser(t, r.app)
	var ids []string
	for _, q := range []string{"첫 질문", "둘째 질문", "셋째 질문"} {
		res, body := hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, `{"content":"`+q+`"}`)
		if res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
		}
		var a struct{ Chat struct{ ID string } }
		_ = json.Unmarshal([]byte(body), &a)
		ids = append(ids, a.Chat.ID)
	}
	for range 2 {
		if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+ids[1]+"/regenerate", r.tok, ""); res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
		}
	}
	// another user's chats are in no expand of this user's
	hookstest.Do(t, "POST", r.url+"/api/chat", hookstest.Token(t, hookstest.NewUser(t, r.app, "bystander@example.com")), `{"content":"남의 질문"}`)

	type item struct {
		ID     string
		Expand map[string]json.RawMessage
	}
	get := func(tok, path string) []item {
		t.Helper()
		res, body := hookstest.Do(t, "GET", r.url+path, tok, "")
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		var page struct{ Items []item }
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		if page.Items == nil { // one record
			var one item
			if err := json.Unmarshal([]byte(body), &one); err != nil {
				t.Fatal(err)
			}
			return []item{one}
		}
		return page.Items
	}
	for _, expand := range []string{"reply,chats_via_question", "chats_via_question", "user,reply", "reply.question"} {
		q := url.Values{"filter": {"role = 'user' && user = '" + r.user.Id + "'"}, "sort": {"-created,-id"}, "expand": {expand}}
		list := "/api/collections/chats/records?" + q.Encode()
		logged()
		mine := get(r.tok, list)
		if expand == "reply,chats_via_question" {
			// looked up by question and by id alone, not with PocketBase's
			// rule, with which SQLite walks the user's index
			var byQuestion, withRule bool
			for _, sql := range logged() {
				byQuestion = byQuestion || strings.Contains(sql, "`question` IN (")
				withRule = withRule || (strings.Contains(sql, "`id` IN (") && strings.Contains(sql, "`user` ="))
			}
			if !byQuestion || withRule {
				t.Fatalf("expected the answers looked up by question, and no lookup with the view rule")
			}
		}
		theirs := get(su, list)
		if len(mine) != 3 || len(theirs) != 3 {
			t.Fatalf("expand %s: expected 3 questions each, got %d and %d", expand, len(mine), len(theirs))
		}
		view := "/api/collections/chats/records/" + ids[1] + "?expand=" + url.QueryEscape(expand)
		mine, theirs = append(mine, get(r.tok, view)...), append(theirs, get(su, view)...)
		for i := range mine {
			// a superuser sees the users' hidden fields: compared apart
			if expand == "user,reply" {
				if len(mine[i].Expand["user"]) == 0 || len(theirs[i].Expand["user"]) == 0 {
					t.Fatalf("expected the user expanded too, got %v", mine[i].Expand)
				}
				delete(mine[i].Expand, "user")
				delete(theirs[i].Expand, "user")
			}
			a, _ := json.Marshal(mine[i].Expand)
			b, _ := json.Marshal(theirs[i].Expand)
			if mine[i].ID != theirs[i].ID || string(a) != string(b) {
				t.Fatalf("expand %s of %s: the user got\n%s\nPocketBase gives\n%s", expand, mine[i].ID, a, b)
			}
		}
		if expand == "reply,chats_via_question" {
			var answers []struct{ ID, Question string }
			_ = json.Unmarshal(mine[1].Expand["chats_via_question"], &answers)
			if len(answers) != 3 || answers[0].Question != ids[1] {
				t.Fatalf("expected the three answers of the regenerated question, got %s", mine[1].Expand["chats_via_question"])
			}
		}
	}
}
