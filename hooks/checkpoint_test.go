package hooks

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func TestDBConnectSetsCheckpointsAndCacheOfDataDBOnly(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string][2]int{"data.db": {autoCheckpointPages, -dataCacheKiB}, "auxiliary.db": {1000, -32000}} {
		db, err := DBConnect(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Pages int `db:"wal_autocheckpoint"`
		}
		var mode struct {
			Mode string `db:"journal_mode"`
		}
		var cache struct {
			Size int `db:"cache_size"`
		}
		if err := db.NewQuery("PRAGMA wal_autocheckpoint").One(&got); err != nil {
			t.Fatal(err)
		}
		if err := db.NewQuery("PRAGMA journal_mode").One(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.NewQuery("PRAGMA cache_size").One(&cache); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got.Pages != want[0] || cache.Size != want[1] || mode.Mode != "wal" {
			t.Errorf("%s: wal_autocheckpoint %d, cache_size %d, journal_mode %q; want %d, %d, wal",
				name, got.Pages, cache.Size, mode.Mode, want[0], want[1])
		}
	}
}

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

	bindCheckpointer(app, 10*time.Millisecond)
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for size()-before < pages*4000 {
		if time.Now().After(deadline) {
			t.Fatalf("data.db grew by %d bytes in 10 s; want %d: no checkpoint", size()-before, pages*4000)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
