package legacy_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/legacy"
)

// pagedApp is hookstest.LegacyApp where carol has asked 12 questions, "question
// 01" first.
func pagedApp(t testing.TB) *tests.TestApp {
	app := hookstest.LegacyApp(t)
	for i := 1; i <= 12; i++ {
		hookstest.LegacyAddChat(t, app, hookstest.LegacyCarolID, fmt.Sprintf("carolq%09d", i), fmt.Sprintf("carolr%09d", i),
			fmt.Sprintf("question %02d", i), fmt.Sprintf("answer %02d", i))
	}
	return app
}

// wantPage is what a list page must hold.
type wantPage struct {
	page, perPage, totalItems, totalPages int
	contents                              []string // items' content, in order
	links                                 []string // "rel page", in order
	base                                  string   // scheme and host of the links
}

// check fails unless res is the page w describes, in its body and in its
// Link header.
func (w wantPage) check(t testing.TB, _ *tests.TestApp, res *http.Response) {
	var body struct {
		Page       int `json:"page"`
		PerPage    int `json:"per_page"`
		TotalItems int `json:"total_items"`
		TotalPages int `json:"total_pages"`
		Items      []struct {
			Content   string `json:"content"`
			ChatReply *struct {
				Content string `json:"content"`
			} `json:"chat_reply"`
		} `json:"items"`
		Links []legacy.Link `json:"links"`
	}
	hookstest.LegacyDecode(t, res.Body, &body)
	if body.Page != w.page || body.PerPage != w.perPage || body.TotalItems != w.totalItems || body.TotalPages != w.totalPages {
		t.Fatalf("expected page %d, per_page %d, total_items %d, total_pages %d; got %d, %d, %d, %d",
			w.page, w.perPage, w.totalItems, w.totalPages, body.Page, body.PerPage, body.TotalItems, body.TotalPages)
	}
	var contents []string
	for _, it := range body.Items {
		contents = append(contents, it.Content)
		if want := strings.Replace(it.Content, "question", "answer", 1); it.ChatReply == nil || it.ChatReply.Content != want {
			t.Fatalf("expected %q to carry its answer %q", it.Content, want)
		}
	}
	if !slices.Equal(contents, w.contents) {
		t.Fatalf("expected items %q, got %q", w.contents, contents)
	}

	base := w.base
	if base == "" {
		base = "http://example.com"
	}
	var wantLinks []legacy.Link
	var wantHeader []string
	for _, l := range w.links {
		rel, page, _ := strings.Cut(l, " ")
		u := fmt.Sprintf("%s/chat?page=%s&per_page=%d", base, page, w.perPage)
		wantLinks = append(wantLinks, legacy.Link{Rel: rel, Href: u, Link: u, Method: "GET"})
		wantHeader = append(wantHeader, fmt.Sprintf(`<%s>; rel="%s"`, u, rel))
	}
	if !slices.Equal(body.Links, wantLinks) {
		t.Fatalf("expected links %+v, got %+v", wantLinks, body.Links)
	}
	if got, want := res.Header.Get("Link"), strings.Join(wantHeader, ", "); got != want {
		t.Fatalf("expected the Link header\n%s\ngot\n%s", want, got)
	}
}

func questionTexts(from, to int) []string {
	var out []string
	for i := from; i >= to; i-- {
		out = append(out, fmt.Sprintf("question %02d", i))
	}
	return out
}

