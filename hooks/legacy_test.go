package hooks

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

// The legacy fixtures have fixed ids, and the users collection a fixed
// token secret, so that a scenario table can name a user's token and a
// record's URL before its fresh app exists.
const (
	legacySecret = "legacy-fixture-token-secret-0123456789abcdefghij"

	legacyAliceID = "alice0000000001"
	legacyBobID   = "bob000000000001"
	legacyCarolID = "carol0000000001" // has no chats and no quotes

	legacyAliceQ1     = "alicechat000001" // answered
	legacyAliceR1     = "alicereply00001"
	legacyAliceQ2     = "alicechat000002" // failed, no answer
	legacyBobQ1       = "bobchat00000001"
	legacyBobR1       = "bobreply0000001"
	legacyAdminQuote  = "quoteadmin00001" // approved, no author
	legacyBobApproved = "quotebobappr001"
	legacyBobPending  = "quotebobpend001"
	legacyAlicePend   = "quotealipend001"
	legacyAliceAppr   = "quotealiappr001"
)

var (
	legacyAliceToken = legacyFixtureToken(migrations.UsersCollection, legacyAliceID)
	legacyBobToken   = legacyFixtureToken(migrations.UsersCollection, legacyBobID)
	legacyCarolToken = legacyFixtureToken(migrations.UsersCollection, legacyCarolID)
	legacySuperToken = legacyFixtureToken(core.CollectionNameSuperusers, legacySuperID)
)

// legacySuperID is the fixture superuser.
const legacySuperID = "super0000000001"

// legacyTokenKey is the fixed token key of a fixture user.
func legacyTokenKey(id string) string { return "tokenkey-" + id + "-0123456789" }

// legacyFixtureToken signs an auth token as PocketBase would for the
// fixture record id of the auth collection name in any legacyApp. Both
// collections' ids are fixed by PocketBase: users is "_pb_users_auth_",
// others derive theirs from the name.
func legacyFixtureToken(name, id string) string {
	c := core.NewAuthCollection(name)
	if name == migrations.UsersCollection {
		c = core.NewAuthCollection(name, "_pb_users_auth_")
	}
	c.AuthToken.Secret = legacySecret
	c.AuthToken.Duration = 3600
	r := core.NewRecord(c)
	r.Id = id
	r.SetTokenKey(legacyTokenKey(id))
	tok, err := r.NewAuthToken()
	if err != nil {
		panic(err)
	}
	return tok
}

// legacyAuth is the headers of a request signed in with token.
func legacyAuth(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// legacyPasswordHash is "password123" hashed once per test binary: bcrypt
// is slow, and every scenario seeds a fresh app.
var legacyPasswordHash = sync.OnceValue(func() string {
	r := core.NewRecord(core.NewAuthCollection("fixture"))
	r.SetPassword("password123")
	return r.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue).Hash
})

// legacyApp returns a fresh app with the legacy fixtures: users alice, bob
// and carol (password "password123"), a superuser, chats and quotes.
func legacyApp(t testing.TB, opts ...func(*Config)) *tests.TestApp {
	t.Helper()
	app := setupTestApp(t, opts...)
	for _, name := range []string{migrations.UsersCollection, core.CollectionNameSuperusers} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		c.AuthToken.Secret = legacySecret
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(superusers)
	su.Id = legacySuperID
	su.SetEmail("admin@example.com")
	su.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: legacyPasswordHash()})
	su.SetTokenKey(legacyTokenKey(legacySuperID))
	legacySave(t, app, su)

	users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ id, email, nickname string }{
		{legacyAliceID, "alice@example.com", "alice"},
		{legacyBobID, "bob@example.com", "bob"},
		{legacyCarolID, "carol@example.com", "carol"},
	} {
		r := core.NewRecord(users)
		r.Id = u.id
		r.SetEmail(u.email)
		r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: legacyPasswordHash()})
		r.SetTokenKey(legacyTokenKey(u.id))
		r.Set("nickname", u.nickname)
		legacySave(t, app, r)
	}

	legacyAddChat(t, app, legacyAliceID, legacyAliceQ1, legacyAliceR1, "Who said 다행이다?", "Baek Seung-soo.")
	legacyAddChat(t, app, legacyAliceID, legacyAliceQ2, "", "This one failed", "")
	legacyAddChat(t, app, legacyBobID, legacyBobQ1, legacyBobR1, "Bob's secret question", "Bob's secret answer")

	for _, q := range []struct {
		id, user, content string
		approved          bool
	}{
		{legacyAdminQuote, "", "우리는 이기는 팀을 만들 겁니다", true},
		{legacyBobApproved, legacyBobID, "Bob's approved quote", true},
		{legacyBobPending, legacyBobID, "Bob's pending quote", false},
		{legacyAlicePend, legacyAliceID, "Alice's pending quote", false},
		{legacyAliceAppr, legacyAliceID, "Alice's approved quote", true},
	} {
		legacyAddQuote(t, app, q.id, q.user, q.content, q.approved)
	}
	return app
}

