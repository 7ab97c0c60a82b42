package legacy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
)

// A front end on another origin reads the quota and paging headers
// (SPEC 13.4): every answer that PocketBase's CORS middleware lets a page
// read names them in Access-Control-Expose-Headers.
func TestCrossOriginPagesReadTheQuotaAndPagingHeaders(t *testing.T) {
	t.Parallel()
	const origin = "https://app.example.com"
	alice := map[string]string{"Authorization": "Bearer " + hookstest.LegacyAliceToken, "Origin": origin}
	allowed := hookstest.Checks(
		hookstest.Headers(map[string]string{"Access-Control-Allow-Origin": "*"}),
		hookstest.Exposed(true),
	)
	scenarios := []struct {
		origins []string // --origins
		s       tests.ApiScenario
	}{
		{[]string{"*"}, tests.ApiScenario{
			Name: "POST /api/chat", Method: http.MethodPost, URL: "/api/chat", Headers: alice,
			Body: strings.NewReader(`{"content":"다행"}`), ExpectedStatus: 201, ExpectedContent: []string{`"reply":{`},
			AfterTestFunc: hookstest.Checks(allowed, hookstest.Headers(map[string]string{"X-RateLimit-Remaining": "4"})),
		}},
		{[]string{"*"}, tests.ApiScenario{
			Name: "GET /api/chat/quota", Method: http.MethodGet, URL: "/api/chat/quota", Headers: alice,
			ExpectedStatus: 200, ExpectedContent: []string{`"remaining":5`},
			AfterTestFunc: hookstest.Checks(allowed, hookstest.Headers(map[string]string{"X-RateLimit-Remaining": "5"})),
		}},
		{[]string{"*"}, tests.ApiScenario{
			Name: "a legacy list", Method: http.MethodGet, URL: "/chat", Headers: alice,
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":2`},
			AfterTestFunc: hookstest.Checks(allowed, func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				if !strings.Contains(res.Header.Get("Link"), `rel="first"`) {
					t.Fatalf("expected the list's Link header, got %q", res.Header.Get("Link"))
				}
			}),
		}},
		{[]string{"*"}, tests.ApiScenario{
			Name: "an error", Method: http.MethodGet, URL: "/chat?page=9", Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
			AfterTestFunc: allowed,
		}},
		{[]string{"https://other.example.com"}, tests.ApiScenario{
			Name: "an origin --origins does not allow", Method: http.MethodGet, URL: "/api/chat/quota", Headers: alice,
			ExpectedStatus: 200, ExpectedContent: []string{`"remaining":5`},
			AfterTestFunc: hookstest.Checks(
				hookstest.Headers(map[string]string{"Access-Control-Allow-Origin": ""}),
				hookstest.Exposed(false),
			),
		}},
		{[]string{"*"}, tests.ApiScenario{
			Name: "no Origin: not a cross-origin request", Method: http.MethodGet, URL: "/api/chat/quota",
			Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"remaining":5`},
			AfterTestFunc: hookstest.Exposed(false),
		}},
	}
	for _, sc := range scenarios {
		s := hookstest.WithCORS(sc.origins, sc.s)
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}
