package stmtcache

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func open(t *testing.T, conns int) *sql.DB {
	t.Helper()
	db, err := sql.Open(DriverName, filepath.Join(t.TempDir(), "data.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("closing: %v", err)
		}
	})
	mustExec(t, db, `CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, n INTEGER)`)
	for i := range 10 {
		mustExec(t, db, `INSERT INTO t (name, n) VALUES (?, ?)`, fmt.Sprint("row", i), i)
	}
	return db
}

func mustExec(t *testing.T, db interface {
	Exec(string, ...any) (sql.Result, error)
}, query string, args ...any) sql.Result {
	t.Helper()
	r, err := db.Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return r
}

// pin takes a connection of db for the test.
func pin(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// kept returns the statements a connection keeps, by their text.
func kept(t *testing.T, c *sql.Conn) map[string]*entry {
	t.Helper()
	var out map[string]*entry
	err := c.Raw(func(dc any) error {
		cc, ok := dc.(*conn)
		if !ok {
			return fmt.Errorf("driver connection is %T", dc)
		}
		cc.mu.Lock()
		out = maps.Clone(cc.stmts)
		cc.mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// columns runs q on c and returns its column names.
func columns(t *testing.T, c *sql.Conn, q string, args ...any) []string {
	t.Helper()
	rows, err := c.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// names reads a column of text.
func names(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func TestAQueryRunsOnTheSameKeptStatementWithNewArguments(t *testing.T) {
	db := open(t, 1)
	ctx := context.Background()
	c := pin(t, db)
	const q = `SELECT name FROM t WHERE n >= ? ORDER BY n LIMIT 3`
	var first *entry
	for i := range 5 {
		got, err := names(c.QueryContext(ctx, q, i))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprint("row", i), fmt.Sprint("row", i+1), fmt.Sprint("row", i+2)}
		if !slices.Equal(got, want) {
			t.Fatalf("run %d: %v, want %v", i, got, want)
		}
		e := kept(t, c)[q]
		if e == nil {
			t.Fatalf("run %d: the statement is not kept", i)
		}
		if first == nil {
			first = e
		} else if e != first {
			t.Fatalf("run %d: prepared again", i)
		}
		if e.busy {
			t.Fatalf("run %d: busy after its rows were closed", i)
		}
	}
}

func TestExecResultsAndReturningOnAKeptStatement(t *testing.T) {
	db := open(t, 1)
	const ins = `INSERT INTO t (name, n) VALUES (?, ?)`
	for i := range 3 {
		r := mustExec(t, db, ins, fmt.Sprint("new", i), 100+i)
		id, err := r.LastInsertId()
		if err != nil || id != int64(11+i) {
			t.Fatalf("insert %d: last insert id %d, %v", i, id, err)
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("insert %d: rows affected %d, %v", i, n, err)
		}
	}
	const upd = `UPDATE t SET n = n + 1 WHERE n >= ? RETURNING n`
	for _, u := range []struct{ from, rows int }{{100, 3}, {103, 1}} { // 100,101,102 → 101,102,103 → 101,102,104
		r := mustExec(t, db, upd, u.from)
		if n, _ := r.RowsAffected(); n != int64(u.rows) {
			t.Fatalf("update from %d: %d rows, want %d", u.from, n, u.rows)
		}
	}
	var sum int
	if err := db.QueryRow(`SELECT SUM(n) FROM t WHERE name LIKE 'new%'`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 101+102+104 {
		t.Fatalf("sum %d, want %d", sum, 101+102+104)
	}
}

// A failed run leaves the statement usable.
func TestAStatementThatFailedRunsAgain(t *testing.T) {
	db := open(t, 1)
	const ins = `INSERT INTO t (name, n) VALUES (?, ?)`
	if _, err := db.Exec(ins, "row3", 0); err == nil {
		t.Fatal("a duplicate name was inserted")
	}
	mustExec(t, db, ins, "fresh", 0)
	if _, err := db.Exec(`SELECT nope FROM t`); err == nil {
		t.Fatal("a bad query ran")
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 11 {
		t.Fatalf("count %d, %v", n, err)
	}
}

// The same text again while its rows are open (in one transaction, on
// one connection) runs on a statement of its own.
func TestTheSameQueryNestedInItsOwnRows(t *testing.T) {
	db := open(t, 1)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT name FROM t WHERE n BETWEEN ? AND ? ORDER BY n`
	outer, err := tx.Query(q, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var s string
		if err := outer.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
		inner, err := names(tx.Query(q, 7, 8))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, inner...)
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"row0", "row7", "row8", "row1", "row7", "row8", "row2", "row7", "row8"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// A kept SELECT * sees a column added after it was prepared.
func TestAKeptStatementFollowsASchemaChangeOnItsConnection(t *testing.T) {
	c := pin(t, open(t, 1))
	const q = `SELECT * FROM t WHERE id = ?`
	if got := columns(t, c, q, 1); !slices.Equal(got, []string{"id", "name", "n"}) {
		t.Fatalf("columns %v", got)
	}
	if _, err := c.ExecContext(context.Background(), `ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	if got := columns(t, c, q, 1); !slices.Equal(got, []string{"id", "name", "n", "extra"}) {
		t.Fatalf("columns after ALTER TABLE %v", got)
	}
}

func TestAConnectionKeepsAtMostMaxPerConn(t *testing.T) {
	db := open(t, 1)
	ctx := context.Background()
	c := pin(t, db)
	for i := range MaxPerConn + 20 {
		var n int
		if err := c.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + COUNT(*) FROM t`, i)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != i+10 {
			t.Fatalf("query %d: %d", i, n)
		}
	}
	k := kept(t, c)
	if len(k) != MaxPerConn {
		t.Fatalf("%d statements kept, want %d", len(k), MaxPerConn)
	}
	if k[`SELECT 0 + COUNT(*) FROM t`] != nil || k[fmt.Sprintf(`SELECT %d + COUNT(*) FROM t`, MaxPerConn+19)] == nil {
		t.Fatal("not the least recently used statement was dropped")
	}
}

// A query stopped by its context leaves its kept statement usable on the
// same connection. (database/sql would give a new query through the pool
// a fresh connection: modernc.org/sqlite reports an interrupted one as
// unusable.)
func TestAQueryCanceledMidwayLeavesTheStatementUsable(t *testing.T) {
	db := open(t, 1)
	c := pin(t, db)
	const slow = `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?) SELECT COUNT(*) FROM c`
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var n int
	err := c.QueryRowContext(ctx, slow, 1_000_000_000).Scan(&n)
	if err == nil {
		t.Fatalf("a billion rows counted in 50 ms: %d", n)
	}
	before := kept(t, c)[slow]
	if before == nil || before.busy {
		t.Fatalf("after the cancel the statement is %+v, want kept and idle", before)
	}
	if err := c.QueryRowContext(context.Background(), slow, 1000).Scan(&n); err != nil || n != 1000 {
		t.Fatalf("after the cancel: %d, %v", n, err)
	}
	if kept(t, c)[slow] != before {
		t.Fatal("after the cancel the statement was prepared again")
	}
}

// A statement kept on one connection follows a column added on another,
// as a migration in another process would.
func TestAKeptStatementFollowsASchemaChangeFromAnotherConnection(t *testing.T) {
	db := open(t, 2)
	ctx := context.Background()
	a := pin(t, db)
	b := pin(t, db)
	const q = `SELECT * FROM t WHERE id = ?`
	columns(t, a, q, 1)
	kept1 := kept(t, a)[q]
	if _, err := b.ExecContext(ctx, `ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	if got := columns(t, a, q, 1); !slices.Equal(got, []string{"id", "name", "n", "extra"}) {
		t.Fatalf("columns after another connection's ALTER TABLE: %v", got)
	}
	if kept(t, a)[q] != kept1 {
		t.Fatal("the statement was replaced, not prepared again by SQLite")
	}
}

// Rows closed on another goroutine free their statement (run with -race).
func TestRowsClosedOnAnotherGoroutine(t *testing.T) {
	db := open(t, 1)
	ctx := context.Background()
	c := pin(t, db)
	const q = `SELECT name FROM t ORDER BY n`
	for range 20 {
		rows, err := c.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		done := make(chan error)
		go func() { done <- rows.Close() }()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if e := kept(t, c)[q]; e == nil || e.busy {
			t.Fatalf("after its rows were closed the statement is %+v", e)
		}
	}
}

// Many goroutines over a few connections (run with -race).
func TestConcurrentQueriesAndWrites(t *testing.T) {
	db := open(t, 4)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if g%4 == 0 {
					if _, err := db.Exec(`UPDATE t SET n = n + 1 WHERE name = ?`, fmt.Sprint("row", i%10)); err != nil {
						errs <- err
						return
					}
					continue
				}
				var name string
				if err := db.QueryRow(`SELECT name FROM t WHERE id = ?`, 1+i%10).Scan(&name); err != nil {
					errs <- err
					return
				}
				if name != fmt.Sprint("row", i%10) {
					errs <- fmt.Errorf("id %d: %q", 1+i%10, name)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var sum int
	if err := db.QueryRow(`SELECT SUM(n) FROM t`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 45+4*50 {
		t.Fatalf("sum %d, want %d", sum, 45+4*50)
	}
}
