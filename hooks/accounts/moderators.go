package accounts

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// ErrUnknownEmail is returned by SetModerator for an email of no account.
var ErrUnknownEmail = errors.New("no account has this email")

// SetModerator sets (on) or clears the moderator flag of the account of
// email (matched without case, as at sign-in) and returns the account.
func SetModerator(app core.App, email string, on bool) (*core.Record, error) {
	user, err := app.FindAuthRecordByEmail(migrations.UsersCollection, email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrUnknownEmail, email)
	}
	if err != nil {
		return nil, fmt.Errorf("finding %s: %w", email, err)
	}
	if user.GetBool("moderator") == on {
		return user, nil
	}
	user.Set("moderator", on)
	if err := app.Save(user); err != nil {
		return nil, fmt.Errorf("saving %s: %w", email, err)
	}
	return user, nil
}
