package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// The answers of one question (SPEC 13.2): stop, regenerate, follow.

// answerRig is a server with a fake upstream and a signed-in user.
type answerRig struct {
	f    *upstreamtest.Server
	app  core.App
	url  string
	user *core.Record
	tok  string
}

func newAnswerRig(t *testing.T, email string, opts ...func(*config.Config)) *answerRig {
	t.Helper()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, opts...)
	t.Cleanup(app.Cleanup)
	user := hookstest.NewUser(t, app, email)
	return &answerRig{f: f, app: app, url: hookstest.StartServer(t, app).URL, user: user, tok: hookstest.Token(t, user)}
}

// used is the user's count of the day.
func (r *answerRig) used(t *testing.T) int {
	t.Helper()
	res, body := hookstest.Do(t, "GET", r.url+"/api/chat/quota", r.tok, "")
	var q struct{ Used int }
	if err := json.Unmarshal([]byte(body), &q); err != nil || res.StatusCode != 200 {
		t.Fatalf("reading the quota: %d %s", res.StatusCode, body)
	}
	return q.Used
}

// record reads a chats record from the database.
func (r *answerRig) record(t *testing.T, id string) *core.Record {
	t.Helper()
	rec, err := r.app.FindRecordById(migrations.ChatsCollection, id)
	if err != nil {
		t.Fatalf("reading chat %s: %v", id, err)
	}
	return rec
}

// answersOf lists the answers of a question, oldest first.
func (r *answerRig) answersOf(t *testing.T, question string) []*core.Record {
	t.Helper()
	recs, err := r.app.FindRecordsByFilter(migrations.ChatsCollection, "question = {:q}", "created", 0, 0, map[string]any{"q": question})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// startStream asks a streamed question and reads its chat event: the
// question's id and the rest of the stream.
func (r *answerRig) startStream(t *testing.T, body string) (string, func() (sseEvent, bool)) {
	t.Helper()
	_, next := openStream(t, context.Background(), r.url+"/api/chat", r.tok, body)
	ev, ok := next()
	if !ok || ev.name != "chat" {
		t.Fatalf("expected the chat event, got %+v", ev)
	}
	var c struct{ Chat struct{ ID string } }
	if err := json.Unmarshal([]byte(ev.data), &c); err != nil || c.Chat.ID == "" {
		t.Fatalf("expected the question in the chat event, got %s", ev.data)
	}
	return c.Chat.ID, next
}

// rest reads a stream to its end: the text of its deltas and its last event.
func rest(t *testing.T, next func() (sseEvent, bool)) (string, sseEvent) {
	t.Helper()
	var text strings.Builder
	for {
		ev, ok := next()
		if !ok {
			t.Fatal("the stream ended without done or error")
		}
		if ev.name != "delta" {
			return text.String(), ev
		}
		var d struct{ Content string }
		if err := json.Unmarshal([]byte(ev.data), &d); err != nil {
			t.Fatalf("a delta that is not JSON: %s", ev.data)
		}
		text.WriteString(d.Content)
	}
}

// ended decodes a done event: the answer (nil if none) and the question.
func ended(t *testing.T, ev sseEvent) (reply, chat map[string]any) {
	t.Helper()
	if ev.name != "done" {
		t.Fatalf("expected done, got %+v", ev)
	}
	var d struct{ Reply, Chat map[string]any }
	if err := json.Unmarshal([]byte(ev.data), &d); err != nil {
		t.Fatal(err)
	}
	return d.Reply, d.Chat
}

func TestStopKeepsThePartialAnswerAndTheCount(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "stopper@example.com")
	r.f.Hold() // the first piece, then the fake waits
	id, next := r.startStream(t, `{"content":"길게 말해 줘"}`)
	if ev, _ := next(); ev.name != "delta" {
		t.Fatalf("expected the first piece, got %+v", ev)
	}
	if r.used(t) != 1 {
		t.Fatal("expected the running request counted")
	}

	res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/stop", r.tok, "")
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("expected 202, got %d: %s", res.StatusCode, body)
	}
	// the upstream request is cancelled at once, not when the fake is released
	r.f.WaitFor(t, "the upstream request cancelled", func(reqs []upstreamtest.Request) bool {
		return len(reqs) == 1 && reqs[0].Cancelled
	})
	text, last := rest(t, next)
	reply, chat := ended(t, last)
	if text != "" || reply["content"] != upstreamtest.Answer[0] || reply["status"] != "stopped" || chat["status"] != "stopped" || chat["reply"] != reply["id"] {
		t.Fatalf("expected done with the stopped partial answer, got more text %q, reply %v, chat %v", text, reply, chat)
	}
	q := r.record(t, id)
	a := r.record(t, q.GetString("reply"))
	if q.GetString("status") != "stopped" || a.GetString("status") != "stopped" || a.GetString("content") != upstreamtest.Answer[0] || a.GetString("question") != id {
		t.Fatalf("expected the stopped question and its partial answer saved, got %v and %v", q, a)
	}
	if r.used(t) != 1 {
		t.Fatal("expected the stopped request still counted")
	}

	// stopping it again, or a finished one: 409, and nothing changes
	if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/stop", r.tok, ""); res.StatusCode != 409 {
		t.Fatalf("expected 409 for a stopped question, got %d: %s", res.StatusCode, body)
	}
	if r.record(t, id).GetString("status") != "stopped" || r.used(t) != 1 {
		t.Fatal("a refused stop changed something")
	}

	// a stopped exchange is not context
	r.f.Release()
	res, body = hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, `{"content":"다음 질문","conversation":"`+q.GetString("conversation")+`"}`)
	if res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	if msgs := r.f.Received()[1].Body.Messages; len(msgs) != 2 || msgs[1].Content != "다음 질문" {
		t.Fatalf("expected no stopped exchange in the context, got %+v", msgs)
	}
}

