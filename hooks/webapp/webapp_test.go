package webapp_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/webapp"
)

// uiTestApp serves a pb_public folder with overrides and files that try to
// shadow the API, in front of a small embedded app.
func uiTestApp(t testing.TB) *tests.TestApp {
	app := hookstest.NewApp(t)
	public := t.TempDir()
	for name, body := range map[string]string{
		"index.html":          "operator index",
		"logo.svg":            "operator logo",
		"api/health":          "shadowed health",
		"_/index.html":        "shadowed dashboard",
		"accounts/login":      "shadowed login",
		"quote":               "shadowed quote file",
		"chat/index.html":     "shadowed chat index",
		"accounts/join":       "shadowed join",
		"Chat/index.html":     "shadowed Chat",
		"api/collections/x":   "shadowed collections",
		"notes/readme.txt":    "operator notes",
		"chatter/index.html":  "operator chatter",
		"quotes-of-week.html": "operator quotes page",
	} {
		p := filepath.Join(public, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	embedded := fstest.MapFS{
		"index.html":   {Data: []byte("embedded index")},
		"app.css":      {Data: []byte("embedded css")},
		"logo.svg":     {Data: []byte("embedded logo")},
		"chat":         {Data: []byte("embedded chat")},
		"js/app.js":    {Data: []byte("embedded js")},
		"api/anything": {Data: []byte("embedded api")},
	}
	// the same hook id replaces the binding that hooks.Register made
	webapp.BindUI(app, public, embedded)
	return app
}

func TestUIOverrideOrder(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name:               "pb_public's index.html wins over the embedded one",
			Method:             http.MethodGet,
			URL:                "/",
			ExpectedStatus:     200,
			ExpectedContent:    []string{"operator index"},
			NotExpectedContent: []string{"embedded index"},
		},
		{
			Name:               "pb_public's file wins over the embedded one of the same name",
			Method:             http.MethodGet,
			URL:                "/logo.svg",
			ExpectedStatus:     200,
			ExpectedContent:    []string{"operator logo"},
			NotExpectedContent: []string{"embedded logo"},
		},
		{
			Name:            "an embedded file that pb_public lacks is served",
			Method:          http.MethodGet,
			URL:             "/app.css",
			ExpectedStatus:  200,
			ExpectedContent: []string{"embedded css"},
		},
		{
			Name:            "an embedded file in a folder",
			Method:          http.MethodGet,
			URL:             "/js/app.js",
			ExpectedStatus:  200,
			ExpectedContent: []string{"embedded js"},
		},
		{
			Name:            "a pb_public-only file is served",
			Method:          http.MethodGet,
			URL:             "/notes/readme.txt",
			ExpectedStatus:  200,
			ExpectedContent: []string{"operator notes"},
		},
		{
			Name:            "a path that only starts like an API word is the site's",
			Method:          http.MethodGet,
			URL:             "/chatter/",
			ExpectedStatus:  200,
			ExpectedContent: []string{"operator chatter"},
		},
		{
			Name:            "quotes-of-week.html is not under /quote",
			Method:          http.MethodGet,
			URL:             "/quotes-of-week.html",
			ExpectedStatus:  200,
			ExpectedContent: []string{"operator quotes page"},
		},
		{
			Name:            "a file in neither is a 404",
			Method:          http.MethodGet,
			URL:             "/missing.txt",
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = uiTestApp
		s.Test(t)
	}
}

func TestUICannotShadowTheAPI(t *testing.T) {
	t.Parallel()
	shadows := []string{
		"shadowed", "embedded chat", "embedded api", "operator index", "embedded index",
	}
	scenarios := []tests.ApiScenario{
		{
			Name:               "PocketBase's health route",
			Method:             http.MethodGet,
			URL:                "/api/health",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"code":200`},
			NotExpectedContent: shadows,
		},
		{
			Name:               "an unknown API path is the API's JSON 404, not a file",
			Method:             http.MethodGet,
			URL:                "/api/anything",
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: shadows,
		},
		{
			Name:               "a file under api/collections",
			Method:             http.MethodGet,
			URL:                "/api/collections/x",
			ExpectedStatus:     401, // PocketBase's collection view, for superusers only
			NotExpectedContent: shadows,
		},
		{
			Name:               "the dashboard's folder (its files are bound by apis.Serve, not in tests)",
			Method:             http.MethodGet,
			URL:                "/_/",
			ExpectedContent:    []string{`"status":404`},
			NotExpectedContent: shadows,
			ExpectedStatus:     404,
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = uiTestApp
		s.Test(t)
	}
}

// TestUISeedPathsAreNeverFiles checks the seed API's paths whether or not
// its routes are bound yet: whatever answers, it is not a file of the site.
func TestUISeedPathsAreNeverFiles(t *testing.T) {
	t.Parallel()
	app := uiTestApp(t)
	defer app.Cleanup()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r}
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/chat", "/chat/", "/Chat/", "/quote", "/quote/", "/accounts/login", "/api/", "/_"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body := rec.Body.String()
		if rec.Code == http.StatusOK && !strings.Contains(body, "{") {
			t.Fatalf("GET %s: expected an API answer, got a 200 page %q", path, body)
		}
		for _, s := range []string{"shadowed", "embedded chat", "embedded api", "operator index", "embedded index"} {
			if strings.Contains(body, s) {
				t.Fatalf("GET %s: expected no site file, got %q", path, body)
			}
		}
	}
}

func TestUIEmbeddedAppIsServed(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name:            "the embedded index.html",
			Method:          http.MethodGet,
			URL:             "/",
			ExpectedStatus:  200,
			ExpectedContent: []string{`<script type="module" src="js/app.js"></script>`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				for k, want := range map[string]string{"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"} {
					if got := res.Header.Get(k); got != want {
						t.Fatalf("expected %s %q, got %q", k, want, got)
					}
				}
			},
		},
		{
			Name:            "the OAuth2 callback page",
			Method:          http.MethodGet,
			URL:             "/oauth2-callback.html",
			ExpectedStatus:  200,
			ExpectedContent: []string{`js/oauth2-callback.js`},
		},
		{
			Name:               "an ES module with its JavaScript type",
			Method:             http.MethodGet,
			URL:                "/js/api.js",
			ExpectedStatus:     200,
			NotExpectedContent: []string{"<html"},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/javascript") {
					t.Fatalf("expected a JavaScript content type, got %q", got)
				}
			},
		},
		{
			Name:            "the Go source of the package is not embedded",
			Method:          http.MethodGet,
			URL:             "/embed.go",
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.NewApp(t) }
		s.Test(t)
	}
}
