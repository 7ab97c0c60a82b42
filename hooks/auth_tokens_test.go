package hooks

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

func TestLegacyTokenSpellings(t *testing.T) {
	t.Parallel()
	alice := []string{`"id":"` + legacyAliceID + `"`, `"email":"alice@example.com"`}
	scenarios := []tests.ApiScenario{
		{
			Name: "Authorization: Bearer TOKEN", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authorization": "Bearer " + legacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: alice,
		},
		{
			Name: "raw Authorization: TOKEN", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authorization": legacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: alice,
		},
		{
			Name: "the seed's Authentication: bearer TOKEN", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authentication": "bearer " + legacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: alice,
		},
		{
			Name: "Authentication with a raw token", Method: http.MethodGet, URL: "/quote",
			Headers:        map[string]string{"Authentication": legacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":4`},
		},
		{
			Name: "Authorization wins over Authentication", Method: http.MethodGet, URL: "/accounts/profile",
			Headers: map[string]string{
				"Authorization":  "Bearer " + legacyBobToken,
				"Authentication": "bearer " + legacyAliceToken,
			},
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + legacyBobID + `"`},
		},
		{
			Name: "no token", Method: http.MethodGet, URL: "/accounts/profile",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "a forged token", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authentication": "bearer " + legacyAliceToken + "x"},
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "a superuser token is not a user account", Method: http.MethodGet, URL: "/chat",
			Headers:        legacyAuth(legacySuperToken),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
		{
			Name: "a superuser token works on PocketBase's endpoints", Method: http.MethodGet,
			URL: "/api/collections/chats/records", Headers: legacyAuth(legacySuperToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":5`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return legacyApp(t) }
		s.Test(t)
	}
}

func TestLegacyLogoutEndsEveryEarlierToken(t *testing.T) {
	t.Parallel()
	signOut := func(method, url string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			res := legacyDo(t, e, method, url, "", legacyAuth(legacyAliceToken))
			if res.Code != http.StatusNoContent {
				t.Fatalf("expected %s %s to answer 204, got %d: %s", method, url, res.Code, res.Body)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "POST /api/logout-all answers 204", Method: http.MethodPost, URL: "/api/logout-all",
			Headers: legacyAuth(legacyAliceToken), ExpectedStatus: 204,
			AfterTestFunc: legacyTokenDead(legacyAliceID, legacyAliceToken),
		},
		{
			Name: "GET /accounts/logout answers 204", Method: http.MethodGet, URL: "/accounts/logout",
			Headers: legacyAuth(legacyAliceToken), ExpectedStatus: 204,
			AfterTestFunc: legacyTokenDead(legacyAliceID, legacyAliceToken),
		},
		{
			Name: "POST /accounts/logout with the seed's header answers 204", Method: http.MethodPost, URL: "/accounts/logout",
			Headers: map[string]string{"Authentication": "bearer " + legacyAliceToken}, ExpectedStatus: 204,
			AfterTestFunc: legacyTokenDead(legacyAliceID, legacyAliceToken),
		},
		{
			Name: "after /accounts/logout the old token gets 401 on the profile", Method: http.MethodGet, URL: "/accounts/profile",
			Headers: legacyAuth(legacyAliceToken), BeforeTestFunc: signOut(http.MethodPost, "/accounts/logout"),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "after logout-all the old token gets 401 on PocketBase's auth-refresh", Method: http.MethodPost,
			URL:     "/api/collections/users/auth-refresh",
			Headers: legacyAuth(legacyAliceToken), BeforeTestFunc: signOut(http.MethodPost, "/api/logout-all"),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "after logout the old token gets 401 on PocketBase's list", Method: http.MethodGet,
			URL:     "/api/collections/chats/records",
			Headers: legacyAuth(legacyAliceToken), BeforeTestFunc: signOut(http.MethodGet, "/accounts/logout"),
			ExpectedStatus: 401, ExpectedContent: []string{`sign in again`}, NotExpectedContent: []string{`"items"`},
		},
		{
			Name: "another user's token keeps working", Method: http.MethodGet, URL: "/accounts/profile",
			Headers: legacyAuth(legacyBobToken), BeforeTestFunc: signOut(http.MethodPost, "/api/logout-all"),
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + legacyBobID + `"`},
		},
		{
			Name: "a new login after logout works", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"alice@example.com","password":"password123"}`),
			BeforeTestFunc: signOut(http.MethodPost, "/accounts/logout"),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				var body struct{ Token string }
				legacyDecode(t, res.Body, &body)
				if rec, err := app.FindAuthRecordByToken(body.Token, core.TokenTypeAuth); err != nil || rec.Id != legacyAliceID {
					t.Fatalf("expected the new token to sign in alice, got %v", err)
				}
			},
		},
		{
			Name: "a superuser can sign out everywhere too", Method: http.MethodPost, URL: "/api/logout-all",
			Headers: legacyAuth(legacySuperToken), ExpectedStatus: 204,
			AfterTestFunc: legacyTokenDead(legacySuperID, legacySuperToken),
		},
		{
			Name: "logout-all without a token", Method: http.MethodPost, URL: "/api/logout-all",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "/accounts/logout without a token", Method: http.MethodGet, URL: "/accounts/logout",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return legacyApp(t) }
		s.Test(t)
	}
}

// legacyTokenDead fails unless token no longer signs in user id.
func legacyTokenDead(id, token string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if _, err := app.FindAuthRecordByToken(token, core.TokenTypeAuth); err == nil {
			t.Fatalf("expected the old token of %s to stop working", id)
		}
	}
}

// A token PocketBase cannot accept is a 401 on the records API, not a
// guest's view: after a sign-out everywhere, the old token's history
// request must not answer an empty list.
func TestRecordsRefuseAnInvalidToken(t *testing.T) {
	t.Parallel()
	app := legacyApp(t)
	defer app.Cleanup()
	srv := startServer(t, app)
	old := legacyAliceToken
	if res, body := do(t, "POST", srv.URL+"/api/logout-all", old, ""); res.StatusCode != 204 {
		t.Fatalf("expected the sign-out everywhere, got %d %s", res.StatusCode, body)
	}
	scenarios := []struct {
		name, method, path, token string
		status                    int
	}{
		{"a revoked token's history", "GET", "/api/collections/chats/records", old, 401},
		{"a revoked token's view of a chat", "GET", "/api/collections/chats/records/" + legacyAliceQ1, old, 401},
		{"a forged token on the public quotes", "GET", "/api/collections/quotes/records", "garbage", 401},
		{"a revoked token deleting a chat", "DELETE", "/api/collections/chats/records/" + legacyAliceQ1, old, 401},
		{"a guest on the public quotes", "GET", "/api/collections/quotes/records", "", 200},
		{"a valid token's history", "GET", "/api/collections/chats/records", legacyBobToken, 200},
		{"a stale token sent along with a sign-in", "POST", "/api/collections/users/auth-with-password", old, 200},
	}
	for _, s := range scenarios {
		body := ""
		if s.method == "POST" {
			body = `{"identity":"alice@example.com","password":"password123"}`
		}
		res, got := do(t, s.method, srv.URL+s.path, s.token, body)
		if res.StatusCode != s.status {
			t.Fatalf("%s: expected %d, got %d %s", s.name, s.status, res.StatusCode, got)
		}
		if s.status == 401 && !strings.Contains(got, "sign in again") {
			t.Fatalf("%s: expected a message that says to sign in again, got %s", s.name, got)
		}
	}
	if _, err := app.FindRecordById(migrations.ChatsCollection, legacyAliceQ1); err != nil {
		t.Fatalf("expected the revoked token's delete to change nothing: %v", err)
	}
}
