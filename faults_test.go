package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/upstream/upstreamtest"
)

// openData opens a stopped server's data directory in this process.
func openData(t testing.TB, dir string) core.App {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ClearBootstrap() })
	return app
}

func TestSIGKILLDuringABurstLosesNoAnsweredRequest(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	dir := t.TempDir()
	env := []string{"OPENAI_BASE_URL=" + f.URL, "OPENAI_API_KEY=sk-fault", "STOVEBOT_DAILY_LIMIT=100000"}
	p := startStovebot(t, dir, env...)
	tokens := map[string]string{}
	for i := 0; i < 4; i++ {
		email := fmt.Sprintf("burst%d@example.com", i)
		tokens[email] = signUp(t, p.URL, email)
	}

	type answered struct{ token, chat, reply string }
	var mu sync.Mutex
	var got []answered
	const midBurst = 20 // answers before the kill
	reached := make(chan struct{})
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := tokens[fmt.Sprintf("burst%d@example.com", w%4)]
			for n := 0; ctx.Err() == nil; n++ {
				var out struct {
					Chat  struct{ ID string }
					Reply struct{ ID string }
				}
				code, err := call(ctx, "POST", p.URL+"/api/chat", token, fmt.Sprintf(`{"content":"burst %d-%d"}`, w, n), &out)
				if err == nil && code == 201 {
					mu.Lock()
					got = append(got, answered{token, out.Chat.ID, out.Reply.ID})
					if len(got) == midBurst {
						close(reached)
					}
					mu.Unlock()
				}
			}
		}()
	}
	select {
	case <-reached:
	case <-time.After(30 * time.Second):
		t.Fatalf("expected %d answers within 30 s", midBurst)
	}
	p.cmd.Process.Signal(syscall.SIGKILL) // mid-burst, no chance to clean up
	<-p.done
	p.done <- nil
	stop()
	wg.Wait()

	p = startStovebot(t, dir, env...)
	for _, a := range got {
		for _, id := range []string{a.chat, a.reply} {
			var rec struct{ Status string }
			code, err := call(context.Background(), "GET", p.URL+"/api/collections/chats/records/"+id, a.token, "", &rec)
			if err != nil || code != 200 || rec.Status != "done" {
				t.Fatalf("answered record %s after the restart: %d %q %v", id, code, rec.Status, err)
			}
		}
	}
	if err := p.stop(t, syscall.SIGTERM, 20*time.Second); err != nil {
		t.Fatalf("expected a clean exit on SIGTERM, got %v", err)
	}

	app := openData(t, dir)
	var check string
	if err := app.DB().NewQuery("PRAGMA integrity_check").Row(&check); err != nil || check != "ok" {
		t.Fatalf("expected integrity_check ok, got %q %v", check, err)
	}
	var pending int
	app.DB().Select("count(*)").From("chats").Where(dbx.HashExp{"status": "pending"}).Row(&pending)
	if pending != 0 {
		t.Fatalf("expected nothing pending after the restart, got %d", pending)
	}
	// each user's count is exactly their answered questions
	var rows []struct {
		User  string `db:"user"`
		Count int    `db:"count"`
		Done  int    `db:"done"`
	}
	err := app.DB().NewQuery(`SELECT u.user, u.count,
		(SELECT count(*) FROM chats c WHERE c.user = u.user AND c.role = 'user' AND c.status = 'done') AS done
		FROM _stovebot_usage u WHERE u.user != ''`).All(&rows)
	if err != nil || len(rows) != 4 {
		t.Fatalf("expected usage rows for the 4 users, got %v %v", rows, err)
	}
	for _, r := range rows {
		if r.Count != r.Done {
			t.Fatalf("user %s: counted %d requests but has %d answered questions", r.User, r.Count, r.Done)
		}
	}
}

// waitUntilStopping waits until p, sent SIGTERM, refuses new chat requests
// with 503. It asks with an empty question, which a running server refuses
// with 400 before counting it, and a stopping one with 503 first.
func waitUntilStopping(t testing.TB, p *proc, token string) {
	t.Helper()
	stopping := waitUntil(10*time.Second, func() bool {
		code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, `{"content":""}`, nil)
		return code == 503
	})
	if !stopping {
		t.Fatalf("expected the server to refuse new requests within 10 s of SIGTERM\n%s", p.logs.String())
	}
}

