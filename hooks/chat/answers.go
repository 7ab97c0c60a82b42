package chat

import (
	"database/sql"
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/hooks/guard"
	"stovebot/hooks/quota"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// The answers of one question (SPEC 13.2): stop the one being made, make
// another (regenerate), and follow the one being made from another page
// or device. Each route names the question by its id; another user's
// chat, an answer's id and an unknown id are all 404.

var (
	errNoQuestion    = errors.New("no such question")
	errAnswerRunning = errors.New("an answer to this question is being made")
)

// questionOf returns the caller's question that the path's {id} names.
func questionOf(e *core.RequestEvent) (*core.Record, error) {
	notFound := e.NotFoundError("No such question of yours.", nil)
	id := e.Request.PathValue("id")
	if !validConversationID(id) { // the same kind of id
		return nil, notFound
	}
	q, err := e.App.FindRecordById(migrations.ChatsCollection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, e.InternalServerError("", err)
	}
	if q.GetString("user") != e.Auth.Id || q.GetString("role") != RoleUser {
		return nil, notFound
	}
	return q, nil
}

// liveAnswer returns the generation making the answer to a question, if any.
func (s *Service) liveAnswer(questionID string) (*generation, bool) {
	v, ok := s.live.Load(questionID)
	if !ok {
		return nil, false
	}
	return v.(*generation), true
}

// handleStop is POST /api/chat/{id}/stop: the upstream call is cancelled,
// and the generation saves what it has as a stopped answer (halt), which
// the request waiting for it receives.
func (s *Service) handleStop(e *core.RequestEvent) error {
	q, err := questionOf(e)
	if err != nil {
		return err
	}
	g, ok := s.liveAnswer(q.Id)
	if !ok {
		return router.NewApiError(http.StatusConflict, "This question's answer is already finished; there is nothing to stop.", nil)
	}
	g.stop()
	return e.NoContent(http.StatusAccepted)
}

// handleFollow is GET /api/chat/{id}/stream: Server-Sent Events of the
// answer to the question, one delta with the text so far, then each later
// piece, then done (or error); for an answer already finished, one delta
// and done (error for a failed one).
func (s *Service) handleFollow(e *core.RequestEvent) error {
	q, err := questionOf(e)
	if err != nil {
		return err
	}
	if g, ok := s.liveAnswer(q.Id); ok {
		s.running.add() // a stopping server waits until the answer is delivered
		defer s.running.done()
		out := openEventStream(e)
		text := g.since(0)
		if err := out.send("delta", map[string]string{"content": text}); err != nil {
			return nil
		}
		return s.relay(e, eventSink{out}, g, len(text), g.changed)
	}
	// finished, perhaps since it was read above: read it again
	if q, err = questionOf(e); err != nil {
		return err
	}
	if q.GetString("status") == StatusPending {
		// accepted, and not yet listed: the client heard of it very early
		return router.NewApiError(http.StatusConflict, "This answer has not started yet; try again in a moment.", nil)
	}
	var reply *core.Record
	if id := q.GetString("reply"); id != "" {
		if reply, err = e.App.FindRecordById(migrations.ChatsCollection, id); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return e.InternalServerError("", err)
		}
	}
	out := openEventStream(e)
	text := ""
	if reply != nil {
		text = reply.GetString("content")
	}
	if err := out.send("delta", map[string]string{"content": text}); err != nil {
		return nil
	}
	if q.GetString("status") == StatusFailed {
		_ = out.send("error", map[string]any{"status": http.StatusBadGateway,
			"message": "The chat service did not finish this answer. It was not counted."})
		return nil
	}
	_ = out.send("done", map[string]any{"reply": reply, "chat": q})
	return nil
}

