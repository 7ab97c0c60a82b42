package legacy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
)

func TestLegacyTokenSpellings(t *testing.T) {
	t.Parallel()
	alice := []string{`"id":"` + hookstest.LegacyAliceID + `"`, `"email":"alice@example.com"`}
	scenarios := []tests.ApiScenario{
		{
			Name: "Authorization: Bearer TOKEN", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authorization": "Bearer " + hookstest.LegacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: alice,
		},
		{
			Name: "raw Authorization: TOKEN", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authorization": hookstest.LegacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: alice,
		},
		{
			Name: "the seed's Authentication: bearer TOKEN", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authentication": "bearer " + hookstest.LegacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: alice,
		},
		{
			Name: "Authentication with a raw token", Method: http.MethodGet, URL: "/quote",
			Headers:        map[string]string{"Authentication": hookstest.LegacyAliceToken},
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":4`},
		},
		{
			Name: "Authorization wins over Authentication", Method: http.MethodGet, URL: "/accounts/profile",
			Headers: map[string]string{
				"Authorization":  "Bearer " + hookstest.LegacyBobToken,
				"Authentication": "bearer " + hookstest.LegacyAliceToken,
			},
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + hookstest.LegacyBobID + `"`},
		},
		{
			Name: "no token", Method: http.MethodGet, URL: "/accounts/profile",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "a forged token", Method: http.MethodGet, URL: "/accounts/profile",
			Headers:        map[string]string{"Authentication": "bearer " + hookstest.LegacyAliceToken + "x"},
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "a superuser token is not a user account", Method: http.MethodGet, URL: "/chat",
			Headers:        hookstest.LegacyAuth(hookstest.LegacySuperToken),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
		{
			Name: "a superuser token works on PocketBase's endpoints", Method: http.MethodGet,
			URL: "/api/collections/chats/records", Headers: hookstest.LegacyAuth(hookstest.LegacySuperToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":5`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

func TestLegacyLogoutEndsEveryEarlierToken(t *testing.T) {
	t.Parallel()
	signOut := func(method, url string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			res := hookstest.LegacyDo(t, e, method, url, "", hookstest.LegacyAuth(hookstest.LegacyAliceToken))
			if res.Code != http.StatusNoContent {
				t.Fatalf("expected %s %s to answer 204, got %d: %s", method, url, res.Code, res.Body)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "POST /api/logout-all answers 204", Method: http.MethodPost, URL: "/api/logout-all",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 204,
			AfterTestFunc: tokenDead(hookstest.LegacyAliceID, hookstest.LegacyAliceToken),
		},
		{
			Name: "GET /accounts/logout answers 204", Method: http.MethodGet, URL: "/accounts/logout",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 204,
			AfterTestFunc: tokenDead(hookstest.LegacyAliceID, hookstest.LegacyAliceToken),
		},
		{
			Name: "POST /accounts/logout with the seed's header answers 204", Method: http.MethodPost, URL: "/accounts/logout",
			Headers: map[string]string{"Authentication": "bearer " + hookstest.LegacyAliceToken}, ExpectedStatus: 204,
			AfterTestFunc: tokenDead(hookstest.LegacyAliceID, hookstest.LegacyAliceToken),
		},
		{
			Name: "after /accounts/logout the old token gets 401 on the profile", Method: http.MethodGet, URL: "/accounts/profile",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), BeforeTestFunc: signOut(http.MethodPost, "/accounts/logout"),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "after logout-all the old token gets 401 on PocketBase's auth-refresh", Method: http.MethodPost,
			URL:     "/api/collections/users/auth-refresh",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), BeforeTestFunc: signOut(http.MethodPost, "/api/logout-all"),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "after logout the old token gets 401 on PocketBase's list", Method: http.MethodGet,
			URL:     "/api/collections/chats/records",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), BeforeTestFunc: signOut(http.MethodGet, "/accounts/logout"),
			ExpectedStatus: 401, ExpectedContent: []string{`sign in again`}, NotExpectedContent: []string{`"items"`},
		},
		{
			Name: "another user's token keeps working", Method: http.MethodGet, URL: "/accounts/profile",
			Headers: hookstest.LegacyAuth(hookstest.LegacyBobToken), BeforeTestFunc: signOut(http.MethodPost, "/api/logout-all"),
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + hookstest.LegacyBobID + `"`},
		},
		{
			Name: "a new login after logout works", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"alice@example.com","password":"password123"}`),
			BeforeTestFunc: signOut(http.MethodPost, "/accounts/logout"),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				var body struct{ Token string }
				hookstest.LegacyDecode(t, res.Body, &body)
				if rec, err := app.FindAuthRecordByToken(body.Token, core.TokenTypeAuth); err != nil || rec.Id != hookstest.LegacyAliceID {
					t.Fatalf("expected the new token to sign in alice, got %v", err)
				}
			},
		},
		{
			Name: "a superuser can sign out everywhere too", Method: http.MethodPost, URL: "/api/logout-all",
			Headers: hookstest.LegacyAuth(hookstest.LegacySuperToken), ExpectedStatus: 204,
			AfterTestFunc: tokenDead(hookstest.LegacySuperID, hookstest.LegacySuperToken),
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
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

// tokenDead fails unless token no longer signs in user id.
func tokenDead(id, token string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if _, err := app.FindAuthRecordByToken(token, core.TokenTypeAuth); err == nil {
			t.Fatalf("expected the old token of %s to stop working", id)
		}
	}
}
