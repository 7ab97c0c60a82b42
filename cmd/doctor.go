package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"stovebot/config"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// NewDoctorCommand returns `doctor`: it checks the configuration, the data
// directory and the upstream, prints one line per check, and exits non-zero
// when something is wrong. (An invalid setting already stops the binary
// before any command runs, naming the setting.)
func NewDoctorCommand(app core.App, cfg *config.Config) *cobra.Command {
	return &cobra.Command{
		Use:          "doctor",
		Short:        "Checks the configuration, the data directory and the upstream",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n := Doctor(cmd.Context(), app, cfg, cmd.OutOrStdout()); n > 0 {
				return fmt.Errorf("%d problem(s) found", n)
			}
			return nil
		},
	}
}

// Doctor runs the checks, writes one line each to w, and returns the number
// of problems.
func Doctor(ctx context.Context, app core.App, cfg *config.Config, w io.Writer) int {
	if ctx == nil {
		ctx = context.Background()
	}
	problems := 0
	report := func(name string, err error, okText string) {
		if err != nil {
			problems++
			fmt.Fprintf(w, "FAIL %-14s %v\n", name, err)
			return
		}
		fmt.Fprintf(w, "ok   %-14s %s\n", name, okText)
	}

	err := cfg.Validate()
	report("configuration", err, fmt.Sprintf("%d requests per user per day, days in %s, messages up to %d characters",
		cfg.DailyLimit, cfg.Timezone, cfg.MaxChars))

	report("data directory", checkDataDir(app), app.DataDir())
	err = app.RunAllMigrations()
	if err != nil {
		err = fmt.Errorf("applying migrations: %w", err)
	}
	report("database", err, "migrations applied")
	report("emails", checkEmailCase(app), "matched without regard to case")

	if !cfg.UpstreamEnabled() {
		var n int
		err := app.DB().NewQuery("SELECT count(*) FROM quotes WHERE is_apply = TRUE").Row(&n)
		report("upstream", err, fmt.Sprintf("none configured: answering offline from %d approved quotes", n))
		return problems
	}
	client := upstream.New(upstream.Config{BaseURL: cfg.UpstreamBaseURL(), APIKey: cfg.OpenAIKey,
		Model: cfg.Model, Timeout: min(cfg.UpstreamTimeout, 20*time.Second), HTTPClient: cfg.HTTPClient})
	models, err := client.Models(ctx)
	switch {
	case err != nil:
		report("models", explainUpstream(cfg, err), "")
	case !slices.Contains(models, cfg.Model):
		report("models", fmt.Errorf("%s does not serve the model %q (it serves %d others); set OPENAI_MODEL", cfg.UpstreamBaseURL(), cfg.Model, len(models)), "")
	default:
		report("models", nil, fmt.Sprintf("%s serves %s", cfg.UpstreamBaseURL(), cfg.Model))
	}
	res, err := client.Complete(ctx, upstream.Request{
		Messages:  []upstream.Message{{Role: "user", Content: "Reply with the word OK."}},
		MaxTokens: 5,
	})
	report("completion", explainUpstream(cfg, err), fmt.Sprintf("%s answered (%d tokens)", res.Model, res.PromptTokens+res.CompletionTokens))
	return problems
}

// checkDataDir checks that the data directory can be written.
func checkDataDir(app core.App) error {
	f, err := os.CreateTemp(app.DataDir(), ".doctor-*")
	if err != nil {
		return fmt.Errorf("%s is not writable: %w", app.DataDir(), err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(filepath.Clean(name))
}

// checkEmailCase reports an email index left case-sensitive (see
// migrations.SetEmailCollation), naming the accounts that keep it so.
func checkEmailCase(app core.App) error {
	collate, err := migrations.EmailIndexCollation(app)
	if err != nil || collate == migrations.EmailCollation {
		return err
	}
	const fix = "add COLLATE NOCASE to the email index of users in the dashboard"
	clashes, err := migrations.EmailsDifferingInCase(app)
	if err != nil {
		return err
	}
	if len(clashes) > 0 {
		return fmt.Errorf("matched with their case, because accounts differ only in it (%s); resolve them, then %s",
			strings.Join(clashes, ", "), fix)
	}
	return fmt.Errorf("matched with their case; %s", fix)
}

// explainUpstream turns an upstream error into advice, without its body.
func explainUpstream(cfg *config.Config, err error) error {
	if err == nil {
		return nil
	}
	var status *upstream.StatusError
	switch {
	case errors.Is(err, upstream.ErrTimeout):
		return fmt.Errorf("%s did not answer in time", cfg.UpstreamBaseURL())
	case errors.As(err, &status) && (status.Code == 401 || status.Code == 403):
		return fmt.Errorf("%s refused the key (HTTP %d); check OPENAI_API_KEY", cfg.UpstreamBaseURL(), status.Code)
	case errors.As(err, &status) && status.Code == 404:
		return fmt.Errorf("%s answered 404; check OPENAI_BASE_URL (it usually ends in /v1) and OPENAI_MODEL", cfg.UpstreamBaseURL())
	case errors.As(err, &status):
		return fmt.Errorf("%s answered HTTP %d", cfg.UpstreamBaseURL(), status.Code)
	}
	return fmt.Errorf("%s cannot be reached or answered garbage (%v)", cfg.UpstreamBaseURL(), err)
}
