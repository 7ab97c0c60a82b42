package chat_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"stovebot/hooks/hookstest"
)

// The chats that the server writes with plain SQL reach their owner's
// realtime subscription, and nobody else's; so do the deletions of a
// question and its answer.
func TestChatsRealtime(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	srv := hookstest.StartServer(t, app)
	ownerToken, otherToken := hookstest.UserToken(t, app, hookstest.OwnerID), hookstest.UserToken(t, app, hookstest.OtherID)
	su := hookstest.NewSuperuser(t, app)

	// every subscriber also hears the approved quotes, so that one last
	// approved quote shows that nothing else came before it
	topics := []string{"chats/*", "quotes/*"}
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topics...)
	owner := hookstest.Subscribe(t, srv.URL, "owner", ownerToken, topics...)
	other := hookstest.Subscribe(t, srv.URL, "another user", otherToken, topics...)

	ask := func(token, content string) (question, answer string) {
		t.Helper()
		res, body := hookstest.Do(t, http.MethodPost, srv.URL+"/api/chat", token, `{"content":"`+content+`"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("expected 201, got %d %s", res.StatusCode, body)
		}
		var r struct{ Chat, Reply struct{ ID string } }
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		return r.Chat.ID, r.Reply.ID
	}

	q, a := ask(ownerToken, "the owner's question")
	events := owner.Expect(t, "chats/* create "+q, "chats/* create "+a, "chats/* update "+q)
	if asked := hookstest.Event(t, events, "chats/* create "+q).Record; asked["status"] != "pending" || asked["role"] != "user" {
		t.Fatalf("expected the question as accepted, pending, got %v", asked)
	}
	if done := hookstest.Event(t, events, "chats/* update "+q).Record; done["status"] != "done" || done["reply"] != a {
		t.Fatalf("expected the question done with its reply, got %v", done)
	}
	oq, oa := ask(otherToken, "the other user's question")
	other.Expect(t, "chats/* create "+oq, "chats/* create "+oa, "chats/* update "+oq)

	res, body := hookstest.Do(t, http.MethodDelete, srv.URL+"/api/collections/chats/records/"+q, ownerToken, "")
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("expected 204, got %d %s", res.StatusCode, body)
	}
	owner.Expect(t, "chats/* delete "+q, "chats/* delete "+a)

	res, body = hookstest.Do(t, http.MethodPost, srv.URL+"/api/collections/quotes/records", su, `{"content":"for everyone","is_apply":true}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("expected 200, got %d %s", res.StatusCode, body)
	}
	var last struct{ ID string }
	if err := json.Unmarshal([]byte(body), &last); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*hookstest.Subscriber{guest, owner, other} {
		s.Expect(t, "quotes/* create "+last.ID)
	}
}

// Conversations reach their owner's realtime subscription and nobody
// else's: one made by the server's plain SQL (POST /api/chat), a rename and
// a deletion through the records API.
func TestConversationsRealtime(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	srv := hookstest.StartServer(t, app)
	ownerToken, otherToken := hookstest.UserToken(t, app, hookstest.OwnerID), hookstest.UserToken(t, app, hookstest.OtherID)
	su := hookstest.NewSuperuser(t, app)

	// every subscriber also hears the approved quotes, so that one last
	// approved quote shows that nothing else came before it
	topics := []string{"conversations/*", "quotes/*"}
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topics...)
	owner := hookstest.Subscribe(t, srv.URL, "owner", ownerToken, topics...)
	other := hookstest.Subscribe(t, srv.URL, "another user", otherToken, topics...)

	start := func(token, content string) string {
		t.Helper()
		res, body := hookstest.Do(t, http.MethodPost, srv.URL+"/api/chat", token, `{"content":"`+content+`"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("expected 201, got %d %s", res.StatusCode, body)
		}
		var r struct{ Conversation struct{ ID string } }
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		return r.Conversation.ID
	}

	mine := start(ownerToken, "the owner's new conversation")
	made := hookstest.Event(t, owner.Expect(t, "conversations/* create "+mine), "conversations/* create "+mine).Record
	if made["title"] != "the owner's new conversation" || made["user"] != hookstest.OwnerID {
		t.Fatalf("expected the new conversation with its title, got %v", made)
	}
	// continuing it fires no conversation event: the chats events carry it
	res, body := hookstest.Do(t, http.MethodPost, srv.URL+"/api/chat", ownerToken, `{"content":"more","conversation":"`+mine+`"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("expected 201, got %d %s", res.StatusCode, body)
	}
	theirs := start(otherToken, "the other user's conversation")
	other.Expect(t, "conversations/* create "+theirs)

	hookstest.Send(t, srv.URL, ownerToken, http.MethodPatch, "/api/collections/conversations/records/"+mine, `{"title":"renamed"}`)
	if renamed := owner.Expect(t, "conversations/* update "+mine)[0].Record; renamed["title"] != "renamed" {
		t.Fatalf("expected the rename, got %v", renamed)
	}
	hookstest.Send(t, srv.URL, ownerToken, http.MethodDelete, "/api/collections/conversations/records/"+mine, "")
	owner.Expect(t, "conversations/* delete "+mine)

	last := hookstest.Send(t, srv.URL, su, http.MethodPost, "/api/collections/quotes/records", `{"content":"for everyone","is_apply":true}`)
	for _, s := range []*hookstest.Subscriber{guest, owner, other} {
		s.Expect(t, "quotes/* create "+last)
	}
}
