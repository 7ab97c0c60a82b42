package legacy_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// quoteField fails unless quote id's field reads want.
func quoteField(id, field, want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		q, err := app.FindRecordById(migrations.QuotesCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.GetString(field); got != want {
			t.Fatalf("expected quote %s's %s to be %q, got %q", id, field, want, got)
		}
	}
}

func TestLegacyQuoteList(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name: "approved quotes and the caller's pending ones, newest first", Method: http.MethodGet, URL: "/quote",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 200,
			ExpectedContent: []string{
				`"total_items":4`,
				`"items":[{"id":"` + hookstest.LegacyAliceAppr + `","user":"alice@example.com","nickname":"alice","content":"Alice's approved quote","speaker":"백승수","episode":3,"is_apply":true,"created_at":"20`,
				`},{"id":"` + hookstest.LegacyAlicePend + `","user":"alice@example.com","nickname":"alice","content":"Alice's pending quote","speaker":"백승수","episode":3,"is_apply":false,"created_at":"20`,
				`"applied_at":null},{"id":"` + hookstest.LegacyBobApproved + `","user":null,"nickname":"bob","content":"Bob's approved quote"`,
				`},{"id":"` + hookstest.LegacyAdminQuote + `","user":null,"nickname":null,"content":"우리는 이기는 팀을 만들 겁니다"`,
			},
			NotExpectedContent: []string{"Bob's pending quote", "bob@example.com"},
		},
		{
			Name: "another user sees other approved quotes without emails", Method: http.MethodGet, URL: "/quote",
			Headers: hookstest.LegacyAuth(hookstest.LegacyCarolToken), ExpectedStatus: 200,
			ExpectedContent:    []string{`"total_items":3`, `"nickname":"alice"`, `"nickname":"bob"`},
			NotExpectedContent: []string{"pending", "@example.com"},
		},
		{
			Name: "list without a token", Method: http.MethodGet, URL: "/quote",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "view an approved quote of another user", Method: http.MethodGet, URL: "/quote/" + hookstest.LegacyBobApproved,
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 200,
			ExpectedContent:    []string{`"id":"` + hookstest.LegacyBobApproved + `"`, `"user":null`, `"nickname":"bob"`, `"applied_at":"20`},
			NotExpectedContent: []string{"bob@example.com", `"links"`},
		},
		{
			Name: "view one's own pending quote", Method: http.MethodGet, URL: "/quote/" + hookstest.LegacyAlicePend,
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 200,
			ExpectedContent: []string{`"user":"alice@example.com"`, `"is_apply":false`, `"applied_at":null`},
		},
		{
			Name: "view another user's pending quote", Method: http.MethodGet, URL: "/quote/" + hookstest.LegacyBobPending,
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{"Bob's"},
		},
		{
			Name: "view an unknown id", Method: http.MethodGet, URL: "/quote/nosuchquote0000",
			Headers: hookstest.LegacyAuth(hookstest.LegacyAliceToken), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "view without a token", Method: http.MethodGet, URL: "/quote/" + hookstest.LegacyAdminQuote,
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}

