package chat

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"

	"stovebot/migrations"
)

// idempotencyTTL is how long a finished request can be replayed.
const idempotencyTTL = 24 * time.Hour

// Idempotency-Key outcomes other than "new request".
var (
	// ErrRequestInProgress: the first request with this key is still running.
	ErrRequestInProgress = errors.New("a request with this Idempotency-Key is still running")
	// ErrKeyReused: the key was used with another content.
	ErrKeyReused = errors.New("the Idempotency-Key was used with a different content")
)

const (
	idemRunning = "running"
	idemDone    = "done"
)

type idemRow struct {
	Hash     string `db:"hash"`
	Question string `db:"question"`
	State    string `db:"state"`
}

// validIdempotencyKey reports whether key is 1–128 visible ASCII characters.
func validIdempotencyKey(key string) bool {
	if len(key) < 1 || len(key) > 128 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

func contentHash(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// idemLookup returns the question id a finished request with this key
// created, "" when the key is new (or expired), or an error for a running
// request or a different content.
func idemLookup(db dbx.Builder, user, key, content string, now time.Time) (string, error) {
	var row idemRow
	err := db.NewQuery(`SELECT [[hash]], [[question]], [[state]] FROM ` + migrations.IdempotencyTable + `
		WHERE [[user]] = {:user} AND [[key]] = {:key} AND [[created]] > {:since}`).
		Bind(dbx.Params{"user": user, "key": key, "since": now.Add(-idempotencyTTL).Unix()}).One(&row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("reading idempotency key: %w", err)
	case row.Hash != contentHash(content):
		return "", ErrKeyReused
	case row.State != idemDone:
		return "", ErrRequestInProgress
	}
	return row.Question, nil
}

// idemStart remembers key as running for question, replacing an expired row.
func idemStart(db dbx.Builder, user, key, content, question string, now time.Time) error {
	_, err := db.NewQuery(`INSERT OR REPLACE INTO ` + migrations.IdempotencyTable + `
		([[user]], [[key]], [[hash]], [[question]], [[state]], [[created]])
		VALUES ({:user}, {:key}, {:hash}, {:question}, {:state}, {:created})`).
		Bind(dbx.Params{"user": user, "key": key, "hash": contentHash(content), "question": question,
			"state": idemRunning, "created": now.Unix()}).Execute()
	if err != nil {
		return fmt.Errorf("saving idempotency key: %w", err)
	}
	return nil
}

// idemFinish marks the request done (replayable), or forgets it after a
// failure so that a retry with the same key runs anew.
func idemFinish(db dbx.Builder, user, key string, ok bool) error {
	var err error
	if ok {
		_, err = db.Update(migrations.IdempotencyTable, dbx.Params{"state": idemDone},
			dbx.HashExp{"user": user, "key": key}).Execute()
	} else {
		_, err = db.Delete(migrations.IdempotencyTable, dbx.HashExp{"user": user, "key": key}).Execute()
	}
	if err != nil {
		return fmt.Errorf("finishing idempotency key: %w", err)
	}
	return nil
}

// idemExpire deletes keys older than the replay window.
func idemExpire(db dbx.Builder, now time.Time) error {
	_, err := db.Delete(migrations.IdempotencyTable,
		dbx.NewExp("[[created]] <= {:before}", dbx.Params{"before": now.Add(-idempotencyTTL).Unix()})).Execute()
	return err
}