// streamUntilFirstDelta opens a stream and returns its reader after the
// first delta.
func streamUntilFirstDelta(t testing.TB, url, token string) *bufio.Scanner {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/api/chat", strings.NewReader(`{"content":"끝까지"}`))
	req.Header.Set("Authorization", token)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if sc.Text() == "event: delta" {
			return sc
		}
	}
	t.Fatal("the stream ended before its first delta")
	return nil
}

// expectExitWithAnswerDone waits for p's clean exit after SIGTERM and
// checks that the one question in dir and its answer are done.
func expectExitWithAnswerDone(t *testing.T, p *proc, dir string) {
	t.Helper()
	if err := <-p.done; err != nil {
		t.Fatalf("expected a clean exit, got %v\n%s", err, p.logs.String())
	}
	p.done <- nil

	app := openData(t, dir)
	var statuses []string
	app.DB().Select("status").From("chats").OrderBy("created").Column(&statuses)
	if strings.Join(statuses, ",") != "done,done" {
		t.Fatalf("expected the question and its answer done, got %v", statuses)
	}
}

func TestSIGTERMLetsARunningStreamFinish(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold()
	dir := t.TempDir()
	p := startStovebot(t, dir, "OPENAI_BASE_URL="+f.URL, "OPENAI_API_KEY=sk-fault")
	token := signUp(t, p.URL, "graceful@example.com")
	sc := streamUntilFirstDelta(t, p.URL, token)

	p.cmd.Process.Signal(syscall.SIGTERM)
	waitUntilStopping(t, p, token)
	// a new question while stopping is refused, not half-served
	if code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, `{"content":"늦었어요"}`, nil); code != 503 {
		t.Fatalf("expected 503 for a request after SIGTERM, got %d", code)
	}
	f.Release()
	var events []string
	for sc.Scan() {
		if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			events = append(events, ev)
		}
	}
	if len(events) == 0 || events[len(events)-1] != "done" {
		t.Fatalf("expected the stream to finish with done, got %v", events)
	}
	expectExitWithAnswerDone(t, p, dir)
}

// A JSON answer is made on its handler's goroutine: a stopping server
// waits for it too, and the client gets its 201.
func TestSIGTERMLetsARunningJSONAnswerFinish(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold()
	dir := t.TempDir()
	p := startStovebot(t, dir, "OPENAI_BASE_URL="+f.URL, "OPENAI_API_KEY=sk-fault")
	token := signUp(t, p.URL, "graceful-json@example.com")
	answered := make(chan int, 1)
	go func() {
		code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, `{"content":"끝까지"}`, nil)
		answered <- code
	}()
	f.WaitForRequests(t, 1) // the question reached the upstream

	p.cmd.Process.Signal(syscall.SIGTERM)
	waitUntilStopping(t, p, token)
	f.Release()
	if code := <-answered; code != 201 {
		t.Fatalf("expected 201 for the answer that was running, got %d", code)
	}
	expectExitWithAnswerDone(t, p, dir)
}

func TestSIGTERMFailsAStreamThatOutlastsTheGrace(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold() // never released: the upstream hangs after its first piece
	dir := t.TempDir()
	p := startStovebot(t, dir, "OPENAI_BASE_URL="+f.URL, "OPENAI_API_KEY=sk-fault", "STOVEBOT_UPSTREAM_TIMEOUT=5m")
	token := signUp(t, p.URL, "stuck@example.com")
	streamUntilFirstDelta(t, p.URL, token)

	if err := p.stop(t, syscall.SIGTERM, 30*time.Second); err != nil {
		t.Fatalf("expected a clean exit, got %v\n%s", err, p.logs.String())
	}
	app := openData(t, dir)
	var rows []struct {
		Role    string `db:"role"`
		Status  string `db:"status"`
		Content string `db:"content"`
	}
	app.DB().Select("role", "status", "content").From("chats").OrderBy("created").All(&rows)
	if len(rows) != 2 || rows[0].Status != "failed" || rows[1].Status != "failed" || rows[1].Content != upstreamtest.Answer[0] {
		t.Fatalf("expected the question failed and the partial answer kept, got %+v", rows)
	}
	var used int
	app.DB().NewQuery("SELECT COALESCE(SUM(count), 0) FROM _stovebot_usage").Row(&used)
	if used != 0 {
		t.Fatalf("expected the failed request refunded, used %d", used)
	}
}
