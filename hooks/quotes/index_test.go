package quotes_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quotes"
	"stovebot/hooks/search"
)

func TestQuoteSearchFollowsApprovalsEditsAndDeletes(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	first := hookstest.AddQuote(t, app, "우리가 다행이라고 생각하는 순간이 제일 위험합니다.", "백승수", 3, true, "")
	hookstest.AddQuote(t, app, "핑계 대지 마세요. 결과로 말하세요.", "백승수", 1, true, "")
	hookstest.AddQuote(t, app, "Excuses don't win games; effort does.", "Baek Seung-su", 2, true, "")
	hookstest.AddQuote(t, app, "야구는 선수가 하는 겁니다.", "이세영", 5, true, "")
	pending := hookstest.AddQuote(t, app, "다행스럽게도 아직 검토 중", "권경민", 7, false, "")

	// one index through all the writes below: each must reach its copy
	idx := search.NewIndex(0)
	find := func(q string) []string {
		t.Helper()
		hits, err := idx.Find(app.DB(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.Content)
		}
		return out
	}
	expectFirst := func(q, want string) {
		t.Helper()
		got := find(q)
		if len(got) == 0 || got[0] != want {
			t.Fatalf("%q: expected %q first, got %v", q, want, got)
		}
	}
	expectNone := func(q string) {
		t.Helper()
		if got := find(q); len(got) != 0 {
			t.Fatalf("%q: expected no match, got %v", q, got)
		}
	}

	expectFirst("다행", first.GetString("content"))      // two syllables inside a longer word
	expectFirst("다행이라는 말", first.GetString("content")) // a longer form of the word
	expectFirst("핑계", "핑계 대지 마세요. 결과로 말하세요.")
	expectFirst("선수", "야구는 선수가 하는 겁니다.")                                        // a word with a particle attached
	expectFirst("이세영 대사", "야구는 선수가 하는 겁니다.")                                    // the speaker counts
	expectFirst("Lines about excuses", "Excuses don't win games; effort does.") // case and prefix, stopwords ignored
	expectFirst("excuse", "Excuses don't win games; effort does.")
	expectNone("zebra crossing")
	expectNone("검토")           // only in a pending quote
	expectNone("?!…")          // nothing to search for
	expectNone(`") OR 1=1 --`) // FTS syntax is quoted, not run

	// approval puts a quote in; withdrawing takes it out
	pending.Set("is_apply", true)
	if err := app.Save(pending); err != nil {
		t.Fatal(err)
	}
	expectFirst("검토", "다행스럽게도 아직 검토 중")
	pending.Set("is_apply", false)
	if err := app.Save(pending); err != nil {
		t.Fatal(err)
	}
	expectNone("검토")

	// an edit is searchable at once, and its old text is not
	first.Set("content", "드림즈는 다시 일어섭니다.")
	if err := app.Save(first); err != nil {
		t.Fatal(err)
	}
	expectFirst("드림즈", "드림즈는 다시 일어섭니다.")
	if got := find("위험"); len(got) != 0 {
		t.Fatalf("expected the old text gone from the index, got %v", got)
	}

	// a deleted quote is gone
	if err := app.Delete(first); err != nil {
		t.Fatal(err)
	}
	expectNone("드림즈")

	// the index kept by every write equals a rebuild
	before := indexRows(t, app)
	if err := search.Rebuild(app.DB()); err != nil {
		t.Fatal(err)
	}
	if after := indexRows(t, app); before != after {
		t.Fatalf("the index drifted from a rebuild:\n%s\n%s", before, after)
	}

	// a write through another connection, as the CLI's process makes it,
	// reaches the copy in memory
	other, err := dbx.Open("sqlite", filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otherWrite := func(sql string, approved bool) {
		t.Helper()
		err := other.Transactional(func(tx *dbx.Tx) error {
			if _, err := tx.NewQuery(sql).Execute(); err != nil {
				return err
			}
			return search.Sync(tx, "otherprocess123", "외부에서 들어온 명대사", "", approved)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	otherWrite(`INSERT INTO quotes (id, content, is_apply) VALUES ('otherprocess123', '외부에서 들어온 명대사', TRUE)`, true)
	expectFirst("명대사", "외부에서 들어온 명대사")
	otherWrite(`DELETE FROM quotes WHERE id = 'otherprocess123'`, false)
	expectNone("명대사")

	// a write that bypassed the hooks is repaired by a rebuild
	if _, err := app.DB().NewQuery("UPDATE quotes SET is_apply = TRUE WHERE id = {:id}").Bind(map[string]any{"id": pending.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := search.InStep(app.DB()); ok {
		t.Fatal("expected the index to be out of step after a raw write")
	}
	hookstest.StartServer(t, app) // OnServe rebuilds
	expectFirst("검토", "다행스럽게도 아직 검토 중")
}

func TestSearchTermsSplitKoreanIntoBigrams(t *testing.T) {
	t.Parallel()
	scenarios := []struct{ in, terms, query string }{
		{"다행이라고", "다행 행이 이라 라고", `"다행" OR "행이" OR "이라" OR "라고"`},
		{"KBO리그 2군!", "kbo 리그 2군", `"kbo"* OR "리그" OR "2군"`},
		{"공", "공", `"공"*`},
		{"The line about Excuses", "the line about excuses", `"excuses"*`},
		{"", "", ""},
	}
	for _, s := range scenarios {
		if got := search.Terms(s.in); got != s.terms {
			t.Fatalf("Terms(%q): expected %q, got %q", s.in, s.terms, got)
		}
		if got := search.Query(s.in); got != s.query {
			t.Fatalf("Query(%q): expected %q, got %q", s.in, s.query, got)
		}
	}
}

func TestQuoteSearchLeavesOutCommonPieces(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	// 400 quotes share the piece 대사; one has the rare word 드림즈
	rows := make([]quotes.QuoteRow, 0, 401)
	for i := 0; i < 400; i++ {
		rows = append(rows, quotes.QuoteRow{Content: fmt.Sprintf("평범한 대사 %d번", i)})
	}
	rows = append(rows, quotes.QuoteRow{Content: "드림즈의 대사는 이겁니다."})
	if _, err := quotes.Import(app, rows); err != nil {
		t.Fatal(err)
	}
	// 대사 is left out, so only the quote with 드림즈 is ranked at all
	hits, err := search.NewIndex(0).Find(app.DB(), "드림즈 대사", 3)
	if err != nil || len(hits) != 1 || hits[0].Content != "드림즈의 대사는 이겁니다." {
		t.Fatalf("expected only the rare piece's quote, got %v %v", hits, err)
	}
	// a question of common pieces only still finds something, even beside
	// pieces that are in no quote at all (찾아, 아줘)
	hits, err = search.NewIndex(0).Find(app.DB(), "대사 찾아줘", 3)
	if err != nil || len(hits) != 3 {
		t.Fatalf("expected three hits for a common piece beside unknown ones, got %d %v", len(hits), err)
	}
}

func indexRows(t testing.TB, app core.App) string {
	t.Helper()
	var rows []struct {
		ID      string `db:"quote_id"`
		Content string `db:"content"`
		Speaker string `db:"speaker"`
	}
	if err := app.DB().NewQuery("SELECT quote_id, content, speaker FROM " + search.Table + " ORDER BY rowid").All(&rows); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(rows)
}

func TestQuoteSearchTakesALongQuestion(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.AddQuote(t, app, "야구는 선수가 하는 겁니다.", "이세영", 5, true, "")
	// 2,000 characters of distinct syllables: over a thousand pieces to count
	var b strings.Builder
	for r := '가'; b.Len() < 6000; r++ {
		b.WriteRune(r)
	}
	b.WriteString(" 선수")
	hits, err := search.NewIndex(0).Find(app.DB(), b.String(), 3)
	if err != nil || len(hits) != 1 {
		t.Fatalf("expected the long question to find the quote, got %v %v", hits, err)
	}
}

// askOffline returns a function that asks the offline chat of app (whose
// answers list the matching quotes) one question as a new user.
func askOffline(t *testing.T, app *tests.TestApp, question string) func() string {
	user := hookstest.NewUser(t, app, "fresh@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	return func() string {
		t.Helper()
		res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"`+question+`"}`)
		if res.StatusCode != 201 {
			t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
		}
		return body
	}
}

// The server's copy of the index sees a quote approved in the server at
// once: with an hour between version reads, only the hook can tell it.
func TestServerSearchSeesQuotesApprovedInTheServerAtOnce(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t, func(c *config.Config) { c.DailyLimit = 100; c.QuoteIndexRecheck = time.Hour })
	defer app.Cleanup()
	ask := askOffline(t, app, "명대사 핑계")
	if body := ask(); strings.Contains(body, "핑계 대지 마세요") {
		t.Fatalf("expected no quote yet, got %s", body)
	}
	pending := hookstest.AddQuote(t, app, "핑계 대지 마세요.", "백승수", 1, false, "")
	if body := ask(); strings.Contains(body, "핑계 대지 마세요") {
		t.Fatalf("expected the pending quote not found, got %s", body)
	}
	pending.Set("is_apply", true)
	if err := app.Save(pending); err != nil {
		t.Fatal(err)
	}
	if body := ask(); !strings.Contains(body, "핑계 대지 마세요") {
		t.Fatalf("expected the quote approved in the server at once, got %s", body)
	}
}

// A quote written by another process (the CLI) is found within
// time.Second.
func TestServerSearchSeesQuotesFromAnotherProcess(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t, func(c *config.Config) { c.DailyLimit = 100 })
	defer app.Cleanup()
	ask := askOffline(t, app, "명대사 핑계")
	if body := ask(); strings.Contains(body, "명대사는 핑계를 모릅니다") {
		t.Fatalf("expected no quote yet, got %s", body)
	}
	other, err := dbx.Open("sqlite", filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = other.Transactional(func(tx *dbx.Tx) error {
		_, err := tx.NewQuery(`INSERT INTO quotes (id, content, is_apply) VALUES ('fromthecli00001', '명대사는 핑계를 모릅니다', TRUE)`).Execute()
		if err != nil {
			return err
		}
		return search.Sync(tx, "fromthecli00001", "명대사는 핑계를 모릅니다", "", true)
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second + 2*time.Second)
	for !strings.Contains(ask(), "명대사는 핑계를 모릅니다") {
		if time.Now().After(deadline) {
			t.Fatalf("expected another process's quote found within %v", time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