func TestStopBeforeTheFirstPieceAndOfAJSONRequest(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "early-stopper@example.com")

	// a stream stopped before its first piece: no answer is saved
	r.f.HoldFirst()
	id, next := r.startStream(t, `{"content":"생각 중"}`)
	r.f.WaitForRequests(t, 1)
	if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/stop", r.tok, ""); res.StatusCode != 202 {
		t.Fatalf("expected 202, got %d: %s", res.StatusCode, body)
	}
	text, last := rest(t, next)
	reply, chat := ended(t, last)
	if text != "" || reply != nil || chat["status"] != "stopped" || chat["reply"] != "" {
		t.Fatalf("expected done without an answer, got text %q, reply %v, chat %v", text, reply, chat)
	}
	if n := len(r.answersOf(t, id)); n != 0 {
		t.Fatalf("expected no answer saved, got %d", n)
	}

	// a JSON request waiting for its answer gets the stopped one as its 201
	r.f.Hold()
	type result struct {
		code int
		body string
	}
	done := make(chan result, 1)
	go func() {
		res, body := hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, `{"content":"JSON 질문"}`)
		done <- result{res.StatusCode, body}
	}()
	r.f.WaitForRequests(t, 2)
	pending, err := r.app.FindFirstRecordByFilter(migrations.ChatsCollection, "user = {:u} && status = 'pending'", map[string]any{"u": r.user.Id})
	if err != nil {
		t.Fatal(err)
	}
	if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+pending.Id+"/stop", r.tok, ""); res.StatusCode != 202 {
		t.Fatalf("expected 202, got %d: %s", res.StatusCode, body)
	}
	got := <-done
	var a struct {
		Chat  struct{ Status string }
		Reply *struct{ ID string }
	}
	if err := json.Unmarshal([]byte(got.body), &a); err != nil || got.code != 201 || a.Chat.Status != "stopped" || a.Reply != nil {
		t.Fatalf("expected 201 with the stopped question and no answer, got %d %s", got.code, got.body)
	}
	if r.used(t) != 2 {
		t.Fatalf("expected both stopped requests counted, got %d", r.used(t))
	}
	r.f.Release()
}

// Stop, regenerate and follow name a question of the caller's: anything
// else is 404, and changes nothing.
func TestAnswerRoutesRefuseOthersQuestions(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "owner@example.com")
	other := hookstest.Token(t, hookstest.NewUser(t, r.app, "other@example.com"))
	res, body := hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, `{"content":"내 질문"}`)
	if res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	var a struct{ Chat, Reply struct{ ID string } }
	_ = json.Unmarshal([]byte(body), &a)

	for _, c := range []struct{ tok, id, why string }{
		{other, a.Chat.ID, "another user's question"},
		{r.tok, a.Reply.ID, "an answer"},
		{r.tok, "zzzzzzzzzzzzzzz", "an unknown id"},
		{r.tok, "not-an-id", "not an id"},
	} {
		for _, route := range []struct{ method, path string }{
			{"POST", "/stop"}, {"POST", "/regenerate"}, {"GET", "/stream"},
		} {
			res, body := hookstest.Do(t, route.method, r.url+"/api/chat/"+c.id+route.path, c.tok, "")
			if res.StatusCode != 404 {
				t.Errorf("%s %s of %s: expected 404, got %d: %s", route.method, route.path, c.why, res.StatusCode, body)
			}
		}
	}
	for _, route := range []struct{ method, path string }{
		{"POST", "/stop"}, {"POST", "/regenerate"}, {"GET", "/stream"},
	} {
		if res, _ := hookstest.Do(t, route.method, r.url+"/api/chat/"+a.Chat.ID+route.path, "", ""); res.StatusCode != 401 {
			t.Errorf("%s without a token: expected 401, got %d", route.path, res.StatusCode)
		}
	}
	if res, _ := hookstest.Do(t, "DELETE", r.url+"/api/chat/"+a.Chat.ID+"/stop", r.tok, ""); res.StatusCode != 405 {
		t.Errorf("DELETE of stop: expected 405, got %d", res.StatusCode)
	}
	if r.used(t) != 1 || len(r.answersOf(t, a.Chat.ID)) != 1 || len(r.f.Received()) != 1 {
		t.Fatal("a refused request changed something")
	}
}

