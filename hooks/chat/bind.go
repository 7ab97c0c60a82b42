// Package chat is the chat proxy (SPEC section 5): POST /api/chat as JSON
// or Server-Sent Events, through the daily limit, to an OpenAI-compatible
// upstream or, offline, to the quote index. An answer outlives the HTTP
// request that asked for it; failures are saved and refunded.
package chat

import (
	"fmt"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/hooks/quota"
	"stovebot/hooks/search"
	"stovebot/migrations"
)

// Bind serves POST /api/chat, binds the chats records' hooks, and returns
// the service that runs chat requests, which the legacy POST /chat shares.
// At start-up it repairs requests left pending by a crash; when the server
// stops, running answers finish first.
func Bind(app core.App, cfg *config.Config, quotes *search.Index) *Service {
	s := newService(app, cfg, quotes)
	app.OnRecordDelete(migrations.ChatsCollection).BindFunc(deleteAnswerWithQuestion)
	app.OnRecordCreate(migrations.ChatsCollection).BindFunc(placeInConversation)
	app.OnRecordsListRequest(migrations.ChatsCollection).BindFunc(fillChatsTotal)
	app.OnRecordsListRequest(migrations.ChatsCollection).BindFunc(func(e *core.RecordsListRequestEvent) error {
		expandOwnAnswers(e.RequestEvent, e.Records)
		return e.Next()
	})
	app.OnRecordViewRequest(migrations.ChatsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		expandOwnAnswers(e.RequestEvent, []*core.Record{e.Record})
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := s.repairPending(); err != nil {
			return fmt.Errorf("repairing pending chats: %w", err)
		}
		if err := repairCounts(se.App); err != nil {
			return err
		}
		// the default priority runs after PocketBase has loaded e.Auth
		se.Router.BindFunc(skipChatsCount)

		// A successful chat is already on record (its chats rows and the usage
		// counter); a request-log write per chat would cost more CPU than the
		// rest of the proxy. Failures are still logged.
		se.Router.POST("/api/chat", s.handlePost).
			Bind(apis.RequireAuth(migrations.UsersCollection), apis.SkipSuccessActivityLog(), quota.Headers(cfg), guard.LimitBody())
		guard.RefuseOtherMethods(se.Router, "/api/chat", "POST")

		// the answers of one question (answers.go)
		users := apis.RequireAuth(migrations.UsersCollection)
		se.Router.POST("/api/chat/{id}/stop", s.handleStop).Bind(users, guard.LimitBody())
		se.Router.POST("/api/chat/{id}/regenerate", s.handleRegenerate).
			Bind(users, apis.SkipSuccessActivityLog(), quota.Headers(cfg), guard.LimitBody())
		se.Router.GET("/api/chat/{id}/stream", s.handleFollow).Bind(users)
		guard.RefuseOtherMethods(se.Router, "/api/chat/{id}/stop", "POST")
		guard.RefuseOtherMethods(se.Router, "/api/chat/{id}/regenerate", "POST")
		guard.RefuseOtherMethods(se.Router, "/api/chat/{id}/stream", "GET")

		// the OpenAI-compatible API (v1.go), which authenticates its own
		// callers (an API key, or a user token)
		se.Router.GET("/v1/models", v1Route(s.handleModels))
		se.Router.POST("/v1/chat/completions", v1Route(s.handleCompletions)).
			Bind(apis.SkipSuccessActivityLog(), quota.Headers(cfg), guard.LimitBody())
		guard.RefuseOtherMethods(se.Router, "/v1/models", "GET")
		guard.RefuseOtherMethods(se.Router, "/v1/chat/completions", "POST")
		se.Router.POST("/chat/completions", v1Route(handleRootPaths))
		se.Router.GET("/models", v1Route(handleRootPaths))

		app.Cron().MustAdd("stovebotIdempotencyExpiry", "17 * * * *", func() {
			if err := idemExpire(app.DB(), cfg.Now()); err != nil {
				app.Logger().Warn("chat: expiring idempotency keys", "error", err)
			}
		})
		return se.Next()
	})
	// Before PocketBase's own graceful shutdown (priority -9999) closes the
	// server and cancels every request: running streams finish first.
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "stovebotChatShutdown",
		Priority: -10000,
		Func: func(e *core.TerminateEvent) error {
			s.shutdown()
			return e.Next()
		},
	})
	return s
}
