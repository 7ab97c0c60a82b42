package search

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
)

// Table is the FTS5 table of approved quotes, and TermsTable the number of
// quotes each indexed term is in; both are created by the migrations, with
// bm25(0, 1, 2) as the table's rank: a match in the speaker weighs double.
const (
	Table      = "_stovebot_quotes_fts"
	TermsTable = "_stovebot_quote_terms"
)

// matchBudget bounds how many quote matches a search ranks: the rarest
// terms of a question are kept until their documents add up to it, and the
// common ones (이라, 대사, one-syllable prefixes) are dropped. Ranking every
// quote that contains a common bigram is what makes a search slow, and
// such a term says little about which quote is meant.
const matchBudget = 100

// Hit is one approved quote that matches a search, best first.
type Hit struct {
	ID      string `db:"id" json:"id"`
	Content string `db:"content" json:"content"`
	Speaker string `db:"speaker" json:"speaker"`
	Episode int    `db:"episode" json:"episode"`
}

// Find returns up to limit approved quotes that match question, best first
// by FTS5's bm25 rank. A question with nothing to search for finds nothing.
func Find(db dbx.Builder, question string, limit int) ([]Hit, error) {
	terms, err := prune(db, queryTerms(question))
	if err != nil || len(terms) == 0 || limit < 1 {
		return nil, err
	}
	var hits []Hit
	// rank inside FTS5 first (it orders by rank with a limit cheaply), then
	// join only the few best rows
	err = db.NewQuery(`
		SELECT q.id, q.content, q.speaker, COALESCE(q.episode, 0) AS episode
		FROM (SELECT quote_id, rank FROM ` + Table + ` WHERE ` + Table + ` MATCH {:match} ORDER BY rank LIMIT {:limit}) f
		JOIN quotes q ON q.id = f.quote_id
		WHERE q.is_apply = TRUE
		ORDER BY f.rank`).
		Bind(dbx.Params{"match": orExpr(terms), "limit": limit}).All(&hits)
	if err != nil {
		return nil, fmt.Errorf("searching quotes: %w", err)
	}
	return hits, nil
}

// prune keeps the rarest terms that are in any quote, by their document
// counts, within matchBudget; the rarest is always kept. A term in no quote
// cannot match and is left out, unless no term is in any quote. One-syllable
// prefixes go when the question has anything longer.
func prune(db dbx.Builder, terms []term) ([]term, error) {
	if len(terms) <= 1 {
		return terms, nil
	}
	type counted struct {
		term
		docs int
	}
	// one statement for all the counts: preparing it is most of the cost
	var parts []string
	params := dbx.Params{}
	var candidates []term
	for _, t := range terms {
		if t.prefix && containsCJK(t.text) {
			continue
		}
		i := len(candidates)
		candidates = append(candidates, t)
		where := fmt.Sprintf("[[term]] = {:t%d}", i)
		if t.prefix {
			// every indexed word that starts with the prefix (an estimate: a
			// quote with two such words counts twice)
			where = fmt.Sprintf("[[term]] >= {:t%d} AND [[term]] < {:e%d}", i, i)
			params[fmt.Sprintf("e%d", i)] = t.text + "\U0010FFFF"
		}
		params[fmt.Sprintf("t%d", i)] = t.text
		parts = append(parts, fmt.Sprintf("SELECT %d AS i, COALESCE(SUM([[docs]]), 0) AS docs FROM %s WHERE %s", i, TermsTable, where))
	}
	var rows []struct {
		I    int `db:"i"`
		Docs int `db:"docs"`
	}
	// SQLite allows 500 SELECTs in one compound statement; a long question
	// takes a few statements
	for len(parts) > 0 {
		n := min(len(parts), 200)
		var chunk []struct {
			I    int `db:"i"`
			Docs int `db:"docs"`
		}
		if err := db.NewQuery(strings.Join(parts[:n], " UNION ALL ")).Bind(params).All(&chunk); err != nil {
			return nil, fmt.Errorf("counting terms: %w", err)
		}
		rows = append(rows, chunk...)
		parts = parts[n:]
	}
	var found []counted
	for _, r := range rows {
		if r.Docs > 0 {
			found = append(found, counted{candidates[r.I], r.Docs})
		}
	}
	if len(found) == 0 {
		// nothing is known to match (FTS5 may still fold accents): let it
		// decide, on a bounded query
		return terms[:min(len(terms), 64)], nil
	}
	slices.SortStableFunc(found, func(a, b counted) int { return a.docs - b.docs })
	kept := []term{found[0].term}
	sum := found[0].docs
	for _, c := range found[1:] {
		if sum+c.docs > matchBudget {
			break
		}
		sum += c.docs
		kept = append(kept, c.term)
	}
	return kept, nil
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
	if err := Remove(db, id); err != nil {
		return err
	}
	if !approved {
		return nil
	}
	return insert(db, id, content, speaker)
}

