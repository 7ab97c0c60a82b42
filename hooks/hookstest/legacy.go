package hookstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/migrations"
)

// The legacy fixtures have fixed ids, and the users collection a fixed
// token secret, so that a scenario table can name a user's token and a
// record's URL before its fresh app exists.
const (
	LegacySecret = "legacy-fixture-token-secret-0123456789abcdefghij"

	LegacyAliceID = "alice0000000001"
	LegacyBobID   = "bob000000000001"
	LegacyCarolID = "carol0000000001" // has no chats and no quotes

	LegacyAliceQ1     = "alicechat000001" // answered
	LegacyAliceR1     = "alicereply00001"
	LegacyAliceQ2     = "alicechat000002" // failed, no answer
	LegacyBobQ1       = "bobchat00000001"
	LegacyBobR1       = "bobreply0000001"
	LegacyAdminQuote  = "quoteadmin00001" // approved, no author
	LegacyBobApproved = "quotebobappr001"
	LegacyBobPending  = "quotebobpend001"
	LegacyAlicePend   = "quotealipend001"
	LegacyAliceAppr   = "quotealiappr001"
)

var (
	LegacyAliceToken = LegacyFixtureToken(migrations.UsersCollection, LegacyAliceID)
	LegacyBobToken   = LegacyFixtureToken(migrations.UsersCollection, LegacyBobID)
	LegacyCarolToken = LegacyFixtureToken(migrations.UsersCollection, LegacyCarolID)
	LegacySuperToken = LegacyFixtureToken(core.CollectionNameSuperusers, LegacySuperID)
)

// LegacySuperID is the fixture superuser.
const LegacySuperID = "super0000000001"

// LegacyTokenKey is the fixed token key of a fixture user.
func LegacyTokenKey(id string) string { return "tokenkey-" + id + "-0123456789" }

// LegacyFixtureToken signs an auth token as PocketBase would for the
// fixture record id of the auth collection name in any LegacyApp. Both
// collections' ids are fixed by PocketBase: users is "_pb_users_auth_",
// others derive theirs from the name.
func LegacyFixtureToken(name, id string) string {
	c := core.NewAuthCollection(name)
	if name == migrations.UsersCollection {
		c = core.NewAuthCollection(name, "_pb_users_auth_")
	}
	c.AuthToken.Secret = LegacySecret
	c.AuthToken.Duration = 3600
	r := core.NewRecord(c)
	r.Id = id
	r.SetTokenKey(LegacyTokenKey(id))
	tok, err := r.NewAuthToken()
	if err != nil {
		panic(err)
	}
	return tok
}

// LegacyAuth is the headers of a request signed in with token.
func LegacyAuth(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// LegacyApp returns a fresh app with the legacy fixtures: users alice, bob
// and carol (password "password123"), a superuser, chats and quotes.
func LegacyApp(t testing.TB, opts ...func(*config.Config)) *tests.TestApp {
	t.Helper()
	app := NewApp(t, opts...)
	for _, name := range []string{migrations.UsersCollection, core.CollectionNameSuperusers} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		c.AuthToken.Secret = LegacySecret
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(superusers)
	su.Id = LegacySuperID
	su.SetEmail("admin@example.com")
	su.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: PasswordHash()})
	su.SetTokenKey(LegacyTokenKey(LegacySuperID))
	LegacySave(t, app, su)

	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ id, email, nickname string }{
		{LegacyAliceID, "alice@example.com", "alice"},
		{LegacyBobID, "bob@example.com", "bob"},
		{LegacyCarolID, "carol@example.com", "carol"},
	} {
		r := core.NewRecord(users)
		r.Id = u.id
		r.SetEmail(u.email)
		r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: PasswordHash()})
		r.SetTokenKey(LegacyTokenKey(u.id))
		r.Set("nickname", u.nickname)
		LegacySave(t, app, r)
	}

	LegacyAddChat(t, app, LegacyAliceID, LegacyAliceQ1, LegacyAliceR1, "Who said 다행이다?", "Baek Seung-soo.")
	LegacyAddChat(t, app, LegacyAliceID, LegacyAliceQ2, "", "This one failed", "")
	LegacyAddChat(t, app, LegacyBobID, LegacyBobQ1, LegacyBobR1, "Bob's secret question", "Bob's secret answer")

	for _, q := range []struct {
		id, user, content string
		approved          bool
	}{
		{LegacyAdminQuote, "", "우리는 이기는 팀을 만들 겁니다", true},
		{LegacyBobApproved, LegacyBobID, "Bob's approved quote", true},
		{LegacyBobPending, LegacyBobID, "Bob's pending quote", false},
		{LegacyAlicePend, LegacyAliceID, "Alice's pending quote", false},
		{LegacyAliceAppr, LegacyAliceID, "Alice's approved quote", true},
	} {
		LegacyAddQuote(t, app, q.id, q.user, q.content, q.approved)
	}
	return app
}

