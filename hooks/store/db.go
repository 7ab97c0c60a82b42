// Package store is stovebot's SQLite plumbing: how data.db is opened
// (DBConnect), the background WAL checkpointer, and access to the SQL
// transaction under a PocketBase one.
package store

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/stmtcache"
)

// sqlitePragmas are PocketBase's own (core.DefaultDBConnect in v0.40.4)
// but for cache_size (TestDBConnectKeepsPocketBaseSettings compares
// them). The busy_timeout pragma must be first, so that a new connection waits for another one that is
// switching the file to WAL.
const sqlitePragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_defensive=1"

// dataCacheKiB is the page cache of each connection to data.db. Each
// connection keeps its own, and fills it as the database grows: with
// PocketBase's 32 MB each, the server's nine connections (on two cores)
// had grown its RSS with 1,000 open streams to 172 MB in a make bench run
// that had served 50,000 chat requests before, against 127 MB with 4 MB
// each in the same run, at the same latencies. The kernel's page cache
// still holds the file.
const dataCacheKiB = 4000

// DBConnect opens a database as PocketBase does, with four changes for
// data.db: its connections keep the statements they ran (stmtcache), a
// page cache of dataCacheKiB per connection, wal_autocheckpoint raised to
// autoCheckpointPages, since the server checkpoints it in the background
// (checkpointer), and transactions that take the write lock when they
// begin (BEGIN IMMEDIATE). auxiliary.db (logs, written off the request
// path) is opened as PocketBase opens it. Set it as
// pocketbase.Config.DBConnect.
//
// A transaction that begins deferred and reads before it writes (a chat
// request with an Idempotency-Key looks the key up first) fails its first
// write with SQLITE_BUSY when another process has committed since its
// read, and busy_timeout does not wait that out. Within one process
// PocketBase already runs transactions one at a time; IMMEDIATE makes a
// second process (another server, the CLI) wait its turn as well.
func DBConnect(dbPath string) (*dbx.DB, error) {
	if filepath.Base(dbPath) != "data.db" {
		return core.DefaultDBConnect(dbPath)
	}
	dsn := fmt.Sprintf("%s%s&_pragma=cache_size(-%d)&_pragma=wal_autocheckpoint(%d)&_txlock=immediate",
		dbPath, sqlitePragmas, dataCacheKiB, autoCheckpointPages)
	sqlDB, err := sql.Open(stmtcache.DriverName, dsn)
	if err != nil {
		return nil, err
	}
	return dbx.NewFromDB(sqlDB, "sqlite"), nil // dbx picks its SQL dialect by this name
}

// SQLTx returns the SQL transaction of txApp, a RunInTransaction
// callback's app, for statements that bypass dbx. On data.db, stmtcache
// keeps what it runs prepared.
func SQLTx(txApp core.App) (*sql.Tx, error) {
	tx, ok := txApp.NonconcurrentDB().(*dbx.Tx)
	if !ok {
		return nil, errors.New("sql transaction: not in a transaction")
	}
	exec, ok := tx.Builder.(interface{ Executor() dbx.Executor })
	if !ok {
		return nil, errors.New("sql transaction: no executor")
	}
	sqlTx, ok := exec.Executor().(*sql.Tx)
	if !ok {
		return nil, errors.New("sql transaction: not an SQL transaction")
	}
	return sqlTx, nil
}
