// Package cmd holds stovebot's admin commands: quotes (import, export,
// approve), users (moderator), usage and doctor. Each works on the data
// directory, with or without a running server.
package cmd

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"stovebot/hooks/quotes"
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
			rows, err := quotes.ParseQuotes(data)
			if err != nil {
				return fmt.Errorf("%s: nothing imported:\n%w", args[0], err)
			}
			added, err := quotes.Import(app, rows)
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
			rows, err := quotes.Export(app)
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
			if err := quotes.Approve(app, args); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "approved %d quotes\n", len(args))
			return nil
		},
	})
	return command
}
