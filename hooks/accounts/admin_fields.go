package accounts

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/hooks/guard"
	"stovebot/migrations"
)

// AdminFields are the fields that only a superuser may write, per collection.
// The collections' API rules refuse them too; this check runs first so the
// client learns which field was refused instead of a bare 400 or 404. Every
// collection listed here also has its values' types checked.
var AdminFields = map[string][]string{
	migrations.UsersCollection:  {"daily_limit", "blocked", "ip_address", "last_login"},
	migrations.QuotesCollection: {"is_apply", "applied_at"},
	migrations.ChatsCollection:  nil, // written by superusers only, still type-checked
}

// refuseAdminFields answers 400 naming the field when a non-superuser creates
// or updates a record with a field that only superusers may set, or when
// anyone submits a value of the wrong type.
func refuseAdminFields(e *core.RequestEvent) error {
	collection, withID, ok := guard.RecordsRoute(e.Request)
	if !ok || !(e.Request.Method == http.MethodPost && !withID || e.Request.Method == http.MethodPatch && withID) {
		return e.Next()
	}
	c, err := e.App.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return e.Next() // PocketBase answers the unknown collection
	}
	fields, guarded := AdminFields[c.Name]
	if !guarded {
		return e.Next()
	}
	if e.Auth == nil {
		switch {
		case e.Request.Method == http.MethodPatch && (c.UpdateRule == nil || *c.UpdateRule != ""):
			// a guest updates nothing (PocketBase answers 404 or 403),
			// unless an admin opened the rule to everyone
			return e.Next()
		case c.Name == migrations.QuotesCollection:
			return e.UnauthorizedError("Sign in to submit a quote.", nil)
		}
	}
	superuser := e.HasSuperuserAuth()
	rule := c.CreateRule
	if e.Request.Method == http.MethodPatch {
		rule = c.UpdateRule
	}
	if rule == nil && !superuser {
		return e.Next() // superusers only: PocketBase answers 403 whatever the body
	}
	info, err := e.RequestInfo()
	if err != nil {
		if apiErr := (*router.ApiError)(nil); errors.As(err, &apiErr) {
			return apiErr // a body over the size limit: 413
		}
		return e.BadRequestError("The request body is not valid JSON or form data.", err)
	}
	isJSON := strings.HasPrefix(e.Request.Header.Get("Content-Type"), "application/json")
	errs := wrongTypes(c, info.Body, isJSON)
	if p, ok := info.Body[core.FieldNamePassword].(string); ok && c.Name == migrations.UsersCollection && len(p) > maxPasswordBytes {
		errs[core.FieldNamePassword] = errLongPassword
	}
	if superuser {
		if len(errs) > 0 {
			return e.BadRequestError("Some fields cannot be set as submitted.", errs)
		}
		return e.Next()
	}
	for key := range info.Body {
		if name := modifierOf(key); slices.Contains(fields, name) {
			errs[name] = validation.NewError("validation_admin_only", "Only an administrator can set this field.")
		}
	}
	if c.Name == migrations.QuotesCollection && info.Auth != nil {
		if _, sent := info.Body["user"]; !sent && e.Request.Method == http.MethodPost {
			errs["user"] = validation.NewError("validation_required", "Send your own id as user.")
		}
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
		return e.BadRequestError("Some fields cannot be set as submitted.", errs)
	}
	return e.Next()
}

// wrongTypes reports the submitted values that PocketBase would otherwise
// cast into something else: in JSON, "content": 42 would be stored as "42",
// "episode": "three" as no episode and "blocked": "yes" as false. Form
// values are all text (PocketBase infers numbers and booleans from them), so
// only number fields are checked there.
func wrongTypes(c *core.Collection, body map[string]any, isJSON bool) validation.Errors {
	errs := validation.Errors{}
	for key, value := range body {
		name := modifierOf(key)
		if value == nil {
			continue // clears the field
		}
		switch c.Fields.GetByName(name).(type) {
		case *core.NumberField:
			if _, ok := value.(float64); !ok && value != "" {
				errs[name] = validation.NewError("validation_not_a_number", "Must be a number.")
			}
		case *core.TextField, *core.EmailField, *core.URLField, *core.EditorField, *core.DateField, *core.PasswordField:
			if _, ok := value.(string); !ok && isJSON {
				errs[name] = validation.NewError("validation_not_text", "Must be text.")
			}
		case *core.BoolField:
			if _, ok := value.(bool); !ok && isJSON {
				errs[name] = validation.NewError("validation_not_a_bool", "Must be true or false.")
			}
		}
	}
	return errs
}

// modifierOf returns the field that a body key writes: "daily_limit+",
// "+daily_limit" and "daily_limit-" are PocketBase's modifiers of the field
// daily_limit.
func modifierOf(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
}
