package hookstest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// QuoteCount is the number of quotes, and of approved quotes.
func QuoteCount(t testing.TB, app core.App) (all, approved int) {
	t.Helper()
	records, err := app.FindAllRecords(migrations.QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if r.GetBool("is_apply") {
			approved++
		}
	}
	return len(records), approved
}
