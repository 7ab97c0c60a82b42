package quotes_test

import (
	"net/http"
	"testing"

	"stovebot/hooks/hookstest"
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
	ownerToken, otherToken, moderatorToken := hookstest.UserToken(t, app, hookstest.OwnerID), hookstest.UserToken(t, app, hookstest.OtherID), hookstest.UserToken(t, app, hookstest.ModeratorID)

	const topic = "quotes/*"
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topic)
	author := hookstest.Subscribe(t, srv.URL, "author", ownerToken, topic)
	another := hookstest.Subscribe(t, srv.URL, "another user", otherToken, topic)
	moderator := hookstest.Subscribe(t, srv.URL, "moderator", moderatorToken, topic)
	everyone := []*hookstest.Subscriber{guest, author, another, moderator}
	reviewers := []*hookstest.Subscriber{author, moderator}

	const quotes = "/api/collections/quotes/records"

	id := hookstest.Send(t, srv.URL, ownerToken, http.MethodPost, quotes, `{"content":"a suggestion under review"}`)
	hookstest.ExpectAll(t, reviewers, topic, "create", id)
	hookstest.Send(t, srv.URL, moderatorToken, http.MethodPatch, quotes+"/"+id, `{"rejected_reason":"not in the show"}`)
	for _, e := range hookstest.ExpectAll(t, reviewers, topic, "update", id) {
		if e.Record["rejected_reason"] != "not in the show" || e.Record["rejected_at"] == "" {
			t.Fatalf("expected the rejection with its reason and stamp, got %v", e.Record)
		}
	}
	hookstest.Send(t, srv.URL, ownerToken, http.MethodPatch, quotes+"/"+id, `{"content":"a suggestion, rewritten"}`)
	for _, e := range hookstest.ExpectAll(t, reviewers, topic, "update", id) {
		if e.Record["rejected_reason"] != "" || e.Record["rejected_at"] != "" {
			t.Fatalf("expected the edit back to pending, got %v", e.Record)
		}
	}
	hookstest.Send(t, srv.URL, moderatorToken, http.MethodPatch, quotes+"/"+id, `{"is_apply":true}`)
	hookstest.ExpectAll(t, everyone, topic, "update", id)
	hookstest.Send(t, srv.URL, moderatorToken, http.MethodPatch, quotes+"/"+id, `{"rejected_reason":"approved by mistake"}`)
	hookstest.ExpectAll(t, reviewers, topic, "update", id)

	// a last event for everyone: nobody else received anything in between
	last := hookstest.Send(t, srv.URL, moderatorToken, http.MethodPatch, quotes+"/"+hookstest.OtherPendingID, `{"is_apply":true}`)
	hookstest.ExpectAll(t, everyone, topic, "update", last)
}
