package search

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
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
func openIndexDB(t *testing.T) *dbx.DB {
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
		`CREATE TABLE quotes (id TEXT PRIMARY KEY, content TEXT, speaker TEXT, episode INTEGER, is_apply BOOLEAN)`,
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

// The copy in memory ranks as FTS5 does: for random quotes and questions,
// every quote FTS5's bm25 scores for the kept terms gets the same score in
// memory, and the best five have the scores of FTS5's best five.
func TestIndexRanksAsFTS5Does(t *testing.T) {
	t.Parallel()
	db := openIndexDB(t)
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{
		"다행이라고", "생각하는", "순간이", "제일", "위험합니다", "핑계", "대지", "마세요", "결과로", "말하세요",
		"야구는", "선수가", "하는", "겁니다", "드림즈", "우승", "단장님", "연봉", "협상", "트레이드",
		"excuses", "effort", "games", "winning", "win", "team", "café", "Résumé", "naïve", "Über",
		"KBO리그", "2군", "공", "프런트", "스토브리그",
	}
	speakers := []string{"백승수", "이세영", "권경민", "Baek Seung-su", "", "임동규"}
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			// a skewed draw: early words are common, late ones rare
			w[i] = vocab[min(len(vocab)-1, int(rng.ExpFloat64()*8))]
		}
		return strings.Join(w, " ")
	}
	for i := range 600 {
		addQuote(t, db, fmt.Sprintf("q%04d", i), words(3+rng.IntN(12)), speakers[rng.IntN(len(speakers))], rng.IntN(10) > 0)
	}

	idx := NewIndex(0)
	questions := []string{"공", "win", "cafe", "resume 대사", "UBER", "백승수 대사", "이세영 선수", "2군 KBO"}
	for range 200 {
		questions = append(questions, words(1+rng.IntN(6)))
	}
	compared := 0
	for _, q := range questions {
		s, err := idx.snapshot(db)
		if err != nil {
			t.Fatal(err)
		}
		matches := s.prune(queryTerms(q))
		kept := make([]term, len(matches))
		for i, m := range matches {
			kept[i] = m.term
		}
		var want []struct {
			ID    string  `db:"quote_id"`
			Score float64 `db:"score"`
		}
		err = db.NewQuery(`SELECT f.quote_id, -bm25(` + Table + `, 0.0, 1.0, 2.0) AS score FROM ` + Table + ` f
			JOIN quotes q ON q.id = f.quote_id WHERE ` + Table + ` MATCH {:match} AND q.is_apply
			ORDER BY rank`).Bind(dbx.Params{"match": orExpr(kept)}).All(&want)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		got := s.score(matches, len(s.docs))
		if len(got) != len(want) {
			t.Fatalf("%q (%s): FTS5 matches %d quotes, memory %d", q, orExpr(kept), len(want), len(got))
		}
		if !slices.IsSortedFunc(got, func(a, b scoredDoc) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.doc, b.doc))
		}) {
			t.Fatalf("%q: not by score, then rowid: %v", q, got)
		}
		if top := s.score(matches, 5); !slices.Equal(top, got[:min(5, len(got))]) {
			t.Fatalf("%q: the best 5 are %v, the first 5 of all %v", q, top, got[:min(5, len(got))])
		}
		scores := map[string]float64{}
		for _, d := range got {
			scores[s.docs[d.doc].hit.ID] = d.score
		}
		for i, w := range want {
			m, ok := scores[w.ID]
			if !ok || math.Abs(m-w.Score) > 1e-9*max(1, math.Abs(w.Score)) {
				t.Fatalf("%q: quote %s: FTS5 scores %v, memory %v (found %v)", q, w.ID, w.Score, m, ok)
			}
			if math.Abs(got[i].score-w.Score) > 1e-9*max(1, math.Abs(w.Score)) {
				t.Fatalf("%q: place %d: FTS5 has score %v, memory %v", q, i, w.Score, got[i].score)
			}
		}
		hits, err := idx.Find(db, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != min(5, len(want)) {
			t.Fatalf("%q: expected %d hits, got %d", q, min(5, len(want)), len(hits))
		}
		compared += len(want)
	}
	if compared < 1000 {
		t.Fatalf("expected the questions to match many quotes, only %d compared", compared)
	}
}

// The best few of the one-pass merge are the first few of ranking every
// match, as the search ranked them before: every score, and ties by rowid,
// at every limit, with unapproved quotes among the matches and many ties.
func TestScoreKeepsTheBestOfTheFullRanking(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 200 {
		s := &snapshot{avgdl: 6}
		for range 1 + rng.IntN(60) {
			s.docs = append(s.docs, doc{tokens: 4 + rng.IntN(3), approved: rng.IntN(5) > 0})
		}
		matches := make([]match, 1+rng.IntN(4))
		for i := range matches {
			for d := range s.docs {
				if rng.IntN(3) == 0 {
					p := posting{doc: int32(d), content: int32(rng.IntN(2)), speaker: int32(rng.IntN(2))}
					if p.content+p.speaker == 0 {
						p.content = 1
					}
					matches[i].docs = append(matches[i].docs, p)
				}
			}
		}
		all := rankAll(s, matches)
		for _, limit := range []int{1, 2, 3, 5, len(s.docs), len(s.docs) + 1} {
			want := all[:min(limit, len(all))]
			if got := s.score(matches, limit); !slices.Equal(got, want) {
				t.Fatalf("round %d, limit %d: expected %v, got %v", round, limit, want, got)
			}
		}
	}
}

// rankAll is the ranking before the one-pass merge: every approved match
// scored from a map, then all of them sorted.
func rankAll(s *snapshot, matches []match) []scoredDoc {
	n := float64(len(s.docs))
	freqs := map[int32][]float64{}
	for i, m := range matches {
		for _, p := range m.docs {
			if freqs[p.doc] == nil {
				freqs[p.doc] = make([]float64, len(matches))
			}
			freqs[p.doc][i] += float64(p.content)*contentWeight + float64(p.speaker)*speakerWeight
		}
	}
	idf := make([]float64, len(matches))
	for i, m := range matches {
		hits := float64(len(m.docs))
		if idf[i] = math.Log((n - hits + 0.5) / (hits + 0.5)); idf[i] <= 0 {
			idf[i] = 1e-6
		}
	}
	var out []scoredDoc
	for d, f := range freqs {
		if !s.docs[d].approved {
			continue
		}
		norm := bm25K1 * (1 - bm25B + bm25B*float64(s.docs[d].tokens)/s.avgdl)
		score := 0.0
		for i := range matches {
			score += idf[i] * (f[i] * (bm25K1 + 1)) / (f[i] + norm)
		}
		out = append(out, scoredDoc{d, score})
	}
	slices.SortFunc(out, func(a, b scoredDoc) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.doc, b.doc))
	})
	return out
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
