package accounts

import (
	"errors"
	"io"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/hooks/guard"
)

// LogoutAll ends every token issued to the signed-in record before this
// request by giving it a new token key, which all earlier tokens were
// signed with: POST /api/logout-all, and the legacy logout.
func LogoutAll(e *core.RequestEvent) error {
	// The body means nothing here, but one over the limit is refused as on
	// every route (guard.LimitBody refuses it when it is read).
	if _, err := io.Copy(io.Discard, e.Request.Body); err != nil {
		if apiErr := (*router.ApiError)(nil); errors.As(err, &apiErr) {
			return apiErr
		}
		return e.BadRequestError("The request body could not be read.", err)
	}
	if err := revokeTokens(e.App, e.Auth); err != nil {
		return e.InternalServerError("Failed to sign out everywhere.", err)
	}
	return e.NoContent(http.StatusNoContent)
}

// revokeTokens refreshes the token key of a freshly loaded copy of record,
// so that only the key changes.
func revokeTokens(app core.App, record *core.Record) error {
	fresh, err := app.FindRecordById(record.Collection(), record.Id)
	if err != nil {
		return err
	}
	fresh.RefreshTokenKey()
	return app.Save(fresh)
}

// refuseInvalidTokens answers 401 to a request for records (a list or one
// record, any method) that carries an Authorization header PocketBase could
// not accept: expired, revoked by a sign-out, or forged. PocketBase would
// serve it as a guest's: an empty history, or only public quotes, with no
// sign that the session ended (SPEC 11). Its auth routes are left alone
// (a client may send a stale token along with a new sign-in), and so is a
// request without the header.
func refuseInvalidTokens(e *core.RequestEvent) error {
	_, _, records := guard.RecordsRoute(e.Request)
	if !records || e.Auth != nil || e.Request.Header.Get("Authorization") == "" {
		return e.Next()
	}
	return e.UnauthorizedError("The sign-in token is invalid or has expired; sign in again.", nil)
}
