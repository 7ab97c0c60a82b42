package legacy_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The seed API refuses a suggestion of an approved line as the records API
// does: 409 naming the approved quote.
func TestLegacyDuplicateSuggestionIsRefused(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "an approved line with other spacing and punctuation",
			Body:           hookstest.JSONBody(`{"content":"Other approved  quote!"}`),
			ExpectedStatus: 409,
			ExpectedContent: []string{`"status":409`, `"message":"This line is already on the board."`,
				`"data":{"quote":{"id":"` + hookstest.OtherApprovedID + `"}}`},
			AfterTestFunc: hookstest.DBCount(migrations.QuotesCollection, 4)}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{Name: "a pending line",
			Body:            hookstest.JSONBody(`{"content":"` + hookstest.OtherPending + `"}`),
			ExpectedStatus:  201,
			ExpectedContent: []string{`"content":"` + hookstest.OtherPending + `"`, `"is_apply":false`},
			AfterTestFunc:   hookstest.DBCount(migrations.QuotesCollection, 5)}),
	}
	for _, s := range scenarios {
		s.Method, s.URL = http.MethodPost, "/quote"
		s.Test(t)
	}
}
