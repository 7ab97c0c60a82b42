package legacy

import (
	"errors"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/hooks/accounts"
	"stovebot/migrations"
)

// joined is the answer to a sign-up.
type joined struct {
	ID        string  `json:"id"`
	Email     *string `json:"email"`
	Nickname  *string `json:"nickname"`
	CreatedAt *string `json:"created_at"`
}

// profile is GET /accounts/profile: every field, nulls included.
type profile struct {
	ID        string  `json:"id"`
	Email     *string `json:"email"`
	Nickname  *string `json:"nickname"`
	CreatedAt *string `json:"created_at"`
	LastLogin *string `json:"last_login"`
	IPAddress *string `json:"ip_address"`
	// Token replaces the caller's token after a password change, which
	// ends every earlier token.
	Token string `json:"token,omitempty"`
}

func newProfile(u *core.Record) profile {
	return profile{
		ID:        u.Id,
		Email:     nullable(u.Email()),
		Nickname:  nullable(u.GetString("nickname")),
		CreatedAt: formatTime(u.GetDateTime("created")),
		LastLogin: formatTime(u.GetDateTime("last_login")),
		IPAddress: nullable(u.GetString("ip_address")),
	}
}

// signInUser is the user object of a login response.
type signInUser struct {
	ID        string  `json:"id"`
	Email     *string `json:"email"`
	Nickname  *string `json:"nickname"`
	CreatedAt *string `json:"created_at"`
	LastLogin *string `json:"last_login"`
}

// join creates a password account: POST /accounts/join.
func join(e *core.RequestEvent) error {
	users, err := e.App.FindCachedCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	if !users.PasswordAuth.Enabled {
		return e.ForbiddenError("Sign-up is disabled on this site.", nil)
	}
	body, err := readBody(e)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(body.str("email"))
	password := body.str("password")
	nickname := strings.TrimSpace(body.str("nickname"))
	body.require("email", email)
	body.require("password", password)
	if err := body.err(e); err != nil {
		return err
	}

	user := core.NewRecord(users)
	user.SetEmail(email)
	user.SetPassword(password)
	user.Set("nickname", nickname)
	err = createChecked(e, user, map[string]any{"email": email, "password": password, "nickname": nickname})
	if errors.Is(err, errRuleRefused) {
		return e.ForbiddenError("Sign-up is disabled on this site.", nil)
	}
	if err != nil {
		return saveError(e, err, "account")
	}
	return e.JSON(http.StatusCreated, joined{
		ID:        user.Id,
		Email:     nullable(user.Email()),
		Nickname:  nullable(user.GetString("nickname")),
		CreatedAt: formatTime(user.GetDateTime("created")),
	})
}

// login signs in with email and password: POST /accounts/login. It
// records last_login and ip_address as a native sign-in does.
func login(e *core.RequestEvent) error {
	users, err := e.App.FindCachedCollectionByNameOrId(migrations.UsersCollection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	if !users.PasswordAuth.Enabled {
		return e.ForbiddenError("Password sign-in is disabled on this site.", nil)
	}
	if users.MFA.Enabled {
		return e.ForbiddenError("This site requires multi-factor sign-in; sign in through the web app.", nil)
	}
	body, err := readBody(e)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(body.str("email"))
	password := body.str("password")
	body.require("email", email)
	body.require("password", password)
	if err := body.err(e); err != nil {
		return err
	}

	user, err := e.App.FindAuthRecordByEmail(users, email)
	if err != nil || !user.ValidatePassword(password) {
		return e.BadRequestError("Wrong email or password.", nil)
	}
	info, err := requestInfo(e)
	if err != nil {
		return err
	}
	if ok, _ := e.App.CanAccessRecord(user, info, users.AuthRule); !ok {
		return e.ForbiddenError("The account does not meet this site's requirements to sign in.", nil)
	}

	now, ip := types.NowDateTime(), e.RealIP()
	if err := accounts.MarkSignIn(e.App, user, now, ip); err != nil {
		return e.InternalServerError("Failed to sign in.", err)
	}
	user.Set("last_login", now)
	token, err := user.NewAuthToken()
	if err != nil {
		return e.InternalServerError("Failed to sign in.", err)
	}
	return e.JSON(http.StatusOK, map[string]any{
		"token": token,
		"user": signInUser{
			ID:        user.Id,
			Email:     nullable(user.Email()),
			Nickname:  nullable(user.GetString("nickname")),
			CreatedAt: formatTime(user.GetDateTime("created")),
			LastLogin: formatTime(now),
		},
	})
}

// logout ends every token of the caller: GET or POST /accounts/logout.
func logout(e *core.RequestEvent) error {
	return accounts.LogoutAll(e)
}

// viewProfile is GET /accounts/profile.
func viewProfile(e *core.RequestEvent) error {
	return e.JSON(http.StatusOK, newProfile(e.Auth))
}

// updateProfile changes the nickname and, given the right
// old_password, the password: PUT /accounts/profile. It goes through the
// users collection's update rule.
func updateProfile(e *core.RequestEvent) error {
	body, err := readBody(e)
	if err != nil {
		return err
	}
	user, err := e.App.FindRecordById(e.Auth.Collection(), e.Auth.Id)
	if err != nil {
		return e.NotFoundError("", err)
	}
	// sent back as GET /accounts/profile showed them, they change nothing
	body.refuseChanged("Only an administrator can set this field.", newProfile(user), accounts.AdminFields[migrations.UsersCollection]...)

	applied := map[string]any{}
	if body.has("nickname") {
		nickname := strings.TrimSpace(body.str("nickname"))
		user.Set("nickname", nickname)
		applied["nickname"] = nickname
	}
	password := body.str("password")
	oldPassword := body.str("old_password")
	if password != "" {
		if _, bad := body.errs["old_password"]; !bad && !user.ValidatePassword(oldPassword) {
			body.errs["old_password"] = validation.NewError("validation_invalid_old_password",
				"Give your current password to set a new one.")
		}
		user.SetPassword(password)
		applied["password"] = password
	}
	if err := body.err(e); err != nil {
		return err
	}

	info, err := requestInfo(e)
	if err != nil {
		return err
	}
	checked := *info
	checked.Body = applied
	if ok, _ := e.App.CanAccessRecord(user, &checked, user.Collection().UpdateRule); !ok {
		return e.ForbiddenError("You are not allowed to change this account.", nil)
	}
	if err := e.App.Save(user); err != nil {
		return saveError(e, err, "profile")
	}

	profile := newProfile(user)
	if password != "" {
		// the saved password change gave the account a new token key
		if profile.Token, err = user.NewAuthToken(); err != nil {
			return e.InternalServerError("Failed to issue a new token.", err)
		}
	}
	return e.JSON(http.StatusOK, profile)
}

// deleteProfile deletes the caller's account: DELETE /accounts/profile.
// app.Delete runs the user hooks, so the account's data goes as SPEC
// section 2 says.
func deleteProfile(e *core.RequestEvent) error {
	user, err := e.App.FindRecordById(e.Auth.Collection(), e.Auth.Id)
	if err != nil {
		return e.NotFoundError("", err)
	}
	info, err := requestInfo(e)
	if err != nil {
		return err
	}
	if ok, _ := e.App.CanAccessRecord(user, info, user.Collection().DeleteRule); !ok {
		return e.ForbiddenError("You are not allowed to delete this account.", nil)
	}
	if err := e.App.Delete(user); err != nil {
		return e.InternalServerError("Failed to delete the account.", err)
	}
	return e.NoContent(http.StatusNoContent)
}
