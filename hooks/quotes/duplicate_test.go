package quotes_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/quotes"
	"stovebot/migrations"
)

// approvedLine is an approved quote that the scenarios below suggest again.
const (
	approvedLineID = "qapprovedline01"
	approvedLine   = "우리는 어차피 지는 팀이 아닙니다. Not a losing team!"
)

// withApprovedLine adds approvedLine to s's app.
func withApprovedLine(s tests.ApiScenario) tests.ApiScenario {
	newApp := s.TestAppFactory
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := newApp(t)
		c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
		if err != nil {
			t.Fatal(err)
		}
		q := core.NewRecord(c)
		q.Id = approvedLineID
		q.Load(map[string]any{"content": approvedLine, "speaker": "백승수", "is_apply": true})
		if err := app.Save(q); err != nil {
			t.Fatal(err)
		}
		return app
	}
	return s
}

func TestDuplicateSuggestionIsRefused(t *testing.T) {
	t.Parallel()
	const records = "/api/collections/quotes/records"
	conflict := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		hookstest.DBCount(migrations.QuotesCollection, 5)(t, app, res)
	}
	suggest := func(content string) *strings.Reader {
		return hookstest.JSONBody(`{"content":"` + content + `"}`)
	}
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "the same line",
			Body: suggest(approvedLine), ExpectedStatus: 409,
			ExpectedContent: []string{`"status":409`, `"data":{"quote":{"id":"` + approvedLineID + `"}}`}, AfterTestFunc: conflict}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "the same line with other spacing, punctuation and case",
			Body: suggest("  우리는어차피 지는팀이   아닙니다 ... not a LOSING team"), ExpectedStatus: 409,
			ExpectedContent: []string{`"status":409`, `"message":"This line is already on the board."`}, AfterTestFunc: conflict}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "another line",
			Body: suggest("우리는 어차피 지는 팀입니다"), ExpectedStatus: 200,
			ExpectedContent: []string{`"content":"우리는 어차피 지는 팀입니다"`},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 6)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a pending line suggested again",
			Body: suggest(hookstest.OtherPending), ExpectedStatus: 200,
			ExpectedContent: []string{hookstest.OtherPending},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 6)}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{Name: "a superuser adds the line again",
			Body: suggest(approvedLine), ExpectedStatus: 200,
			ExpectedContent: []string{`"content":"` + approvedLine + `"`},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 6)}),
	}
	for _, s := range scenarios {
		s.Method, s.URL = http.MethodPost, records
		s = withApprovedLine(s)
		s.Test(t)
	}

	// the batch API runs the same check
	batch := hookstest.WithBatch(withApprovedLine(hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "the same line in a batch",
		Method: http.MethodPost, URL: "/api/batch",
		Body:            hookstest.JSONBody(`{"requests":[{"method":"POST","url":"` + records + `","body":{"user":"` + hookstest.OwnerID + `","content":"` + approvedLine + `"}}]}`),
		ExpectedStatus:  400,
		ExpectedContent: []string{`"code":"batch_request_failed"`, `"status":409`},
		AfterTestFunc:   conflict})))
	batch.Test(t)
}

func TestDuplicateOfNamesTheApprovedQuote(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	approved := hookstest.AddQuote(t, app, "핑계 대지 마세요. 결과로 말하세요.", "백승수", 1, true, "")
	hookstest.AddQuote(t, app, "야구는 선수가 하는 겁니다.", "이세영", 5, false, "")
	english := hookstest.AddQuote(t, app, "We are NOT a losing team.", "", 0, true, "")
	cyrillic := hookstest.AddQuote(t, app, "Привет, Мир 2019!", "", 0, true, "")
	scenarios := []struct {
		content string
		want    string
	}{
		{"핑계 대지 마세요. 결과로 말하세요.", approved.Id},
		{"핑계대지마세요결과로말하세요", approved.Id},
		{"“핑계 대지 마세요!” — 결과로, 말하세요?", approved.Id},
		{"핑계 대지 마세요", ""},
		{"야구는 선수가 하는 겁니다.", ""}, // pending: not on the board
		{"...", ""},
		{"we are not a LOSING team", english.Id},
		{"we are not a winning team", ""},
		{"ПРИВЕТ мир 2019", cyrillic.Id},
		{"привет мир 2020", ""},
	}
	for _, s := range scenarios {
		got, err := quotes.DuplicateOf(app, s.content)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.want {
			t.Fatalf("%q: expected %q, got %q", s.content, s.want, got)
		}
	}
}
