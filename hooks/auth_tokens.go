package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// legacyAuthHeaderPriority runs legacyAuthHeader just before PocketBase's
// loadAuthToken middleware, which reads only the Authorization header.
const legacyAuthHeaderPriority = apis.DefaultLoadAuthTokenMiddlewarePriority - 1

// legacyAuthHeader accepts the seed API's own token spelling,
// `Authentication: bearer TOKEN`, by copying it into Authorization before
// PocketBase loads the auth record. `Authorization: Bearer TOKEN` and a raw
// `Authorization: TOKEN` work natively; when Authorization is present it
// wins and Authentication is ignored.
func legacyAuthHeader() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "stovebotLegacyAuthHeader",
		Priority: legacyAuthHeaderPriority,
		Func: func(e *core.RequestEvent) error {
			if e.Request.Header.Get("Authorization") == "" {
				if v := e.Request.Header.Get("Authentication"); v != "" {
					// PocketBase strips a "Bearer " prefix in any letter case
					e.Request.Header.Set("Authorization", v)
				}
			}
			return e.Next()
		},
	}
}

// logoutAll ends every token issued to the signed-in record before this
// request by giving it a new token key, which all earlier tokens were
// signed with.
func logoutAll(e *core.RequestEvent) error {
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
	_, _, records := recordsPath(e.Request.URL.Path)
	if !records || e.Auth != nil || e.Request.Header.Get("Authorization") == "" {
		return e.Next()
	}
	return e.UnauthorizedError("The sign-in token is invalid or has expired; sign in again.", nil)
}
