package hookstest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// StartServeServer serves app on a real HTTP server made as apis.Serve
// makes it: PocketBase's timeouts (5 minutes to read and write a request,
// 1 minute for its headers) and its CORS middleware, and the serve
// event's Server handed to every OnServe hook, whose changes hold.
// StartServer, by contrast, serves with Go's defaults and ignores what
// the hooks set on the server. Each tweak changes the server after the
// hooks, as a test's way to shorten what production keeps long.
func StartServeServer(t testing.TB, app *tests.TestApp, tweaks ...func(*http.Server)) *httptest.Server {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	// as apis.Serve binds it, with its default --origins
	r.Bind(apis.CORS(apis.CORSConfig{
		AllowOrigins: []string{"*"},
		AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete},
	}))
	se := new(core.ServeEvent)
	se.App = app
	se.Router = r
	se.Server = &http.Server{
		WriteTimeout:      5 * time.Minute,
		ReadTimeout:       5 * time.Minute,
		ReadHeaderTimeout: 1 * time.Minute,
	}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		e.Server.Handler = mux
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tweak := range tweaks {
		tweak(se.Server)
	}
	srv := httptest.NewUnstartedServer(se.Server.Handler)
	srv.Config = se.Server
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
