package accounts_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/migrations"
)

// testClientIP is the address httptest gives every request.
const testClientIP = "192.0.2.1"

// appWithFreshUser is a scenario factory: a fresh app with one user,
// fresh@example.com, who has never signed in.
func appWithFreshUser(t testing.TB) *tests.TestApp {
	app := hookstest.NewApp(t)
	hookstest.NewUser(t, app, "fresh@example.com")
	return app
}

// dbSignIn fails unless fresh@example.com's last_login is within the last
// minute (or empty when wantIP is empty) and ip_address is wantIP.
func dbSignIn(wantIP string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		u, err := app.FindAuthRecordByEmail(migrations.UsersCollection, "fresh@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if got := u.GetString("ip_address"); got != wantIP {
			t.Fatalf("expected ip_address %q, got %q", wantIP, got)
		}
		last := u.GetDateTime("last_login")
		if wantIP == "" {
			if !last.IsZero() {
				t.Fatalf("expected no last_login, got %s", last)
			}
			return
		}
		if age := time.Since(last.Time()); age < 0 || age > time.Minute {
			t.Fatalf("expected last_login within the last minute, got %s", last)
		}
	}
}

func TestSignInRecordsLastLoginAndIP(t *testing.T) {
	t.Parallel()
	const password = `{"identity":"fresh@example.com","password":"password123"}`
	scenarios := []tests.ApiScenario{
		{
			Name:               "password sign-in",
			Method:             http.MethodPost,
			URL:                "/api/collections/users/auth-with-password",
			Body:               hookstest.JSONBody(password),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"token":`, `"last_login":"20`},
			NotExpectedContent: []string{`"ip_address"`, `"last_login":""`},
			TestAppFactory:     appWithFreshUser,
			AfterTestFunc:      dbSignIn(testClientIP),
		},
		{
			Name:            "password sign-in with the email in another case",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-with-password",
			Body:            hookstest.JSONBody(`{"identity":"Fresh@EXAMPLE.com","password":"password123"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":`, `"email":"fresh@example.com"`},
			TestAppFactory:  appWithFreshUser,
			AfterTestFunc:   dbSignIn(testClientIP),
		},
		{
			Name:            "X-Forwarded-For is ignored without a trusted proxy",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-with-password",
			Body:            hookstest.JSONBody(password),
			Headers:         map[string]string{"X-Forwarded-For": "198.51.100.9"},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":`},
			TestAppFactory:  appWithFreshUser,
			AfterTestFunc:   dbSignIn(testClientIP),
		},
		{
			Name:            "X-Forwarded-For is used behind a trusted proxy",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-with-password",
			Body:            hookstest.JSONBody(password),
			Headers:         map[string]string{"X-Forwarded-For": "198.51.100.9"},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":`},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := appWithFreshUser(t)
				app.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
				return app
			},
			AfterTestFunc: dbSignIn("198.51.100.9"),
		},
		{
			Name:               "one-time password sign-in",
			Method:             http.MethodPost,
			URL:                "/api/collections/users/auth-with-otp",
			Body:               hookstest.JSONBody(`{"otpId":"otpfresh0000001","password":"123456"}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"token":`, `"last_login":"20`},
			NotExpectedContent: []string{`"last_login":""`},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := appWithFreshUser(t)
				users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
				if err != nil {
					t.Fatal(err)
				}
				users.OTP.Enabled = true
				if err := app.Save(users); err != nil {
					t.Fatal(err)
				}
				u, err := app.FindAuthRecordByEmail(migrations.UsersCollection, "fresh@example.com")
				if err != nil {
					t.Fatal(err)
				}
				otp := core.NewOTP(app)
				otp.Id = "otpfresh0000001"
				otp.SetCollectionRef(users.Id)
				otp.SetRecordRef(u.Id)
				otp.SetPassword("123456")
				if err := app.Save(otp); err != nil {
					t.Fatal(err)
				}
				return app
			},
			AfterTestFunc: dbSignIn(testClientIP),
		},
		{
			Name:            "a wrong password records nothing",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-with-password",
			Body:            hookstest.JSONBody(`{"identity":"fresh@example.com","password":"wrong-password"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			TestAppFactory:  appWithFreshUser,
			AfterTestFunc:   dbSignIn(""),
		},
		{
			Name:            "a password step of an unfinished MFA records nothing",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-with-password",
			Body:            hookstest.JSONBody(password),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"mfaId":`},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := appWithFreshUser(t)
				users, err := app.FindCollectionByNameOrId(migrations.UsersCollection)
				if err != nil {
					t.Fatal(err)
				}
				users.MFA.Enabled = true
				users.OTP.Enabled = true
				if err := app.Save(users); err != nil {
					t.Fatal(err)
				}
				return app
			},
			AfterTestFunc: dbSignIn(""),
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}

	// A token refresh is not a sign-in. The token is made inside the
	// factory, so the scenario reads it from a map filled there.
	headers := map[string]string{}
	refresh := tests.ApiScenario{
		Name:            "auth-refresh records nothing",
		Method:          http.MethodPost,
		URL:             "/api/collections/users/auth-refresh",
		Headers:         headers,
		ExpectedStatus:  200,
		ExpectedContent: []string{`"token":`, `"last_login":""`},
		TestAppFactory: func(t testing.TB) *tests.TestApp {
			app := appWithFreshUser(t)
			u, err := app.FindAuthRecordByEmail(migrations.UsersCollection, "fresh@example.com")
			if err != nil {
				t.Fatal(err)
			}
			headers["Authorization"] = hookstest.Token(t, u)
			return app
		},
		AfterTestFunc: dbSignIn(""),
	}
	refresh.Test(t)
}

