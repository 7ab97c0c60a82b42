package hookstest

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/quota"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// Check is a scenario's AfterTestFunc.
type Check = func(testing.TB, *tests.TestApp, *http.Response)

// NewAppFactory returns a TestAppFactory of NewApp with opts.
func NewAppFactory(opts ...func(*config.Config)) func(testing.TB) *tests.TestApp {
	return func(t testing.TB) *tests.TestApp { return NewApp(t, opts...) }
}

// OnlineAppFactory returns a TestAppFactory of OnlineApps, each with an
// upstreamtest server of its own that answers in its default mode; a
// question ending in "[mode:MODE]" picks another (see upstreamtest).
func OnlineAppFactory(opts ...func(*config.Config)) func(testing.TB) *tests.TestApp {
	return func(t testing.TB) *tests.TestApp { return OnlineApp(t, upstreamtest.NewServer(t), opts...) }
}

// Checks runs every check in order.
func Checks(checks ...Check) Check {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		for _, c := range checks {
			c(t, app, res)
		}
	}
}

// Headers fails unless the response carries every header of want; an
// empty value wants the header absent.
func Headers(want map[string]string) Check {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Fatalf("expected %s: %q, got %q", k, v, got)
			}
		}
	}
}

// DBUsed fails unless the user's count of today (in the default time
// zone) is n.
func DBUsed(user string, n int) Check {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		cfg := Config()
		got, err := quota.Used(app.DB(), user, quota.Day(cfg.Now(), cfg.Location()))
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("expected %d requests counted today for %s, got %d", n, user, got)
		}
	}
}

// DBQuestion fails unless the user asked content once, with that question
// of status and linked to an answer when answered is true (to none when it
// is false); check, when not nil, checks both records further (answer is
// nil when there is none).
func DBQuestion(user, content, status string, answered bool, check func(t testing.TB, question, answer *core.Record)) Check {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		recs, err := app.FindRecordsByFilter(migrations.ChatsCollection, "user = {:u} && role = 'user' && content = {:c}", "", 0, 0,
			map[string]any{"u": user, "c": content})
		if err != nil || len(recs) != 1 {
			t.Fatalf("expected one question %q of %s, got %d: %v", content, user, len(recs), err)
		}
		q := recs[0]
		if got := q.GetString("status"); got != status {
			t.Fatalf("expected the question %q %s, got %s", content, status, got)
		}
		var answer *core.Record
		switch replyID := q.GetString("reply"); {
		case !answered && replyID != "":
			t.Fatalf("expected the question %q without an answer, got %s", content, replyID)
		case answered:
			if answer, err = app.FindRecordById(migrations.ChatsCollection, replyID); err != nil {
				t.Fatalf("expected the question %q linked to its answer, got %q: %v", content, replyID, err)
			}
		}
		if check != nil {
			check(t, q, answer)
		}
	}
}

// BlockUser is a BeforeTestFunc that blocks the user id.
func BlockUser(id string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		t.Helper()
		u, err := app.FindRecordById(migrations.UsersCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		u.Set("blocked", true)
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
	}
}

// UsedToday is a BeforeTestFunc that sets the user's count of today (in
// the default time zone) to n, as n earlier requests would have.
func UsedToday(user string, n int) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		t.Helper()
		cfg := Config()
		_, err := app.DB().Insert(migrations.UsageTable, dbx.Params{"user": user, "day": quota.Day(cfg.Now(), cfg.Location()), "count": n}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ExpectChatEvents completes s (whose TestAppFactory is set) to check that
// its request fires the after-save events of chats records in the order
// of want, each written as "create user pending": the event (create or
// update), then the record's role and status as the hooks see them. Events
// of the fixture and of s's BeforeTestFunc are not counted.
func ExpectChatEvents(s tests.ApiScenario, want ...string) tests.ApiScenario {
	var (
		mu     sync.Mutex
		on     bool
		events []string
	)
	logged := func(kind string) func(*core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			mu.Lock()
			if on {
				events = append(events, kind+" "+e.Record.GetString("role")+" "+e.Record.GetString("status"))
			}
			mu.Unlock()
			return e.Next()
		}
	}
	factory, before, after := s.TestAppFactory, s.BeforeTestFunc, s.AfterTestFunc
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := factory(t)
		app.OnRecordAfterCreateSuccess(migrations.ChatsCollection).BindFunc(logged("create"))
		app.OnRecordAfterUpdateSuccess(migrations.ChatsCollection).BindFunc(logged("update"))
		return app
	}
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		if before != nil {
			before(t, app, e)
		}
		mu.Lock()
		on = true
		mu.Unlock()
	}
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		mu.Lock()
		got := strings.Join(events, ", ")
		mu.Unlock()
		if w := strings.Join(want, ", "); got != w {
			t.Fatalf("expected the chats events %q, got %q", w, got)
		}
		if after != nil {
			after(t, app, res)
		}
	}
	return s
}
