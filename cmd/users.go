package cmd

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"stovebot/hooks/accounts"
)

// NewUsersCommand returns `users`, with `moderator EMAIL [--off]`.
func NewUsersCommand(app core.App) *cobra.Command {
	command := &cobra.Command{
		Use:   "users",
		Short: "Manages users' roles",
	}
	var off bool
	moderator := &cobra.Command{
		Use:          "moderator EMAIL",
		Short:        "Makes the user of EMAIL a moderator, who approves and rejects quotes (--off: no longer)",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			user, err := accounts.SetModerator(app, args[0], !off)
			if err != nil {
				return err
			}
			state := "is now a moderator"
			if off {
				state = "is no longer a moderator"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", user.Email(), state)
			return nil
		},
	}
	moderator.Flags().BoolVar(&off, "off", false, "clear the flag instead of setting it")
	command.AddCommand(moderator)
	return command
}
