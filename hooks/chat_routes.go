package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/migrations"
)

// maxBodyBytes bounds the bodies of stovebot's own endpoints (SPEC 11).
const maxBodyBytes = 1 << 20

// bindChatRoutes serves POST /api/chat and GET /api/chat/quota, repairs
// requests left pending by a crash and recounts the site's requests of the
// day at start-up, and lets running answers finish when the server stops.
func bindChatRoutes(app core.App, s *ChatService) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := s.repairPending(); err != nil {
			return fmt.Errorf("repairing pending chats: %w", err)
		}
		if err := syncSiteCount(s.app.DB(), s.cfg, s.cfg.Now()); err != nil {
			return err
		}
		g := se.Router.Group("/api/chat")
		// A successful chat is already on record (its chats rows and the usage
		// counter); a request-log write per chat would cost more CPU than the
		// rest of the proxy. Failures are still logged.
		g.Bind(apis.RequireAuth(migrations.UsersCollection), apis.SkipSuccessActivityLog())
		g.GET("/quota", s.handleQuota)
		g.POST("", s.handlePost)
		refuseOtherMethods(se.Router, "/api/chat", "POST")
		refuseOtherMethods(se.Router, "/api/chat/quota", "GET")
		app.Cron().MustAdd("stovebotIdempotencyExpiry", "17 * * * *", func() {
			if err := idemExpire(app.DB(), s.cfg.Now()); err != nil {
				app.Logger().Warn("chat: expiring idempotency keys", "error", err)
			}
		})
		return se.Next()
	})
	// Before PocketBase's own graceful shutdown (priority -9999) closes the
	// server and cancels every request: running streams finish first.
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "stovebotChatShutdown",
		Priority: -10000,
		Func: func(e *core.TerminateEvent) error {
			s.shutdown()
			return e.Next()
		},
	})
}

// shutdown waits for running answers, fails those still running after
// shutdownGrace, and waits for their failures to be saved.
func (s *ChatService) shutdown() {
	s.stopping.Store(true)
	select {
	case <-s.running.wait():
	case <-time.After(shutdownGrace):
		s.cancel()
		select {
		case <-s.running.wait():
		case <-time.After(5 * time.Second):
		}
	}
}

// repairPending marks the requests a crash left pending as failed and
// refunds them: the user was not answered.
func (s *ChatService) repairPending() error {
	return s.app.RunInTransaction(func(txApp core.App) error {
		var pending []struct {
			ID      string `db:"id"`
			User    string `db:"user"`
			Created string `db:"created"`
		}
		// a literal, not a parameter, so that SQLite uses the partial index
		err := txApp.DB().Select("id", "user", "created").From(migrations.ChatsCollection).
			Where(dbx.NewExp("[[status]] = 'pending'")).All(&pending)
		if err != nil || len(pending) == 0 {
			return err
		}
		for _, p := range pending {
			created, err := types.ParseDateTime(p.Created)
			if err != nil {
				return fmt.Errorf("reading the date of chat %s: %w", p.ID, err)
			}
			if err := refund(txApp.DB(), s.cfg, p.User, localDay(created.Time(), s.cfg.Location())); err != nil {
				return err
			}
		}
		_, err = txApp.DB().Update(migrations.ChatsCollection, dbx.Params{"status": statusFailed},
			dbx.NewExp("[[status]] = 'pending'")).Execute()
		if err == nil {
			s.app.Logger().Info("chat: marked requests left pending by a stop as failed", "count", len(pending))
		}
		return err
	})
}

func (s *ChatService) handleQuota(e *core.RequestEvent) error {
	quota, err := quotaStatus(e.App.DB(), s.cfg, e.Auth, s.cfg.Now())
	if err != nil {
		return e.InternalServerError("", err)
	}
	quota.WriteHeaders(e.Response.Header())
	return e.JSON(http.StatusOK, quota)
}

// chatRequest is the body of POST /api/chat; unknown fields are ignored.
type chatRequest struct {
	Content string
	Stream  bool
}

// readChatRequest decodes the body, naming the field of a wrong type.
func readChatRequest(e *core.RequestEvent) (chatRequest, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(e.Request.Body)
	err := dec.Decode(&raw)
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
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return chatRequest{}, router.NewApiError(http.StatusRequestEntityTooLarge, "The request body is larger than 1 MiB.", nil)
		}
		if errors.Is(err, io.EOF) {
			return chatRequest{}, fieldError("content", "validation_required", "Send a JSON body such as {\"content\": \"…\"}.")
		}
		return chatRequest{}, e.BadRequestError("The request body is not valid JSON.", nil)
	}
	var req chatRequest
	if v, ok := raw["content"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &req.Content); err != nil {
			return req, fieldError("content", "validation_invalid_type", "content must be text.")
		}
	}
	if v, ok := raw["stream"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &req.Stream); err != nil {
			return req, fieldError("stream", "validation_invalid_type", "stream must be true or false.")
		}
	}
	return req, nil
}

// wantsEventStream reports whether the client accepts Server-Sent Events
// (in any of its Accept headers, with a q above 0).
func wantsEventStream(r *http.Request) bool {
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept"), ","), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != "text/event-stream" {
			continue
		}
		if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q <= 0 {
			continue
		}
		return true
	}
	return false
}

// writeQuotaHeaders sets the quota headers for an answer that does not
// reach begin (a body that cannot be read): they go on every answer to a
// signed-in user.
func (s *ChatService) writeQuotaHeaders(e *core.RequestEvent) {
	if quota, err := quotaStatus(e.App.DB(), s.cfg, e.Auth, s.cfg.Now()); err == nil {
		quota.WriteHeaders(e.Response.Header())
	}
}

// idempotencyKey is the request's Idempotency-Key; a header that is present
// but empty becomes a value begin refuses as invalid.
func idempotencyKey(r *http.Request) string {
	key := r.Header.Get("Idempotency-Key")
	if _, sent := r.Header["Idempotency-Key"]; sent && key == "" {
		return " "
	}
	return key
}

func (s *ChatService) handlePost(e *core.RequestEvent) error {
	if e.Request.ContentLength > maxBodyBytes {
		s.writeQuotaHeaders(e)
		return router.NewApiError(http.StatusRequestEntityTooLarge, "The request body is larger than 1 MiB.", nil)
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, maxBodyBytes)
	req, err := readChatRequest(e)
	if err != nil {
		s.writeQuotaHeaders(e)
		return err
	}
	key := idempotencyKey(e.Request)
	stream := req.Stream || wantsEventStream(e.Request)
	if !stream {
		answer, err := s.Ask(e, req.Content, key)
		if err != nil {
			return err
		}
		return s.writeAnswer(e, answer)
	}

	acc, replay, err := s.begin(e, req.Content, key, true)
	if err != nil {
		return err
	}
	if replay != nil {
		return s.writeAnswer(e, replay) // always as JSON
	}
	s.running.add() // a stopping server waits until the stream is delivered
	defer s.running.done()
	g := s.start(acc)
	// let the generation call the upstream first; the chat event is sent
	// while the upstream thinks
	runtime.Gosched()
	return s.streamAnswer(e, acc, g)
}

func (s *ChatService) writeAnswer(e *core.RequestEvent, a *Answer) error {
	status := http.StatusCreated
	if a.Replayed {
		status = http.StatusOK
		e.Response.Header().Set("Idempotent-Replayed", "true")
		a.Quota.WriteHeaders(e.Response.Header())
	}
	return e.JSON(status, map[string]any{"chat": a.Question, "reply": a.Reply, "quota": a.Quota})
}
