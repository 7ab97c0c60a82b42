package chat_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

func TestIdempotencyKeyReplaysWithoutCharging(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "retry@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	key := []string{"Idempotency-Key", "retry-1"}

	// the first request streams; its replay is JSON
	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", "Bearer "+tok, `{"content":"한 번만"}`, key...)
	for ev, ok := next(); ok; ev, ok = next() {
		if ev.name == "error" {
			t.Fatalf("unexpected error event %s", ev.data)
		}
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"한 번만"}`, key...)
	if res.StatusCode != 200 || res.Header.Get("Idempotent-Replayed") != "true" || !strings.Contains(body, "이것입니다.") {
		t.Fatalf("expected a 200 JSON replay, got %d %v %s", res.StatusCode, res.Header, body)
	}
	if res.Header.Get("X-RateLimit-Used") != "1" || len(f.Received()) != 1 {
		t.Fatalf("expected no second charge nor upstream call, used %s calls %d", res.Header.Get("X-RateLimit-Used"), len(f.Received()))
	}
	// a replay asked as a stream is JSON too
	res, body = hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"한 번만"}`, "Idempotency-Key", "retry-1", "Accept", "text/event-stream")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("expected the replay as JSON, got %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}

	res, body = hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"다른 내용"}`, key...)
	if res.StatusCode != 422 {
		t.Fatalf("expected 422 for the same key with another content, got %d %s", res.StatusCode, body)
	}
	// another user may use the same key
	other := hookstest.NewUser(t, app, "other@example.com")
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", hookstest.Token(t, other), `{"content":"다른 내용"}`, key...); res.StatusCode != 201 {
		t.Fatalf("expected keys to be per user, got %d %s", res.StatusCode, body)
	}
}

func TestIdempotencyKeyWhileRunningAndAfterFailure(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.SetMode(upstreamtest.Mode("cut")) // the first answer breaks off after its second piece
	f.Hold()
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "impatient@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	key := []string{"Idempotency-Key", "k-2"}

	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", "Bearer "+tok, `{"content":"기다려"}`, key...)
	if ev, _ := next(); ev.name != "chat" {
		t.Fatalf("expected the chat event, got %+v", ev)
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"기다려"}`, key...)
	if res.StatusCode != 409 {
		t.Fatalf("expected 409 while the first runs, got %d %s", res.StatusCode, body)
	}
	f.Release()
	for _, ok := next(); ok; _, ok = next() {
	}

	// after the failure the same key runs anew (and is charged once)
	f.SetMode(upstreamtest.Mode(""))
	res, body = hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"기다려"}`, key...)
	if res.StatusCode != 201 || res.Header.Get("X-RateLimit-Used") != "1" {
		t.Fatalf("expected a fresh run after a failure, got %d used %s %s", res.StatusCode, res.Header.Get("X-RateLimit-Used"), body)
	}
}

func TestIdempotencyKeysExpireAfterADay(t *testing.T) {
	t.Parallel()
	clock := hookstest.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	app := hookstest.NewApp(t, func(c *config.Config) { c.Now = clock.Now })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "later@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	key := []string{"Idempotency-Key", "day-old"}

	if res, _ := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"어제"}`, key...); res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d", res.StatusCode)
	}
	clock.Set(clock.Now().Add(25 * time.Hour))
	if res, _ := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"오늘"}`, key...); res.StatusCode != 201 {
		t.Fatalf("expected an expired key to run anew, got %d", res.StatusCode)
	}
	if err := chat.IdemExpire(app.DB(), clock.Now().Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := app.DB().Select("count(*)").From(migrations.IdempotencyTable).Where(dbx.HashExp{"user": user.Id}).Row(&n); err != nil || n != 0 {
		t.Fatalf("expected expired keys deleted, got %d (%v)", n, err)
	}
}

func TestPendingChatsAreRepairedAtStart(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "crash@example.com")
	cfg := hookstest.Config()
	now := time.Now()
	if err := app.RunInTransaction(func(tx core.App) error {
		_, err := quota.Reserve(tx, &cfg, user, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c, _ := app.FindCollectionByNameOrId(migrations.ChatsCollection)
	q := core.NewRecord(c)
	q.Load(map[string]any{"user": user.Id, "role": chat.RoleUser, "content": "잘려요", "status": chat.StatusPending})
	if err := app.Save(q); err != nil {
		t.Fatal(err)
	}

	hookstest.StartServer(t, app) // OnServe repairs
	q, _ = app.FindRecordById(migrations.ChatsCollection, q.Id)
	if q.GetString("status") != chat.StatusFailed {
		t.Fatalf("expected the pending question failed at start, got %s", q.GetString("status"))
	}
	if used, _ := quota.Used(app.DB(), user.Id, quota.Day(now, cfg.Location())); used != 0 {
		t.Fatalf("expected the crashed request refunded, used %d", used)
	}
}
