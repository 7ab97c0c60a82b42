package store

import (
	"path/filepath"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/stmtcache"
)

// pragmas reads the settings DBConnect and PocketBase choose.
func pragmas(t *testing.T, db *dbx.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{"busy_timeout", "journal_mode", "journal_size_limit", "synchronous",
		"foreign_keys", "temp_store", "cache_size", "wal_autocheckpoint"} {
		var v string
		if err := db.NewQuery("PRAGMA " + name).Row(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		out[name] = v
	}
	return out
}

// data.db differs from PocketBase's own settings only in its page cache
// and its checkpoints, and keeps its statements (stmtcache);
// auxiliary.db is PocketBase's.
func TestDBConnectKeepsPocketBaseSettings(t *testing.T) {
	for _, name := range []string{"data.db", "auxiliary.db"} {
		ours, err := DBConnect(filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		defer ours.Close()
		theirs, err := core.DefaultDBConnect(filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		defer theirs.Close()
		want := pragmas(t, theirs)
		if want["journal_mode"] != "wal" || want["foreign_keys"] != "1" || want["busy_timeout"] != "10000" {
			t.Fatalf("PocketBase's settings are not what this test expects: %v", want)
		}
		_, cached := ours.DB().Driver().(*stmtcache.Driver)
		if name == "data.db" {
			want["cache_size"] = "-4000"
			want["wal_autocheckpoint"] = "10000"
			if !cached {
				t.Errorf("data.db: driver %T, want the statement cache", ours.DB().Driver())
			}
		} else if cached {
			t.Errorf("%s: opened with the statement cache", name)
		}
		got := pragmas(t, ours)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: PRAGMA %s is %s, want %s", name, k, got[k], v)
			}
		}
	}
}
