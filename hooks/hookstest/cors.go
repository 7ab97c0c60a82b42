package hookstest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// WithCORS completes s to run behind PocketBase's CORS middleware, bound
// as apis.Serve binds it, with origins as --origins.
func WithCORS(origins []string, s tests.ApiScenario) tests.ApiScenario {
	before := s.BeforeTestFunc
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		e.Router.Bind(apis.CORS(apis.CORSConfig{
			AllowOrigins: origins,
			AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete},
		}))
		if before != nil {
			before(t, app, e)
		}
	}
	return s
}

// Exposed fails unless the answer lets a page on another origin read the
// quota and paging headers (SPEC 13.4), or, when want is false, unless it
// exposes none of them.
func Exposed(want bool) Check {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		got := map[string]bool{}
		for _, v := range res.Header.Values("Access-Control-Expose-Headers") {
			for _, name := range strings.Split(v, ",") {
				got[strings.ToLower(strings.TrimSpace(name))] = true // names are case-insensitive
			}
		}
		for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset",
			"RateLimit", "RateLimit-Policy", "Retry-After", "Link", "Idempotent-Replayed"} {
			if got[strings.ToLower(name)] != want {
				t.Fatalf("expected %s exposed: %v, got Access-Control-Expose-Headers %q",
					name, want, res.Header.Values("Access-Control-Expose-Headers"))
			}
		}
	}
}
