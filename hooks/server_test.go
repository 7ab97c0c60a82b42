package hooks

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// startServer serves app's routes (with every OnServe hook bound) on a real
// HTTP server, for tests that need real concurrency or a real connection.
func startServer(t testing.TB, app *tests.TestApp) *httptest.Server {
	t.Helper()
	return startServerWithTimeout(t, app, 0)
}

// startServerWithTimeout is startServer with the server's WriteTimeout set,
// as PocketBase sets it (5 minutes) in production.
func startServerWithTimeout(t testing.TB, app *tests.TestApp, writeTimeout time.Duration) *httptest.Server {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := new(core.ServeEvent)
	se.App = app
	se.Router = r
	se.Server = &http.Server{}
	var mux http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.WriteTimeout = writeTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
