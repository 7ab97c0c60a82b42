package quotes_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// A realtime subscriber receives the quote events that the view rule lets
// it see: an approved quote's to everyone, guests included; a pending or
// rejected quote's to its author and the superusers only.
func TestQuotesRealtime(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	srv := hookstest.StartServer(t, app)
	owner, err := app.FindRecordById(migrations.UsersCollection, hookstest.OwnerID)
	if err != nil {
		t.Fatal(err)
	}
	other, err := app.FindRecordById(migrations.UsersCollection, hookstest.OtherID)
	if err != nil {
		t.Fatal(err)
	}
	ownerToken, otherToken := hookstest.Token(t, owner), hookstest.Token(t, other)
	su := hookstest.NewSuperuser(t, app)

	const topic = "quotes/*"
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topic)
	author := hookstest.Subscribe(t, srv.URL, "author", ownerToken, topic)
	another := hookstest.Subscribe(t, srv.URL, "another user", otherToken, topic)
	moderator := hookstest.Subscribe(t, srv.URL, "superuser", su, topic)
	everyone := []*hookstest.Subscriber{guest, author, another, moderator}
	authorOnly := []*hookstest.Subscriber{author, moderator}

	const quotes = "/api/collections/quotes/records"
	send := func(token, method, path, body string) string {
		t.Helper()
		res, text := hookstest.Do(t, method, srv.URL+path, token, body)
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, text)
		}
		var r struct{ ID string }
		_ = json.Unmarshal([]byte(text), &r)
		return r.ID
	}
	// expect waits until each of to has received the event, in order after
	// what it received before; the others are checked at the end
	expect := func(to []*hookstest.Subscriber, action, id string) []hookstest.RealtimeEvent {
		t.Helper()
		var got []hookstest.RealtimeEvent
		for _, s := range to {
			got = append(got, s.Expect(t, topic+" "+action+" "+id)...)
		}
		return got
	}

	pending := send(ownerToken, http.MethodPost, quotes, `{"user":"`+hookstest.OwnerID+`","content":"submitted and watched"}`)
	expect(authorOnly, "create", pending)
	send(ownerToken, http.MethodPatch, quotes+"/"+pending, `{"speaker":"백승수"}`)
	expect(authorOnly, "update", pending)
	send(su, http.MethodPatch, quotes+"/"+pending, `{"episode":2}`)
	expect(authorOnly, "update", pending)

	approved := send(su, http.MethodPost, quotes, `{"content":"added by a moderator","is_apply":true}`)
	expect(everyone, "create", approved)
	forAuthor := send(su, http.MethodPost, quotes, `{"user":"`+hookstest.OwnerID+`","content":"pending, in the author's name"}`)
	expect(authorOnly, "create", forAuthor)

	send(su, http.MethodPatch, quotes+"/"+pending, `{"is_apply":true}`)
	for _, e := range expect(everyone, "update", pending) {
		if e.Record["is_apply"] != true || e.Record["applied_at"] == "" {
			t.Fatalf("expected the approval with its stamp, got %v", e.Record)
		}
	}
	send(su, http.MethodPatch, quotes+"/"+pending, `{"content":"edited after approval"}`)
	expect(everyone, "update", pending)
	send(su, http.MethodPatch, quotes+"/"+pending, `{"is_apply":false}`) // rejected again
	expect(authorOnly, "update", pending)
	send(su, http.MethodDelete, quotes+"/"+pending, "")
	expect(authorOnly, "delete", pending)
	send(su, http.MethodDelete, quotes+"/"+approved, "")
	expect(everyone, "delete", approved)
	send(ownerToken, http.MethodDelete, quotes+"/"+forAuthor, "")
	expect(authorOnly, "delete", forAuthor)

	// a last event for everyone: nobody received anything in between
	last := send(su, http.MethodPost, quotes, `{"content":"the last one","is_apply":true}`)
	expect(everyone, "create", last)
}
