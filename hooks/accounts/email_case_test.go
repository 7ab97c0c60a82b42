package accounts_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/accounts"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestSameEmail(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		a, b string
		same bool
	}{
		{"lee@dreams.kr", "lee@dreams.kr", true},
		{"Lee@Dreams.KR", "lee@dreams.kr", true},
		{"lee@dreams.kr", "lee@dreams.k", false},
		{"lee@dreams.kr", "kee@dreams.kr", false},
		{"KIM@x.kr", "\u212aim@x.kr", false}, // the Kelvin sign folds to k in Unicode, not in NOCASE
		{"É@x.kr", "é@x.kr", false},          // NOCASE folds ASCII letters only
		{"", "", true},
	}
	for _, s := range scenarios {
		if got := accounts.SameEmail(s.a, s.b); got != s.same {
			t.Errorf("accounts.SameEmail(%q, %q) = %v, want %v", s.a, s.b, got, s.same)
		}
	}
}

// An unverified account found by an email that differs only in case is
// linked and verified once, as on an exact match: its password is reset
// at the first OAuth2 sign-in (PocketBase's guard against pre-created
// accounts), not at every one.
func TestOAuth2LinksAnAccountWhoseEmailDiffersInCase(t *testing.T) {
	t.Parallel()
	app, srv := oauth2App(t, fakeProvider(t))
	defer app.Cleanup()
	lee := hookstest.NewUser(t, app, "Lee@Dreams.kr") // GitHub says lee@dreams.kr

	status, out := signInWith(t, srv, "github", "github-lee")
	record, _ := out["record"].(map[string]any)
	if status != 200 || record["id"] != lee.Id {
		t.Fatalf("expected the account linked, got %d %v", status, out)
	}
	linked, err := app.FindRecordById(migrations.UsersCollection, lee.Id)
	if err != nil {
		t.Fatal(err)
	}
	if !linked.Verified() || linked.Email() != "Lee@Dreams.kr" {
		t.Fatalf("expected the account verified with its email as stored, got verified=%v %q", linked.Verified(), linked.Email())
	}
	// the owner sets a password (as after a reset); the next OAuth2 sign-in keeps it
	linked.SetPassword("a-new-password")
	if err := app.Save(linked); err != nil {
		t.Fatal(err)
	}
	if status, out := signInWith(t, srv, "github", "github-lee"); status != 200 || out["record"].(map[string]any)["id"] != lee.Id {
		t.Fatalf("expected the same account again, got %d %v", status, out)
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/collections/users/auth-with-password", "",
		`{"identity":"lee@dreams.kr","password":"a-new-password"}`)
	if res.StatusCode != 200 {
		t.Fatalf("expected the password to survive a second OAuth2 sign-in, got %d %s", res.StatusCode, body)
	}
	if n, _ := app.CountRecords(migrations.UsersCollection); n != 1 {
		t.Fatalf("expected one account, got %d", n)
	}
}

func TestEmailChangeToTheSameAddressInAnotherCase(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "the same address in another case", Method: http.MethodPost,
			URL:            "/api/collections/users/request-email-change",
			Body:           hookstest.JSONBody(`{"newEmail":"Alice@Example.com"}`),
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 400, ExpectedContent: []string{`"newEmail":{"code":"validation_same_email"`},
			ExpectedEvents: map[string]int{"*": 0, "OnRecordRequestEmailChangeRequest": 1},
		},
		{
			Name: "another address", Method: http.MethodPost,
			URL:            "/api/collections/users/request-email-change",
			Body:           hookstest.JSONBody(`{"newEmail":"moved@example.com"}`),
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 204,
			ExpectedEvents: map[string]int{"*": 0, "OnRecordRequestEmailChangeRequest": 1, "OnMailerSend": 1, "OnMailerRecordEmailChangeSend": 1},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}
