package cmd

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"stovebot/config"
	"stovebot/hooks/quota"
)

// NewUsageCommand returns `usage [--date YYYY-MM-DD | --from YYYY-MM-DD
// --to YYYY-MM-DD] [--csv]`: the chat requests per user for a day or a
// range of days in the configured time zone, as a table or as CSV.
func NewUsageCommand(app core.App, cfg *config.Config) *cobra.Command {
	var date, from, to string
	var asCSV bool
	command := &cobra.Command{
		Use:          "usage",
		Short:        "Prints the chat requests per user for a day or a range of days (default today in the configured time zone)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cfg.Validate(); err != nil {
				return err
			}
			first, last, err := usageRange(cmd, cfg, date, from, to)
			if err != nil {
				return err
			}
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			rows, err := quota.UsageBetween(app, cfg, first, last)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case asCSV:
				return writeUsageCSV(out, rows)
			case first == last:
				return writeUsageDay(out, cfg, first, rows)
			default:
				return writeUsageRange(out, cfg, first, last, rows)
			}
		},
	}
	command.Flags().StringVar(&date, "date", "", "the day, YYYY-MM-DD (default today)")
	command.Flags().StringVar(&from, "from", "", "the first day, YYYY-MM-DD (default --to)")
	command.Flags().StringVar(&to, "to", "", "the last day, YYYY-MM-DD (default today)")
	command.Flags().BoolVar(&asCSV, "csv", false, "print CSV with the header day,user,email,requests")
	return command
}

// usageRange checks the flags and returns the first and the last day
// they ask for: --date alone, --from and --to (each defaulting to the
// other, --to to today), or today.
func usageRange(cmd *cobra.Command, cfg *config.Config, date, from, to string) (string, string, error) {
	flags := cmd.Flags()
	if flags.Changed("date") && (flags.Changed("from") || flags.Changed("to")) {
		return "", "", errors.New("--date cannot be used with --from or --to")
	}
	today := quota.Day(cfg.Now(), cfg.Location())
	for _, f := range []struct {
		name  string
		value *string
	}{{"date", &date}, {"from", &from}, {"to", &to}} {
		if !flags.Changed(f.name) {
			continue
		}
		if _, err := time.ParseInLocation(quota.DayLayout, *f.value, cfg.Location()); err != nil {
			return "", "", fmt.Errorf("--%s: date %q is not YYYY-MM-DD", f.name, *f.value)
		}
	}
	switch {
	case flags.Changed("date"):
		return date, date, nil
	case !flags.Changed("from") && !flags.Changed("to"):
		return today, today, nil
	case !flags.Changed("to"):
		to = today
	case !flags.Changed("from"):
		from = to
	}
	if from > to {
		return "", "", fmt.Errorf("--from %s is after --to %s", from, to)
	}
	return from, to, nil
}

// writeUsageDay prints one day's table, most requests first, and the sum.
func writeUsageDay(out io.Writer, cfg *config.Config, day string, rows []quota.UsageRow) error {
	fmt.Fprintf(out, "%s (%s)\n", day, cfg.Timezone)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USER\tEMAIL\tNICKNAME\tREQUESTS\tLIMIT")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\n", r.User, orDash(r.Email), orDash(r.Nickname), r.Requests, r.Limit)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	total, users := usageTotals(rows)
	fmt.Fprintf(out, "%d requests by %d users\n", total, users)
	return nil
}

// writeUsageRange prints the rows of several days, oldest day first, and
// the sum.
func writeUsageRange(out io.Writer, cfg *config.Config, from, to string, rows []quota.UsageRow) error {
	fmt.Fprintf(out, "%s to %s (%s)\n", from, to, cfg.Timezone)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "DAY\tUSER\tEMAIL\tNICKNAME\tREQUESTS\tLIMIT")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\n", r.Day, r.User, orDash(r.Email), orDash(r.Nickname), r.Requests, r.Limit)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	total, users := usageTotals(rows)
	fmt.Fprintf(out, "%d requests by %d users\n", total, users)
	return nil
}

// writeUsageCSV prints the rows as the usage_daily view's columns; a
// deleted user's email is empty.
func writeUsageCSV(out io.Writer, rows []quota.UsageRow) error {
	w := csv.NewWriter(out)
	if err := w.Write([]string{"day", "user", "email", "requests"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := w.Write([]string{r.Day, r.User, r.Email, strconv.Itoa(r.Requests)}); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// usageTotals returns the sum of the rows' requests and how many users
// they belong to.
func usageTotals(rows []quota.UsageRow) (total, users int) {
	seen := map[string]bool{}
	for _, r := range rows {
		total += r.Requests
		seen[r.User] = true
	}
	return total, len(seen)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
