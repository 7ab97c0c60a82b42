// Package guard holds the small HTTP checks that every stovebot route
// shares: a 405 that names the allowed methods, the body limit and the
// body's type, field errors, the refusal of control characters, the
// headers exposed to pages on other origins, and the server's limits on
// slow and idle connections.
package guard

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// FieldError is a 400 that names the field at fault.
func FieldError(field, code, message string) *router.ApiError {
	return router.NewBadRequestError(message, validation.Errors{field: validation.NewError(code, message)})
}

// RouteAdder is a router or a group of one.
type RouteAdder interface {
	Route(method, path string, action func(*core.RequestEvent) error) *router.Route[*core.RequestEvent]
}

// RefuseOtherMethods answers 405, with the allowed methods in Allow, to
// GET, POST, PUT, PATCH and DELETE on path unless allowed. Without it,
// another method on a served path fell through to the route of the static
// files and got 404. (One method-less route would clash with that route's
// "GET /{path...}" in Go's ServeMux.)
func RefuseOtherMethods(r RouteAdder, path string, allowed ...string) {
	shown := allowed
	if slices.Contains(allowed, http.MethodGet) {
		shown = append(slices.Clone(allowed), http.MethodHead) // Go's router serves HEAD with GET
	}
	list := strings.Join(shown, ", ")
	refuse := func(e *core.RequestEvent) error {
		e.Response.Header().Set("Allow", list)
		return router.NewApiError(http.StatusMethodNotAllowed,
			fmt.Sprintf("%s is not served here; this path takes %s.", e.Request.Method, list), nil)
	}
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if !slices.Contains(allowed, m) {
			r.Route(m, path, refuse)
		}
	}
}

// RecordsRoute reports whether r is served by PocketBase's records API
// (/api/collections/{collection}/records[/{id}]): the collection, as the
// route's path value, and whether the route takes a record id. Call it
// from a router middleware, which runs after the route has matched.
func RecordsRoute(r *http.Request) (collection string, withID, ok bool) {
	_, pattern, _ := strings.Cut(r.Pattern, " ")
	switch pattern {
	case "/api/collections/{collection}/records":
		return r.PathValue("collection"), false, true
	case "/api/collections/{collection}/records/{id}":
		return r.PathValue("collection"), true, true
	}
	return "", false, false
}
