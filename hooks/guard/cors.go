package guard

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ExposedHeaders are the response headers, beyond the few every browser
// shows, that a page on another origin may read (SPEC 13.4): the quota
// headers, Retry-After, the legacy lists' Link and Idempotent-Replayed.
const ExposedHeaders = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Reset, " +
	"RateLimit, RateLimit-Policy, Retry-After, Link, Idempotent-Replayed"

// ExposeHeaders is a router middleware that names [ExposedHeaders] in
// Access-Control-Expose-Headers on every answer that PocketBase's CORS
// middleware lets a page read, that is, one to which it gave an
// Access-Control-Allow-Origin (from --origins). It runs right after that
// middleware, which apis.Serve binds with no exposed headers and no way
// to add some.
func ExposeHeaders() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "stovebotExposeHeaders",
		Priority: apis.DefaultCorsMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			h := e.Response.Header()
			if h.Get("Access-Control-Allow-Origin") != "" {
				h.Add("Access-Control-Expose-Headers", ExposedHeaders)
			}
			return e.Next()
		},
	}
}
