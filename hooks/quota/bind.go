package quota

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/migrations"
)

// Bind serves GET /api/chat/quota and GET /api/usage and, at start-up,
// raises the site's count of the day to the users' (SyncSiteCount). The
// chat service reserves and refunds through Reserve and Refund.
func Bind(app core.App, cfg *config.Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := SyncSiteCount(se.App.DB(), cfg, cfg.Now()); err != nil {
			return err
		}
		se.Router.GET("/api/chat/quota", func(e *core.RequestEvent) error {
			q, err := Status(e.App.DB(), cfg, e.Auth, cfg.Now())
			if err != nil {
				return e.InternalServerError("", err)
			}
			Use(e, q)
			return e.JSON(http.StatusOK, q)
		}).Bind(apis.RequireAuth(migrations.UsersCollection), apis.SkipSuccessActivityLog(), Headers(cfg))
		guard.RefuseOtherMethods(se.Router, "/api/chat/quota", "GET")
		se.Router.GET("/api/usage", usageHandler(cfg)).Bind(apis.RequireAuth(migrations.UsersCollection))
		guard.RefuseOtherMethods(se.Router, "/api/usage", "GET")
		return se.Next()
	})
}
