package accounts

import (
	"bytes"
	"encoding/json"
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

// AdminFields are the fields that only a superuser may change, per
// collection. The collections' API rules refuse them too; this check runs
// first so the client learns which field was refused instead of a bare 400
// or 404. Every collection listed here also has its values' types checked.
var AdminFields = map[string][]string{
	migrations.UsersCollection:  {"daily_limit", "blocked", "ip_address", "last_login", "moderator"},
	migrations.QuotesCollection: {"is_apply", "applied_at", "rejected_reason", "rejected_at"},
	migrations.ChatsCollection:  nil, // written by superusers only, still type-checked
}

// ModeratorFields are the admin-only fields that a moderator may change too,
// on an existing record (approving and rejecting a quote); the collections'
// update rules let them through for moderators only.
var ModeratorFields = map[string][]string{
	migrations.QuotesCollection: {"is_apply", "rejected_reason"},
}

// IsModerator reports whether auth is a user whose moderator flag a
// superuser has set.
func IsModerator(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == migrations.UsersCollection && auth.GetBool("moderator")
}

// refuseAdminFields answers 400 naming the field when a non-superuser creates
// or updates a record with a value that only superusers may set (a
// moderator's update may hold the ModeratorFields), or when anyone submits
// a value of the wrong type.
//
// A client that sends back a record as it read it (the JS SDK's
// update(id, {...record, nickname})) sends the admin-only fields too: a
// field whose value is exactly what the record shows (a new record's
// default on create) is taken out of the body, so that PocketBase's API
// rules, which refuse a body that holds the field at all, judge the rest
// (the rules stay as strict: the batch API, which skips this middleware,
// still refuses such a body). A quote submitted without a user is the
// signed-in user's, and a quote's user sent back as shown is taken out of
// the body (a moderator edits others' quotes).
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
	var (
		shown  map[string]any // the record as the client reads it, once needed
		looked bool
	)
	look := func() map[string]any {
		if !looked {
			shown, looked = shownRecord(e, c, info, withID), true
		}
		return shown
	}
	var allowed []string // what the caller's role lets through to the rules
	if withID && IsModerator(info.Auth) {
		allowed = ModeratorFields[c.Name]
	}
	for key, value := range info.Body {
		name := modifierOf(key)
		if !slices.Contains(fields, name) || key == name && slices.Contains(allowed, name) {
			continue
		}
		look()
		if key == name && sameAsShown(shown, name, value) {
			delete(info.Body, key) // PocketBase reads the body from info
			continue
		}
		errs[name] = validation.NewError("validation_admin_only", "Only an administrator can set this field.")
	}
	if c.Name == migrations.QuotesCollection && info.Auth != nil {
		if e.Request.Method == http.MethodPost && isEmpty(info.Body["user"]) && info.Auth.Collection().Name == migrations.UsersCollection {
			if info.Body == nil {
				info.Body = map[string]any{} // a JSON null
			}
			info.Body["user"] = info.Auth.Id // checked by the create rule as if sent
		}
		for key, value := range info.Body {
			if modifierOf(key) != "user" {
				continue
			}
			if withID && key == "user" && sameAsShown(look(), "user", value) {
				delete(info.Body, key) // a moderator sends back a quote as read
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

// shownRecord returns the fields of the record as the caller of e reads
// it: on create, a new record's defaults; on update, the stored record if
// the caller may view it, and nil otherwise (then every admin-only field
// counts as a change, and the answer tells nothing of the record). Hidden
// fields are never shown.
func shownRecord(e *core.RequestEvent, c *core.Collection, info *core.RequestInfo, withID bool) map[string]any {
	if !withID {
		return core.NewRecord(c).PublicExport()
	}
	r, err := e.App.FindRecordById(c, e.Request.PathValue("id"))
	if err != nil {
		return nil
	}
	if ok, _ := e.App.CanAccessRecord(r, info, c.ViewRule); !ok {
		return nil
	}
	return r.PublicExport()
}

// sameAsShown reports whether value, as submitted, is the field's value as
// the record shows it, type and format included: 0 for a number, false
// for a bool, a date as PocketBase writes it ("2026-11-01 10:00:00.000Z"),
// "" for no date. Another spelling of the same value is a change.
func sameAsShown(shown map[string]any, name string, value any) bool {
	current, ok := shown[name]
	if !ok {
		return false
	}
	a, errA := json.Marshal(value)
	b, errB := json.Marshal(current)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// isEmpty reports whether a submitted relation is empty (not sent, null, "").
func isEmpty(value any) bool {
	return value == nil || value == ""
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
