package accounts

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"

	"stovebot/hooks/store"
	"stovebot/migrations"
)

// nicknameMax is the users.nickname field's limit.
const nicknameMax = 40

// signInMethods are the authentications that count as a sign-in for
// last_login and ip_address; a token refresh (empty method) does not.
var signInMethods = map[string]bool{
	core.MFAMethodPassword: true,
	core.MFAMethodOAuth2:   true,
	core.MFAMethodOTP:      true,
}

// refuseLongPassword refuses, on every save, a password too long for
// bcrypt; refuseAdminFields checks API requests before PocketBase's rule
// check, which fails first on such a password.
func refuseLongPassword(e *core.RecordEvent) error {
	if errs := longPassword(e.Record); errs != nil {
		return errs
	}
	return e.Next()
}

// longPassword names the limit of a password too long for bcrypt (72
// bytes), or is nil. PocketBase counts characters (at most 71), but
// hashing fails first on more than 72 bytes, and it then answered
// "Invalid value." (or, through its API, "Failed to create record." with
// no field): a password of 25 Korean letters (75 bytes) got that.
func longPassword(r *core.Record) validation.Errors {
	if fp, ok := r.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue); ok && errors.Is(fp.LastError, bcrypt.ErrPasswordTooLong) {
		return validation.Errors{core.FieldNamePassword: errLongPassword}
	}
	return nil
}

// maxPasswordBytes is bcrypt's limit.
const maxPasswordBytes = 72

var errLongPassword = validation.NewError("validation_max_text_constraint",
	"A password can be at most 72 bytes long: 71 letters or digits, or 24 Korean letters.")

// requireEmailForSignUp keeps the email required for password sign-up; the
// field itself is optional because an OAuth2 provider may share none.
func requireEmailForSignUp(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	if info.Context != core.RequestInfoContextOAuth2 && !info.HasSuperuserAuth() && e.Record.Email() == "" {
		return e.BadRequestError("An email address is required to sign up.", validation.Errors{
			"email": validation.NewError("validation_required", "Cannot be blank."),
		})
	}
	return e.Next()
}

// defaultNickname trims the nickname and gives the user the local part of
// their email when it is empty, at sign-up and when they clear it later.
func defaultNickname(e *core.RecordEvent) error {
	nickname := strings.TrimSpace(e.Record.GetString("nickname"))
	if nickname == "" {
		local, _, _ := strings.Cut(e.Record.Email(), "@")
		nickname = truncateRunes(local, nicknameMax)
	}
	e.Record.Set("nickname", nickname)
	return e.Next()
}

// recordSignIn stores last_login and ip_address after a successful sign-in.
func recordSignIn(e *core.RecordAuthRequestEvent) error {
	if !signInMethods[e.AuthMethod] {
		return e.Next()
	}
	now := types.NowDateTime()
	ip := e.RealIP()
	// the response shows the new values
	e.Record.Set("last_login", now)
	e.Record.Set("ip_address", ip)
	if err := e.Next(); err != nil {
		return err // includes an MFA step that is still open: not a sign-in yet
	}

	if err := MarkSignIn(e.App, e.Record, now, ip); err != nil {
		e.App.Logger().Warn("sign-in: saving last_login", "user", e.Record.Id, "error", err)
	}
	return nil
}

// MarkSignIn stores last_login and ip_address of a sign-in on user. It
// saves a fresh copy: user may carry state (an OAuth2 link onto an
// unverified account) whose second save would rotate the token key.
func MarkSignIn(app core.App, user *core.Record, now types.DateTime, ip string) error {
	fresh, err := app.FindRecordById(user.Collection(), user.Id)
	if err != nil {
		return fmt.Errorf("reloading the user: %w", err)
	}
	fresh.Set("last_login", now)
	fresh.Set("ip_address", ip)
	if err := app.Save(fresh); err != nil {
		return fmt.Errorf("saving the user: %w", err)
	}
	return nil
}

// releaseUserData deletes a user's pending quotes and usage counters in the
// same transaction as the user. Their chats go by cascade; their approved
// quotes stay, with user cleared by PocketBase because the relation is
// optional.
func releaseUserData(e *core.RecordEvent) error {
	return store.InTransaction(e, func(txApp core.App) error {
		pending, err := txApp.FindAllRecords(migrations.QuotesCollection, dbx.HashExp{"user": e.Record.Id, "is_apply": false})
		if err != nil {
			return err
		}
		for _, q := range pending {
			if err := txApp.Delete(q); err != nil {
				return err
			}
		}
		_, err = txApp.DB().Delete(migrations.UsageTable, dbx.HashExp{"user": e.Record.Id}).Execute()
		return err
	}, nil)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
