package hooks

import (
	"database/sql"
	"errors"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// statements keeps the chat path's hottest SQL prepared. SQLite in pure Go
// takes about as long to prepare a statement as to run it (the counter's
// UPSERT: 42 µs through dbx, 21 µs prepared), and dbx sends every query as
// text. (statements came first; since then data.db's connections also keep
// what dbx sends prepared, see stmtcache, which leaves statements saving
// only dbx's own work.)
//
// A statement is prepared on PocketBase's write pool and bound to each
// transaction that uses it. That pool has one connection, which a running
// transaction holds, so statements must be prepared (writer) before the
// transaction starts.
type statements struct {
	app   core.App // the app whose pools these are, not a transaction's
	mu    sync.Mutex
	cache map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db    *sql.DB
	query string
}

func newStatements(app core.App) *statements {
	return &statements{app: app, cache: map[stmtKey]*sql.Stmt{}}
}

// writer returns query prepared on the pool of PocketBase's transactions.
// Do not call it inside a transaction.
func (st *statements) writer(query string) (*sql.Stmt, error) {
	return st.prepare(st.app.NonconcurrentDB(), query)
}

func (st *statements) prepare(b dbx.Builder, query string) (*sql.Stmt, error) {
	db, ok := b.(*dbx.DB)
	if !ok {
		return nil, errors.New("preparing a statement: not a database pool")
	}
	key := stmtKey{db.DB(), query}
	st.mu.Lock()
	s := st.cache[key]
	st.mu.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := db.DB().Prepare(query)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if old := st.cache[key]; old != nil {
		s.Close() // prepared by another request meanwhile
		return old, nil
	}
	st.cache[key] = s
	return s, nil
}

// chatWrites are the writes of a chat request: the count, and the insert
// and update of its chats records.
type chatWrites struct {
	count, insert, update *sql.Stmt
}

// chatWrites prepares them; call it before the transaction.
func (st *statements) chatWrites() (chatWrites, error) {
	var w chatWrites
	var err error
	for _, s := range []struct {
		dst   **sql.Stmt
		query string
	}{{&w.count, countSQL}, {&w.insert, insertChatSQL}, {&w.update, updateChatSQL}} {
		if *s.dst, err = st.writer(s.query); err != nil {
			return w, err
		}
	}
	return w, nil
}

// bind returns w bound to the transaction of txApp (a RunInTransaction
// callback's app), and a function that releases them.
func (w chatWrites) bind(txApp core.App) (chatWrites, func(), error) {
	sqlTx, err := sqlTxOf(txApp)
	if err != nil {
		return w, nil, err
	}
	b := chatWrites{sqlTx.Stmt(w.count), sqlTx.Stmt(w.insert), sqlTx.Stmt(w.update)}
	return b, func() {
		b.count.Close()
		b.insert.Close()
		b.update.Close()
	}, nil
}

// sqlTxOf returns the SQL transaction of txApp, a RunInTransaction
// callback's app.
func sqlTxOf(txApp core.App) (*sql.Tx, error) {
	tx, ok := txApp.NonconcurrentDB().(*dbx.Tx)
	if !ok {
		return nil, errors.New("binding statements: not in a transaction")
	}
	exec, ok := tx.Builder.(interface{ Executor() dbx.Executor })
	if !ok {
		return nil, errors.New("binding statements: no executor")
	}
	sqlTx, ok := exec.Executor().(*sql.Tx)
	if !ok {
		return nil, errors.New("binding statements: not an SQL transaction")
	}
	return sqlTx, nil
}
