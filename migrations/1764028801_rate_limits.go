package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// SignInRateLimit is the number of sign-in attempts one IP may make per
// SignInRateWindow seconds, on PocketBase's auth endpoints and on the legacy
// /accounts/login and /accounts/join.
const (
	SignInRateLimit  = 10
	SignInRateWindow = 60
)

// CreateRateLimit per CreateRateWindow seconds is PocketBase's default
// for record creation (*:create), applied to the legacy POST /quote too:
// PocketBase's rule covers only its own collection routes.
const (
	CreateRateLimit  = 20
	CreateRateWindow = 5
)

// rateLimitRules are the rules this migration owns. PocketBase's blanket
// "/api/" rule is dropped: many users share one address behind a carrier NAT,
// and the daily limit already bounds chat.
var rateLimitRules = []core.RateLimitRule{
	{Label: "*:auth", MaxRequests: SignInRateLimit, Duration: SignInRateWindow},
	{Label: "POST /accounts/login", MaxRequests: SignInRateLimit, Duration: SignInRateWindow},
	{Label: "POST /accounts/join", MaxRequests: SignInRateLimit, Duration: SignInRateWindow},
	{Label: "POST /quote", MaxRequests: CreateRateLimit, Duration: CreateRateWindow},
}

func init() {
	m.Register(func(app core.App) error {
		settings := app.Settings()
		rules := slices.DeleteFunc(slices.Clone(settings.RateLimits.Rules), func(r core.RateLimitRule) bool {
			return r.Label == "/api/" || ownRateLimitLabel(r.Label)
		})
		settings.RateLimits.Rules = append(rules, rateLimitRules...)
		settings.RateLimits.Enabled = true
		return app.Save(settings)
	}, func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Rules = slices.DeleteFunc(slices.Clone(settings.RateLimits.Rules), func(r core.RateLimitRule) bool {
			return ownRateLimitLabel(r.Label)
		})
		settings.RateLimits.Enabled = false
		return app.Save(settings)
	})
}

func ownRateLimitLabel(label string) bool {
	return slices.ContainsFunc(rateLimitRules, func(r core.RateLimitRule) bool { return r.Label == label })
}
