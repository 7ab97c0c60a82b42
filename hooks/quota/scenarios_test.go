package quota_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/migrations"
)

// GET /api/chat/quota (SPEC 4) reads the caller's count of the day: the
// body and the headers say the same, and reading writes nothing and fires
// no event.
func TestQuotaScenarios(t *testing.T) {
	t.Parallel()
	cfg := hookstest.Config()
	reset := quota.NextMidnight(cfg.Now(), cfg.Location()).Format("2006-01-02T15:04:05-07:00")
	const url = "/api/chat/quota"
	scenarios := []tests.ApiScenario{
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "a fresh day", Method: http.MethodGet, URL: url,
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"limit":5,"used":0,"remaining":5,"reset":"` + reset + `","timezone":"` + cfg.Timezone + `","max_chars":2000}`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc: hookstest.Headers(map[string]string{
				"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "5", "X-RateLimit-Used": "0",
				"RateLimit-Policy": `"daily";q=5;w=86400`,
			}),
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "two requests made, none of another user's counted", Method: http.MethodGet, URL: url,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				hookstest.UsedToday(hookstest.OwnerID, 2)(t, app, e)
				hookstest.UsedToday(hookstest.OtherID, 4)(t, app, e)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"limit":5,"used":2,"remaining":3,`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   hookstest.Headers(map[string]string{"X-RateLimit-Remaining": "3", "X-RateLimit-Used": "2"}),
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "at the limit: still 200, none remaining", Method: http.MethodGet, URL: url,
			BeforeTestFunc:  hookstest.UsedToday(hookstest.OwnerID, 5),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"limit":5,"used":5,"remaining":0,`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   hookstest.Headers(map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5"}),
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "a user's own daily limit", Method: http.MethodGet, URL: url,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				u, err := app.FindRecordById(migrations.UsersCollection, hookstest.OwnerID)
				if err != nil {
					t.Fatal(err)
				}
				u.Set("daily_limit", 10)
				if err := app.Save(u); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"limit":10,"used":0,"remaining":10,`},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   hookstest.Headers(map[string]string{"X-RateLimit-Limit": "10", "RateLimit-Policy": `"daily";q=10;w=86400`}),
		}),
		hookstest.SignedInOn(hookstest.AsOwner, hookstest.NewAppFactory(func(c *config.Config) { c.Timezone = "UTC" }), tests.ApiScenario{
			Name: "the reset in the configured zone", Method: http.MethodGet, URL: url,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"reset":"` + quota.NextMidnight(cfg.Now(), time.UTC).Format("2006-01-02") + `T00:00:00Z"`, `"timezone":"UTC"`},
			ExpectedEvents:  map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsGuest, tests.ApiScenario{
			Name: "guest", Method: http.MethodGet, URL: url,
			ExpectedStatus:     401,
			ExpectedContent:    []string{`"status":401`},
			NotExpectedContent: []string{`"limit"`},
			ExpectedEvents:     map[string]int{"*": 0},
			AfterTestFunc:      hookstest.Headers(map[string]string{"X-RateLimit-Limit": ""}),
		}),
		hookstest.SignedInAs(hookstest.AsSuperuser, tests.ApiScenario{
			Name: "superuser", Method: http.MethodGet, URL: url,
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"status":403`},
			NotExpectedContent: []string{`"limit"`},
			ExpectedEvents:     map[string]int{"*": 0},
		}),
		hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "another method", Method: http.MethodPost, URL: url,
			ExpectedStatus:  405,
			ExpectedContent: []string{"this path takes GET, HEAD"},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   hookstest.Headers(map[string]string{"Allow": "GET, HEAD"}),
		}),
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