func legacySave(t testing.TB, app core.App, r *core.Record) {
	t.Helper()
	if err := app.Save(r); err != nil {
		t.Fatalf("saving %s %q: %v", r.Collection().Name, r.Id, err)
	}
}

// legacyAddChat saves a question of user (done with its answer, or failed
// without one when replyID is "").
func legacyAddChat(t testing.TB, app core.App, user, id, replyID, question, answer string) {
	t.Helper()
	chats, err := app.FindCollectionByNameOrId(migrations.ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	q := core.NewRecord(chats)
	q.Id = id
	q.Set("user", user)
	q.Set("role", roleUser)
	q.Set("content", question)
	q.Set("status", statusFailed)
	if replyID != "" {
		r := core.NewRecord(chats)
		r.Id = replyID
		r.Set("user", user)
		r.Set("role", roleAssistant)
		r.Set("content", answer)
		r.Set("status", statusDone)
		legacySave(t, app, r)
		q.Set("reply", replyID)
		q.Set("status", statusDone)
	}
	legacySave(t, app, q)
}

func legacyAddQuote(t testing.TB, app core.App, id, user, content string, approved bool) {
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
	legacySave(t, app, q)
}

// legacyDo sends one request through the router of a serve event, for
// scenarios whose BeforeTestFunc needs earlier requests.
func legacyDo(t testing.TB, e *core.ServeEvent, method, url, body string, headers map[string]string) *httptest.ResponseRecorder {
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

// legacyDecode decodes a JSON response body into dst.
func legacyDecode(t testing.TB, r io.Reader, dst any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(dst); err != nil {
		t.Fatalf("decoding the response: %v", err)
	}
}

// legacyRecordGone fails unless every id of collection is deleted.
func legacyRecordGone(collection string, ids ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		for _, id := range ids {
			if _, err := app.FindRecordById(collection, id); err == nil {
				t.Fatalf("expected %s %q to be deleted", collection, id)
			}
		}
	}
}

// legacyRecordKept fails unless every id of collection still exists.
func legacyRecordKept(collection string, ids ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		for _, id := range ids {
			if _, err := app.FindRecordById(collection, id); err != nil {
				t.Fatalf("expected %s %q to be kept: %v", collection, id, err)
			}
		}
	}
}

func TestLegacyRedirectsToTheWebApp(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{Name: "join", Method: http.MethodGet, URL: "/accounts/join", ExpectedStatus: 302},
		{Name: "login", Method: http.MethodGet, URL: "/accounts/login", ExpectedStatus: 302},
	}
	want := map[string]string{"join": "/#/signup", "login": "/#/signin"}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return setupTestApp(t) }
		s.AfterTestFunc = func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if got := res.Header.Get("Location"); got != want[s.Name] {
				t.Fatalf("expected Location %q, got %q", want[s.Name], got)
			}
		}
		s.Test(t)
	}
}

