package guard

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// MaxBodyBytes bounds the bodies of stovebot's own endpoints (SPEC 11).
const MaxBodyBytes = 1 << 20

// BodyTooLarge is the 413 of a body over MaxBodyBytes, the one message
// of every stovebot route.
func BodyTooLarge() *router.ApiError {
	return router.NewApiError(http.StatusRequestEntityTooLarge, "The request body is larger than 1 MiB.", nil)
}

// UnsupportedMediaType is the 415 of a body declared as another type than
// JSON (or, where forms are read, a form).
func UnsupportedMediaType() *router.ApiError {
	return router.NewApiError(http.StatusUnsupportedMediaType,
		"Send the body as JSON, with Content-Type: application/json.", nil)
}

// LimitBody is the body limit of a stovebot route: a read of the body
// fails with BodyTooLarge at once when the declared Content-Length is over
// MaxBodyBytes, else as soon as more than that has come, so a body is
// never read whole. It replaces PocketBase's own limit on the route (it
// has the same id), whose refusal has another message, and it refuses at
// the read, in the handler, so that the route's other middlewares (the
// sign-in check, the quota headers) have run.
func LimitBody() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       apis.DefaultBodyLimitMiddlewareId,
		Priority: apis.DefaultBodyLimitMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			e.Request.Body = &limitedBody{
				ReadCloser: e.Request.Body,
				remaining:  MaxBodyBytes,
				tooLarge:   e.Request.ContentLength > MaxBodyBytes,
			}
			return e.Next()
		},
	}
}

// limitedBody is a request body that refuses to give more than
// MaxBodyBytes.
type limitedBody struct {
	io.ReadCloser
	remaining int64
	tooLarge  bool  // known from the Content-Length, or once past the limit
	err       error // the end, kept: PocketBase's body starts over after it
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.tooLarge {
		return 0, BodyTooLarge()
	}
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// one byte past the limit is enough to know
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.remaining {
		b.tooLarge = true
		return int(b.remaining), BodyTooLarge()
	}
	b.remaining -= int64(n)
	b.err = err
	return n, err
}

// BodyAsJSON checks the type that r declares for its body before the body
// is read: JSON declared as application/json, as text/plain (what fetch
// sends for a string body) or not at all, and with forms also
// multipart/form-data and application/x-www-form-urlencoded. Any other
// declared type is UnsupportedMediaType. JSON, text and no type are
// relabelled application/json, so that PocketBase's RequestInfo reads
// them as JSON.
// A request without a body passes whatever it declares.
func BodyAsJSON(r *http.Request, forms bool) error {
	if r.ContentLength == 0 {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		r.Header.Set("Content-Type", "application/json")
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return UnsupportedMediaType()
	}
	// PocketBase tells the types apart by their lower-case prefix
	switch mt {
	case "application/json", "text/plain":
		r.Header.Set("Content-Type", "application/json")
		return nil
	case "multipart/form-data", "application/x-www-form-urlencoded":
		if forms {
			r.Header.Set("Content-Type", mime.FormatMediaType(mt, params))
			return nil
		}
	}
	return UnsupportedMediaType()
}

// ReadJSONObject reads a body that must be one JSON object (declared as
// BodyAsJSON takes it) and nothing after it, for the handler to pick its
// fields with JSONField. sent is false for an empty body. A body over the
// limit is BodyTooLarge; one that is not a JSON object, a 400.
func ReadJSONObject(r *http.Request) (raw map[string]json.RawMessage, sent bool, err error) {
	if err := BodyAsJSON(r, false); err != nil {
		return nil, false, err
	}
	dec := json.NewDecoder(r.Body)
	err = dec.Decode(&raw)
	if errors.Is(err, io.EOF) {
		return nil, false, nil
	}
	if err == nil {
		// one JSON object and nothing after it
		if extra := dec.Decode(&struct{}{}); !errors.Is(extra, io.EOF) {
			err = extra
			if err == nil {
				err = errors.New("data after the JSON object")
			}
		}
	}
	if err != nil {
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			return nil, true, apiErr // the body limit's 413
		}
		return nil, true, router.NewBadRequestError("The request body is not valid JSON.", nil)
	}
	return raw, true, nil
}

// JSONField decodes raw's field name into v unless it is absent or null:
// present says whether it was there, and err whether it did not fit v.
func JSONField(raw map[string]json.RawMessage, name string, v any) (present bool, err error) {
	f, ok := raw[name]
	if !ok || string(f) == "null" {
		return false, nil
	}
	return true, json.Unmarshal(f, v)
}
