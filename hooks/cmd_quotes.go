package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"stovebot/migrations"
)

// NewQuotesCommand returns `quotes`, with `import`, `export` and `approve`.
func NewQuotesCommand(app core.App) *cobra.Command {
	command := &cobra.Command{
		Use:   "quotes",
		Short: "Imports, exports and approves quotes",
	}
	command.AddCommand(&cobra.Command{
		Use:          "import FILE",
		Short:        "Adds the quotes of a JSON array or CSV file (header content,speaker,episode) as approved",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			rows, err := ParseQuotes(data)
			if err != nil {
				return fmt.Errorf("%s: nothing imported:\n%w", args[0], err)
			}
			added, err := ImportQuotes(app, rows)
			if err != nil {
				return fmt.Errorf("%s: nothing imported: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d quotes, %d were already there\n", added, len(rows)-added)
			return nil
		},
	})
	command.AddCommand(&cobra.Command{
		Use:          "export",
		Short:        "Prints the approved quotes as a JSON array that import takes back",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			rows, err := ExportQuotes(app)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(rows)
		},
	})
	command.AddCommand(&cobra.Command{
		Use:          "approve ID...",
		Short:        "Approves pending quotes; an unknown id approves nothing and exits non-zero",
		Args:         cobra.MinimumNArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if err := ApproveQuotes(app, args); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "approved %d quotes\n", len(args))
			return nil
		},
	})
	return command
}

// ImportQuotes saves rows as approved quotes in one transaction and returns
// how many were added or approved. A row equal to an approved quote
// (content, speaker and episode) is skipped, so importing an export twice
// adds nothing; a row equal to a pending quote approves that quote, which
// keeps its author.
func ImportQuotes(app core.App, rows []QuoteRow) (int, error) {
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

// ExportQuotes returns the approved quotes, oldest first.
func ExportQuotes(app core.App) ([]QuoteRow, error) {
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

// ErrUnknownQuote is returned by ApproveQuotes for an id that names no quote.
var ErrUnknownQuote = errors.New("unknown quote id")

// ApproveQuotes approves every quote of ids, or none when one is unknown.
func ApproveQuotes(app core.App, ids []string) error {
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
