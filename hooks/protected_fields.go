package hooks

import (
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"stovebot/migrations"
)

// adminFields are the fields that only a superuser may write, per collection.
// The collections' API rules refuse them too; this check runs first so the
// client learns which field was refused instead of a bare 400 or 404.
var adminFields = map[string][]string{
	migrations.UsersCollection:  {"daily_limit", "blocked", "ip_address", "last_login"},
	migrations.QuotesCollection: {"is_apply", "applied_at"},
}

func bindProtectedFields(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(refuseAdminFields)
		return se.Next()
	})
}

// refuseAdminFields answers 400 naming the field when a non-superuser creates
// or updates a record with a field that only superusers may set.
func refuseAdminFields(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodPost && e.Request.Method != http.MethodPatch {
		return e.Next()
	}
	collection, ok := recordWritePath(e.Request.URL.Path, e.Request.Method)
	if !ok {
		return e.Next()
	}
	c, err := e.App.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return e.Next() // PocketBase answers the unknown collection
	}
	fields := adminFields[c.Name]
	if len(fields) == 0 || e.HasSuperuserAuth() {
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("Failed to read the submitted data.", err)
	}
	errs := validation.Errors{}
	for key := range info.Body {
		if name := modifierOf(key); slices.Contains(fields, name) {
			errs[name] = validation.NewError("validation_admin_only", "Only an administrator can set this field.")
		}
	}
	if c.Name == migrations.QuotesCollection && info.Auth != nil {
		for key, value := range info.Body {
			if modifierOf(key) != "user" {
				continue
			}
			// only a plain "user" holding the caller's own id is accepted
			if ids := list.ToUniqueStringSlice(value); key != "user" || len(ids) != 1 || ids[0] != info.Auth.Id {
				errs["user"] = validation.NewError("validation_not_yourself", "A quote can only be submitted as yourself.")
			}
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Some fields can only be set by an administrator.", errs)
	}
	return e.Next()
}

// modifierOf returns the field that a body key writes: "daily_limit+",
// "+daily_limit" and "daily_limit-" are PocketBase's modifiers of the field
// daily_limit.
func modifierOf(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
}

// recordWritePath returns the collection of a record create (POST
// /api/collections/NAME/records) or update (PATCH …/records/ID) path.
func recordWritePath(path, method string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return "", false
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case method == http.MethodPost && len(parts) == 2 && parts[1] == "records":
		return parts[0], true
	case method == http.MethodPatch && len(parts) == 3 && parts[1] == "records":
		return parts[0], true
	}
	return "", false
}
