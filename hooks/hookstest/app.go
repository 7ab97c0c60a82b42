package hookstest

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"golang.org/x/crypto/bcrypt"

	"stovebot/config"
	"stovebot/hooks"
	"stovebot/hooks/store"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// Config is the configuration the hook tests run with: offline (no
// upstream), the SPEC defaults otherwise.
func Config() config.Config {
	cfg := config.Config{ContextMessages: 6}
	cfg.FillDefaults()
	return cfg
}

// NewApp returns a fresh app with stovebot's migrations and hooks,
// its databases opened as the binary opens them (store.DBConnect). Each option
// may change the configuration first.
func NewApp(t testing.TB, opts ...func(*config.Config)) *tests.TestApp {
	t.Helper()
	dir, err := template()
	if err != nil {
		t.Fatal(err)
	}
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir:       dir,           // cloned: each app has its own copy
		EncryptionEnv: "pb_test_env", // as tests.NewTestApp
		DBConnect:     store.DBConnect,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config()
	for _, o := range opts {
		o(&cfg)
	}
	if err := hooks.Register(app, cfg); err != nil {
		t.Fatal(err)
	}
	return app
}

// Main runs a package's tests (call it from TestMain) and removes the
// data directory that NewApp clones, which outlives the tests otherwise.
func Main(m *testing.M) int {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	return code
}

// templateDir is where template made its directory, once it has.
var templateDir string

// template is a data directory with every migration applied, made once
// per test binary and cloned by each NewApp: applying PocketBase's and
// stovebot's migrations to an empty directory took most of the time of a
// short test under the race detector.
var template = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "stovebot-test-data-")
	if err != nil {
		return "", err
	}
	templateDir = dir
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: store.DBConnect})
	if err := app.Bootstrap(); err != nil {
		return "", err
	}
	defer app.ClearBootstrap() // closes the databases, checkpointing their logs
	if err := app.RunAllMigrations(); err != nil {
		return "", err
	}
	if err := lowerPasswordCost(app); err != nil {
		return "", err
	}
	return dir, nil
})

// lowerPasswordCost hashes the passwords of users and superusers at
// bcrypt's lowest cost: a sign-up or password change under the race
// detector takes about a second at the default cost, and the tests make
// hundreds of them. Nothing in stovebot depends on the cost.
func lowerPasswordCost(app core.App) error {
	for _, name := range []string{migrations.UsersCollection, core.CollectionNameSuperusers} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		f, ok := c.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField)
		if !ok {
			return fmt.Errorf("%s has no password field", name)
		}
		f.Cost = bcrypt.MinCost
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

// NewUser creates a user with password "password123" (PasswordHash).
func NewUser(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(c)
	u.SetEmail(email)
	u.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: PasswordHash()})
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	return u
}

// Token returns a fresh auth token of record.
func Token(t testing.TB, record *core.Record) string {
	t.Helper()
	tok, err := record.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// NewSuperuser creates a superuser and returns its token.
func NewSuperuser(t testing.TB, app core.App) string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("admin@example.com")
	su.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: SuperuserPasswordHash()})
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	return Token(t, su)
}

// StartServer serves app's routes (with every OnServe hook bound) on a real
// HTTP server, for tests that need real concurrency or a real connection.
func StartServer(t testing.TB, app *tests.TestApp) *httptest.Server {
	t.Helper()
	return StartServerWithTimeout(t, app, 0)
}

// StartServerWithTimeout is StartServer with the server's WriteTimeout set,
// as PocketBase sets it (5 minutes) in production.
func StartServerWithTimeout(t testing.TB, app *tests.TestApp, writeTimeout time.Duration) *httptest.Server {
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

const APIKey = "sk-test-NEVER-SHOWN-1234"

// OnlineApp is a test app whose upstream is f.
func OnlineApp(t testing.TB, f *upstreamtest.Server, opts ...func(*config.Config)) *tests.TestApp {
	return NewApp(t, append([]func(*config.Config){func(c *config.Config) {
		c.OpenAIBaseURL = f.URL
		c.OpenAIKey = APIKey
		c.Model = "gpt-test"
		c.UpstreamTimeout = 2 * time.Second
	}}, opts...)...)
}

// Do sends one request and returns the response with its body read.
func Do(t testing.TB, method, url, token, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func AddQuote(t testing.TB, app core.App, content, speaker string, episode int, approved bool, user string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	q := core.NewRecord(c)
	q.Set("content", content)
	q.Set("speaker", speaker)
	q.Set("episode", episode)
	q.Set("is_apply", approved)
	q.Set("user", user)
	if err := app.Save(q); err != nil {
		t.Fatal(err)
	}
	return q
}

// AssertKeyNotStored fails when any file of the data directory (databases,
// logs) contains the API key.
func AssertKeyNotStored(t testing.TB, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(APIKey)) {
			t.Fatalf("the API key is stored in %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ChatRecords(t testing.TB, app core.App, user string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter(migrations.ChatsCollection, "user = {:u}", "created", 0, 0, map[string]any{"u": user})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// NewClock returns a Clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Clock is a clock a test moves by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// UserToken returns a fresh auth token of the user id of app.
func UserToken(t testing.TB, app core.App, id string) string {
	t.Helper()
	u, err := app.FindRecordById(migrations.UsersCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	return Token(t, u)
}
