package quotes_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// SPEC section 11 on PocketBase's native record endpoints: every bad input
// gets a 4xx naming the field where there is one, changes nothing, and no
// input gets a 500.

// dbQuote fails unless a quote with exactly content exists, pending and of
// the owner.
func dbQuote(content string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		q, err := app.FindFirstRecordByData(migrations.QuotesCollection, "content", content)
		if err != nil {
			t.Fatalf("expected a quote stored verbatim as %q: %v", content, err)
		}
		if q.GetBool("is_apply") || q.GetString("user") != hookstest.OwnerID {
			t.Fatalf("expected a pending quote of the owner, got %v", q.PublicExport())
		}
	}
}

func TestQuotesBadInput(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	quote := func(fields string) *strings.Reader {
		return hookstest.JSONBody(`{"user":"` + hookstest.OwnerID + `",` + fields + `}`)
	}
	unchanged := hookstest.DBCount(migrations.QuotesCollection, 4)
	scenarios := []tests.ApiScenario{
		{Name: "invalid JSON", Body: hookstest.JSONBody(`{"content":`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "a JSON array instead of an object", Body: hookstest.JSONBody(`[{"content":"a"}]`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "invalid UTF-8", Body: hookstest.JSONBody("{\"user\":\"" + hookstest.OwnerID + "\",\"content\":\"a\xff\xfeb\"}"), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "a lone surrogate", Body: quote(`"content":"a\ud800b"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "20,000 nested arrays", Body: quote(`"content":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000)), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "a number out of float range", Body: quote(`"content":"a","episode":1e999`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "a JSON null body", Body: hookstest.JSONBody(`null`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "a duplicated key", Body: quote(`"content":"a","content":"b"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, AfterTestFunc: unchanged},
		{Name: "content as a number", Body: quote(`"content":42`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_not_text"`}, AfterTestFunc: unchanged},
		{Name: "content as an object", Body: quote(`"content":{"$gt":""}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_not_text"`}, AfterTestFunc: unchanged},
		{Name: "speaker as a list", Body: quote(`"content":"a","speaker":["a","b"]`), ExpectedStatus: 400,
			ExpectedContent: []string{`"speaker":{"code":"validation_not_text"`}, AfterTestFunc: unchanged},
		{Name: "episode as a word", Body: quote(`"content":"a","episode":"three"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_not_a_number"`}, AfterTestFunc: unchanged},
		{Name: "episode as a numeric string", Body: quote(`"content":"a","episode":"3"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_not_a_number"`}, AfterTestFunc: unchanged},
		{Name: "episode as a bool", Body: quote(`"content":"a","episode":true`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_not_a_number"`}, AfterTestFunc: unchanged},
		{Name: "episode fractional", Body: quote(`"content":"a","episode":1.5`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_only_int_constraint"`}, AfterTestFunc: unchanged},
		{Name: "episode negative", Body: quote(`"content":"a","episode":-1`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_min_number_constraint"`}, AfterTestFunc: unchanged},
		{Name: "episode too high", Body: quote(`"content":"a","episode":1001`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_max_number_constraint"`}, AfterTestFunc: unchanged},
		{Name: "episode a huge number", Body: quote(`"content":"a","episode":1e308`), ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":`}, AfterTestFunc: unchanged},
		{Name: "empty content", Body: quote(`"content":""`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_required"`}, AfterTestFunc: unchanged},
		{Name: "content of blanks only", Body: quote(`"content":" \n\t ","speaker":"   "`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_required"`}, AfterTestFunc: unchanged},
		{Name: "a NUL in content and an escape code in speaker", Body: quote(`"content":"널\u0000문자","speaker":"x\u001b[31my"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_control_characters"`, `"speaker":{"code":"validation_control_characters"`},
			AfterTestFunc:   unchanged},
		{Name: "DEL and a C1 control (CSI) in content", Body: quote(`"content":"a\u007fb\u009bc"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_control_characters"`}, AfterTestFunc: unchanged},
		{Name: "tabs and line breaks are text", Body: quote(`"content":"한 줄\n두\t줄\r\n"`), ExpectedStatus: 200,
			ExpectedContent: []string{`"content":"한 줄\n두\t줄"`}, AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 5)},
		{Name: "content over 500 characters", Body: quote(`"content":"` + strings.Repeat("가", 501) + `"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_max_text_constraint"`}, AfterTestFunc: unchanged},
		{Name: "speaker over 50 characters", Body: quote(`"content":"a","speaker":"` + strings.Repeat("s", 51) + `"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"speaker":{"code":"validation_max_text_constraint"`}, AfterTestFunc: unchanged},
		{Name: "a 2 MiB content", Body: quote(`"content":"` + strings.Repeat("x", 2<<20) + `"`), ExpectedStatus: 400,
			ExpectedContent: []string{`"content":{"code":"validation_max_text_constraint"`}, AfterTestFunc: unchanged},
		{Name: "a body over PocketBase's 32 MiB limit", Body: quote(`"content":"` + strings.Repeat("x", 33<<20) + `"`), ExpectedStatus: 413,
			ExpectedContent: []string{`"status":413`}, AfterTestFunc: unchanged},
		{Name: "a form with a word for episode", Body: hookstest.MultipartBody(t, map[string]string{"user": hookstest.OwnerID, "content": "a", "episode": "three"}),
			Headers: map[string]string{"Content-Type": hookstest.MultipartType}, ExpectedStatus: 400,
			ExpectedContent: []string{`"episode":{"code":"validation_not_a_number"`}, AfterTestFunc: unchanged},

		// accepted as they are
		{Name: "SQL in content is stored verbatim", Body: quote(`"content":"') OR 1=1 --"`), ExpectedStatus: 200,
			ExpectedContent: []string{`"content":"') OR 1=1 --"`, `"is_apply":false`}, AfterTestFunc: dbQuote("') OR 1=1 --")},
		{Name: "filter syntax in content is stored verbatim", Body: quote(`"content":"a' || is_apply = true || user != '"`), ExpectedStatus: 200,
			ExpectedContent: []string{`"is_apply":false`}, AfterTestFunc: dbQuote("a' || is_apply = true || user != '")},
		{Name: "unicode and emoji", Body: quote(`"content":"우리는 어차피 지는 팀이 아닙니다 👨‍👩‍👧 ⚾ مرحبا","speaker":"백승수 🧢"`), ExpectedStatus: 200,
			ExpectedContent: []string{`"speaker":"백승수 🧢"`}, AfterTestFunc: dbQuote("우리는 어차피 지는 팀이 아닙니다 👨‍👩‍👧 ⚾ مرحبا")},
		{Name: "blanks around content and speaker are trimmed", Body: quote(`"content":"  이기는 게 목표입니다 \n","speaker":" 백승수 "`), ExpectedStatus: 200,
			ExpectedContent: []string{`"content":"이기는 게 목표입니다"`, `"speaker":"백승수"`}, AfterTestFunc: dbQuote("이기는 게 목표입니다")},
		{Name: "HTML is stored as text", Body: quote(`"content":"<script>alert(1)</script>"`), ExpectedStatus: 200,
			ExpectedContent: []string{`"is_apply":false`}, AfterTestFunc: dbQuote("<script>alert(1)</script>")},
		{Name: "a form with a numeric episode", Body: hookstest.MultipartBody(t, map[string]string{"user": hookstest.OwnerID, "content": "1", "episode": "7"}),
			Headers: map[string]string{"Content-Type": hookstest.MultipartType}, ExpectedStatus: 200,
			ExpectedContent: []string{`"content":"1"`, `"episode":7`}, AfterTestFunc: dbQuote("1")},
	}
	for _, s := range scenarios {
		s.Method = http.MethodPost
		s.URL = quotes
		s = hookstest.SignedInAs(hookstest.AsOwner, s)
		s.Test(t)
	}
}

func TestQueriesBadInput(t *testing.T) {
	t.Parallel()
	const quotes = "/api/collections/quotes/records"
	q := url.QueryEscape
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a filter that ORs its way around the rule", Method: http.MethodGet,
			URL:                quotes + "?filter=" + q("is_apply = false || 1 = 1"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, hookstest.OwnerApproved, hookstest.OtherApproved},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OtherPending}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "SQL in a filter", Method: http.MethodGet,
			URL:                quotes + "?filter=" + q("content = '') OR 1=1 --'"),
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"status":400`},
			NotExpectedContent: []string{hookstest.OwnerPending, hookstest.OtherPending}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a broken filter", Method: http.MethodGet,
			URL:             quotes + "?filter=" + q("((content ="),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "sorting by an unknown field", Method: http.MethodGet,
			URL:             quotes + "?sort=" + q("-nosuchfield"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a page out of range", Method: http.MethodGet,
			URL:             quotes + "?page=99999&perPage=50",
			ExpectedStatus:  200,
			ExpectedContent: []string{`"page":99999`, `"items":[]`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a negative page and a huge perPage", Method: http.MethodGet,
			URL:             quotes + "?page=-3&perPage=100000000",
			ExpectedStatus:  200,
			ExpectedContent: []string{`"page":1`, `"totalItems":2`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a non-numeric page", Method: http.MethodGet,
			URL:             quotes + "?page=abc",
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "SQL as a record id", Method: http.MethodGet,
			URL:             quotes + "/" + url.PathEscape("' OR 1=1 --"),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "an unknown id", Method: http.MethodGet,
			URL:             quotes + "/nosuchquote0001",
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a 5000-character id", Method: http.MethodGet,
			URL:             quotes + "/" + strings.Repeat("a", 5000),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`}}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "the hidden ip_address cannot be probed by a filter", Method: http.MethodGet,
			URL:                "/api/collections/users/records?filter=" + q("ip_address = '"+hookstest.OwnerIP+"'"),
			ExpectedStatus:     400,
			NotExpectedContent: []string{hookstest.OwnerNick}}),
		hookstest.SignedInAs(hookstest.AsOther, tests.ApiScenario{Name: "expanding a quote's user shows no other user", Method: http.MethodGet,
			URL:                "/api/collections/quotes/records?expand=user",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":3`},
			NotExpectedContent: []string{hookstest.OwnerNick, "owner@example.com"}}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{Name: "a garbage token is a 401, not a guest", Method: http.MethodGet,
			URL:                "/api/collections/chats/records",
			Headers:            map[string]string{"Authorization": "Bearer not.a.token"},
			ExpectedStatus:     401,
			ExpectedContent:    []string{`sign in again`},
			NotExpectedContent: []string{hookstest.OwnerQuestion, hookstest.OtherChat}}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
