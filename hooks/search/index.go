package search

import (
	"fmt"

	"github.com/pocketbase/dbx"
)

// Table is the FTS5 table of approved quotes, created by the migrations.
const Table = "_stovebot_quotes_fts"

// Hit is one approved quote that matches a search, best first.
type Hit struct {
	ID      string `db:"id" json:"id"`
	Content string `db:"content" json:"content"`
	Speaker string `db:"speaker" json:"speaker"`
	Episode int    `db:"episode" json:"episode"`
}

// Find returns up to limit approved quotes that match question, best first
// by FTS5's bm25 rank (a match in the speaker weighs double). A question with
// nothing to search for finds nothing.
func Find(db dbx.Builder, question string, limit int) ([]Hit, error) {
	match := Query(question)
	if match == "" || limit < 1 {
		return nil, nil
	}
	var hits []Hit
	err := db.NewQuery(`
		SELECT q.id, q.content, q.speaker, COALESCE(q.episode, 0) AS episode
		FROM ` + Table + ` f JOIN quotes q ON q.id = f.quote_id
		WHERE ` + Table + ` MATCH {:match} AND q.is_apply = TRUE
		ORDER BY bm25(` + Table + `, 0, 1.0, 2.0), q.created DESC
		LIMIT {:limit}`).
		Bind(dbx.Params{"match": match, "limit": limit}).All(&hits)
	if err != nil {
		return nil, fmt.Errorf("searching quotes: %w", err)
	}
	return hits, nil
}

// Sync puts one quote into the index when approved and takes it out
// otherwise. Call it in the same transaction as the quote's write.
func Sync(db dbx.Builder, id, content, speaker string, approved bool) error {
	if err := Remove(db, id); err != nil {
		return err
	}
	if !approved {
		return nil
	}
	_, err := db.NewQuery(`INSERT INTO ` + Table + ` (quote_id, content, speaker) VALUES ({:id}, {:content}, {:speaker})`).
		Bind(dbx.Params{"id": id, "content": Terms(content), "speaker": Terms(speaker)}).Execute()
	if err != nil {
		return fmt.Errorf("indexing quote %s: %w", id, err)
	}
	return nil
}

// Remove takes a quote out of the index.
func Remove(db dbx.Builder, id string) error {
	_, err := db.NewQuery(`DELETE FROM ` + Table + ` WHERE quote_id = {:id}`).Bind(dbx.Params{"id": id}).Execute()
	if err != nil {
		return fmt.Errorf("unindexing quote %s: %w", id, err)
	}
	return nil
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
		if err := Sync(db, r.ID, r.Content, r.Speaker, true); err != nil {
			return err
		}
	}
	return nil
}
