// Package hooks binds everything stovebot adds to a PocketBase app. It
// only wires the feature packages below it; each of them has one bind.go
// that lists what it serves:
//
//   - guard: connection limits and the headers other origins may read
//   - accounts: users, OAuth2, tokens, logout-all, admin-only fields
//   - quotes: quote record hooks and the search index
//   - chat: POST /api/chat, streaming, answers, idempotency, /v1/*
//   - keys: personal API keys for /v1/*
//   - quota: the daily limit and GET /api/chat/quota
//   - legacy: the Django-compatible REST API
//   - webapp: the web app
//
// Usage:
//
//	app := pocketbase.New()
//	cfg, _ := config.FromEnv()
//	hooks.MustRegister(app, cfg)
//
// Hooks take [core.App], so a test binds the same hooks on a tests.TestApp.
package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/accounts"
	"stovebot/hooks/chat"
	"stovebot/hooks/guard"
	"stovebot/hooks/keys"
	"stovebot/hooks/legacy"
	"stovebot/hooks/quota"
	"stovebot/hooks/quotes"
	"stovebot/hooks/store"
	"stovebot/hooks/webapp"
)

// Register validates cfg, fills its defaults and binds stovebot's hooks and
// routes to app.
func Register(app core.App, cfg config.Config) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	c := &cfg
	guard.Bind(app, c)
	accounts.Bind(app, c)
	index := quotes.Bind(app, c)
	chats := chat.Bind(app, c, index)
	quota.Bind(app, c)
	keys.Bind(app, c)
	legacy.Bind(app, c, chats)
	webapp.Bind(app)
	store.BindCheckpointer(app, store.CheckpointEvery)
	return nil
}

// MustRegister is [Register] that panics on an invalid configuration.
func MustRegister(app core.App, cfg config.Config) {
	if err := Register(app, cfg); err != nil {
		panic(err)
	}
}
