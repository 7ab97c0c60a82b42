package quotes_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/quotes"
	"stovebot/migrations"
)

func TestImportQuotes(t *testing.T) {
	t.Parallel()

	t.Run("rows become approved quotes of no user", func(t *testing.T) {
		t.Parallel()
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		added, err := quotes.Import(app, []quotes.QuoteRow{
			{Content: "우리는 어차피 지는 팀이 아닙니다", Speaker: "백승수", Episode: 1, Line: 2},
			{Content: "') OR 1=1 --", Line: 3},
		})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if added != 2 {
			t.Fatalf("expected 2 added, got %d", added)
		}
		q, err := app.FindFirstRecordByData(migrations.QuotesCollection, "content", "우리는 어차피 지는 팀이 아닙니다")
		if err != nil {
			t.Fatal(err)
		}
		if !q.GetBool("is_apply") || q.GetDateTime("applied_at").IsZero() || q.GetString("user") != "" ||
			q.GetString("speaker") != "백승수" || q.GetInt("episode") != 1 {
			t.Fatalf("expected an approved, stamped quote of no user, got %v", q.PublicExport())
		}
		if _, err := app.FindFirstRecordByData(migrations.QuotesCollection, "content", "') OR 1=1 --"); err != nil {
			t.Fatalf("expected SQL-looking text stored verbatim: %v", err)
		}
	})

	t.Run("duplicates are skipped, in the database and in the file", func(t *testing.T) {
		t.Parallel()
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		rows := []quotes.QuoteRow{{Content: "a", Speaker: "x", Episode: 1}, {Content: "b"}, {Content: "a", Speaker: "x", Episode: 1}}
		if added, err := quotes.Import(app, rows); err != nil || added != 2 {
			t.Fatalf("expected 2 added, got %d (%v)", added, err)
		}
		// same content, other speaker or episode: a different quote
		rows = append(rows, quotes.QuoteRow{Content: "a", Speaker: "y", Episode: 1}, quotes.QuoteRow{Content: "a", Speaker: "x", Episode: 2})
		if added, err := quotes.Import(app, rows); err != nil || added != 2 {
			t.Fatalf("expected 2 added on the second import, got %d (%v)", added, err)
		}
		if all, _ := hookstest.QuoteCount(t, app); all != 4 {
			t.Fatalf("expected 4 quotes, got %d", all)
		}
	})

	t.Run("a row equal to a pending suggestion approves it, keeping its author", func(t *testing.T) {
		t.Parallel()
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		hookstest.SeedAccess(t, app)
		added, err := quotes.Import(app, []quotes.QuoteRow{{Content: hookstest.OwnerPending}, {Content: hookstest.OtherPending}})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		// the other user's pending quote has a speaker, so the row is another quote
		if added != 2 {
			t.Fatalf("expected 2 added, got %d", added)
		}
		hookstest.DBStampedNow(hookstest.OwnerPendingID)(t, app, nil)
		hookstest.DBField(migrations.QuotesCollection, hookstest.OwnerPendingID, "user", hookstest.OwnerID)(t, app, nil)
		hookstest.DBPending(hookstest.OtherPendingID)(t, app, nil)
		if all, approved := hookstest.QuoteCount(t, app); all != 5 || approved != 4 {
			t.Fatalf("expected 5 quotes with 4 approved, got %d with %d", all, approved)
		}
	})

	t.Run("a row the database refuses writes nothing and names its line", func(t *testing.T) {
		t.Parallel()
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		scenarios := []quotes.QuoteRow{
			{Content: strings.Repeat("가", 501), Line: 4},
			{Content: "a", Episode: 1001, Line: 4},
			{Content: "a", Speaker: strings.Repeat("s", 51), Line: 4},
		}
		for _, bad := range scenarios {
			rows := []quotes.QuoteRow{{Content: "first", Line: 2}, {Content: "second", Line: 3}, bad}
			added, err := quotes.Import(app, rows)
			if err == nil || !strings.Contains(err.Error(), "line 4") {
				t.Fatalf("expected an error naming line 4, got %v", err)
			}
			if added != 0 {
				t.Fatalf("expected 0 added, got %d", added)
			}
			if all, _ := hookstest.QuoteCount(t, app); all != 0 {
				t.Fatalf("expected nothing written, got %d quotes", all)
			}
		}
	})
}

func TestApproveQuotes(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.SeedAccess(t, app)

	err := quotes.Approve(app, []string{hookstest.OwnerPendingID, "nosuchquote0001", hookstest.OtherPendingID})
	if !errors.Is(err, quotes.ErrUnknownQuote) {
		t.Fatalf("expected quotes.ErrUnknownQuote, got %v", err)
	}
	if !strings.Contains(err.Error(), "nosuchquote0001") {
		t.Fatalf("expected the unknown id in the error, got %q", err)
	}
	for _, id := range []string{hookstest.OwnerPendingID, hookstest.OtherPendingID} {
		if q, _ := app.FindRecordById(migrations.QuotesCollection, id); q.GetBool("is_apply") || !q.GetDateTime("applied_at").IsZero() {
			t.Fatalf("expected %s still pending after a failed approve", id)
		}
	}

	if err := quotes.Approve(app, []string{hookstest.OwnerPendingID}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if !recordBool(t, app, hookstest.OwnerPendingID) || recordBool(t, app, hookstest.OtherPendingID) {
		t.Fatal("expected only the owner's pending quote approved")
	}
}

func recordBool(t testing.TB, app core.App, quoteID string) bool {
	t.Helper()
	return hookstest.RecordField(t, app, migrations.QuotesCollection, quoteID, "is_apply") == "true"
}
