package chat_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// The chat path writes its records with plain SQL: they are stored as
// PocketBase stores records (id, dates), and PocketBase's after-save events
// fire for them, in order, after each transaction.
func TestChatRecordsAreCompleteAndAnnounced(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "fan@example.com")

	var mu sync.Mutex
	var events []string
	record := func(kind string) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			mu.Lock()
			events = append(events, fmt.Sprintf("%s %s %s", kind, e.Record.GetString("role"), e.Record.GetString("status")))
			mu.Unlock()
			return e.Next()
		}
	}
	app.OnRecordAfterCreateSuccess(migrations.ChatsCollection).BindFunc(record("create"))
	app.OnRecordAfterUpdateSuccess(migrations.ChatsCollection).BindFunc(record("update"))

	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"hello"}`); res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"fails [mode:500]"}`); res.StatusCode != 502 {
		t.Fatalf("expected 502, got %d: %s", res.StatusCode, body)
	}
	mu.Lock()
	got := strings.Join(events, ", ")
	mu.Unlock()
	want := "create user pending, create assistant done, update user done, create user pending, update user failed"
	if got != want {
		t.Fatalf("expected the events %q, got %q", want, got)
	}

	recs := hookstest.ChatRecords(t, app, user.Id)
	if len(recs) != 3 {
		t.Fatalf("expected 3 records, got %d", len(recs))
	}
	for _, r := range recs {
		if len(r.Id) != core.DefaultIdLength || r.GetDateTime("created").IsZero() || r.GetDateTime("updated").Before(r.GetDateTime("created")) {
			t.Fatalf("expected an id and dates as PocketBase sets them, got %q %v %v", r.Id, r.GetDateTime("created"), r.GetDateTime("updated"))
		}
	}
	if q, a := recs[0], recs[1]; q.GetString("reply") != a.Id || a.GetString("model") != "gpt-test" || a.GetInt("completion_tokens") < 1 {
		t.Fatalf("expected the answer linked with its model and usage, got reply %q model %q tokens %d",
			q.GetString("reply"), a.GetString("model"), a.GetInt("completion_tokens"))
	}
}

// When the answer cannot be saved, the request fails cleanly: the question
// is failed with the answer kept as a failed reply, and nothing is charged.
func TestChatAnswerThatCannotBeSavedIsKeptAsFailed(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "fan@example.com")
	// the database refuses finished answers, as a full disk would
	_, err := app.DB().NewQuery(`CREATE TRIGGER refuse_done BEFORE INSERT ON chats
		WHEN NEW.role = 'assistant' AND NEW.status = 'done' BEGIN SELECT RAISE(ABORT, 'refused'); END`).Execute()
	if err != nil {
		t.Fatal(err)
	}
	srv := hookstest.StartServer(t, app)
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, user), `{"content":"hello"}`)
	if res.StatusCode != 500 || res.Header.Get("X-RateLimit-Used") != "0" {
		t.Fatalf("expected 500 and nothing charged, got %d used %q: %s", res.StatusCode, res.Header.Get("X-RateLimit-Used"), body)
	}
	recs := hookstest.ChatRecords(t, app, user.Id)
	if len(recs) != 2 {
		t.Fatalf("expected the question and its failed answer, got %d records", len(recs))
	}
	q, a := recs[0], recs[1]
	if q.GetString("status") != chat.StatusFailed || q.GetString("reply") != a.Id ||
		a.GetString("status") != chat.StatusFailed || a.GetString("content") != strings.Join(upstreamtest.Answer, "") {
		t.Fatalf("expected a failed question linked to its failed answer, got %q reply %q, answer %q %q",
			q.GetString("status"), q.GetString("reply"), a.GetString("status"), a.GetString("content"))
	}
}
