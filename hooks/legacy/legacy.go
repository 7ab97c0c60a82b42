package legacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/hooks/guard"
)

// redirect sends a browser that opens an old page to the web UI's
// view at the hash route target.
func redirect(target string) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return e.Redirect(http.StatusFound, target)
	}
}

// formatTime formats a date as the seed API does: RFC 3339 in UTC to the
// second, or null when empty.
func formatTime(dt types.DateTime) *string {
	if dt.IsZero() {
		return nil
	}
	s := dt.Time().UTC().Format(time.RFC3339)
	return &s
}

// nullable is s, or null when s is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// body is the submitted JSON object (or form), read once by
// PocketBase's RequestInfo. The accessors refuse wrong types with a field
// error.
type body struct {
	data map[string]any
	form bool
	errs validation.Errors
}

// requestInfo is PocketBase's RequestInfo, which reads the body once: JSON
// (declared so, as text or not at all) or a form, as DRF took it; any
// other type is 415 (guard.BodyAsJSON). Invalid JSON and a body that is
// not an object are 400; an oversized body keeps its 413.
func requestInfo(e *core.RequestEvent) (*core.RequestInfo, error) {
	if err := guard.BodyAsJSON(e.Request, true); err != nil {
		return nil, err
	}
	info, err := e.RequestInfo()
	if err == nil {
		return info, nil
	}
	if errors.Is(err, router.ErrUnsupportedContentType) {
		return nil, guard.UnsupportedMediaType()
	}
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return nil, apiErr // 413 for an oversized body
	}
	return nil, e.BadRequestError("The body is not a valid JSON object.", nil)
}

// readBody reads the request body, as requestInfo does.
func readBody(e *core.RequestEvent) (*body, error) {
	info, err := requestInfo(e)
	if err != nil {
		return nil, err
	}
	ct := e.Request.Header.Get("Content-Type")
	form := strings.HasPrefix(ct, "multipart/form-data") || strings.HasPrefix(ct, "application/x-www-form-urlencoded")
	if form && len(info.Body) == 1 {
		// curl -d '{"content":"…"}' without a JSON Content-Type: one form
		// key holding the whole JSON text
		for key := range info.Body {
			if strings.HasPrefix(strings.TrimSpace(key), "{") {
				return nil, e.BadRequestError("The body is JSON but was sent as a form; send it with Content-Type: application/json.", nil)
			}
		}
	}
	return &body{data: info.Body, form: form, errs: validation.Errors{}}, nil
}

// has reports whether key was submitted (null counts as submitted).
func (b *body) has(key string) bool {
	_, ok := b.data[key]
	return ok
}

// str returns the string under key ("" when absent or null). A form value
// that PocketBase inferred as a number or bool is turned back into its text.
func (b *body) str(key string) string {
	switch v := b.data[key].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if b.form {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	case bool:
		if b.form {
			return strconv.FormatBool(v)
		}
	}
	b.errs[key] = validation.NewError("validation_invalid_type", "Must be a string.")
	return ""
}

// positiveInt returns the whole number under key, 0 when absent, null or
// an empty string. A numeric string is accepted, as the seed API did.
func (b *body) positiveInt(key string) int {
	var f float64
	switch v := b.data[key].(type) {
	case nil:
		return 0
	case float64:
		f = v
	case string:
		v = strings.TrimSpace(v)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			b.errs[key] = validation.NewError("validation_invalid_type", "Must be a whole number.")
			return 0
		}
		f = n
	default:
		b.errs[key] = validation.NewError("validation_invalid_type", "Must be a whole number.")
		return 0
	}
	if f != math.Trunc(f) || f < 1 || f > math.MaxInt32 {
		b.errs[key] = validation.NewError("validation_invalid_number", "Must be a whole number of at least 1.")
		return 0
	}
	return int(f)
}

// require records a "Cannot be blank." error for key when v is empty and
// key has no error yet.
func (b *body) require(key, v string) {
	if _, bad := b.errs[key]; !bad && v == "" {
		b.errs[key] = validation.NewError("validation_required", "Cannot be blank.")
	}
}

// refuse records an error for every key in keys that was submitted.
func (b *body) refuse(message string, keys ...string) {
	for _, k := range keys {
		if b.has(k) {
			b.errs[k] = validation.NewError("validation_admin_only", message)
		}
	}
}

// refuseChanged is refuse for fields a client may send back as it was
// shown them (GET, edit, PUT: DRF ignored its read-only fields): a key
// whose value equals the one in shown (an item as the API shows it) passes,
// and changes nothing.
func (b *body) refuseChanged(message string, shown any, keys ...string) {
	var view map[string]any
	if raw, err := json.Marshal(shown); err == nil {
		_ = json.Unmarshal(raw, &view)
	}
	for _, k := range keys {
		if v, ok := view[k]; ok && b.has(k) && b.same(b.data[k], v) {
			continue
		}
		b.refuse(message, k)
	}
}

// same reports whether a submitted value equals a shown one. A form's
// values are text, and an empty one stands for null.
func (b *body) same(submitted, shown any) bool {
	if reflect.DeepEqual(submitted, shown) {
		return true
	}
	if !b.form {
		return false
	}
	text := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	return text(submitted) == text(shown)
}

// err is a 400 naming every field in error, or nil.
func (b *body) err(e *core.RequestEvent) error {
	if len(b.errs) == 0 {
		return nil
	}
	return e.BadRequestError("Some fields are invalid.", b.errs)
}

// saveError turns a failed save into a 400 naming the fields when it
// is a validation error, and a 500 (logged) otherwise.
func saveError(e *core.RequestEvent, err error, what string) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return e.BadRequestError(fmt.Sprintf("Failed to save the %s.", what), verrs)
	}
	return e.InternalServerError(fmt.Sprintf("Failed to save the %s.", what), err)
}

// errRuleRefused is returned by createChecked when the collection's
// create rule refuses the record.
var errRuleRefused = errors.New("the collection's create rule refused the record")

// createChecked saves the new record r if its collection's create rule,
// evaluated for the request with submitted as the body, allows it. The rule
// is checked against the saved row inside the transaction, which a refusal
// rolls back: the effect of PocketBase's own create check, without a
// second implementation of the rules.
func createChecked(e *core.RequestEvent, r *core.Record, submitted map[string]any) error {
	info, err := requestInfo(e)
	if err != nil {
		return err
	}
	checked := *info
	checked.Body = submitted
	return e.App.RunInTransaction(func(txApp core.App) error {
		if err := txApp.Save(r); err != nil {
			return err
		}
		ok, err := txApp.CanAccessRecord(r, &checked, r.Collection().CreateRule)
		if err != nil {
			return err
		}
		if !ok {
			return errRuleRefused
		}
		return nil
	})
}
