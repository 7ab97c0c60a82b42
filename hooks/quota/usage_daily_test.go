package quota_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// The usage_daily view (SPEC 13.3) shows superusers every user's count per
// day through the records API and the dashboard, and nobody else anything.
func TestUsageDailyViewScenarios(t *testing.T) {
	t.Parallel()
	const url = "/api/collections/" + migrations.UsageDailyCollection + "/records"
	ownerRow := hookstest.OwnerID + "20261207"
	seeded := seedCounts(hookstest.OwnerID+" 2026-12-07 2", hookstest.OwnerID+" 2026-12-05 3",
		hookstest.OtherID+" 2026-12-07 5", "site 2026-12-07 11")
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{
			Name: "a superuser lists every user's days", Method: http.MethodGet,
			URL:            url + "?sort=-day,-requests&expand=user",
			BeforeTestFunc: seeded,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"totalItems":3`,
				`"id":"` + hookstest.OtherID + `20261207"`,
				`"day":"2026-12-07","email":"other@example.com"`,
				`"id":"` + ownerRow + `"`,
				`"email":"owner@example.com"`, `"requests":2`, `"requests":3`, `"requests":5`,
				`"user":"` + hookstest.OwnerID + `"`, `"nickname":"` + hookstest.OwnerNick + `"`,
			},
			NotExpectedContent: []string{`"requests":11`, `"user":""`},
			ExpectedEvents:     map[string]int{"OnRecordsListRequest": 1, "OnRecordEnrich": 5},
		}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{
			Name: "a superuser views one day", Method: http.MethodGet, URL: url + "/" + ownerRow,
			BeforeTestFunc:  seeded,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + ownerRow + `"`, `"day":"2026-12-07"`, `"email":"owner@example.com"`, `"requests":2`, `"user":"` + hookstest.OwnerID + `"`},
			ExpectedEvents:  map[string]int{"OnRecordViewRequest": 1, "OnRecordEnrich": 1},
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "a user cannot list it", Method: http.MethodGet, URL: url,
			BeforeTestFunc:     seeded,
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"status":403`},
			NotExpectedContent: []string{`"requests"`, "example.com"},
			ExpectedEvents:     map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "a user cannot view their own day", Method: http.MethodGet, URL: url + "/" + ownerRow,
			BeforeTestFunc:     seeded,
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"status":403`},
			NotExpectedContent: []string{`"requests"`, "example.com"},
			ExpectedEvents:     map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{
			Name: "a guest cannot list it", Method: http.MethodGet, URL: url,
			BeforeTestFunc:     seeded,
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"status":403`},
			NotExpectedContent: []string{`"requests"`, "example.com"},
			ExpectedEvents:     map[string]int{"*": 0},
		}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
