package hooks

import (
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SQLite copies the write-ahead log back into the database file in a
// "checkpoint". By default the connection that commits the transaction
// which grows the log past 1,000 pages runs it, inside that commit: one
// chat request in a few hundred waited several milliseconds for it. The
// server instead checkpoints data.db from a background goroutine, and
// commits checkpoint only as a safety net, when the log is far longer.
const (
	// checkpointEvery is how often the server checkpoints data.db.
	checkpointEvery = 100 * time.Millisecond
	// autoCheckpointPages is data.db's wal_autocheckpoint: a commit that
	// grows the log past it still checkpoints, so the log stays bounded
	// when no server runs (the CLI alone) or the background cannot keep up.
	autoCheckpointPages = 10000
)

// sqlitePragmas are PocketBase's own (core.DefaultDBConnect in v0.40.4)
// but for cache_size, set per file by DBConnect. The busy_timeout pragma
// must be first, so that a new connection waits for another one that is
// switching the file to WAL.
const sqlitePragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_defensive=1"

// dataCacheKiB is the page cache of each connection to data.db. Each
// connection keeps its own, and fills it as the database grows: with
// PocketBase's 32 MB each, the server's nine connections had grown to
// 172 MB of RSS (1,000 open streams) after 50,000 chat requests, against
// 127 MB with 4 MB each, at the same latencies. The kernel's page cache
// still holds the file.
const dataCacheKiB = 4000

// DBConnect opens a database as PocketBase does, with two changes for
// data.db: a page cache of dataCacheKiB per connection, and
// wal_autocheckpoint raised to autoCheckpointPages, since the server
// checkpoints it in the background. auxiliary.db (logs, written off the
// request path) keeps PocketBase's settings. Set it as
// pocketbase.Config.DBConnect.
func DBConnect(dbPath string) (*dbx.DB, error) {
	pragmas := sqlitePragmas + "&_pragma=cache_size(-32000)"
	if filepath.Base(dbPath) == "data.db" {
		pragmas = fmt.Sprintf("%s&_pragma=cache_size(-%d)&_pragma=wal_autocheckpoint(%d)", sqlitePragmas, dataCacheKiB, autoCheckpointPages)
	}
	return dbx.Open("sqlite", dbPath+pragmas)
}

// checkpointer runs a PASSIVE checkpoint of data.db every interval while
// the server runs. PASSIVE waits for no reader and no writer: it copies
// what it can, and a request never waits for it.
type checkpointer struct {
	app      core.App
	interval time.Duration
	stop     chan struct{}
	done     sync.WaitGroup
}

// bindCheckpointer starts the checkpointer with the server and stops it
// before PocketBase closes the databases.
func bindCheckpointer(app core.App, interval time.Duration) {
	c := &checkpointer{app: app, interval: interval, stop: make(chan struct{})}
	var once sync.Once
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		c.done.Add(1)
		go c.run()
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		once.Do(func() { close(c.stop) })
		c.done.Wait()
		return e.Next()
	})
}

func (c *checkpointer) run() {
	defer c.done.Done()
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if _, err := checkpoint(c.app.ConcurrentDB()); err != nil {
				c.app.Logger().Warn("sqlite: checkpoint of data.db", "error", err)
			}
		}
	}
}

// walState is the result of PRAGMA wal_checkpoint: whether it was
// blocked, the pages in the log, and how many of them are now copied.
type walState struct {
	Busy         int `db:"busy"`
	Log          int `db:"log"`
	Checkpointed int `db:"checkpointed"`
}

// checkpoint runs a PASSIVE checkpoint on a connection of db.
func checkpoint(db dbx.Builder) (walState, error) {
	var s walState
	err := db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").One(&s)
	return s, err
}
