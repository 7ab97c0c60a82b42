// Package legacy serves the REST API of the Django app that stovebot
// replaces (SPEC section 6), at its old paths, so old clients keep
// working. It has no logic of its own: chat requests go through the chat
// service, accounts and quotes through PocketBase's records and their
// collections' rules.
package legacy

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/guard"
	"stovebot/hooks/quota"
	"stovebot/migrations"
)

// Bind serves the seed project's REST API (SPEC section 6) at its old
// paths, outside /api. Its POST /chat asks through chats, the service
// behind POST /api/chat.
func Bind(app core.App, cfg *config.Config, chats *chat.Service) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("")
		g.Bind(authHeader(), guard.LimitBody())

		g.GET("/accounts/join", redirect("/#/signup"))
		g.POST("/accounts/join", join)
		g.GET("/accounts/login", redirect("/#/signin"))
		g.POST("/accounts/login", login)

		signedIn := apis.RequireAuth(migrations.UsersCollection)
		g.GET("/accounts/logout", logout).Bind(signedIn)
		g.POST("/accounts/logout", logout).Bind(signedIn)
		g.GET("/accounts/profile", viewProfile).Bind(signedIn)
		g.PUT("/accounts/profile", updateProfile).Bind(signedIn)
		g.DELETE("/accounts/profile", deleteProfile).Bind(signedIn)

		lc := &chatAPI{svc: chats}
		g.GET("/chat", lc.list).Bind(signedIn)
		g.POST("/chat", lc.create).Bind(signedIn, quota.Headers(cfg))
		g.GET("/chat/{id}", lc.view).Bind(signedIn)
		g.DELETE("/chat/{id}", lc.delete).Bind(signedIn)

		g.GET("/quote", listQuotes).Bind(signedIn)
		g.POST("/quote", createQuote).Bind(signedIn)
		g.GET("/quote/{id}", viewQuote).Bind(signedIn)
		g.PUT("/quote/{id}", updateQuote).Bind(signedIn)
		g.DELETE("/quote/{id}", deleteQuote).Bind(signedIn)

		for path, allowed := range map[string][]string{
			"/accounts/join":    {"GET", "POST"},
			"/accounts/login":   {"GET", "POST"},
			"/accounts/logout":  {"GET", "POST"},
			"/accounts/profile": {"GET", "PUT", "DELETE"},
			"/chat":             {"GET", "POST"},
			"/chat/{id}":        {"GET", "DELETE"},
			"/quote":            {"GET", "POST"},
			"/quote/{id}":       {"GET", "PUT", "DELETE"},
		} {
			guard.RefuseOtherMethods(g, path, allowed...)
		}
		return se.Next()
	})
}