func TestLegacyPaginationAcrossThreePages(t *testing.T) {
	t.Parallel()
	carol := hookstest.LegacyAuth(hookstest.LegacyCarolToken)
	scenarios := []tests.ApiScenario{
		{
			Name: "page 1 of 3", Method: http.MethodGet, URL: "/chat?page=1&per_page=5", Headers: carol,
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":12`},
			AfterTestFunc: wantPage{page: 1, perPage: 5, totalItems: 12, totalPages: 3,
				contents: questionTexts(12, 8), links: []string{"first 1", "next 2", "last 3"}}.check,
		},
		{
			Name: "page 2 of 3", Method: http.MethodGet, URL: "/chat?page=2&per_page=5", Headers: carol,
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":12`},
			AfterTestFunc: wantPage{page: 2, perPage: 5, totalItems: 12, totalPages: 3,
				contents: questionTexts(7, 3), links: []string{"first 1", "prev 1", "next 3", "last 3"}}.check,
		},
		{
			Name: "page 3 of 3", Method: http.MethodGet, URL: "/chat?page=3&per_page=5", Headers: carol,
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":12`},
			AfterTestFunc: wantPage{page: 3, perPage: 5, totalItems: 12, totalPages: 3,
				contents: questionTexts(2, 1), links: []string{"first 1", "prev 2", "last 3"}}.check,
		},
		{
			Name: "the old per-page spelling", Method: http.MethodGet, URL: "/chat?page=2&per-page=5", Headers: carol,
			ExpectedStatus: 200, ExpectedContent: []string{`"per_page":5`},
			AfterTestFunc: wantPage{page: 2, perPage: 5, totalItems: 12, totalPages: 3,
				contents: questionTexts(7, 3), links: []string{"first 1", "prev 1", "next 3", "last 3"}}.check,
		},
		{
			Name: "the defaults: page 1 of 10", Method: http.MethodGet, URL: "/chat", Headers: carol,
			ExpectedStatus: 200, ExpectedContent: []string{`"per_page":10`},
			AfterTestFunc: wantPage{page: 1, perPage: 10, totalItems: 12, totalPages: 2,
				contents: questionTexts(12, 3), links: []string{"first 1", "next 2", "last 2"}}.check,
		},
		{
			Name: "100 per page", Method: http.MethodGet, URL: "/chat?per_page=100", Headers: carol,
			ExpectedStatus: 200, ExpectedContent: []string{`"per_page":100`},
			AfterTestFunc: wantPage{page: 1, perPage: 100, totalItems: 12, totalPages: 1,
				contents: questionTexts(12, 1), links: []string{"first 1", "last 1"}}.check,
		},
		{
			Name: "links follow a trusted proxy's scheme", Method: http.MethodGet, URL: "/chat?page=3&per_page=5",
			Headers: map[string]string{"Authorization": hookstest.LegacyCarolToken, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				s := app.Settings()
				s.TrustedProxy.Headers = []string{"X-Forwarded-For"}
				if err := app.Save(s); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":12`},
			AfterTestFunc: wantPage{page: 3, perPage: 5, totalItems: 12, totalPages: 3, base: "https://example.com",
				contents: questionTexts(2, 1), links: []string{"first 1", "prev 2", "last 3"}}.check,
		},
		{
			Name: "an untrusted X-Forwarded-Proto is ignored", Method: http.MethodGet, URL: "/chat?page=3&per_page=5",
			Headers:        map[string]string{"Authorization": hookstest.LegacyCarolToken, "X-Forwarded-Proto": "https"},
			ExpectedStatus: 200, ExpectedContent: []string{`"total_items":12`},
			AfterTestFunc: wantPage{page: 3, perPage: 5, totalItems: 12, totalPages: 3,
				contents: questionTexts(2, 1), links: []string{"first 1", "prev 2", "last 3"}}.check,
		},
		{
			Name: "a page past the last", Method: http.MethodGet, URL: "/chat?page=4&per_page=5", Headers: carol,
			ExpectedStatus: 404, ExpectedContent: []string{`"message":"Page 4 does not exist; the last page is 3."`},
		},
		{
			Name: "a huge page number", Method: http.MethodGet, URL: "/chat?page=9223372036854775807&per_page=100", Headers: carol,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return pagedApp(t) }
		s.Test(t)
	}
}

func TestLegacyPaginationBounds(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "an empty list is one page", Method: http.MethodGet, URL: "/chat", Headers: hookstest.LegacyAuth(hookstest.LegacyCarolToken),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"items":[]`, `"total_items":0`, `"total_pages":1`, `"page":1`},
			AfterTestFunc: wantPage{page: 1, perPage: 10, totalItems: 0, totalPages: 1,
				links: []string{"first 1", "last 1"}}.check,
		},
		{
			Name: "page 2 of an empty list", Method: http.MethodGet, URL: "/chat?page=2", Headers: hookstest.LegacyAuth(hookstest.LegacyCarolToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
	}
	for _, bad := range []struct{ query, field string }{
		{"page=0", "page"},
		{"page=-1", "page"},
		{"page=abc", "page"},
		{"page=1.5", "page"},
		{"page=99999999999999999999", "page"},
		{"page=%27%20OR%201%3D1", "page"},
		{"per_page=4", "per_page"},
		{"per_page=101", "per_page"},
		{"per_page=ten", "per_page"},
		{"per-page=4", "per-page"},
		{"per_page=5&per-page=10", "per_page"},
	} {
		for _, path := range []string{"/chat", "/quote"} {
			scenarios = append(scenarios, tests.ApiScenario{
				Name: path + "?" + bad.query, Method: http.MethodGet, URL: path + "?" + bad.query,
				Headers: hookstest.LegacyAuth(hookstest.LegacyCarolToken), ExpectedStatus: 400,
				ExpectedContent: []string{`"` + bad.field + `":{"code":"validation_`},
			})
		}
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}
