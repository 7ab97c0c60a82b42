package hooks

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "stovebot/migrations"
)

// testConfig is the configuration the hook tests run with: offline (no
// upstream), the SPEC defaults otherwise.
func testConfig() Config {
	cfg := Config{ContextMessages: 6}
	cfg.fillDefaults()
	return cfg
}

// setupTestApp returns a fresh app with stovebot's migrations and hooks,
// its databases opened as the binary opens them (DBConnect). Each option
// may change the configuration first.
func setupTestApp(t testing.TB, opts ...func(*Config)) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir:       t.TempDir(),
		EncryptionEnv: "pb_test_env", // as tests.NewTestApp
		DBConnect:     DBConnect,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := Register(app, cfg); err != nil {
		t.Fatal(err)
	}
	return app
}

// newUser creates a user with password "password123".
func newUser(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(c)
	u.SetEmail(email)
	u.SetPassword("password123")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	return u
}

// authToken returns a fresh auth token of record.
func authToken(t testing.TB, record *core.Record) string {
	t.Helper()
	tok, err := record.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// newSuperuser creates a superuser and returns its token.
func newSuperuser(t testing.TB, app core.App) string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("admin@example.com")
	su.SetPassword("password123456")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	return authToken(t, su)
}
