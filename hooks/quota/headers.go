package quota

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"stovebot/config"
	"stovebot/migrations"
)

// quotaKey is where a handler leaves the quota that its answer reports.
const quotaKey = "stovebot.quota"

// Use makes q the quota that the answer to e reports in its headers.
func Use(e *core.RequestEvent, q Quota) {
	e.Set(quotaKey, q)
}

// Headers is the middleware of the routes whose every answer to a
// signed-in user carries the quota headers (SPEC 4): POST /api/chat,
// GET /api/chat/quota and the legacy POST /chat. Bind it after
// apis.RequireAuth. The headers are written here, and only here, when the
// answer starts: with the quota a handler passed to Use, or else (a
// request refused before it was counted) the quota as it stands.
func Headers(cfg *config.Config) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "stovebotQuotaHeaders",
		Func: func(e *core.RequestEvent) error {
			w := &headerWriter{ResponseWriter: e.Response, e: e, cfg: cfg}
			e.Response = w
			// PocketBase writes an error answer, or the 500 of a panic,
			// after the handlers return, through the writer underneath
			defer w.writeQuota()
			return e.Next()
		},
	}
}

// headerWriter sets the quota headers before the first byte of the answer.
type headerWriter struct {
	http.ResponseWriter
	e       *core.RequestEvent
	cfg     *config.Config
	written bool
}

func (w *headerWriter) writeQuota() {
	if w.written {
		return
	}
	w.written = true
	q, ok := w.e.Get(quotaKey).(Quota)
	if !ok {
		if w.e.Auth == nil || w.e.Auth.Collection().Name != migrations.UsersCollection {
			return // a guest or a superuser has no quota
		}
		var err error
		if q, err = Status(w.e.App.DB(), w.cfg, w.e.Auth, w.cfg.Now()); err != nil {
			w.e.App.Logger().Warn("quota: reading the quota for its headers", "error", err)
			return
		}
	}
	q.writeHeaders(w.ResponseWriter.Header())
}

// WriteHeader implements [http.ResponseWriter].
func (w *headerWriter) WriteHeader(status int) {
	w.writeQuota()
	w.ResponseWriter.WriteHeader(status)
}

// Write implements [http.ResponseWriter].
func (w *headerWriter) Write(b []byte) (int, error) {
	w.writeQuota()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath, to
// flush a stream and lift its write deadline.
func (w *headerWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
