package chat_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/config"
	"stovebot/hooks"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/store"
	"stovebot/hooks/upstream/upstreamtest"
)

// onlineConfig is the configuration of hookstest.OnlineApp(t, f).
func onlineConfig(f *upstreamtest.Server) config.Config {
	cfg := hookstest.Config()
	cfg.OpenAIBaseURL = f.URL
	cfg.OpenAIKey = hookstest.APIKey
	cfg.Model = "gpt-test"
	cfg.UpstreamTimeout = 2 * time.Second
	return cfg
}

// startTwin serves a second app on dataDir with stovebot's hooks and cfg,
// as a second process on the same data would: its own connections to the
// databases, its own chat service. It stops before the test's earlier
// cleanups run, so register the first app's cleanup with t.Cleanup before
// calling it.
func startTwin(t testing.TB, dataDir string, cfg config.Config) *httptest.Server {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir, EncryptionEnv: "pb_test_env", DBConnect: store.DBConnect})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := hooks.Register(app, cfg); err != nil {
		t.Fatal(err)
	}
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	var srv *httptest.Server
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		srv = httptest.NewServer(mux)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error {
			return app.ClearBootstrap()
		})
	})
	return srv
}
