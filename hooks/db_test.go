package hooks

import (
	"path/filepath"
	"testing"

	"stovebot/hooks/stmtcache"
)

// data.db is opened with the statement cache, its page cache and its
// checkpoint setting; auxiliary.db as PocketBase opens it. Both in WAL mode.
func TestDBConnectSetsUpDataDBOnly(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string][2]int{"data.db": {autoCheckpointPages, -dataCacheKiB}, "auxiliary.db": {1000, -32000}} {
		db, err := DBConnect(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		_, cached := db.DB().Driver().(*stmtcache.Driver)
		if cached != (name == "data.db") {
			t.Errorf("%s: driver %T", name, db.DB().Driver())
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