func TestSignUpNickname(t *testing.T) {
	t.Parallel()
	signUp := func(fields string) *strings.Reader {
		return hookstest.JSONBody(`{"password":"password123","passwordConfirm":"password123",` + fields + `}`)
	}
	longLocal := strings.Repeat("a", 50)
	scenarios := []tests.ApiScenario{
		{
			Name:            "a chosen nickname is kept",
			Body:            signUp(`"email":"baek@dreams.kr","nickname":"백단장"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"백단장"`},
		},
		{
			Name:            "a blank nickname gets the email's local part",
			Body:            signUp(`"email":"lee.seyoung@dreams.kr","nickname":"   "`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"lee.seyoung"`},
		},
		{
			Name:            "a long local part is cut to 40 characters",
			Body:            signUp(`"email":"` + longLocal + `@dreams.kr"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"` + strings.Repeat("a", 40) + `"`},
		},
		{
			Name:            "40 Korean characters fit",
			Body:            signUp(`"email":"kwon@dreams.kr","nickname":"` + strings.Repeat("드", 40) + `"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"` + strings.Repeat("드", 40) + `"`},
		},
		{
			Name:               "41 characters are refused naming nickname",
			Body:               signUp(`"email":"kwon@dreams.kr","nickname":"` + strings.Repeat("n", 41) + `"`),
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"nickname":{"code":"validation_max_text_constraint"`},
			NotExpectedContent: []string{`"email":{`},
		},
		{
			Name:            "emoji in a nickname",
			Body:            signUp(`"email":"fan@dreams.kr","nickname":"⚾ 드림즈 🏆"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"⚾ 드림즈 🏆"`},
		},
	}
	for _, s := range scenarios {
		s.Method = http.MethodPost
		s.URL = "/api/collections/users/records"
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.NewApp(t) }
		s.Test(t)
	}

	for _, s := range []struct{ name, nickname, want string }{
		{"a cleared nickname falls back to the email's local part", "   ", "owner"},
		{"blanks around a nickname are trimmed", "  세이버  ", "세이버"},
	} {
		scenario := hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: s.name, Method: http.MethodPatch,
			URL:             "/api/collections/users/records/" + hookstest.OwnerID,
			Body:            hookstest.JSONBody(`{"nickname":"` + s.nickname + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"nickname":"` + s.want + `"`},
			AfterTestFunc:   hookstest.DBField(migrations.UsersCollection, hookstest.OwnerID, "nickname", s.want)})
		scenario.Test(t)
	}

	t.Run("a user created by a superuser or the CLI gets a nickname too", func(t *testing.T) {
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		u := hookstest.NewUser(t, app, "yu.kyungtaek@dreams.kr")
		if got := u.GetString("nickname"); got != "yu.kyungtaek" {
			t.Fatalf("expected nickname %q, got %q", "yu.kyungtaek", got)
		}
	})
}

// usageRows returns the usage table's rows of user (all days).
func usageRows(t testing.TB, app core.App, user string) int {
	t.Helper()
	var n int
	if err := app.DB().Select("count(*)").From(migrations.UsageTable).Where(dbx.HashExp{"user": user}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// seedUsage gives the owner, the other user and the site usage rows.
func seedUsage(t testing.TB, app core.App) {
	t.Helper()
	for _, row := range []struct {
		user, day string
		count     int
	}{{hookstest.OwnerID, "2026-11-24", 3}, {hookstest.OwnerID, "2026-11-25", 1}, {hookstest.OtherID, "2026-11-25", 2}, {quota.SiteWide, "2026-11-25", 3}} {
		_, err := app.DB().Insert(migrations.UsageTable, dbx.Params{"user": row.user, "day": row.day, "count": row.count}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// dbOwnerDataReleased fails unless the owner's chats, pending quote and
// usage are gone, their approved quote remains without a user, and the other
// user's data is untouched.
func dbOwnerDataReleased(t testing.TB, app *tests.TestApp, _ *http.Response) {
	t.Helper()
	hookstest.DBGone(migrations.UsersCollection, hookstest.OwnerID)(t, app, nil)
	hookstest.DBGone(migrations.ChatsCollection, hookstest.OwnerQuestionID, hookstest.OwnerAnswerID)(t, app, nil)
	hookstest.DBGone(migrations.QuotesCollection, hookstest.OwnerPendingID)(t, app, nil)
	hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerApprovedID, "user", "")(t, app, nil)
	hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerApprovedID, "content", hookstest.OwnerApproved)(t, app, nil)
	hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerApprovedID, "is_apply", "true")(t, app, nil)
	if n := usageRows(t, app, hookstest.OwnerID); n != 0 {
		t.Fatalf("expected no usage rows of the deleted user, got %d", n)
	}

	hookstest.DBField(migrations.ChatsCollection, hookstest.OtherChatID, "user", hookstest.OtherID)(t, app, nil)
	hookstest.DBField(migrations.QuotesCollection, hookstest.OtherPendingID, "user", hookstest.OtherID)(t, app, nil)
	hookstest.DBField(migrations.QuotesCollection, hookstest.OtherApprovedID, "user", hookstest.OtherID)(t, app, nil)
	if n := usageRows(t, app, hookstest.OtherID); n != 1 {
		t.Fatalf("expected the other user's usage row to remain, got %d", n)
	}
	if n := usageRows(t, app, quota.SiteWide); n != 1 {
		t.Fatalf("expected the site-wide usage row to remain, got %d", n)
	}
}

func TestDeletingAUserReleasesTheirData(t *testing.T) {
	t.Parallel()
	seeded := func(t testing.TB) *tests.TestApp {
		app := hookstest.NewApp(t)
		hookstest.SeedAccess(t, app)
		seedUsage(t, app)
		return app
	}

	t.Run("in the app (dashboard, CLI)", func(t *testing.T) {
		app := seeded(t)
		defer app.Cleanup()
		u, err := app.FindRecordById(migrations.UsersCollection, hookstest.OwnerID)
		if err != nil {
			t.Fatal(err)
		}
		afterSaveApps := hookstest.WatchAfterSaveApps(app, migrations.UsersCollection)
		if err := app.Delete(u); err != nil {
			t.Fatalf("deleting the user: %v", err)
		}
		dbOwnerDataReleased(t, app, nil)
		afterSaveApps(t)
	})

	headers := map[string]string{}
	byOwner := tests.ApiScenario{
		Name:           "by the owner through the API",
		Method:         http.MethodDelete,
		URL:            "/api/collections/users/records/" + hookstest.OwnerID,
		Headers:        headers,
		ExpectedStatus: 204,
		TestAppFactory: func(t testing.TB) *tests.TestApp {
			app := seeded(t)
			u, err := app.FindRecordById(migrations.UsersCollection, hookstest.OwnerID)
			if err != nil {
				t.Fatal(err)
			}
			headers["Authorization"] = hookstest.Token(t, u)
			return app
		},
		AfterTestFunc: dbOwnerDataReleased,
	}
	byOwner.Test(t)
}
