// Package stmtcache is a database/sql driver, registered as DriverName,
// that is modernc.org/sqlite with a cache of prepared statements on each
// connection.
//
// dbx, and so PocketBase, sends every query as text, and the driver
// prepares it, runs it once and finalizes it. SQLite in pure Go takes
// about as long to prepare a statement as to run a small one: the user
// lookup behind every authenticated request was a quarter of its time.
// Here a connection keeps its last MaxPerConn statements prepared, keyed
// by their text, and runs a query it has seen before on the kept
// statement. Statements prepared explicitly (database/sql's Prepare) are
// not cached: their owner keeps them.
//
// SQLite prepares a statement again by itself when the schema has changed
// since it was prepared (sqlite3_prepare_v2), so a kept statement never
// runs an old plan or an old column list.
package stmtcache

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync"

	_ "modernc.org/sqlite" // registers "sqlite"
)

// DriverName is the name this driver is registered under.
const DriverName = "sqlite_stmtcache"

// MaxPerConn is how many statements a connection keeps prepared.
const MaxPerConn = 48

func init() {
	// the driver modernc.org/sqlite registered, with whatever it set up
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	sql.Register(DriverName, &Driver{inner: db.Driver()})
	db.Close()
}

// Driver opens modernc.org/sqlite connections (the same DSN) that keep
// their statements.
type Driver struct {
	inner driver.Driver
}

// Open opens a connection; see modernc.org/sqlite's Driver.Open.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.inner.Open(dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := c.(innerConn)
	if !ok {
		c.Close()
		return nil, errors.New("stmtcache: the sqlite driver's connections lack a method this driver needs")
	}
	return &conn{innerConn: inner, stmts: map[string]*entry{}}, nil
}

// innerConn is what modernc.org/sqlite's connections implement and
// database/sql uses.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type stmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// entry is a kept statement. A statement runs one query at a time: while
// its rows are open (busy), the same text is prepared afresh.
type entry struct {
	stmt stmt
	busy bool
	used uint64 // the conn's tick when last used
}

// conn is a connection with its kept statements. database/sql uses a
// connection from one goroutine at a time; the mutex covers rows closed
// late from another.
type conn struct {
	innerConn
	mu    sync.Mutex
	stmts map[string]*entry
	tick  uint64
}

// take returns the kept statement for query, marked busy, preparing and
// keeping it if needed; nil if it is busy (the caller runs query
// uncached).
func (c *conn) take(ctx context.Context, query string) (*entry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	if e := c.stmts[query]; e != nil {
		if e.busy {
			return nil, nil
		}
		e.busy, e.used = true, c.tick
		return e, nil
	}
	s, err := c.innerConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := s.(stmt)
	if !ok {
		s.Close()
		return nil, errors.New("stmtcache: the sqlite driver's statements lack a method this driver needs")
	}
	if len(c.stmts) >= MaxPerConn {
		c.evictLocked()
	}
	e := &entry{stmt: st, busy: true, used: c.tick}
	c.stmts[query] = e
	return e, nil
}

// evictLocked finalizes the least recently used statement that is not
// running.
func (c *conn) evictLocked() {
	var oldest string
	var at *entry
	for q, e := range c.stmts {
		if !e.busy && (at == nil || e.used < at.used) {
			oldest, at = q, e
		}
	}
	if at != nil {
		delete(c.stmts, oldest)
		at.stmt.Close()
	}
}

func (c *conn) release(e *entry) {
	c.mu.Lock()
	e.busy = false
	c.mu.Unlock()
}

// ExecContext runs query on its kept statement.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	defer c.release(e)
	return e.stmt.ExecContext(ctx, args)
}

// QueryContext runs query on its kept statement, which stays busy until
// the rows are closed.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	e, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	r, err := e.stmt.QueryContext(ctx, args)
	if err != nil {
		c.release(e)
		return nil, err
	}
	return &rows{Rows: r, release: func() { c.release(e) }}, nil
}

// Close finalizes the kept statements, then closes the connection:
// SQLite cannot close a connection with statements left.
func (c *conn) Close() error {
	c.mu.Lock()
	for q, e := range c.stmts {
		e.stmt.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.innerConn.Close()
}

// rows are a kept statement's rows; closing them frees the statement.
type rows struct {
	driver.Rows
	release func()
	once    sync.Once
}

func (r *rows) Close() error {
	err := r.Rows.Close() // resets the statement
	r.once.Do(r.release)
	return err
}

// The column type methods of modernc.org/sqlite's rows, passed on.

func (r *rows) ColumnTypeDatabaseTypeName(index int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(index)
	}
	return ""
}

func (r *rows) ColumnTypeLength(index int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(index)
	}
	return 0, false
}

func (r *rows) ColumnTypeNullable(index int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(index)
	}
	return false, false
}

func (r *rows) ColumnTypePrecisionScale(index int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(index)
	}
	return 0, 0, false
}

func (r *rows) ColumnTypeScanType(index int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(index)
	}
	return reflect.TypeFor[any]()
}
