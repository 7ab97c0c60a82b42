package chat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// conversationOf returns the conversation id of a POST /api/chat JSON
// answer, and fails unless both records name it.
func conversationOf(t testing.TB, body string) string {
	t.Helper()
	var r struct {
		Chat, Reply  struct{ Conversation string }
		Conversation struct{ ID string }
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if id := r.Conversation.ID; id == "" || r.Chat.Conversation != id || r.Reply.Conversation != id {
		t.Fatalf("expected the conversation, the question and the answer to name one conversation, got %s", body)
	}
	return r.Conversation.ID
}

func TestChatSendsGroundedRequestUpstream(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, func(c *config.Config) { c.ContextMessages = 2 })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "fan@example.com")
	hookstest.AddQuote(t, app, "우리가 다행이라고 생각하는 순간이 제일 위험합니다.", "백승수", 3, true, "")
	hookstest.AddQuote(t, app, "다행히 아직 승인 전인 대사", "임미선", 4, false, user.Id)
	hookstest.AddQuote(t, app, "Excuses don't win games.", "Baek Seung-su", 2, true, "")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)

	// two earlier exchanges; only the last two finished records are context
	conversation := ""
	for _, q := range []string{"first question", "second question"} {
		res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"`+q+`","conversation":"`+conversation+`"}`)
		if res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
		}
		conversation = conversationOf(t, body)
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"  다행 관련 대사  ", "extra": 1, "conversation":"`+conversation+`"}`)
	if res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	for _, want := range []string{`"content":"다행 관련 대사"`, `"status":"done"`, `"model":"gpt-test"`, `"remaining":2`} {
		if !strings.Contains(body, want) {
			t.Fatalf("expected %s in %s", want, body)
		}
	}
	if strings.Contains(body, hookstest.APIKey) {
		t.Fatal("the API key leaked into the response")
	}

	got := f.Received()
	if len(got) != 3 {
		t.Fatalf("expected 3 upstream requests, got %d", len(got))
	}
	last := got[2]
	if last.Auth != "Bearer "+hookstest.APIKey {
		t.Fatalf("expected the key as bearer, got %q", last.Auth)
	}
	if last.Body.Model != "gpt-test" || last.Body.MaxTokens != chat.MaxAnswerTokens || last.Body.Stream {
		t.Fatalf("unexpected model/max_tokens/stream: %+v", last.Body)
	}
	if last.Body.User != chat.OpaqueUser(user.Id) || strings.Contains(last.Body.User, user.Id) {
		t.Fatalf("expected the opaque user %q, got %q", chat.OpaqueUser(user.Id), last.Body.User)
	}
	msgs := last.Body.Messages
	if len(msgs) != 4 {
		t.Fatalf("expected system + 2 context + question, got %d: %+v", len(msgs), msgs)
	}
	if msgs[0].Role != "system" || !strings.Contains(msgs[0].Content, "다행이라고 생각하는 순간") {
		t.Fatalf("expected the approved matching quote in the system message, got %q", msgs[0].Content)
	}
	if strings.Contains(msgs[0].Content, "승인 전인") {
		t.Fatal("a pending quote was sent upstream")
	}
	if msgs[1].Role != "user" || msgs[1].Content != "second question" || msgs[2].Role != "assistant" {
		t.Fatalf("expected the last question and its answer as context, got %+v", msgs[1:3])
	}
	if msgs[3].Role != "user" || msgs[3].Content != "다행 관련 대사" {
		t.Fatalf("expected the trimmed question last, got %+v", msgs[3])
	}

	hookstest.AssertKeyNotStored(t, app.DataDir())

	recs := hookstest.ChatRecords(t, app, user.Id)
	answer := recs[len(recs)-1]
	if answer.GetString("role") != "assistant" || answer.GetInt("prompt_tokens") != 11 || answer.GetInt("completion_tokens") != 7 {
		t.Fatalf("expected the token usage on the answer, got %v", answer.PublicExport())
	}
}

