package search

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/pocketbase/dbx"
)

// Table is the FTS5 table of approved quotes, with bm25(0, 1, 2) as its
// rank (a match in the speaker weighs double), and VersionTable the one-row
// counter that every write to it moves; both are created by the migrations.
// Index ranks from a copy of Table in memory, with the same bm25.
const (
	Table        = "_stovebot_quotes_fts"
	VersionTable = "_stovebot_quote_index_version"
)

// matchBudget bounds how many quote matches a search ranks: the rarest
// terms of a question are kept until their documents add up to it, and the
// common ones (이라, 대사, one-syllable prefixes) are dropped. A common term
// says little about which quote is meant, and ranking every quote that
// contains one is what makes a search slow.
const matchBudget = 100

// Hit is one approved quote that matches a search, best first.
type Hit struct {
	ID      string `db:"id" json:"id"`
	Content string `db:"content" json:"content"`
	Speaker string `db:"speaker" json:"speaker"`
	Episode int    `db:"episode" json:"episode"`
}

// rowid is the FTS row of a quote: derived from its id, so that removing a
// quote is a lookup by rowid, not a scan.
func rowid(id string) int64 {
	sum := sha256.Sum256([]byte(id))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 1) // positive
}

// Sync puts one quote into the index when approved and takes it out
// otherwise. Call it in the same transaction as the quote's write.
func Sync(db dbx.Builder, id, content, speaker string, approved bool) error {
	removed, err := remove(db, id)
	if err != nil || (!approved && !removed) {
		return err // nothing changed
	}
	if approved {
		if err := insert(db, id, content, speaker); err != nil {
			return err
		}
	}
	return bump(db)
}

// insert adds a quote's row; the caller moves the version.
func insert(db dbx.Builder, id, content, speaker string) error {
	_, err := db.NewQuery(`INSERT INTO ` + Table + ` (rowid, quote_id, content, speaker) VALUES ({:rowid}, {:id}, {:content}, {:speaker})`).
		Bind(dbx.Params{"rowid": rowid(id), "id": id, "content": Terms(content), "speaker": Terms(speaker)}).Execute()
	if err != nil {
		return fmt.Errorf("indexing quote %s: %w", id, err)
	}
	return nil
}

// Remove takes a quote out of the index.
func Remove(db dbx.Builder, id string) error {
	removed, err := remove(db, id)
	if err != nil || !removed {
		return err // not indexed: nothing changed
	}
	return bump(db)
}

// remove deletes a quote's row and reports whether there was one; the
// caller moves the version.
func remove(db dbx.Builder, id string) (bool, error) {
	res, err := db.NewQuery(`DELETE FROM ` + Table + ` WHERE rowid = {:rowid}`).Bind(dbx.Params{"rowid": rowid(id)}).Execute()
	if err != nil {
		return false, fmt.Errorf("unindexing quote %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// InStep reports whether the index holds exactly the approved quotes, as
// counts; a write that bypassed the hooks (raw SQL) makes it false.
func InStep(db dbx.Builder) (bool, error) {
	var indexed, approved int
	if err := db.NewQuery(`SELECT count(*) FROM ` + Table).Row(&indexed); err != nil {
		return false, fmt.Errorf("counting the index: %w", err)
	}
	if err := db.NewQuery(`SELECT count(*) FROM quotes WHERE is_apply = TRUE`).Row(&approved); err != nil {
		return false, fmt.Errorf("counting quotes: %w", err)
	}
	return indexed == approved, nil
}

// Rebuild empties the index and fills it with every approved quote.
func Rebuild(db dbx.Builder) error {
	if _, err := db.NewQuery(`DELETE FROM ` + Table).Execute(); err != nil {
		return fmt.Errorf("emptying the index: %w", err)
	}
	var rows []Hit
	if err := db.NewQuery(`SELECT id, content, speaker, 0 AS episode FROM quotes WHERE is_apply = TRUE`).All(&rows); err != nil {
		return fmt.Errorf("reading quotes: %w", err)
	}
	for _, r := range rows {
		if err := insert(db, r.ID, r.Content, r.Speaker); err != nil {
			return err
		}
	}
	return bump(db)
}