func TestLegacyQuoteWrite(t *testing.T) {
	t.Parallel()
	alice := hookstest.LegacyAuth(hookstest.LegacyAliceToken)
	unchanged := quoteField(hookstest.LegacyAlicePend, "content", "Alice's pending quote")
	scenarios := []tests.ApiScenario{
		{
			Name: "submit a quote: pending, as the caller, with links", Method: http.MethodPost, URL: "/quote", Headers: alice,
			Body:           strings.NewReader(`{"content":"  누가 뭐래도 '; DROP TABLE quotes;-- ⚾  ","speaker":"백승수","episode":"7"}`),
			ExpectedStatus: 201,
			ExpectedContent: []string{
				`"user":"alice@example.com","nickname":"alice","content":"누가 뭐래도 '; DROP TABLE quotes;-- ⚾","speaker":"백승수","episode":7,"is_apply":false`,
				`"applied_at":null`,
				`"links":[{"rel":"self","href":"http://example.com/quote/`,
				`"method":"GET"},{"rel":"update","href":"http://example.com/quote/`,
				`"method":"PUT"},{"rel":"delete","href":"http://example.com/quote/`,
				`"method":"DELETE"}]`,
			},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 6),
		},
		{
			Name: "submit with only content", Method: http.MethodPost, URL: "/quote", Headers: alice,
			Body:           strings.NewReader(`{"content":"short and sweet"}`),
			ExpectedStatus: 201, ExpectedContent: []string{`"speaker":null`, `"episode":null`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 6),
		},
		{
			Name: "submit without content", Method: http.MethodPost, URL: "/quote", Headers: alice,
			Body:           strings.NewReader(`{"speaker":"백승수"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_required"`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 5),
		},
		{
			Name: "submit bad fields", Method: http.MethodPost, URL: "/quote", Headers: alice,
			Body:           strings.NewReader(`{"content":"` + strings.Repeat("a", 501) + `","speaker":"` + strings.Repeat("b", 51) + `","episode":1}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"content":{"code":"validation_max_text_constraint"`, `"speaker":{"code":"validation_max_text_constraint"`,
			},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 5),
		},
		{
			Name: "submit wrong types", Method: http.MethodPost, URL: "/quote", Headers: alice,
			Body:           strings.NewReader(`{"content":42,"speaker":true,"episode":1.5}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"content":{"code":"validation_invalid_type"`, `"speaker":{"code":"validation_invalid_type"`,
				`"episode":{"code":"validation_invalid_number"`,
			},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 5),
		},
		{
			Name: "submit as approved, or as someone else", Method: http.MethodPost, URL: "/quote", Headers: alice,
			Body:           strings.NewReader(`{"content":"sneaky","is_apply":true,"applied_at":"2026-01-01","user":"` + hookstest.LegacyBobID + `"}`),
			ExpectedStatus: 400,
			ExpectedContent: []string{
				`"is_apply":{"code":"validation_admin_only"`, `"applied_at":{"code":"validation_admin_only"`,
				`"user":{"code":"validation_admin_only"`,
			},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 5),
		},
		{
			Name: "submit without a token", Method: http.MethodPost, URL: "/quote",
			Body:           strings.NewReader(`{"content":"anonymous"}`),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: hookstest.LegacyRecordCount(migrations.QuotesCollection, 5),
		},
		{
			Name: "edit one's own pending quote", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"content":"edited 🎉","episode":null}`),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"id":"` + hookstest.LegacyAlicePend + `"`, `"content":"edited 🎉"`, `"speaker":"백승수"`, `"episode":null`,
			},
			NotExpectedContent: []string{`"links"`},
			AfterTestFunc:      quoteField(hookstest.LegacyAlicePend, "content", "edited 🎉"),
		},
		{
			Name: "edit one's own approved quote", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAliceAppr, Headers: alice,
			Body:           strings.NewReader(`{"content":"edited"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			AfterTestFunc: quoteField(hookstest.LegacyAliceAppr, "content", "Alice's approved quote"),
		},
		{
			Name: "edit another user's approved quote", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyBobApproved, Headers: alice,
			Body:           strings.NewReader(`{"content":"edited"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			AfterTestFunc: quoteField(hookstest.LegacyBobApproved, "content", "Bob's approved quote"),
		},
		{
			Name: "edit another user's pending quote", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyBobPending, Headers: alice,
			Body:           strings.NewReader(`{"content":"edited"}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
			AfterTestFunc: quoteField(hookstest.LegacyBobPending, "content", "Bob's pending quote"),
		},
		{
			Name: "approve one's own quote", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"is_apply":true}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc: quoteField(hookstest.LegacyAlicePend, "is_apply", "false"),
		},
		{
			Name: "the quote sent back as shown, with its content edited", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"id":"` + hookstest.LegacyAlicePend + `","user":"alice@example.com","nickname":"alice","content":"edited","is_apply":false,"applied_at":null}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"content":"edited"`, `"is_apply":false`},
			AfterTestFunc: quoteField(hookstest.LegacyAlicePend, "content", "edited"),
		},
		{
			Name: "a form sent back as shown", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend,
			Headers:        map[string]string{"Authorization": alice["Authorization"], "Content-Type": "application/x-www-form-urlencoded"},
			Body:           strings.NewReader(`content=edited&is_apply=false&applied_at=&user=alice%40example.com`),
			ExpectedStatus: 200, ExpectedContent: []string{`"content":"edited"`},
			AfterTestFunc: quoteField(hookstest.LegacyAlicePend, "content", "edited"),
		},
		{
			Name: "is_apply as the text \"false\" is not the false shown", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"content":"edited","is_apply":"false"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc: unchanged,
		},
		{
			Name: "a form approving the quote", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend,
			Headers:        map[string]string{"Authorization": alice["Authorization"], "Content-Type": "application/x-www-form-urlencoded"},
			Body:           strings.NewReader(`content=edited&is_apply=true`),
			ExpectedStatus: 400, ExpectedContent: []string{`"is_apply":{"code":"validation_admin_only"`},
			AfterTestFunc: quoteField(hookstest.LegacyAlicePend, "is_apply", "false"),
		},
		{
			Name: "another author sent back", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"content":"edited","user":"bob@example.com","is_apply":false}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"user":{"code":"validation_admin_only"`},
			NotExpectedContent: []string{`"is_apply"`},
			AfterTestFunc:      unchanged,
		},
		{
			Name: "edit to empty content", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"content":""}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"content":{"code":"validation_required"`},
			AfterTestFunc: unchanged,
		},
		{
			Name: "edit with invalid JSON", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			Body:           strings.NewReader(`{"content":"x"`),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
			AfterTestFunc: unchanged,
		},
		{
			Name: "edit without a token", Method: http.MethodPut, URL: "/quote/" + hookstest.LegacyAlicePend,
			Body:           strings.NewReader(`{"content":"edited"}`),
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: unchanged,
		},
		{
			Name: "delete one's own pending quote", Method: http.MethodDelete, URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice,
			ExpectedStatus: 204, AfterTestFunc: hookstest.LegacyRecordGone(migrations.QuotesCollection, hookstest.LegacyAlicePend),
		},
		{
			Name: "delete one's own approved quote", Method: http.MethodDelete, URL: "/quote/" + hookstest.LegacyAliceAppr, Headers: alice,
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.QuotesCollection, hookstest.LegacyAliceAppr),
		},
		{
			Name: "delete another user's approved quote", Method: http.MethodDelete, URL: "/quote/" + hookstest.LegacyBobApproved, Headers: alice,
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.QuotesCollection, hookstest.LegacyBobApproved),
		},
		{
			Name: "delete another user's pending quote", Method: http.MethodDelete, URL: "/quote/" + hookstest.LegacyBobPending, Headers: alice,
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.QuotesCollection, hookstest.LegacyBobPending),
		},
		{
			Name: "delete without a token", Method: http.MethodDelete, URL: "/quote/" + hookstest.LegacyAlicePend,
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
			AfterTestFunc: hookstest.LegacyRecordKept(migrations.QuotesCollection, hookstest.LegacyAlicePend),
		},
		{
			Name: "the rules are the collection's: a stricter update rule applies here too", Method: http.MethodPut,
			URL: "/quote/" + hookstest.LegacyAlicePend, Headers: alice, Body: strings.NewReader(`{"content":"edited"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
				if err != nil {
					t.Fatal(err)
				}
				c.UpdateRule = nil // superusers only
				if err := app.Save(c); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			AfterTestFunc: unchanged,
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp { return hookstest.LegacyApp(t) }
		s.Test(t)
	}
}