func TestRegenerateKeepsEarlierAnswersAndTheContext(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "regenerator@example.com")
	ask := func(content, conv string) (string, string) {
		body := `{"content":"` + content + `"`
		if conv != "" {
			body += `,"conversation":"` + conv + `"`
		}
		res, out := hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, body+"}")
		if res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, out)
		}
		var a struct {
			Chat struct{ ID, Conversation string }
		}
		_ = json.Unmarshal([]byte(out), &a)
		return a.Chat.ID, a.Chat.Conversation
	}
	first, conv := ask("첫 질문", "")
	ask("둘째 질문", conv)
	firstAnswer := r.record(t, first).GetString("reply")

	// JSON: a new answer with the context the first one had
	res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+first+"/regenerate", r.tok, "")
	if res.StatusCode != 201 || res.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Fatalf("expected 201 with 2 left, got %d (%s left): %s", res.StatusCode, res.Header.Get("X-RateLimit-Remaining"), body)
	}
	var a struct {
		Chat  struct{ ID, Reply, Status string }
		Reply struct{ ID, Question, Status, Content string }
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if a.Chat.ID != first || a.Chat.Status != "done" || a.Reply.Question != first || a.Chat.Reply != a.Reply.ID || a.Reply.ID == firstAnswer {
		t.Fatalf("expected a new answer to the first question, got %s", body)
	}
	sent := r.f.Received()[2].Body.Messages
	if len(sent) != 2 || sent[1].Content != "첫 질문" {
		t.Fatalf("expected the first answer's context (the question alone), got %+v", sent)
	}
	answers := r.answersOf(t, first)
	if len(answers) != 2 || answers[0].Id != firstAnswer || answers[0].GetString("status") != "done" || answers[1].Id != a.Reply.ID {
		t.Fatalf("expected both answers kept, oldest first, got %v", answers)
	}

	// a failed regeneration is refunded and leaves the question as it was
	before := r.record(t, first)
	r.f.SetMode(upstreamtest.ModeServerError)
	if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+first+"/regenerate", r.tok, ""); res.StatusCode != 502 {
		t.Fatalf("expected 502, got %d: %s", res.StatusCode, body)
	}
	r.f.SetMode(upstreamtest.ModeOK)
	after := r.record(t, first)
	if after.GetString("status") != "done" || after.GetString("reply") != before.GetString("reply") || len(r.answersOf(t, first)) != 2 || r.used(t) != 3 {
		t.Fatalf("expected the question unchanged and the failure refunded, got %v (used %d)", after, r.used(t))
	}

	// streamed, like POST /api/chat; the newest answer alone is context later
	_, next := openStream(t, context.Background(), r.url+"/api/chat/"+first+"/regenerate", r.tok, `{"stream":true}`)
	if ev, _ := next(); ev.name != "chat" || !strings.Contains(ev.data, `"status":"pending"`) {
		t.Fatalf("expected the chat event first, got %+v", ev)
	}
	text, last := rest(t, next)
	reply, chat := ended(t, last)
	if text != strings.Join(upstreamtest.Answer, "") || reply["question"] != first || chat["reply"] != reply["id"] {
		t.Fatalf("expected the streamed new answer, got %q %v %v", text, reply, chat)
	}
	ask("셋째 질문", conv)
	sent = r.f.Received()[5].Body.Messages // after the failed one
	want := []string{"첫 질문", text, "둘째 질문", text, "셋째 질문"}
	var got []string
	for _, m := range sent[1:] {
		got = append(got, m.Content)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") || len(r.answersOf(t, first)) != 3 {
		t.Fatalf("expected each question once with its newest answer as context, got %q", got)
	}
}

