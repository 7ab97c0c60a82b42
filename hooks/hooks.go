// Package hooks binds everything stovebot adds to a PocketBase app: record
// hooks, routes, the daily limit, the chat proxy and the admin commands.
//
// Usage:
//
//	app := pocketbase.New()
//	cfg, _ := hooks.ConfigFromEnv()
//	hooks.MustRegister(app, cfg)
//
// Hooks take [core.App], so a test binds the same hooks on a tests.TestApp.
package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/search"
)

// Register validates cfg, fills its defaults and binds stovebot's hooks and
// routes to app.
func Register(app core.App, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	bindUserHooks(app)
	bindQuoteHooks(app)
	bindControlCharChecks(app)
	bindChatHooks(app)
	bindChatCounts(app)
	bindProtectedFields(app)
	recheck := cfg.quoteIndexRecheck
	if recheck == 0 {
		recheck = quoteIndexRecheck
	}
	quotes := search.NewIndex(recheck)
	bindQuoteIndex(app, quotes)
	bindOAuth2(app, &cfg)
	chat := newChatService(app, &cfg, quotes) // shared by /api/chat and the legacy POST /chat
	bindChatRoutes(app, chat)
	bindLegacyAPI(app, chat)
	bindWebApp(app)
	bindCheckpointer(app, checkpointEvery)
	return nil
}

// MustRegister is [Register] that panics on an invalid configuration.
func MustRegister(app core.App, cfg Config) {
	if err := Register(app, cfg); err != nil {
		panic(err)
	}
}
