package guard

import (
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
)

// Bind sets the server's connection limits and exposes stovebot's
// response headers to pages on the origins that --origins allows.
func Bind(app core.App, cfg *config.Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// PocketBase's server holds a connection 1 minute for its headers
		// and keeps an idle one as long as its ReadTimeout (5 minutes). The
		// server is the HTTPS one too when serve has domains. Neither limit
		// applies while a request runs, and a stream lifts its own read and
		// write deadlines. A test's serve event may have no server.
		if se.Server != nil {
			se.Server.ReadHeaderTimeout = cfg.ReadHeaderTimeout
			se.Server.IdleTimeout = cfg.IdleTimeout
		}
		// every route, so that the legacy lists' Link is exposed too
		se.Router.Bind(ExposeHeaders())
		return se.Next()
	})
}
