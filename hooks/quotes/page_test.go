package quotes_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

const trickyID = "qtricky00000001"

// seedTricky adds an approved quote whose line and speaker hold HTML.
func seedTricky(t testing.TB, app core.App) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Id = trickyID
	r.Set("content", `"여론" <script>alert(1)</script> & 'more'`)
	r.Set("speaker", `백승수 <b>`)
	r.Set("episode", 7)
	r.Set("is_apply", true)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func TestQuotePage(t *testing.T) {
	t.Parallel()
	withTricky := func(s tests.ApiScenario) tests.ApiScenario {
		s = onBoard(hookstest.AsGuest, s)
		factory := s.TestAppFactory
		s.TestAppFactory = func(t testing.TB) *tests.TestApp {
			app := factory(t)
			seedTricky(t, app)
			return app
		}
		return s
	}
	scenarios := []tests.ApiScenario{
		withTricky(tests.ApiScenario{Name: "an approved quote's page carries the line in its meta tags", Method: http.MethodGet,
			URL: "/q/" + yeoronID, ExpectedStatus: 200,
			ExpectedContent: []string{
				`<meta property="og:title" content="“여론이 뭐라고 하든 우리는 우리 길을 갑니다” — 백승수">`,
				`<meta property="og:description" content="“여론이 뭐라고 하든 우리는 우리 길을 갑니다” — 백승수, 3화`,
				`<meta property="og:url" content="http://example.com/q/` + yeoronID + `">`,
				`<meta name="twitter:card" content="summary">`,
				`<blockquote>“여론이 뭐라고 하든 우리는 우리 길을 갑니다”</blockquote>`,
				`<p>— 백승수, 3화</p>`,
				`href="/#/quotes/` + yeoronID + `"`,
			}}),
		withTricky(tests.ApiScenario{Name: "everything is escaped", Method: http.MethodGet, URL: "/q/" + trickyID, ExpectedStatus: 200,
			ExpectedContent: []string{
				`&#34;여론&#34; &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;more&#39;`,
				`백승수 &lt;b&gt;`,
				`og:title" content="“&#34;여론&#34; &lt;script&gt;`,
			},
			NotExpectedContent: []string{"<script>", "<b>", `"여론"`}}),
		withTricky(tests.ApiScenario{Name: "a pending quote: 404", Method: http.MethodGet, URL: "/q/" + pendingID, ExpectedStatus: 404,
			ExpectedContent: []string{"Not found"}, NotExpectedContent: []string{pending, "og:url"}}),
		withTricky(tests.ApiScenario{Name: "an unknown quote: 404", Method: http.MethodGet, URL: "/q/nosuchquote0001", ExpectedStatus: 404,
			ExpectedContent: []string{"Not found"}}),
		withTricky(tests.ApiScenario{Name: "an id of SQL: 404", Method: http.MethodGet, URL: "/q/%27%20OR%201%3D1", ExpectedStatus: 404,
			ExpectedContent: []string{"Not found"}}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
