package store

import (
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SQLite copies the write-ahead log back into the database file in a
// "checkpoint". By default the connection that commits the transaction
// which grows the log past 1,000 pages runs it, inside that commit: one
// chat request in a few hundred waited several milliseconds for it. The
// server instead checkpoints data.db from a background goroutine, so the
// copying happens off the request path. A PASSIVE checkpoint never
// restarts the log, and under steady writes a commit rarely finds it
// wholly copied (the moment when SQLite restarts it), so the log grows
// to autoCheckpointPages; the commit that crosses it checkpoints and
// restarts the log, with little left to copy by then.
const (
	// CheckpointEvery is how often the server checkpoints data.db.
	CheckpointEvery = 100 * time.Millisecond
	// autoCheckpointPages is data.db's wal_autocheckpoint: a commit that
	// grows the log past it still checkpoints, so the log stays bounded
	// when no server runs (the CLI alone) or the background cannot keep up.
	autoCheckpointPages = 10000
)

// checkpointer runs a PASSIVE checkpoint of data.db every interval while
// the server runs. PASSIVE waits for no reader and no writer: it copies
// what it can, and a request never waits for it.
type checkpointer struct {
	app      core.App
	interval time.Duration
	stop     chan struct{}
	done     sync.WaitGroup
}

// BindCheckpointer starts the checkpointer with the server and stops it
// before PocketBase closes the databases.
func BindCheckpointer(app core.App, interval time.Duration) *checkpointer {
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
	return c
}

func (c *checkpointer) run() {
	defer c.done.Done()
	t := time.NewTicker(c.interval)
	defer t.Stop()
	failing := false // a failure is logged once, not ten times a second
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			err := checkpoint(c.app.ConcurrentDB())
			if err != nil && !failing {
				c.app.Logger().Warn("sqlite: checkpoint of data.db failed; retrying every interval, logging again after a success", "error", err)
			}
			failing = err != nil
		}
	}
}

// checkpoint runs a PASSIVE checkpoint on a connection of db.
func checkpoint(db dbx.Builder) error {
	_, err := db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Execute()
	return err
}
