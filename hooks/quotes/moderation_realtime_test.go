package quotes_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// Realtime follows moderation as the view rule does: a pending or rejected
// quote's events reach its author and the moderators, an approved quote's
// everyone, and a rejection of an approved quote nobody else.
func TestQuotesRealtimeFollowsModeration(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)
	hookstest.SeedModeration(t, app)
	srv := hookstest.StartServer(t, app)
	token := func(id string) string {
		t.Helper()
		u, err := app.FindRecordById(migrations.UsersCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		return hookstest.Token(t, u)
	}
	ownerToken, otherToken, moderatorToken := token(hookstest.OwnerID), token(hookstest.OtherID), token(hookstest.ModeratorID)

	const topic = "quotes/*"
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topic)
	author := hookstest.Subscribe(t, srv.URL, "author", ownerToken, topic)
	another := hookstest.Subscribe(t, srv.URL, "another user", otherToken, topic)
	moderator := hookstest.Subscribe(t, srv.URL, "moderator", moderatorToken, topic)
	everyone := []*hookstest.Subscriber{guest, author, another, moderator}
	reviewers := []*hookstest.Subscriber{author, moderator}

	const quotes = "/api/collections/quotes/records"
	send := func(token, method, path, body string) string {
		t.Helper()
		res, text := hookstest.Do(t, method, srv.URL+path, token, body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, text)
		}
		var r struct{ ID string }
		_ = json.Unmarshal([]byte(text), &r)
		return r.ID
	}
	expect := func(to []*hookstest.Subscriber, action, id string) []hookstest.RealtimeEvent {
		t.Helper()
		var got []hookstest.RealtimeEvent
		for _, s := range to {
			got = append(got, s.Expect(t, topic+" "+action+" "+id)...)
		}
		return got
	}

	id := send(ownerToken, http.MethodPost, quotes, `{"content":"a suggestion under review"}`)
	expect(reviewers, "create", id)
	send(moderatorToken, http.MethodPatch, quotes+"/"+id, `{"rejected_reason":"not in the show"}`)
	for _, e := range expect(reviewers, "update", id) {
		if e.Record["rejected_reason"] != "not in the show" || e.Record["rejected_at"] == "" {
			t.Fatalf("expected the rejection with its reason and stamp, got %v", e.Record)
		}
	}
	send(ownerToken, http.MethodPatch, quotes+"/"+id, `{"content":"a suggestion, rewritten"}`)
	for _, e := range expect(reviewers, "update", id) {
		if e.Record["rejected_reason"] != "" || e.Record["rejected_at"] != "" {
			t.Fatalf("expected the edit back to pending, got %v", e.Record)
		}
	}
	send(moderatorToken, http.MethodPatch, quotes+"/"+id, `{"is_apply":true}`)
	expect(everyone, "update", id)
	send(moderatorToken, http.MethodPatch, quotes+"/"+id, `{"rejected_reason":"approved by mistake"}`)
	expect(reviewers, "update", id)

	// a last event for everyone: nobody else received anything in between
	last := send(moderatorToken, http.MethodPatch, quotes+"/"+hookstest.OtherPendingID, `{"is_apply":true}`)
	expect(everyone, "update", last)
}
