package legacy_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestLegacyJoin(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "creates an account", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"dora@example.com","password":"password123","nickname":"Dora"}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"email":"dora@example.com"`, `"nickname":"Dora"`, `"created_at":"20`, `Z"`, `"id":"`,
			},
			NotExpectedContent: []string{`password`, `tokenKey`, `"last_login"`},
			AfterTestFunc:      userSignsIn("dora@example.com", "password123"),
		},
		{
			Name: "the nickname defaults to the email's local part", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"kwon.kyungmin@dreams.kr","password":"password123"}`),
			ExpectedStatus: 201, ExpectedContent: []string{`"nickname":"kwon.kyungmin"`},
		},
		{
			Name: "unicode, emoji and SQL in the nickname are stored as text", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"emoji@example.com","password":"password123","nickname":"백승수 ⚾🔥'; DROP TABLE users;--"}`),
			ExpectedStatus: 201, ExpectedContent: []string{`"nickname":"백승수 ⚾🔥'; DROP TABLE users;--"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 4),
		},
		{
			Name: "a form body works as it did with DRF", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`email=form%40example.com&password=12345678&nickname=2024`),
			Headers:        map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			ExpectedStatus: 201, ExpectedContent: []string{`"email":"form@example.com"`, `"nickname":"2024"`},
			AfterTestFunc: userSignsIn("form@example.com", "12345678"),
		},
		{
			Name: "a taken email", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"alice@example.com","password":"password123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"email":{"code":"validation_not_unique"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "a password over bcrypt's 72 bytes", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"long@example.com","password":"` + strings.Repeat("가", 25) + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"password":{"code":"validation_max_text_constraint"`, `24 Korean letters`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "a NUL in a form's nickname", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`email=dave%40example.com&password=password123&nickname=%00dave`),
			Headers:        map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			ExpectedStatus: 400, ExpectedContent: []string{`"nickname":{"code":"validation_control_characters"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "a taken email in another case", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"Alice@Example.COM","password":"password123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"email":{"code":"validation_not_unique"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "a bad email", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"not-an-email","password":"password123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"email":{"code":"validation_is_email"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "a short password", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"short@example.com","password":"short"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"password":{"code":"validation_min_text_constraint"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "no email and no password", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"email":{"code":"validation_required"`, `"password":{"code":"validation_required"`,
			},
		},
		{
			Name: "wrong types", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":["a@example.com"],"password":12345678,"nickname":{"x":1}}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"email":{"code":"validation_invalid_type"`, `"password":{"code":"validation_invalid_type"`,
				`"nickname":{"code":"validation_invalid_type"`,
			},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "a nickname over 40 characters", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"long@example.com","password":"password123","nickname":"` + strings.Repeat("가", 41) + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"nickname":{"code":"validation_max_text_constraint"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "an admin field cannot be set at sign-up", Method: http.MethodPost, URL: "/accounts/join",
			Body:           strings.NewReader(`{"email":"sneaky@example.com","password":"password123","daily_limit":1000,"blocked":false}`),
			ExpectedStatus: 201, NotExpectedContent: []string{`daily_limit`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				u, err := app.FindAuthRecordByEmail(migrations.UsersCollection, "sneaky@example.com")
				if err != nil {
					t.Fatal(err)
				}
				if n := u.GetInt("daily_limit"); n != 0 {
					t.Fatalf("expected no daily_limit, got %d", n)
				}
			},
		},
		{
			Name: "sign-up is refused when the users create rule allows none", Method: http.MethodPost, URL: "/accounts/join",
			Body: strings.NewReader(`{"email":"late@example.com","password":"password123"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				c, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
				if err != nil {
					t.Fatal(err)
				}
				c.CreateRule = nil // superusers only
				if err := app.Save(c); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 403, ExpectedContent: []string{`"message":"Sign-up is disabled on this site."`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
		{
			Name: "the 11th sign-up from one address within a minute is rate-limited", Method: http.MethodPost, URL: "/accounts/join",
			Body: strings.NewReader(`{"email":"eleventh@example.com","password":"password123"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				for i := range migrations.SignInRateLimit {
					res := hookstest.LegacyDo(t, e, http.MethodPost, "/accounts/join", `{"email":"bad","password":"x"}`, nil)
					if res.Code != http.StatusBadRequest {
						t.Fatalf("attempt %d: expected 400, got %d", i+1, res.Code)
					}
				}
			},
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.UsersCollection, 3),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

// userSignsIn fails unless email signs in with password.
func userSignsIn(email, password string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		u, err := app.FindAuthRecordByEmail(migrations.UsersCollection, email)
		if err != nil {
			t.Fatalf("expected the account %s: %v", email, err)
		}
		if !u.ValidatePassword(password) {
			t.Fatalf("expected %s to sign in with its password", email)
		}
	}
}

func TestLegacyLogin(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "signs in and records last_login and ip_address", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"alice@example.com","password":"password123"}`),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"token":"`, `"user":{`, `"id":"` + hookstest.LegacyAliceID + `"`, `"email":"alice@example.com"`,
				`"nickname":"alice"`, `"created_at":"20`, `"last_login":"20`,
			},
			NotExpectedContent: []string{`password`, `ip_address`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				u, err := app.FindRecordById(migrations.UsersCollection, hookstest.LegacyAliceID)
				if err != nil {
					t.Fatal(err)
				}
				if u.GetDateTime("last_login").IsZero() {
					t.Fatal("expected last_login to be set")
				}
				if ip := u.GetString("ip_address"); ip != "192.0.2.1" {
					t.Fatalf("expected ip_address 192.0.2.1, got %q", ip)
				}
				var body struct{ Token string }
				hookstest.LegacyDecode(t, res.Body, &body)
				if rec, err := app.FindAuthRecordByToken(body.Token, core.TokenTypeAuth); err != nil || rec.Id != hookstest.LegacyAliceID {
					t.Fatalf("expected the token to sign in alice, got %v", err)
				}
			},
		},
		{
			Name: "the email's case does not matter", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"ALICE@example.com","password":"password123"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":"`, `"id":"` + hookstest.LegacyAliceID + `"`, `"email":"alice@example.com"`},
		},
		{
			Name: "a nickname stored with a NUL before the check does not stop a sign-in", Method: http.MethodPost, URL: "/accounts/login",
			Body: strings.NewReader(`{"email":"alice@example.com","password":"password123"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				if _, err := app.DB().NewQuery("UPDATE users SET nickname = 'al' || char(0) || 'ice' WHERE id = {:id}").
					Bind(dbx.Params{"id": hookstest.LegacyAliceID}).Execute(); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 200, ExpectedContent: []string{`"token":"`, `"last_login":"20`},
		},
		{
			Name: "a wrong password", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"alice@example.com","password":"wrong-password"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"Wrong email or password."`},
			NotExpectedContent: []string{`"token"`},
			AfterTestFunc:      noSignIn(hookstest.LegacyAliceID),
		},
		{
			Name: "an unknown email", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"nobody@example.com","password":"password123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"Wrong email or password."`},
		},
		{
			Name: "SQL in the email", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"' OR 1=1 --","password":"' OR 1=1 --"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"Wrong email or password."`},
		},
		{
			Name: "missing fields", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"alice@example.com"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"password":{"code":"validation_required"`},
		},
		{
			Name: "a wrong type", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"alice@example.com","password":true}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"password":{"code":"validation_invalid_type"`},
		},
		{
			Name: "the 11th attempt from one address within a minute is rate-limited", Method: http.MethodPost, URL: "/accounts/login",
			Body: strings.NewReader(`{"email":"alice@example.com","password":"password123"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				for i := range migrations.SignInRateLimit {
					res := hookstest.LegacyDo(t, e, http.MethodPost, "/accounts/login", `{"email":"alice@example.com","password":"guess"}`, nil)
					if res.Code != http.StatusBadRequest {
						t.Fatalf("attempt %d: expected 400, got %d", i+1, res.Code)
					}
				}
			},
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			AfterTestFunc: noSignIn(hookstest.LegacyAliceID),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

// noSignIn fails if user id has a last_login.
func noSignIn(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		u, err := app.FindRecordById(migrations.UsersCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		if !u.GetDateTime("last_login").IsZero() {
			t.Fatal("expected no sign-in to be recorded")
		}
	}
}

func TestLegacyProfile(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "view", Method: http.MethodGet, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"id":"` + hookstest.LegacyAliceID + `"`, `"email":"alice@example.com"`, `"nickname":"alice"`,
				`"created_at":"20`, `"last_login":null`, `"ip_address":null`,
			},
			NotExpectedContent: []string{`"token"`, `password`},
		},
		{
			Name: "view shows the last sign-in", Method: http.MethodGet, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				hookstest.LegacyDo(t, e, http.MethodPost, "/accounts/login", `{"email":"alice@example.com","password":"password123"}`, nil)
			},
			ExpectedStatus: 200, ExpectedContent: []string{`"last_login":"20`, `"ip_address":"192.0.2.1"`},
		},
		{
			Name: "view without a token", Method: http.MethodGet, URL: "/accounts/profile",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "change the nickname", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"nickname":"  이세영 🎉  "}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"nickname":"이세영 🎉"`, `"id":"` + hookstest.LegacyAliceID + `"`},
			NotExpectedContent: []string{`"token"`},
			AfterTestFunc:      userSignsIn("alice@example.com", "password123"),
		},
		{
			Name: "change the password with the right old_password", Method: http.MethodPut, URL: "/accounts/profile",
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"password":"new-password-456","old_password":"password123"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":"`, `"email":"alice@example.com"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				userSignsIn("alice@example.com", "new-password-456")(t, app, res)
				tokenDead(hookstest.LegacyAliceID, hookstest.LegacyAliceToken)(t, app, res)
				var body struct{ Token string }
				hookstest.LegacyDecode(t, res.Body, &body)
				if _, err := app.FindAuthRecordByToken(body.Token, core.TokenTypeAuth); err != nil {
					t.Fatalf("expected the returned token to work: %v", err)
				}
			},
		},
		{
			Name: "a new password with a wrong old_password", Method: http.MethodPut, URL: "/accounts/profile",
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"password":"new-password-456","old_password":"wrong","nickname":"changed"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"old_password":{"code":"validation_invalid_old_password"`},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "a new password without old_password", Method: http.MethodPut, URL: "/accounts/profile",
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"password":"new-password-456"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"old_password":{"code":"validation_invalid_old_password"`},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "a new password that is too short", Method: http.MethodPut, URL: "/accounts/profile",
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"password":"short","old_password":"password123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"password":{"code":"validation_min_text_constraint"`},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "an admin field", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"nickname":"changed","daily_limit":1000,"blocked":false}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"daily_limit":{"code":"validation_admin_only"`, `"blocked":{"code":"validation_admin_only"`,
			},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "the profile sent back as shown, with its nickname edited", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"id":"` + hookstest.LegacyAliceID + `","email":"alice@example.com","nickname":"Alice B.","last_login":null,"ip_address":null}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"nickname":"Alice B."`},
		},
		{
			Name: "stored last_login and ip_address sent back as shown change nothing", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"nickname":"Alice C.","last_login":"2026-11-20T09:30:00Z","ip_address":"192.0.2.7"}`),
			BeforeTestFunc: signedInBefore,
			ExpectedStatus: 200, ExpectedContent: []string{`"nickname":"Alice C."`, `"last_login":"2026-11-20T09:30:00Z"`, `"ip_address":"192.0.2.7"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				u, err := app.FindRecordById(migrations.UsersCollection, hookstest.LegacyAliceID)
				if err != nil {
					t.Fatal(err)
				}
				if got := u.GetDateTime("last_login").Time().UTC().Format(time.RFC3339); got != "2026-11-20T09:30:00Z" || u.GetString("ip_address") != "192.0.2.7" {
					t.Fatalf("expected last_login and ip_address unchanged, got %s %q", got, u.GetString("ip_address"))
				}
			},
		},
		{
			Name: "a last_login other than the one shown", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"nickname":"changed","last_login":"2026-11-21T09:30:00Z","ip_address":"192.0.2.7"}`),
			BeforeTestFunc: signedInBefore,
			ExpectedStatus: 400, ExpectedContent: []string{`"last_login":{"code":"validation_admin_only"`},
			NotExpectedContent: []string{`"ip_address"`},
			AfterTestFunc:      profileUnchanged,
		},
		{
			Name: "an ip_address other than the one shown", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"nickname":"changed","ip_address":"203.0.113.9"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"ip_address":{"code":"validation_admin_only"`},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "a nickname of the wrong type", Method: http.MethodPut, URL: "/accounts/profile", Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			Body:           strings.NewReader(`{"nickname":42}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"nickname":{"code":"validation_invalid_type"`},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "update without a token", Method: http.MethodPut, URL: "/accounts/profile",
			Body:           strings.NewReader(`{"nickname":"changed"}`),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: profileUnchanged,
		},
		{
			Name: "delete the account and its data as SPEC section 2 says", Method: http.MethodDelete, URL: "/accounts/profile",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				hookstest.LegacyRecordGone(migrations.UsersCollection, hookstest.LegacyAliceID)(t, app, res)
				hookstest.LegacyRecordGone(migrations.ChatsCollection, hookstest.LegacyAliceQ1, hookstest.LegacyAliceR1, hookstest.LegacyAliceQ2)(t, app, res)
				hookstest.LegacyRecordGone(migrations.QuotesCollection, hookstest.LegacyAlicePend)(t, app, res)
				hookstest.LegacyRecordKept(migrations.QuotesCollection, hookstest.LegacyAliceAppr, hookstest.LegacyBobPending)(t, app, res)
				hookstest.LegacyRecordKept(migrations.ChatsCollection, hookstest.LegacyBobQ1)(t, app, res)
				q, err := app.FindRecordById(migrations.QuotesCollection, hookstest.LegacyAliceAppr)
				if err != nil {
					t.Fatal(err)
				}
				if u := q.GetString("user"); u != "" {
					t.Fatalf("expected the approved quote's user to be cleared, got %q", u)
				}
			},
		},
		{
			Name: "delete without a token", Method: http.MethodDelete, URL: "/accounts/profile",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.UsersCollection, hookstest.LegacyAliceID),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

// profileUnchanged fails if alice's nickname or password changed.
func profileUnchanged(t testing.TB, app *tests.TestApp, res *http.Response) {
	u, err := app.FindRecordById(migrations.UsersCollection, hookstest.LegacyAliceID)
	if err != nil {
		t.Fatal(err)
	}
	if n := u.GetString("nickname"); n != "alice" {
		t.Fatalf("expected the nickname to stay alice, got %q", n)
	}
	userSignsIn("alice@example.com", "password123")(t, app, res)
	if _, err := app.FindAuthRecordByToken(hookstest.LegacyAliceToken, core.TokenTypeAuth); err != nil {
		t.Fatalf("expected alice's token to keep working: %v", err)
	}
}

// signedInBefore gives alice a last sign-in, as a login would.
func signedInBefore(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
	u, err := app.FindRecordById(migrations.UsersCollection, hookstest.LegacyAliceID)
	if err != nil {
		t.Fatal(err)
	}
	last, err := types.ParseDateTime("2026-11-20 09:30:00.000Z")
	if err != nil {
		t.Fatal(err)
	}
	u.Set("last_login", last)
	u.Set("ip_address", "192.0.2.7")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
}