func LegacySave(t testing.TB, app core.App, r *core.Record) {
	t.Helper()
	if err := app.Save(r); err != nil {
		t.Fatalf("saving %s %q: %v", r.Collection().Name, r.Id, err)
	}
}

// LegacyAddChat saves a question of user (done with its answer, or failed
// without one when replyID is "").
func LegacyAddChat(t testing.TB, app core.App, user, id, replyID, question, answer string) {
	t.Helper()
	chats, err := app.FindCollectionByNameOrId(migrations.ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	q := core.NewRecord(chats)
	q.Id = id
	q.Set("user", user)
	q.Set("role", chat.RoleUser)
	q.Set("content", question)
	q.Set("status", chat.StatusFailed)
	if replyID != "" {
		r := core.NewRecord(chats)
		r.Id = replyID
		r.Set("user", user)
		r.Set("role", chat.RoleAssistant)
		r.Set("content", answer)
		r.Set("status", chat.StatusDone)
		LegacySave(t, app, r)
		q.Set("reply", replyID)
		q.Set("status", chat.StatusDone)
	}
	LegacySave(t, app, q)
}

func LegacyAddQuote(t testing.TB, app core.App, id, user, content string, approved bool) {
	t.Helper()
	quotes, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	q := core.NewRecord(quotes)
	q.Id = id
	q.Set("user", user)
	q.Set("content", content)
	q.Set("speaker", "백승수")
	q.Set("episode", 3)
	q.Set("is_apply", approved)
	LegacySave(t, app, q)
}

// LegacyDo sends one request through the router of a serve event, for
// scenarios whose BeforeTestFunc needs earlier requests.
func LegacyDo(t testing.TB, e *core.ServeEvent, method, url, body string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	mux, err := e.Router.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// LegacyDecode decodes a JSON response body into dst.
func LegacyDecode(t testing.TB, r io.Reader, dst any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(dst); err != nil {
		t.Fatalf("decoding the response: %v", err)
	}
}

// LegacyRecordGone fails unless every id of collection is deleted.
func LegacyRecordGone(collection string, ids ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		for _, id := range ids {
			if _, err := app.FindRecordById(collection, id); err == nil {
				t.Fatalf("expected %s %q to be deleted", collection, id)
			}
		}
	}
}

// LegacyRecordKept fails unless every id of collection still exists.
func LegacyRecordKept(collection string, ids ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		for _, id := range ids {
			if _, err := app.FindRecordById(collection, id); err != nil {
				t.Fatalf("expected %s %q to be kept: %v", collection, id, err)
			}
		}
	}
}

// LegacyRecordCount fails unless collection holds n records.
func LegacyRecordCount(collection string, n int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		total, err := app.CountRecords(collection)
		if err != nil {
			t.Fatal(err)
		}
		if int(total) != n {
			t.Fatalf("expected %d %s, got %d", n, collection, total)
		}
	}
}

// LegacyRFC3339UTC is a time as the seed API writes it: UTC, to the second.
var LegacyRFC3339UTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// LegacyTimes fails unless every key path (keys joined by dots) of the JSON
// body holds a time written as LegacyRFC3339UTC.
func LegacyTimes(paths ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		var body map[string]any
		LegacyDecode(t, res.Body, &body)
		for _, p := range paths {
			var v any = body
			for _, k := range strings.Split(p, ".") {
				m, _ := v.(map[string]any)
				v = m[k]
			}
			if s, _ := v.(string); !LegacyRFC3339UTC.MatchString(s) {
				t.Fatalf("expected %s to be an RFC 3339 UTC time to the second, got %v", p, v)
			}
		}
	}
}
