package quotes_test

import (
	"net/http"
	"testing"

	"stovebot/hooks/hookstest"
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
	ownerToken, otherToken := hookstest.UserToken(t, app, hookstest.OwnerID), hookstest.UserToken(t, app, hookstest.OtherID)
	su := hookstest.NewSuperuser(t, app)

	const topic = "quotes/*"
	guest := hookstest.Subscribe(t, srv.URL, "guest", "", topic)
	author := hookstest.Subscribe(t, srv.URL, "author", ownerToken, topic)
	another := hookstest.Subscribe(t, srv.URL, "another user", otherToken, topic)
	moderator := hookstest.Subscribe(t, srv.URL, "superuser", su, topic)
	everyone := []*hookstest.Subscriber{guest, author, another, moderator}
	authorOnly := []*hookstest.Subscriber{author, moderator}

	const quotes = "/api/collections/quotes/records"

	pending := hookstest.Send(t, srv.URL, ownerToken, http.MethodPost, quotes, `{"user":"`+hookstest.OwnerID+`","content":"submitted and watched"}`)
	hookstest.ExpectAll(t, authorOnly, topic, "create", pending)
	hookstest.Send(t, srv.URL, ownerToken, http.MethodPatch, quotes+"/"+pending, `{"speaker":"백승수"}`)
	hookstest.ExpectAll(t, authorOnly, topic, "update", pending)
	hookstest.Send(t, srv.URL, su, http.MethodPatch, quotes+"/"+pending, `{"episode":2}`)
	hookstest.ExpectAll(t, authorOnly, topic, "update", pending)

	approved := hookstest.Send(t, srv.URL, su, http.MethodPost, quotes, `{"content":"added by a moderator","is_apply":true}`)
	hookstest.ExpectAll(t, everyone, topic, "create", approved)
	forAuthor := hookstest.Send(t, srv.URL, su, http.MethodPost, quotes, `{"user":"`+hookstest.OwnerID+`","content":"pending, in the author's name"}`)
	hookstest.ExpectAll(t, authorOnly, topic, "create", forAuthor)

	hookstest.Send(t, srv.URL, su, http.MethodPatch, quotes+"/"+pending, `{"is_apply":true}`)
	for _, e := range hookstest.ExpectAll(t, everyone, topic, "update", pending) {
		if e.Record["is_apply"] != true || e.Record["applied_at"] == "" {
			t.Fatalf("expected the approval with its stamp, got %v", e.Record)
		}
	}
	hookstest.Send(t, srv.URL, su, http.MethodPatch, quotes+"/"+pending, `{"content":"edited after approval"}`)
	hookstest.ExpectAll(t, everyone, topic, "update", pending)
	hookstest.Send(t, srv.URL, su, http.MethodPatch, quotes+"/"+pending, `{"is_apply":false}`) // rejected again
	hookstest.ExpectAll(t, authorOnly, topic, "update", pending)
	hookstest.Send(t, srv.URL, su, http.MethodDelete, quotes+"/"+pending, "")
	hookstest.ExpectAll(t, authorOnly, topic, "delete", pending)
	hookstest.Send(t, srv.URL, su, http.MethodDelete, quotes+"/"+approved, "")
	hookstest.ExpectAll(t, everyone, topic, "delete", approved)
	hookstest.Send(t, srv.URL, ownerToken, http.MethodDelete, quotes+"/"+forAuthor, "")
	hookstest.ExpectAll(t, authorOnly, topic, "delete", forAuthor)

	// a last event for everyone: nobody received anything in between
	last := hookstest.Send(t, srv.URL, su, http.MethodPost, quotes, `{"content":"the last one","is_apply":true}`)
	hookstest.ExpectAll(t, everyone, topic, "create", last)
}
