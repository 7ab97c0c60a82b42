package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// A transaction of 2,000 pages is left in the log by its commit (SQLite's
// default would have checkpointed it at once), and the server's
// checkpointer copies it into data.db, which grows by as much.
func TestServerCheckpointsDataDBInTheBackground(t *testing.T) {
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), DBConnect: DBConnect})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	dbFile := filepath.Join(app.DataDir(), "data.db")
	size := func() int64 {
		fi, err := os.Stat(dbFile)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if _, err := app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		t.Fatal(err)
	}
	before := size()
	const pages = 2000
	err = app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("CREATE TABLE ballast (b BLOB)").Execute(); err != nil {
			return err
		}
		_, err := tx.DB().NewQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {:n}) INSERT INTO ballast SELECT randomblob(4000) FROM n").
			Bind(map[string]any{"n": pages}).Execute()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if grown := size() - before; grown > 1<<20 {
		t.Fatalf("data.db grew by %d bytes at commit: the commit checkpointed", grown)
	}

	BindCheckpointer(app, 10*time.Millisecond)
	serve(t, app)
	deadline := time.Now().Add(10 * time.Second)
	for size()-before < pages*4000 {
		if time.Now().After(deadline) {
			t.Fatalf("data.db grew by %d bytes in 10 s; want %d: no checkpoint", size()-before, pages*4000)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func serve(t *testing.T, app core.App) {
	t.Helper()
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// OnTerminate returns only once the checkpointer's goroutine has ended.
func TestCheckpointerStopsWithTheServer(t *testing.T) {
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), DBConnect: DBConnect})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	c := BindCheckpointer(app, time.Millisecond)
	serve(t, app)
	terminated := make(chan error, 1)
	go func() {
		terminated <- app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error { return nil })
	}()
	select {
	case err := <-terminated:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OnTerminate did not return in 10 s: the checkpointer did not stop")
	}
	select {
	case <-c.stop:
	default:
		t.Fatal("the checkpointer was not told to stop")
	}
}
