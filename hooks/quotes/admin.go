package quotes

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// Import saves rows as approved quotes in one transaction and returns
// how many were added or approved. A row equal to an approved quote
// (content, speaker and episode) is skipped, so importing an export twice
// adds nothing; a row equal to a pending quote approves that quote, which
// keeps its author.
func Import(app core.App, rows []QuoteRow) (int, error) {
	added := 0
	err := app.RunInTransaction(func(txApp core.App) error {
		collection, err := txApp.FindCollectionByNameOrId(migrations.QuotesCollection)
		if err != nil {
			return err
		}
		for _, row := range rows {
			same, err := txApp.FindAllRecords(collection, dbx.HashExp{
				"content": row.Content, "speaker": row.Speaker, "episode": row.Episode,
			})
			if err != nil {
				return err
			}
			if slices.ContainsFunc(same, func(r *core.Record) bool { return r.GetBool("is_apply") }) {
				continue
			}
			record := core.NewRecord(collection)
			if len(same) > 0 {
				record = same[0] // a user's pending suggestion of the same line
			}
			record.Set("content", row.Content)
			record.Set("speaker", row.Speaker)
			record.Set("episode", row.Episode)
			record.Set("is_apply", true)
			if err := txApp.Save(record); err != nil {
				return fmt.Errorf("line %d: %w", row.Line, err)
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Export returns the approved quotes, oldest first.
func Export(app core.App) ([]QuoteRow, error) {
	records, err := app.FindRecordsByFilter(migrations.QuotesCollection, "is_apply = true", "created,id", 0, 0)
	if err != nil {
		return nil, err
	}
	rows := make([]QuoteRow, 0, len(records))
	for _, r := range records {
		rows = append(rows, QuoteRow{Content: r.GetString("content"), Speaker: r.GetString("speaker"), Episode: r.GetInt("episode")})
	}
	return rows, nil
}

// ErrUnknownQuote is returned by Approve for an id that names no quote.
var ErrUnknownQuote = errors.New("unknown quote id")

// Approve approves every quote of ids, or none when one is unknown.
func Approve(app core.App, ids []string) error {
	return app.RunInTransaction(func(txApp core.App) error {
		var unknown []string
		for _, id := range ids {
			record, err := txApp.FindRecordById(migrations.QuotesCollection, id)
			if err != nil {
				unknown = append(unknown, id)
				continue
			}
			record.Set("is_apply", true)
			if err := txApp.Save(record); err != nil {
				return fmt.Errorf("approving %s: %w", id, err)
			}
		}
		if len(unknown) > 0 {
			return fmt.Errorf("%w: %s (nothing approved)", ErrUnknownQuote, strings.Join(unknown, ", "))
		}
		return nil
	})
}
