package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// QuoteSearchRateLimit per QuoteSearchRateWindow seconds is what one IP may
// ask of the public quote paths (/api/quotes/…: the search, the line of the
// day): a search box on a carrier address that many people share must not
// starve, and one search costs well under a millisecond.
const (
	QuoteSearchRateLimit  = 600
	QuoteSearchRateWindow = 60
)

// quoteSearchRateLimitLabel is the rule's label: PocketBase's path prefix form.
const quoteSearchRateLimitLabel = "/api/quotes/"

func init() {
	m.Register(func(app core.App) error {
		settings := app.Settings()
		rules := slices.DeleteFunc(slices.Clone(settings.RateLimits.Rules), func(r core.RateLimitRule) bool {
			return r.Label == quoteSearchRateLimitLabel
		})
		settings.RateLimits.Rules = append(rules, core.RateLimitRule{
			Label: quoteSearchRateLimitLabel, MaxRequests: QuoteSearchRateLimit, Duration: QuoteSearchRateWindow,
		})
		return app.Save(settings)
	}, func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Rules = slices.DeleteFunc(slices.Clone(settings.RateLimits.Rules), func(r core.RateLimitRule) bool {
			return r.Label == quoteSearchRateLimitLabel
		})
		return app.Save(settings)
	})
}
