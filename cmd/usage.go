package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"stovebot/config"
	"stovebot/hooks/quota"
)

// NewUsageCommand returns `usage [--date YYYY-MM-DD]`, a table of chat
// requests per user for one day in the configured time zone.
func NewUsageCommand(app core.App, cfg *config.Config) *cobra.Command {
	var day string
	command := &cobra.Command{
		Use:          "usage",
		Short:        "Prints the chat requests per user for a day (default today in the configured time zone)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cfg.Validate(); err != nil {
				return err
			}
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if day == "" {
				day = quota.Day(cfg.Now(), cfg.Location())
			}
			rows, total, err := quota.UsageOn(app, cfg, day)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s (%s)\n", day, cfg.Timezone)
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "USER\tEMAIL\tNICKNAME\tREQUESTS\tLIMIT")
			for _, r := range rows {
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\n", r.User, orDash(r.Email), orDash(r.Nickname), r.Requests, r.Limit)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(out, "%d requests by %d users\n", total, len(rows))
			return nil
		},
	}
	command.Flags().StringVar(&day, "date", "", "the day, YYYY-MM-DD (default today)")
	return command
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