func TestRegenerateAtTheLimitAndWhileRunning(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "regen-limit@example.com")
	r.f.Hold()
	id, next := r.startStream(t, `{"content":"오래 걸리는 질문"}`)
	if ev, _ := next(); ev.name != "delta" {
		t.Fatalf("expected the first piece, got %+v", ev)
	}
	// two at once: one answer at a time per question
	if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/regenerate", r.tok, ""); res.StatusCode != 409 {
		t.Fatalf("expected 409 while the answer runs, got %d: %s", res.StatusCode, body)
	}
	r.f.Release()
	rest(t, next)
	if r.used(t) != 1 {
		t.Fatalf("expected the refused regeneration not counted, got %d", r.used(t))
	}

	// bad bodies: 400, nothing counted
	for _, body := range []string{`{"stream":"yes"}`, `not json`, `[1]`, `{} {}`} {
		if res, out := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/regenerate", r.tok, body); res.StatusCode != 400 {
			t.Errorf("body %s: expected 400, got %d: %s", body, res.StatusCode, out)
		}
	}
	if res, out := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/regenerate", r.tok, `{}`, "Content-Type", "text/html"); res.StatusCode != 415 {
		t.Errorf("a body of another type: expected 415, got %d: %s", res.StatusCode, out)
	}
	for range 4 {
		if res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/regenerate", r.tok, ""); res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
		}
	}
	before := r.record(t, id)
	res, body := hookstest.Do(t, "POST", r.url+"/api/chat/"+id+"/regenerate", r.tok, "")
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || res.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("expected 429 with Retry-After at the limit, got %d: %s", res.StatusCode, body)
	}
	after := r.record(t, id)
	if after.GetString("status") != "done" || after.GetString("reply") != before.GetString("reply") || len(r.answersOf(t, id)) != 5 || len(r.f.Received()) != 5 {
		t.Fatalf("expected nothing changed by the refused regeneration, got %v", after)
	}
}

// Followers that join a running answer receive exactly the text that is
// saved at the end; one that joins later receives it whole.
func TestFollowersReceiveTheSavedAnswer(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "follower@example.com")
	r.f.Hold()
	id, owner := r.startStream(t, `{"content":"따라오세요"}`)
	if ev, _ := owner(); ev.name != "delta" {
		t.Fatalf("expected the first piece, got %+v", ev)
	}
	const followers = 5
	texts := make([]string, followers)
	var wg sync.WaitGroup
	for i := range followers {
		_, next := openEvents(t, context.Background(), "GET", r.url+"/api/chat/"+id+"/stream", r.tok, "")
		ev, ok := next()
		if !ok || ev.name != "delta" || ev.data != fmt.Sprintf(`{"content":%q}`, upstreamtest.Answer[0]) {
			t.Fatalf("follower %d: expected the text so far first, got %+v", i, ev)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			text, last := rest(t, next)
			if reply, _ := ended(t, last); reply["status"] != "done" {
				t.Errorf("follower %d: expected done with the answer, got %v", i, reply)
			}
			texts[i] = upstreamtest.Answer[0] + text
		}()
	}
	r.f.Release()
	wg.Wait()
	rest(t, owner)
	saved := r.record(t, r.record(t, id).GetString("reply")).GetString("content")
	for i, text := range texts {
		if text != saved {
			t.Fatalf("follower %d: received %q, saved %q", i, text, saved)
		}
	}

	// after the end: one delta with the whole answer, then done
	_, next := openEvents(t, context.Background(), "GET", r.url+"/api/chat/"+id+"/stream", r.tok, "")
	text, last := rest(t, next)
	if reply, chat := ended(t, last); text != saved || reply["content"] != saved || chat["id"] != id {
		t.Fatalf("expected the finished answer whole, got %q %v", text, last)
	}

	// a failed one: its partial text, then error
	res, body := hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, `{"content":"끊기는 질문 [mode:cut]","stream":true}`)
	if res.StatusCode != 200 || !strings.Contains(body, "event: error") {
		t.Fatalf("expected a cut stream, got %d: %s", res.StatusCode, body)
	}
	failed, err := r.app.FindFirstRecordByFilter(migrations.ChatsCollection, "user = {:u} && role = 'user' && status = 'failed'", map[string]any{"u": r.user.Id})
	if err != nil {
		t.Fatal(err)
	}
	_, next = openEvents(t, context.Background(), "GET", r.url+"/api/chat/"+failed.Id+"/stream", r.tok, "")
	text, last = rest(t, next)
	if text != r.record(t, failed.GetString("reply")).GetString("content") || last.name != "error" {
		t.Fatalf("expected the partial answer, then error, got %q %+v", text, last)
	}
}