// The daily limit holds under concurrent requests, across processes too.
// Two servers, two apps on one data directory as two processes would be,
// take bursts of requests for fresh users, alternating between them; each
// user gets exactly their limit. Within one app the transactions are
// serialized, so a check that reads the count and then writes it is only
// caught across connections, where its stale read makes requests fail.
func TestChatDailyLimitUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f)
	t.Cleanup(app.Cleanup) // after the twin's
	servers := []string{hookstest.StartServer(t, app).URL, startTwin(t, app.DataDir(), onlineConfig(f)).URL}
	const rounds, burst, limit = 4, 30, 5

	for round := 0; round < rounds; round++ {
		user := hookstest.NewUser(t, app, fmt.Sprintf("rush%d@example.com", round))
		tok := hookstest.Token(t, user)
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		start := make(chan struct{})
		for i := 0; i < burst; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var key []string
				if round%2 == 1 { // a transaction that reads (the key) before it writes
					key = []string{"Idempotency-Key", fmt.Sprintf("rush-%d-%d", round, i)}
				}
				res, _ := hookstest.Do(t, "POST", servers[i%len(servers)]+"/api/chat", tok, `{"content":"동시에"}`, key...)
				mu.Lock()
				codes[res.StatusCode]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		if codes[201] != limit || codes[429] != burst-limit {
			t.Fatalf("round %d: expected %d×201 and %d×429, got %v", round, limit, burst-limit, codes)
		}
		if n := len(hookstest.ChatRecords(t, app, user.Id)); n != 2*limit {
			t.Fatalf("round %d: expected %d questions and answers, got %d records", round, 2*limit, n)
		}
	}
	if n := len(f.Received()); n != rounds*limit {
		t.Fatalf("expected %d upstream calls, got %d", rounds*limit, n)
	}
}

// A JSON answer is made and saved even when the client goes away while the
// upstream is answering: the upstream request is not tied to the client's.
func TestChatJSONAnswerIsSavedWhenTheClientGoesAway(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	f.Hold()
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "jsonleaver@example.com")
	gone := requestContextsEnd(app, "/api/chat")
	srv := hookstest.StartServer(t, app)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/chat", strings.NewReader(`{"content":"떠나요"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", hookstest.Token(t, user))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	f.WaitForRequests(t, 1) // the question reached the upstream
	cancel()                // the client goes away while the upstream answers
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("expected the client's request to end canceled, got %v", err)
	}
	expectEnded(t, gone) // the server knows, and would have cancelled a tied call by now
	// a call tied to the client's request would end within moments
	if got, ended := f.Await(cancelGrace, endedBeforeRelease); ended {
		t.Fatalf("expected the upstream request to outlive the client, but it ended (cancelled: %v)", got[0].Cancelled)
	}
	f.Release()
	if got := f.WaitForEnded(t, 1); got[0].Cancelled {
		t.Fatal("expected the upstream request to finish after the client went away, but it was cancelled")
	}
	expectAnswerSaved(t, app, user.Id)
}

// A streamed question gets the same context as a JSON one (its count runs
// on a worker), and with STOVEBOT_CONTEXT_MESSAGES 0 none is sent.
func TestChatContextOnStreamsAndWhenOff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		context int
		want    []string // roles after the system message
	}{
		{"two", 2, []string{"user", "assistant", "user"}},
		{"off", 0, []string{"user"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := upstreamtest.NewServer(t)
			app := hookstest.OnlineApp(t, f, func(cfg *config.Config) { cfg.ContextMessages = c.context })
			defer app.Cleanup()
			user := hookstest.NewUser(t, app, "context-"+c.name+"@example.com")
			srv := hookstest.StartServer(t, app)
			tok := hookstest.Token(t, user)
			res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"earlier question"}`)
			if res.StatusCode != 201 {
				t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
			}
			_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok,
				`{"content":"streamed question","conversation":"`+conversationOf(t, body)+`"}`)
			var last sseEvent
			for ev, ok := next(); ok; ev, ok = next() {
				last = ev
			}
			if last.name != "done" {
				t.Fatalf("expected the stream to end with done, got %+v", last)
			}
			got := f.Received()
			if len(got) != 2 || !got[1].Body.Stream {
				t.Fatalf("expected a JSON then a streamed upstream request, got %d", len(got))
			}
			msgs := got[1].Body.Messages
			var roles []string
			for _, m := range msgs[1:] {
				roles = append(roles, m.Role)
			}
			if msgs[0].Role != "system" || !slices.Equal(roles, c.want) {
				t.Fatalf("expected system then %v, got %+v", c.want, msgs)
			}
			if c.context > 0 && (msgs[1].Content != "earlier question" || msgs[2].Content != strings.Join(upstreamtest.Answer, "")) {
				t.Fatalf("expected the earlier exchange as context, got %+v", msgs[1:3])
			}
			if q := msgs[len(msgs)-1]; q.Content != "streamed question" {
				t.Fatalf("expected the question last, got %+v", q)
			}
		})
	}
}
