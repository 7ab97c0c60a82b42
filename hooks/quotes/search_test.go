package quotes_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The board's fixture: five approved quotes with fixed creation times and
// one pending, whose words are in approved quotes too.
const (
	yeoronID  = "qyeoron00000001"
	chaekimID = "qchaekim0000001"
	dahaengID = "qdahaeng0000001"
	englishID = "qenglish0000001"
	seyoungID = "qseyoung0000001"
	pendingID = "qpending0000001"
	pending   = "여론은 아직 승인되지 않은 대사입니다"
)

func seedBoard(t testing.TB, app core.App) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		id, content, speaker string
		episode              int
		created              string
		approved             bool
	}{
		{yeoronID, "여론이 뭐라고 하든 우리는 우리 길을 갑니다", "백승수", 3, "2026-01-03 00:00:00.000Z", true},
		{chaekimID, "아무것도 책임지지 않는 사람은 아무것도 바꿀 수 없습니다", "백승수", 1, "2026-01-01 00:00:00.000Z", true},
		{dahaengID, "다행이라고 생각하는 순간이 제일 위험합니다", "백승수", 5, "2026-01-05 00:00:00.000Z", true},
		{englishID, "We are not a team that loses by habit.", "Baek Seung-su", 2, "2026-01-02 00:00:00.000Z", true},
		{seyoungID, "운영팀장으로서 여론도 챙기겠습니다", "이세영", 0, "2026-01-04 00:00:00.000Z", true},
		{pendingID, pending, "권경민", 4, "2026-01-06 00:00:00.000Z", false},
	} {
		r := core.NewRecord(c)
		r.Id = q.id
		r.Set("content", q.content)
		r.Set("speaker", q.speaker)
		r.Set("episode", q.episode)
		r.Set("is_apply", q.approved)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().NewQuery("UPDATE quotes SET created = {:c} WHERE id = {:id}").
			Bind(map[string]any{"c": q.created, "id": q.id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

// onBoard completes s to run on a fresh app with the access fixture and
// the board's, signed in as w.
func onBoard(w hookstest.Role, s tests.ApiScenario) tests.ApiScenario {
	s = hookstest.SignedInAs(w, s)
	factory := s.TestAppFactory
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := factory(t)
		seedBoard(t, app)
		return app
	}
	return s
}

func searchURL(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return "/api/quotes/search?" + v.Encode()
}

func TestQuoteSearch(t *testing.T) {
	t.Parallel()
	get := func(name string, url string, status int, want, notWant []string, order ...string) tests.ApiScenario {
		s := onBoard(hookstest.AsGuest, tests.ApiScenario{Name: name, Method: http.MethodGet, URL: url,
			ExpectedStatus: status, ExpectedContent: want, NotExpectedContent: notWant})
		if order != nil {
			s.AfterTestFunc = itemsInOrder(order...)
		}
		return s
	}
	scenarios := []tests.ApiScenario{
		// matching
		get("a part of a word", searchURL("q", "다행"), 200,
			[]string{`"totalItems":1`, `"id":"` + dahaengID + `"`, `"collectionName":"quotes"`, `"is_apply":true`, `"episode":5`},
			[]string{yeoronID, pending}),
		get("initial consonants, word starts first", searchURL("q", "ㅇㄹ"), 200,
			[]string{`"totalItems":3`, `"speakers":[{"name":"백승수","count":2},{"name":"이세영","count":1}]`},
			[]string{pending, "권경민"}, seyoungID, yeoronID, dahaengID),
		get("initial consonants of the speaker", searchURL("q", "ㅂㅅㅅ", "perPage", "1"), 200,
			[]string{`"totalItems":3`, `"totalPages":3`, `"perPage":1`, `"id":"` + dahaengID + `"`}, []string{yeoronID}),
		get("without the space", searchURL("q", "아무것도책임"), 200,
			[]string{`"totalItems":1`, `"id":"` + chaekimID + `"`}, nil),
		get("with a space too many", searchURL("q", "아무 것도"), 200,
			[]string{`"totalItems":1`, `"id":"` + chaekimID + `"`}, nil),
		get("English words", searchURL("q", "Team HABIT"), 200,
			[]string{`"totalItems":1`, `"id":"` + englishID + `"`}, nil),
		get("words only in a pending quote", searchURL("q", "승인되지"), 200,
			[]string{`"totalItems":0`, `"items":[]`, `"speakers":[]`}, []string{pending}),
		get("nothing found", searchURL("q", "ㅋㅋㅋ"), 200, []string{`"totalItems":0`, `"totalPages":0`, `"items":[]`}, nil),
		get("filter syntax is text", searchURL("q", "' OR 1=1 --"), 200, []string{`"totalItems":0`}, nil),

		// browsing, filters, sorts, paging
		get("every approved quote, newest first", searchURL(), 200,
			[]string{`"page":1`, `"perPage":20`, `"totalItems":7`, `"totalPages":1`,
				`"speakers":[{"name":"백승수","count":3},{"name":"Baek Seung-su","count":1},{"name":"이세영","count":1}]`},
			[]string{pending, hookstest.OwnerPending, hookstest.OtherPending}),
		get("a speaker", searchURL("speaker", "백승수", "sort", "newest"), 200,
			[]string{`"totalItems":3`, `{"name":"이세영","count":1}`}, []string{englishID}, dahaengID, yeoronID, chaekimID),
		get("a speaker is matched exactly", searchURL("speaker", "백승"), 200, []string{`"totalItems":0`}, nil),
		get("an episode", searchURL("episode", "3"), 200,
			[]string{`"totalItems":1`, `"id":"` + yeoronID + `"`, `"speakers":[{"name":"백승수","count":1}]`}, nil),
		get("a query, a speaker and the episode order", searchURL("q", "ㅇㄹ", "speaker", "백승수", "sort", "episode"), 200,
			[]string{`"totalItems":2`}, []string{seyoungID}, yeoronID, dahaengID),
		get("the second page", searchURL("sort", "episode", "perPage", "2", "page", "2"), 200,
			[]string{`"page":2`, `"perPage":2`, `"totalItems":7`, `"totalPages":4`}, nil, yeoronID, dahaengID),
		get("a page past the end", searchURL("page", "9"), 200, []string{`"page":9`, `"totalItems":7`, `"items":[]`}, nil),

		// bad input
		get("a bad page", searchURL("page", "0"), 400, []string{`"page":{"code":"validation_invalid_page"`}, nil),
		get("a page that is not a number", searchURL("page", "two"), 400, []string{`"page":{`}, nil),
		get("perPage too large", searchURL("perPage", "101"), 400, []string{`"perPage":{`}, nil),
		get("perPage zero", searchURL("perPage", "0"), 400, []string{`"perPage":{`}, nil),
		get("episode zero", searchURL("episode", "0"), 400, []string{`"episode":{`}, nil),
		get("episode not a number", searchURL("episode", "3화"), 400, []string{`"episode":{`}, nil),
		get("an unknown sort", searchURL("sort", "oldest"), 400, []string{`"sort":{`, "relevance, newest or episode"}, nil),
		get("a query too long", searchURL("q", string(make([]rune, 201))), 400, []string{`"q":{`}, nil),
		get("a control character", searchURL("q", "여론\x00"), 400, []string{`"q":{`}, nil),
		get("a speaker too long", searchURL("speaker", string(make([]byte, 51))), 400, []string{`"speaker":{`}, nil),
		{Name: "POST is refused", Method: http.MethodPost, URL: searchURL(), TestAppFactory: hookstest.NewAppFactory(),
			ExpectedStatus: 405, ExpectedContent: []string{"GET"}},

		// visibility: the author and a superuser search the approved quotes only, too
		onBoard(hookstest.AsOwner, tests.ApiScenario{Name: "the author does not find their pending quote", Method: http.MethodGet,
			URL: searchURL("q", "pending"), ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
			NotExpectedContent: []string{hookstest.OwnerPending}}),
		onBoard(hookstest.AsSuperuser, tests.ApiScenario{Name: "a superuser searches approved quotes only", Method: http.MethodGet,
			URL: searchURL("q", "여론"), ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`},
			NotExpectedContent: []string{pending}}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// itemsInOrder fails unless the body's items are the quotes of ids, in
// that order.
func itemsInOrder(ids ...string) hookstest.Check {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		var body struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range body.Items {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, ids) {
			t.Fatalf("expected the items %v, got %v", ids, got)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// A quote approved, edited or deleted is searched as it now is.
func TestQuoteSearchFollowsWrites(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	seedBoard(t, app)
	srv := hookstest.StartServer(t, app)
	count := func(q string) string {
		t.Helper()
		res, body := hookstest.Do(t, http.MethodGet, srv.URL+searchURL("q", q), "", "")
		if res.StatusCode != 200 {
			t.Fatalf("expected 200, got %d: %s", res.StatusCode, body)
		}
		return body
	}
	if body := count("승인되지"); !contains(body, `"totalItems":0`) {
		t.Fatalf("expected the pending quote unseen, got %s", body)
	}
	r, err := app.FindRecordById(migrations.QuotesCollection, pendingID)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("is_apply", true)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if body := count("ㅅㅇㄷㅈ"); !contains(body, `"id":"`+pendingID+`"`) {
		t.Fatalf("expected the approved quote found by its initials, got %s", body)
	}
	if err := app.Delete(r); err != nil {
		t.Fatal(err)
	}
	if body := count("승인되지"); !contains(body, `"totalItems":0`) {
		t.Fatalf("expected the deleted quote gone, got %s", body)
	}
}

// The quote paths have a rate limit of their own, generous enough for a
// search box on an address that many people share.
func TestQuoteSearchRateLimit(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	rule, ok := app.Settings().RateLimits.FindRateLimitRule([]string{"GET /api/quotes/search", "/api/quotes/search"})
	if !ok || rule.Label != "/api/quotes/" || rule.MaxRequests != migrations.QuoteSearchRateLimit || rule.Duration != 60 {
		t.Fatalf("expected the rule /api/quotes/ at 600 a minute, got %+v (%v)", rule, ok)
	}
	if !app.Settings().RateLimits.Enabled {
		t.Fatal("expected the rate limiter on")
	}
}