// handleRegenerate is POST /api/chat/{id}/regenerate: a new answer to the
// question, as JSON or streamed exactly like POST /api/chat, counted like
// any request. The Idempotency-Key header is not used here.
func (s *Service) handleRegenerate(e *core.RequestEvent) error {
	stream := wantsEventStream(e.Request)
	choice, err := readStreamChoice(e)
	if err != nil {
		return err
	}
	if choice != nil {
		stream = *choice
	}
	q, err := questionOf(e)
	if err != nil {
		return err
	}
	var acc *accepted
	if stream {
		s.workers.run(func() { acc, err = s.acceptAgain(e, q, true) }) // see begin
	} else {
		acc, err = s.acceptAgain(e, q, false)
	}
	if err != nil {
		return err
	}
	if stream {
		return s.deliver(e, acc)
	}
	s.running.add()
	defer s.running.done()
	answer, err := s.finish(e, acc)
	if err != nil {
		return err
	}
	return s.writeAnswer(e, answer)
}

// readStreamChoice reads the optional body of a regeneration: nothing, or
// a JSON object whose stream (if present and not null) chooses between a
// stream and JSON, as in POST /api/chat.
func readStreamChoice(e *core.RequestEvent) (*bool, error) {
	raw, _, err := guard.ReadJSONObject(e.Request)
	if err != nil {
		return nil, err
	}
	var stream bool
	present, err := guard.JSONField(raw, "stream", &stream)
	if err != nil {
		return nil, guard.FieldError("stream", "validation_invalid_type", "stream must be true or false.")
	}
	if !present {
		return nil, nil
	}
	return &stream, nil
}

// acceptAgain accepts the regeneration of question, as accept does a new
// question: the check that no answer to it is running, the quota check,
// the count and the question's return to pending are one short
// transaction, which also reads the context its first answer had.
func (s *Service) acceptAgain(e *core.RequestEvent, question *core.Record, stream bool) (*accepted, error) {
	user, now := e.Auth, s.cfg.Now()
	if s.stopping.Load() {
		e.Response.Header().Set("Retry-After", "10")
		return nil, router.NewApiError(http.StatusServiceUnavailable, "The server is restarting. Please try again in a few seconds.", nil)
	}
	if user.GetBool("blocked") {
		return nil, e.ForbiddenError("This account is blocked from chatting. Contact the site's administrator.", nil)
	}
	acc := &accepted{user: user, question: question, day: quota.Day(now, s.cfg.Location()), stream: stream}
	var earlier []upstream.Message
	var w *recordWriter
	err := e.App.RunInTransaction(func(txApp core.App) error {
		var err error
		if w, err = newRecordWriter(txApp); err != nil {
			return err
		}
		// the question as it now is: another regeneration may have begun
		var status, reply, created string
		err = w.tx.QueryRow(`SELECT "status", "reply", "created" FROM `+migrations.ChatsCollection+` WHERE "id" = ?`,
			question.Id).Scan(&status, &reply, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errNoQuestion
		case err != nil:
			return err
		case status == StatusPending:
			return errAnswerRunning
		}
		acc.before = prior{regenerated: true, status: status, reply: reply}
		question.Set("reply", reply)
		if acc.conversation, err = txApp.FindRecordById(migrations.ConversationsCollection, question.GetString("conversation")); err != nil {
			return err
		}
		if acc.quota, err = quota.Reserve(txApp, s.cfg, user, now); err != nil {
			return err
		}
		if err := w.updateQuestion(question, StatusPending, nil); err != nil {
			return err
		}
		if s.before != "" {
			earlier, err = earlierMessages(w.tx, s.before, s.cfg.ContextMessages, acc.conversation.Id, created)
		}
		return err
	})
	switch {
	case errors.Is(err, quota.ErrDailyLimitReached), errors.Is(err, quota.ErrSiteLimitReached):
		return nil, quota.LimitError(e, s.cfg, acc.quota, err)
	case errors.Is(err, errAnswerRunning):
		return nil, router.NewApiError(http.StatusConflict, "An answer to this question is still being made; stop it first, or wait for it.", nil)
	case errors.Is(err, errNoQuestion), errors.Is(err, sql.ErrNoRows):
		return nil, e.NotFoundError("No such question of yours.", nil)
	case err != nil:
		return nil, e.InternalServerError("", err)
	}
	s.admit(e, acc, w, earlier)
	return acc, nil
}
