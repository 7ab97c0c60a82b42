package accounts_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/accounts"
	"stovebot/hooks/hookstest"
)

const (
	testGitHubSecret = "gh-secret-NEVER-SHOWN"
	testKakaoSecret  = "kakao-secret-NEVER-SHOWN"
)

// fakeProvider is an OAuth2 authorization server with GitHub's and Kakao's
// user-info endpoints. The authorization code names the person signing in.
func fakeProvider(t testing.TB) *httptest.Server {
	people := map[string]map[string]any{
		"github-baek": {"id": 101, "login": "baek", "name": "백승수 단장님의 아주아주 긴 이름이 사십 자를 훌쩍 넘어가는 경우를 시험합니다", "email": "baek@dreams.kr"},
		"github-lee":  {"id": 102, "login": "seyoung", "name": "", "email": "lee@dreams.kr"},
		"kakao-han":   {"id": 201, "properties": map[string]any{"nickname": "한재희"}, "kakao_account": map[string]any{}},
		"github-ctrl": {"id": 103, "login": "ctrl", "name": "Kwon\u0000 Kyung\u001bmin", "email": "kwon@dreams.kr"},
		"kakao-ctrl":  {"id": 202, "properties": map[string]any{"nickname": "\u0000"}, "kakao_account": map[string]any{}},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		code := r.Form.Get("code")
		w.Header().Set("Content-Type", "application/json")
		if _, ok := people[code]; !ok {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_grant","error_description":"bad code"}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": "token-" + code, "token_type": "bearer", "expires_in": 3600})
	})
	who := func(r *http.Request) map[string]any {
		return people[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer token-")]
	}
	mux.HandleFunc("GET /github/user", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(who(r))
	})
	mux.HandleFunc("GET /github/user/emails", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode([]map[string]any{{"email": who(r)["email"], "primary": true, "verified": true}})
	})
	mux.HandleFunc("GET /kakao/v2/user/me", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(who(r))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// oauth2App returns an app whose GitHub and Kakao providers are configured
// by the environment settings, with their URLs pointed at provider (as an
// admin could in the dashboard).
func oauth2App(t testing.TB, provider *httptest.Server) (*tests.TestApp, *httptest.Server) {
	app := hookstest.NewApp(t, func(c *config.Config) {
		c.GitHubClientID, c.GitHubClientSecret = "gh-id", testGitHubSecret
		c.KakaoClientID, c.KakaoClientSecret = "kakao-id", testKakaoSecret
	})
	srv := hookstest.StartServer(t, app) // OnServe writes the providers
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	for i := range users.OAuth2.Providers {
		p := &users.OAuth2.Providers[i]
		p.AuthURL = provider.URL + "/authorize"
		p.TokenURL = provider.URL + "/token"
		p.UserInfoURL = provider.URL + "/" + p.Name + map[string]string{"github": "/user", "kakao": "/v2/user/me"}[p.Name]
	}
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	return app, srv
}

func signInWith(t testing.TB, srv *httptest.Server, provider, code string) (int, map[string]any) {
	t.Helper()
	body := `{"provider":"` + provider + `","code":"` + code + `","codeVerifier":"` + strings.Repeat("v", 43) + `","redirectURL":"http://localhost/oauth2-callback.html"}`
	res, raw := hookstest.Do(t, "POST", srv.URL+"/api/collections/users/auth-with-oauth2", "", body)
	var out map[string]any
	json.Unmarshal([]byte(raw), &out)
	for _, secret := range []string{testGitHubSecret, testKakaoSecret} {
		if strings.Contains(raw, secret) {
			t.Fatal("a client secret leaked into the sign-in response")
		}
	}
	return res.StatusCode, out
}

func TestOAuth2SignIn(t *testing.T) {
	t.Parallel()
	app, srv := oauth2App(t, fakeProvider(t))
	defer app.Cleanup()

	// a first GitHub sign-in creates the user, nickname cut to 40 characters
	status, out := signInWith(t, srv, "github", "github-baek")
	if status != 200 {
		t.Fatalf("expected 200, got %d %v", status, out)
	}
	record, _ := out["record"].(map[string]any)
	id, _ := record["id"].(string)
	user, err := app.FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	if user.Email() != "baek@dreams.kr" || !user.Verified() || len([]rune(user.GetString("nickname"))) != 40 ||
		!strings.HasPrefix(user.GetString("nickname"), "백승수 단장님의") {
		t.Fatalf("unexpected new user: %v", user.PublicExport())
	}
	if user.GetDateTime("last_login").IsZero() || user.GetString("ip_address") == "" {
		t.Fatal("expected last_login and ip_address set by the OAuth2 sign-in")
	}

	// a returning user is found again, and the token works for chat
	status, out = signInWith(t, srv, "github", "github-baek")
	record, _ = out["record"].(map[string]any)
	if status != 200 || record["id"] != id {
		t.Fatalf("expected the same user on return, got %d %v", status, out)
	}
	if n, _ := app.CountRecords("users"); n != 1 {
		t.Fatalf("expected one user, got %d", n)
	}
	token, _ := out["token"].(string)
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", token, `{"content":"안녕"}`)
	if res.StatusCode != 201 || res.Header.Get("X-RateLimit-Remaining") != "4" {
		t.Fatalf("expected the daily limit to apply to an OAuth2 user, got %d %s", res.StatusCode, body)
	}

	// GitHub with no display name: the login becomes the nickname
	status, out = signInWith(t, srv, "github", "github-lee")
	record, _ = out["record"].(map[string]any)
	if status != 200 || record["nickname"] != "seyoung" {
		t.Fatalf("expected the login as nickname, got %d %v", status, out)
	}

	// Kakao shares no email and still signs in
	status, out = signInWith(t, srv, "kakao", "kakao-han")
	record, _ = out["record"].(map[string]any)
	if status != 200 || record["nickname"] != "한재희" {
		t.Fatalf("expected a Kakao sign-in without email, got %d %v", status, out)
	}
	kakaoUser, _ := app.FindRecordById("users", record["id"].(string))
	if kakaoUser.Email() != "" {
		t.Fatalf("expected no email, got %q", kakaoUser.Email())
	}

	// the provider refuses the code: 400 and nobody is created
	before, _ := app.CountRecords("users")
	status, _ = signInWith(t, srv, "github", "forged-code")
	after, _ := app.CountRecords("users")
	if status != 400 || after != before {
		t.Fatalf("expected 400 and no new user for a refused code, got %d (%d → %d users)", status, before, after)
	}
	status, _ = signInWith(t, srv, "twitter", "github-baek")
	if status != 400 {
		t.Fatalf("expected 400 for a provider that is not configured, got %d", status)
	}
}

func TestOAuth2LinksAnUnverifiedAccountSafely(t *testing.T) {
	t.Parallel()
	app, srv := oauth2App(t, fakeProvider(t))
	defer app.Cleanup()
	// someone pre-created an account with Baek's email and a password they know
	squatter := hookstest.NewUser(t, app, "baek@dreams.kr")

	status, out := signInWith(t, srv, "github", "github-baek")
	record, _ := out["record"].(map[string]any)
	if status != 200 || record["id"] != squatter.Id {
		t.Fatalf("expected the account to be linked, got %d %v", status, out)
	}
	res, _ := hookstest.Do(t, "POST", srv.URL+"/api/collections/users/auth-with-password", "",
		`{"identity":"baek@dreams.kr","password":"password123"}`)
	if res.StatusCode != 400 {
		t.Fatalf("expected the pre-set password reset by the OAuth2 link, got %d", res.StatusCode)
	}
	token, _ := out["token"].(string)
	if res, body := hookstest.Do(t, "GET", srv.URL+"/api/chat/quota", token, ""); res.StatusCode != 200 {
		t.Fatalf("expected the OAuth2 token to work after linking, got %d %s", res.StatusCode, body)
	}
}

func TestOAuth2ProvidersFromTheEnvironment(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	users, _ := app.FindCollectionByNameOrId("users")
	// an admin configured GitHub in the dashboard
	users.OAuth2.Enabled = true
	users.OAuth2.Providers = []core.OAuth2ProviderConfig{{Name: "github", ClientId: "dash-id", ClientSecret: "dash-secret", AuthURL: "https://gh.example/authorize"}}
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}

	providers := func() []core.OAuth2ProviderConfig {
		c, _ := app.FindCollectionByNameOrId("users")
		return c.OAuth2.Providers
	}
	cfg := hookstest.Config()
	if err := accounts.SyncOAuth2Providers(app, &cfg); err != nil {
		t.Fatal(err)
	}
	if p := providers(); len(p) != 1 || p[0].ClientId != "dash-id" {
		t.Fatalf("expected the dashboard's settings kept without variables, got %+v", p)
	}

	cfg.GitHubClientID, cfg.GitHubClientSecret = "env-id", "env-secret"
	cfg.KakaoClientID, cfg.KakaoClientSecret = "k-id", "k-secret"
	for i := 0; i < 2; i++ { // twice: idempotent
		if err := accounts.SyncOAuth2Providers(app, &cfg); err != nil {
			t.Fatal(err)
		}
	}
	p := providers()
	if len(p) != 2 || p[0].Name != "github" || p[0].ClientId != "env-id" || p[0].ClientSecret != "env-secret" ||
		p[0].AuthURL != "https://gh.example/authorize" || p[1].Name != "kakao" || p[1].ClientId != "k-id" {
		t.Fatalf("expected one entry per provider from the variables, URL override kept, got %+v", p)
	}

	srv := hookstest.StartServer(t, app)
	res, body := hookstest.Do(t, "GET", srv.URL+"/api/collections/users/auth-methods", "", "")
	if res.StatusCode != 200 || !strings.Contains(body, `"name":"github"`) || !strings.Contains(body, `"name":"kakao"`) {
		t.Fatalf("expected both providers offered, got %d %s", res.StatusCode, body)
	}
	if strings.Contains(body, "env-secret") || strings.Contains(body, "k-secret") {
		t.Fatal("a client secret is shown to guests")
	}
	user := hookstest.NewUser(t, app, "curious@example.com")
	res, body = hookstest.Do(t, "GET", srv.URL+"/api/collections/users", hookstest.Token(t, user), "")
	if res.StatusCode != 403 || strings.Contains(body, "env-secret") {
		t.Fatalf("expected the collection settings hidden from users, got %d", res.StatusCode)
	}

	half := hookstest.Config()
	half.KakaoClientID = "only-id"
	if err := half.Validate(); err == nil || !strings.Contains(err.Error(), "KAKAO_CLIENT_SECRET") {
		t.Fatalf("expected an id without a secret refused, got %v", err)
	}
}

// A provider's display name with control characters (refused in a
// nickname) still signs in, with spaces in their place.
func TestOAuth2NameWithControlCharacters(t *testing.T) {
	t.Parallel()
	app, srv := oauth2App(t, fakeProvider(t))
	defer app.Cleanup()
	status, out := signInWith(t, srv, "github", "github-ctrl")
	record, _ := out["record"].(map[string]any)
	if status != 200 || record["nickname"] != "Kwon  Kyung min" {
		t.Fatalf("expected a sign-in with the control characters as spaces, got %d %v", status, out)
	}
	// a name of nothing but a control character, and no email
	if status, out := signInWith(t, srv, "kakao", "kakao-ctrl"); status != 200 {
		t.Fatalf("expected a sign-in despite a name of a NUL alone, got %d %v", status, out)
	}
}