func insert(db dbx.Builder, id, content, speaker string) error {
	c, s := Terms(content), Terms(speaker)
	_, err := db.NewQuery(`INSERT INTO ` + Table + ` (rowid, quote_id, content, speaker) VALUES ({:rowid}, {:id}, {:content}, {:speaker})`).
		Bind(dbx.Params{"rowid": rowid(id), "id": id, "content": c, "speaker": s}).Execute()
	if err != nil {
		return fmt.Errorf("indexing quote %s: %w", id, err)
	}
	return countTerms(db, c, s, +1)
}

// Remove takes a quote out of the index.
func Remove(db dbx.Builder, id string) error {
	var old struct {
		Content string `db:"content"`
		Speaker string `db:"speaker"`
	}
	err := db.NewQuery(`SELECT content, speaker FROM ` + Table + ` WHERE rowid = {:rowid}`).Bind(dbx.Params{"rowid": rowid(id)}).One(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not indexed
	}
	if err == nil {
		_, err = db.NewQuery(`DELETE FROM ` + Table + ` WHERE rowid = {:rowid}`).Bind(dbx.Params{"rowid": rowid(id)}).Execute()
	}
	if err != nil {
		return fmt.Errorf("unindexing quote %s: %w", id, err)
	}
	return countTerms(db, old.Content, old.Speaker, -1)
}

// countTerms adds one to (delta > 0) or takes one from the document count
// of each distinct term of a quote's indexed text; a term whose count
// reaches zero is dropped.
func countTerms(db dbx.Builder, content, speaker string, delta int) error {
	seen := map[string]bool{}
	for _, t := range strings.Fields(content + " " + speaker) {
		if seen[t] {
			continue
		}
		seen[t] = true
		q := db.NewQuery(`INSERT INTO ` + TermsTable + ` ([[term]], [[docs]]) VALUES ({:t}, 1)
			ON CONFLICT ([[term]]) DO UPDATE SET [[docs]] = [[docs]] + 1`)
		if delta < 0 {
			q = db.NewQuery(`UPDATE ` + TermsTable + ` SET [[docs]] = [[docs]] - 1 WHERE [[term]] = {:t}`)
		}
		if _, err := q.Bind(dbx.Params{"t": t}).Execute(); err != nil {
			return fmt.Errorf("counting term %q: %w", t, err)
		}
		if delta < 0 {
			_, err := db.NewQuery(`DELETE FROM ` + TermsTable + ` WHERE [[term]] = {:t} AND [[docs]] <= 0`).Bind(dbx.Params{"t": t}).Execute()
			if err != nil {
				return fmt.Errorf("dropping term %q: %w", t, err)
			}
		}
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
	for _, table := range []string{Table, TermsTable} {
		if _, err := db.NewQuery(`DELETE FROM ` + table).Execute(); err != nil {
			return fmt.Errorf("emptying the index: %w", err)
		}
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
	return nil
}
