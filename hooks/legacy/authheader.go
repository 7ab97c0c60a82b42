package legacy

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// authHeaderPriority runs authHeader just before PocketBase's
// loadAuthToken middleware, which reads only the Authorization header.
const authHeaderPriority = apis.DefaultLoadAuthTokenMiddlewarePriority - 1

// authHeader accepts the seed API's own token spelling,
// `Authentication: bearer TOKEN`, by copying it into Authorization before
// PocketBase loads the auth record. `Authorization: Bearer TOKEN` and a raw
// `Authorization: TOKEN` work natively; when Authorization is present it
// wins and Authentication is ignored.
func authHeader() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "stovebotLegacyAuthHeader",
		Priority: authHeaderPriority,
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
