package quota_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/hookstest"
)

// The 429 of a used-up day names the limit in a sentence that reads well
// for any limit, 1 included (SPEC 4).
func TestLimitMessageScenarios(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		limit   int
		message string
	}{
		{1, "You have used your one chat request for today. The limit resets at 00:00 (Asia/Seoul)."},
		{2, "You have used all 2 chat requests for today. The limit resets at 00:00 (Asia/Seoul)."},
		{5, "You have used all 5 chat requests for today. The limit resets at 00:00 (Asia/Seoul)."},
	}
	for _, sc := range scenarios {
		s := hookstest.SignedInOn(hookstest.AsOwner, hookstest.NewAppFactory(func(c *config.Config) { c.DailyLimit = sc.limit }), tests.ApiScenario{
			Name: fmt.Sprintf("a limit of %d", sc.limit), Method: http.MethodPost, URL: "/api/chat",
			Body:               strings.NewReader(`{"content":"hi"}`),
			BeforeTestFunc:     hookstest.UsedToday(hookstest.OwnerID, sc.limit),
			ExpectedStatus:     429,
			ExpectedContent:    []string{`"message":"` + sc.message + `"`},
			NotExpectedContent: []string{"all 1 chat"},
			ExpectedEvents:     map[string]int{"*": 0},
		})
		s.Test(t)
	}
}
