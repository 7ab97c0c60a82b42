package accounts_test

import (
	"strings"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// A token PocketBase cannot accept is a 401 on the records API, not a
// guest's view: after a sign-out everywhere, the old token's history
// request must not answer an empty list.
func TestRecordsRefuseAnInvalidToken(t *testing.T) {
	t.Parallel()
	app := hookstest.LegacyApp(t)
	defer app.Cleanup()
	srv := hookstest.StartServer(t, app)
	old := hookstest.LegacyAliceToken
	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/logout-all", old, ""); res.StatusCode != 204 {
		t.Fatalf("expected the sign-out everywhere, got %d %s", res.StatusCode, body)
	}
	scenarios := []struct {
		name, method, path, token string
		status                    int
	}{
		{"a revoked token's history", "GET", "/api/collections/chats/records", old, 401},
		{"a revoked token's view of a chat", "GET", "/api/collections/chats/records/" + hookstest.LegacyAliceQ1, old, 401},
		{"a forged token on the public quotes", "GET", "/api/collections/quotes/records", "garbage", 401},
		{"a revoked token deleting a chat", "DELETE", "/api/collections/chats/records/" + hookstest.LegacyAliceQ1, old, 401},
		{"a guest on the public quotes", "GET", "/api/collections/quotes/records", "", 200},
		{"a valid token's history", "GET", "/api/collections/chats/records", hookstest.LegacyBobToken, 200},
		{"a stale token sent along with a sign-in", "POST", "/api/collections/users/auth-with-password", old, 200},
	}
	for _, s := range scenarios {
		body := ""
		if s.method == "POST" {
			body = `{"identity":"alice@example.com","password":"password123"}`
		}
		res, got := hookstest.Do(t, s.method, srv.URL+s.path, s.token, body)
		if res.StatusCode != s.status {
			t.Fatalf("%s: expected %d, got %d %s", s.name, s.status, res.StatusCode, got)
		}
		if s.status == 401 && !strings.Contains(got, "sign in again") {
			t.Fatalf("%s: expected a message that says to sign in again, got %s", s.name, got)
		}
	}
	if _, err := app.FindRecordById(migrations.ChatsCollection, hookstest.LegacyAliceQ1); err != nil {
		t.Fatalf("expected the revoked token's delete to change nothing: %v", err)
	}
}
