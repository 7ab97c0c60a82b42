package chat_test

import (
	"context"
	"strings"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// A failed exchange (its question failed, and a partial answer kept as
// failed) is never sent upstream as context: the next request carries only
// finished exchanges, as JSON and as a stream.
func TestChatContextHoldsOnlyFinishedExchanges(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f) // 6 messages of context: room for all below
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "context-failures@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)

	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"finished question"}`); res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	// a stream cut after two pieces: a failed question and a failed partial answer
	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"cut question [mode:cut]"}`)
	var last sseEvent
	for ev, ok := next(); ok; ev, ok = next() {
		last = ev
	}
	if last.name != "error" {
		t.Fatalf("expected the cut stream to end with an error event, got %+v", last)
	}
	// a refused request: a failed question without an answer
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"refused question [mode:500]"}`); res.StatusCode != 502 {
		t.Fatalf("expected 502, got %d: %s", res.StatusCode, body)
	}
	statuses := map[string]int{}
	for _, r := range hookstest.ChatRecords(t, app, user.Id) {
		statuses[r.GetString("role")+" "+r.GetString("status")]++
	}
	if statuses["user failed"] != 2 || statuses["assistant failed"] != 1 {
		t.Fatalf("expected two failed questions and one failed partial answer in the history, got %v", statuses)
	}

	finished := []string{"user: finished question", "assistant: " + strings.Join(upstreamtest.Answer, "")}
	for i, ask := range []struct {
		name   string
		stream bool
	}{{"JSON", false}, {"stream", true}} {
		question := "next question " + ask.name
		if ask.stream {
			_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"`+question+`"}`)
			for ev, ok := next(); ok; ev, ok = next() {
				last = ev
			}
			if last.name != "done" {
				t.Fatalf("%s: expected done, got %+v", ask.name, last)
			}
		} else if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"`+question+`"}`); res.StatusCode != 201 {
			t.Fatalf("%s: expected 201, got %d: %s", ask.name, res.StatusCode, body)
		}
		got := f.WaitForRequests(t, 4+i)[3+i].Body.Messages
		var sent []string
		for _, m := range got[1:] {
			sent = append(sent, m.Role+": "+m.Content)
		}
		want := append(append([]string{}, finished...), "user: "+question)
		if got[0].Role != "system" || strings.Join(sent, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: expected only finished exchanges as context:\n%s\ngot:\n%s", ask.name, strings.Join(want, "\n"), strings.Join(sent, "\n"))
		}
		finished = append(finished, "user: "+question, "assistant: "+strings.Join(upstreamtest.Answer, ""))
	}
}
