package chat_test

import (
	"context"
	"encoding/json"
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

	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"finished question"}`)
	if res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	in := `,"conversation":"` + conversationOf(t, body) + `"}`
	// a stream cut after two pieces: a failed question and a failed partial answer
	_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"cut question [mode:cut]"`+in)
	var last sseEvent
	for ev, ok := next(); ok; ev, ok = next() {
		last = ev
	}
	if last.name != "error" {
		t.Fatalf("expected the cut stream to end with an error event, got %+v", last)
	}
	// a refused request: a failed question without an answer
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"refused question [mode:500]"`+in); res.StatusCode != 502 {
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
			_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, `{"content":"`+question+`"`+in)
			for ev, ok := next(); ok; ev, ok = next() {
				last = ev
			}
			if last.name != "done" {
				t.Fatalf("%s: expected done, got %+v", ask.name, last)
			}
		} else if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"`+question+`"`+in); res.StatusCode != 201 {
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

// The context sent upstream is the conversation's own: a new conversation
// carries none of the user's other messages, and each conversation,
// continued, carries only its own, as the fake upstream receives them.
func TestChatContextIsTheConversationsOwn(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f) // 6 messages of context: room for all below
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "two-threads@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	answer := strings.Join(upstreamtest.Answer, "")

	// ask sends content into conversation ("" for a new one) and returns
	// the conversation and what the upstream received after the system
	// message
	n := 0
	ask := func(content, conversation string, stream bool) (string, []string) {
		t.Helper()
		body := `{"content":"` + content + `","conversation":"` + conversation + `"}`
		if stream {
			_, next := openStream(t, context.Background(), srv.URL+"/api/chat", tok, body)
			var chatEvent, last sseEvent
			for ev, ok := next(); ok; ev, ok = next() {
				if ev.name == "chat" {
					chatEvent = ev
				}
				last = ev
			}
			if last.name != "done" {
				t.Fatalf("expected done, got %+v", last)
			}
			var c struct{ Conversation struct{ ID string } }
			if err := json.Unmarshal([]byte(chatEvent.data), &c); err != nil || c.Conversation.ID == "" {
				t.Fatalf("expected the chat event to carry the conversation, got %q (%v)", chatEvent.data, err)
			}
			conversation = c.Conversation.ID
		} else {
			res, text := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, body)
			if res.StatusCode != 201 {
				t.Fatalf("expected 201, got %d: %s", res.StatusCode, text)
			}
			conversation = conversationOf(t, text)
		}
		n++
		var sent []string
		for _, m := range f.WaitForRequests(t, n)[n-1].Body.Messages[1:] {
			sent = append(sent, m.Role+": "+m.Content)
		}
		return conversation, sent
	}
	expect := func(what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: expected upstream\n%s\ngot\n%s", what, strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
	}

	first, sent := ask("alpha question", "", false)
	expect("a new conversation", sent, "user: alpha question")
	_, sent = ask("alpha follow-up", first, false)
	expect("the first, continued", sent, "user: alpha question", "assistant: "+answer, "user: alpha follow-up")
	second, sent := ask("beta question", "", true)
	if second == first {
		t.Fatal("expected a second conversation")
	}
	expect("a second conversation", sent, "user: beta question")
	_, sent = ask("beta follow-up", second, true)
	expect("the second, continued", sent, "user: beta question", "assistant: "+answer, "user: beta follow-up")
	_, sent = ask("alpha again", first, false)
	expect("the first again", sent, "user: alpha question", "assistant: "+answer,
		"user: alpha follow-up", "assistant: "+answer, "user: alpha again")
}
