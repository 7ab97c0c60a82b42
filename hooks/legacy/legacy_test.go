package legacy_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/guard"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestLegacyRedirectsToTheWebApp(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{Name: "join", Method: http.MethodGet, URL: "/accounts/join", ExpectedStatus: 302},
		{Name: "login", Method: http.MethodGet, URL: "/accounts/login", ExpectedStatus: 302},
	}
	want := map[string]string{"join": "/#/signup", "login": "/#/signin"}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.NewApp(t) }
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
	big := `{"content":"` + strings.Repeat("a", guard.MaxBodyBytes) + `"}`
	scenarios := []tests.ApiScenario{
		{
			Name: "invalid JSON", Method: http.MethodPost, URL: "/quote",
			Body: strings.NewReader(`{"content": "unterminated`), Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"The body is not a valid JSON object."`},
		},
		{
			Name: "a JSON array", Method: http.MethodPost, URL: "/accounts/join",
			Body: strings.NewReader(`["alice@example.com"]`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`},
		},
		{
			Name: "an unsupported content type", Method: http.MethodPut, URL: "/accounts/profile",
			Body:           strings.NewReader(`<nickname>x</nickname>`),
			Headers:        map[string]string{"Authorization": hookstest.LegacyAliceToken, "Content-Type": "application/xml"},
			ExpectedStatus: 415, ExpectedContent: []string{`Content-Type: application/json`},
		},
		{
			Name: "over 1 MiB with a Content-Length", Method: http.MethodPost, URL: "/quote",
			Body: strings.NewReader(big), Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
		{
			Name: "over 1 MiB without a Content-Length", Method: http.MethodPost, URL: "/quote",
			Body: io.MultiReader(strings.NewReader(big)), Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
		{
			Name: "over 1 MiB on join", Method: http.MethodPost, URL: "/accounts/join",
			Body: strings.NewReader(big), ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
		{
			Name: "over 1 MiB on logout-all", Method: http.MethodPost, URL: "/api/logout-all",
			Body: strings.NewReader(big), Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"status":413`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.AfterTestFunc = hookstest.LegacyRecordCount(migrations.QuotesCollection, 5)
		s.Test(t)
	}
}

func TestLegacyTimesAreRFC3339UTC(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "a chat and its answer", Method: http.MethodGet, URL: "/chat/" + hookstest.LegacyAliceQ1,
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 200, ExpectedContent: []string{`"created_at":"`},
			AfterTestFunc: hookstest.LegacyTimes("created_at", "chat_reply.created_at"),
		},
		{
			Name: "an approved quote", Method: http.MethodGet, URL: "/quote/" + hookstest.LegacyAliceAppr,
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 200, ExpectedContent: []string{`"applied_at":"`},
			AfterTestFunc: hookstest.LegacyTimes("created_at", "updated_at", "applied_at"),
		},
		{
			Name: "a sign-in", Method: http.MethodPost, URL: "/accounts/login",
			Body:           strings.NewReader(`{"email":"bob@example.com","password":"password123"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"last_login":"`},
			AfterTestFunc: hookstest.LegacyTimes("user.created_at", "user.last_login"),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

// Another method on a path that stovebot serves is a 405 that names the
// methods it takes (in Allow, too), not a 404.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	app := hookstest.LegacyApp(t)
	defer app.Cleanup()
	srv := hookstest.StartServer(t, app)
	scenarios := []struct{ method, path, allow string }{
		{"GET", "/api/chat", "POST"},
		{"POST", "/api/chat/quota", "GET, HEAD"},
		{"GET", "/api/logout-all", "POST"},
		{"PATCH", "/accounts/profile", "GET, PUT, DELETE, HEAD"},
		{"DELETE", "/chat", "GET, POST, HEAD"},
		{"PUT", "/chat/" + hookstest.LegacyAliceQ1, "GET, DELETE, HEAD"},
		{"PATCH", "/quote/" + hookstest.LegacyAlicePend, "GET, PUT, DELETE, HEAD"},
		{"DELETE", "/accounts/login", "GET, POST, HEAD"},
	}
	for _, s := range scenarios {
		res, body := hookstest.Do(t, s.method, srv.URL+s.path, hookstest.LegacyAliceToken, `{}`)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != s.allow || !strings.Contains(body, "this path takes "+s.allow) {
			t.Fatalf("%s %s: expected 405 allowing %s, got %d (Allow %q) %s", s.method, s.path, s.allow, res.StatusCode, res.Header.Get("Allow"), body)
		}
	}
	// the served methods still answer, and a page of the web app is still found
	if res, body := hookstest.Do(t, "GET", srv.URL+"/chat/"+hookstest.LegacyAliceQ1, hookstest.LegacyAliceToken, ""); res.StatusCode != 200 {
		t.Fatalf("expected GET /chat/ID to answer 200, got %d %s", res.StatusCode, body)
	}
	if res, _ := hookstest.Do(t, "GET", srv.URL+"/", "", ""); res.StatusCode != 200 {
		t.Fatalf("expected the web app at /, got %d", res.StatusCode)
	}
	if res, _ := hookstest.Do(t, "GET", srv.URL+"/api/health", "", ""); res.StatusCode != 200 {
		t.Fatalf("expected PocketBase's own routes untouched, got %d", res.StatusCode)
	}
	// HEAD is served with GET
	if res, _ := hookstest.Do(t, "HEAD", srv.URL+"/chat/"+hookstest.LegacyAliceQ1, hookstest.LegacyAliceToken, ""); res.StatusCode != 200 {
		t.Fatalf("expected HEAD /chat/ID to answer 200, got %d", res.StatusCode)
	}
}