func TestLegacyRefusesBadBodies(t *testing.T) {
	t.Parallel()
	big := `{"content":"` + strings.Repeat("a", legacyMaxBody) + `"}`
	scenarios := []tests.ApiScenario{
		{
			Name: "invalid JSON", Method: http.MethodPost, URL: "/quote",
			Body: strings.NewReader(`{"content": "unterminated`), Headers: legacyAuth(legacyAliceToken),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"The body is not a valid JSON object."`},
		},
		{
			Name: "a JSON array", Method: http.MethodPost, URL: "/accounts/join",
			Body: strings.NewReader(`["alice@example.com"]`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`},
		},
		{
			Name: "an unsupported content type", Method: http.MethodPut, URL: "/accounts/profile",
			Body:           strings.NewReader(`nickname=x`),
			Headers:        map[string]string{"Authorization": legacyAliceToken, "Content-Type": "text/plain"},
			ExpectedStatus: 400, ExpectedContent: []string{`Content-Type: application/json`},
		},
		{
			Name: "over 1 MiB with a Content-Length", Method: http.MethodPost, URL: "/quote",
			Body: strings.NewReader(big), Headers: legacyAuth(legacyAliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
		{
			Name: "over 1 MiB without a Content-Length", Method: http.MethodPost, URL: "/quote",
			Body: io.MultiReader(strings.NewReader(big)), Headers: legacyAuth(legacyAliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
		{
			Name: "over 1 MiB on join", Method: http.MethodPost, URL: "/accounts/join",
			Body: strings.NewReader(big), ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
		{
			Name: "over 1 MiB on logout-all", Method: http.MethodPost, URL: "/api/logout-all",
			Body: strings.NewReader(big), Headers: legacyAuth(legacyAliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return legacyApp(t) }
		s.AfterTestFunc = legacyRecordCount(migrations.QuotesCollection, 5)
		s.Test(t)
	}
}

// legacyRecordCount fails unless collection holds n records.
func legacyRecordCount(collection string, n int) func(testing.TB, *tests.TestApp, *http.Response) {
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

// legacyRFC3339UTC is a time as the seed API writes it: UTC, to the second.
var legacyRFC3339UTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// legacyTimes fails unless every key path (keys joined by dots) of the JSON
// body holds a time written as legacyRFC3339UTC.
func legacyTimes(paths ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		var body map[string]any
		legacyDecode(t, res.Body, &body)
		for _, p := range paths {
			var v any = body
			for _, k := range strings.Split(p, ".") {
				m, _ := v.(map[string]any)
				v = m[k]
			}
			if s, _ := v.(string); !legacyRFC3339UTC.MatchString(s) {
				t.Fatalf("expected %s to be an RFC 3339 UTC time to the second, got %v", p, v)
			}
		}
	}
}

func TestLegacyTimesAreRFC3339UTC(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "a chat and its answer", Method: http.MethodGet, URL: "/chat/" + legacyAliceQ1,
			Headers: legacyAuth(legacyAliceToken), ExpectedStatus: 200, ExpectedContent: []string{`"created_at":"`},
			AfterTestFunc: legacyTimes("created_at", "chat_reply.created_at"),
		},
		{
			Name: "an approved quote", Method: http.MethodGet, URL: "/quote/" + legacyAliceAppr,
			Headers: legacyAuth(legacyAliceToken), ExpectedStatus: 200, ExpectedContent: []string{`"applied_at":"`},
			AfterTestFunc: legacyTimes("created_at", "updated_at", "applied_at"),
		},
		{
			Name: "a sign-in", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"bob@example.com","password":"password123"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"last_login":"`},
			AfterTestFunc: legacyTimes("user.created_at", "user.last_login"),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return legacyApp(t) }
		s.Test(t)
	}
}

// Another method on a path that stovebot serves is a 405 that names the
// methods it takes (in Allow, too), not a 404.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	app := legacyApp(t)
	defer app.Cleanup()
	srv := startServer(t, app)
	scenarios := []struct{ method, path, allow string }{
		{"GET", "/api/chat", "POST"},
		{"POST", "/api/chat/quota", "GET, HEAD"},
		{"GET", "/api/logout-all", "POST"},
		{"PATCH", "/accounts/profile", "GET, PUT, DELETE, HEAD"},
		{"DELETE", "/chat", "GET, POST, HEAD"},
		{"PUT", "/chat/" + legacyAliceQ1, "GET, DELETE, HEAD"},
		{"PATCH", "/quote/" + legacyAlicePend, "GET, PUT, DELETE, HEAD"},
		{"DELETE", "/accounts/login", "GET, POST, HEAD"},
	}
	for _, s := range scenarios {
		res, body := do(t, s.method, srv.URL+s.path, legacyAliceToken, `{}`)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != s.allow || !strings.Contains(body, "this path takes "+s.allow) {
			t.Fatalf("%s %s: expected 405 allowing %s, got %d (Allow %q) %s", s.method, s.path, s.allow, res.StatusCode, res.Header.Get("Allow"), body)
		}
	}
	// the served methods still answer, and a page of the web app is still found
	if res, body := do(t, "GET", srv.URL+"/chat/"+legacyAliceQ1, legacyAliceToken, ""); res.StatusCode != 200 {
		t.Fatalf("expected GET /chat/ID to answer 200, got %d %s", res.StatusCode, body)
	}
	if res, _ := do(t, "GET", srv.URL+"/", "", ""); res.StatusCode != 200 {
		t.Fatalf("expected the web app at /, got %d", res.StatusCode)
	}
	if res, _ := do(t, "GET", srv.URL+"/api/health", "", ""); res.StatusCode != 200 {
		t.Fatalf("expected PocketBase's own routes untouched, got %d", res.StatusCode)
	}
	// HEAD is served with GET
	if res, _ := do(t, "HEAD", srv.URL+"/chat/"+legacyAliceQ1, legacyAliceToken, ""); res.StatusCode != 200 {
		t.Fatalf("expected HEAD /chat/ID to answer 200, got %d", res.StatusCode)
	}
}
