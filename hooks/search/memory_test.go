package search

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/pocketbase/dbx"
	_ "modernc.org/sqlite"
)

// openIndexDB is a database with the index tables as the migrations make
// them, and a quotes table with the columns the index reads.
func openIndexDB(t testing.TB) *dbx.DB {
	t.Helper()
	db, err := dbx.Open("sqlite", filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, sql := range []string{
		`CREATE VIRTUAL TABLE ` + Table + ` USING fts5(quote_id UNINDEXED, content, speaker, tokenize = 'unicode61 remove_diacritics 2')`,
		`INSERT INTO ` + Table + ` (` + Table + `, rank) VALUES ('rank', 'bm25(0.0, 1.0, 2.0)')`,
		`CREATE TABLE ` + VersionTable + ` (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`,
		`INSERT INTO ` + VersionTable + ` (id, version) VALUES (1, 1)`,
		`CREATE TABLE quotes (id TEXT PRIMARY KEY, content TEXT, speaker TEXT, episode INTEGER, is_apply BOOLEAN, created TEXT DEFAULT '')`,
	} {
		if _, err := db.NewQuery(sql).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func addQuote(t *testing.T, db *dbx.DB, id, content, speaker string, approved bool) {
	t.Helper()
	err := db.Transactional(func(tx *dbx.Tx) error {
		_, err := tx.Insert("quotes", dbx.Params{"id": id, "content": content, "speaker": speaker, "episode": 1, "is_apply": approved}).Execute()
		if err != nil {
			return err
		}
		return Sync(tx, id, content, speaker, approved)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A search loads the copy once, keeps it while nothing is written, and
// sees every write at once.
func TestIndexLoadsAgainOnlyAfterAWrite(t *testing.T) {
	t.Parallel()
	db := openIndexDB(t)
	addQuote(t, db, "a", "핑계 대지 마세요", "백승수", true)
	idx := NewIndex(0)
	find := func(q string) int {
		t.Helper()
		hits, err := idx.Find(db, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		return len(hits)
	}
	if find("핑계") != 1 {
		t.Fatal("expected the quote")
	}
	first := idx.cur.Load()
	if find("대지") != 1 || idx.cur.Load() != first {
		t.Fatal("expected the same copy while nothing is written")
	}
	addQuote(t, db, "b", "핑계는 없습니다", "", true)
	if find("핑계") != 2 || idx.cur.Load() == first {
		t.Fatal("expected a new copy with the new quote")
	}
	if err := db.Transactional(func(tx *dbx.Tx) error { return Remove(tx, "a") }); err != nil {
		t.Fatal(err)
	}
	if find("핑계") != 1 {
		t.Fatal("expected the removed quote gone")
	}
	// removing what is not indexed writes nothing
	v := idx.cur.Load().version
	if err := Remove(db, "never-indexed"); err != nil {
		t.Fatal(err)
	}
	if find("핑계") != 1 || idx.cur.Load().version != v {
		t.Fatal("expected no new version for a no-op removal")
	}
}

// tokens gives the tokens FTS5's tokenizer gives for the letters of
// Western and Central European languages, Latin Extended Additional
// (Vietnamese) and Hangul, each inside a word. Rarer letters (Greek
// symbol forms, letters newer than SQLite's Unicode 6.1) may fold
// differently: those match only as written.
func TestFoldMatchesFTS5(t *testing.T) {
	t.Parallel()
	db := openIndexDB(t)
	var words []string
	for _, block := range [][2]rune{{0xC0, 0x180}, {0x1E00, 0x1F00}, {0xAC00, 0xD7A4}} {
		for r := block[0]; r < block[1]; r++ {
			if unicode.IsLetter(r) {
				words = append(words, "x"+string(r)+"y")
			}
		}
	}
	words = append(words, "다행이라고", "스토브리그")
	err := db.Transactional(func(tx *dbx.Tx) error {
		for _, sql := range []string{
			`CREATE VIRTUAL TABLE temp.fold_words USING fts5(w, tokenize = 'unicode61 remove_diacritics 2')`,
			`CREATE VIRTUAL TABLE temp.fold_tokens USING fts5vocab(temp, fold_words, instance)`,
		} {
			if _, err := tx.NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		for i, w := range words {
			if _, err := tx.Insert("fold_words", dbx.Params{"rowid": i + 1, "w": w}).Execute(); err != nil {
				return err
			}
		}
		var rows []struct {
			Doc  int    `db:"doc"`
			Term string `db:"term"`
		}
		if err := tx.NewQuery(`SELECT doc, term FROM temp.fold_tokens ORDER BY doc, offset`).All(&rows); err != nil {
			return err
		}
		fts := map[int][]string{}
		for _, r := range rows {
			fts[r.Doc] = append(fts[r.Doc], r.Term)
		}
		bad := 0
		for i, w := range words {
			if got, want := strings.Join(tokens(w), " "), strings.Join(fts[i+1], " "); got != want && bad < 20 {
				bad++
				t.Errorf("%q (%U): FTS5 has %q, tokens %q", w, []rune(w), want, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A copy with a recheck interval reads the version only after Changed or
// once the interval has passed: a write it was not told of is seen late.
func TestIndexRechecksAfterChangedOrInterval(t *testing.T) {
	t.Parallel()
	db := openIndexDB(t)
	addQuote(t, db, "a", "핑계 대지 마세요", "", true)
	idx := NewIndex(time.Second) // long enough for a write on a busy machine
	count := func() int {
		t.Helper()
		hits, err := idx.Find(db, "핑계", 5)
		if err != nil {
			t.Fatal(err)
		}
		return len(hits)
	}
	if count() != 1 {
		t.Fatal("expected the quote")
	}
	addQuote(t, db, "b", "핑계는 없습니다", "", true) // as by another process
	if count() != 1 {
		t.Fatal("expected the version not read again within the interval")
	}
	idx.Changed()
	if count() != 2 {
		t.Fatal("expected the write seen after Changed")
	}
	addQuote(t, db, "c", "핑계를 대다", "", true)
	time.Sleep(1100 * time.Millisecond)
	if count() != 3 {
		t.Fatal("expected the write seen once the interval passed")
	}
}

// After Changed, no search is answered from the old copy, not even one
// that arrives while another search loads the new copy.
func TestIndexSearchesDuringAReloadSeeTheWrite(t *testing.T) {
	t.Parallel()
	db := openIndexDB(t)
	err := db.Transactional(func(tx *dbx.Tx) error {
		for i := range 2000 {
			id := fmt.Sprintf("q%04d", i)
			content := fmt.Sprintf("평범한 대사 %d번 야구는 선수가 하는 겁니다", i)
			if _, err := tx.Insert("quotes", dbx.Params{"id": id, "content": content, "is_apply": true}).Execute(); err != nil {
				return err
			}
			if err := Sync(tx, id, content, "", true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	idx := NewIndex(time.Hour)
	if hits, err := idx.Find(db, "드림즈", 5); err != nil || len(hits) != 0 {
		t.Fatalf("expected nothing yet, got %v %v", hits, err)
	}
	addQuote(t, db, "new", "드림즈는 다시 일어섭니다", "", true)
	idx.Changed()
	var wg sync.WaitGroup
	var stale atomic.Int64
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hits, err := idx.Find(db, "드림즈", 5)
			if err != nil || len(hits) != 1 {
				stale.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := stale.Load(); n > 0 {
		t.Fatalf("%d of 20 searches missed the quote announced by Changed", n)
	}
}
