package chat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/hooks/quota"
	"stovebot/hooks/upstream"
)

// generation is one answer being made, independent of the request: it
// does not stop when the client goes away. A streamed one runs on its own
// goroutine (start): pieces are appended as they arrive, and a reader (the
// SSE handler) is woken to send them; nothing waits for the reader. A JSON
// one runs on the handler's goroutine (Ask), and only its result is read.
//
// While it runs it is listed in the service's live generations under its
// question's id, for stop (POST /api/chat/{id}/stop) and for followers
// (GET /api/chat/{id}/stream), who may join at any time.
type generation struct {
	mu     sync.Mutex
	text   []byte
	wake   chan struct{} // closed at the next piece, for followers; nil when none waits
	notify chan struct{} // a piece arrived (capacity 1: wake-ups coalesce)
	done   chan struct{} // closed by settle when reply/err and quota are set
	stream bool          // a reader sends the pieces as they arrive

	ctx     context.Context // the upstream call's: ends with stop, or the server
	cancel  context.CancelFunc
	stopped atomic.Bool // its user stopped it

	question *core.Record // read only after done
	reply    *core.Record // nil when it failed, or was stopped before its first piece
	err      *router.ApiError
	quota    quota.Quota // after the refund when err is set
}

func (g *generation) add(piece string) {
	g.mu.Lock()
	first := len(g.text) == 0
	g.text = append(g.text, piece...)
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
	g.mu.Unlock()
	select {
	case g.notify <- struct{}{}:
	default:
	}
	if first && g.stream {
		// let the woken reader send the first piece now, before this
		// goroutine reads on: pieces that arrive together would keep it
		// busy, and the reader waiting, until the answer is saved
		runtime.Gosched()
	}
}

// since returns the text after the first n bytes.
func (g *generation) since(n int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return string(g.text[n:])
}

// changed returns a channel that is closed at the next piece (or never,
// once the generation is done: wait for done too), for any number of
// followers. Take it before reading the text, so that no piece is missed.
func (g *generation) changed() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.wake == nil {
		g.wake = make(chan struct{})
	}
	return g.wake
}

// stop cancels the upstream call; the generation then saves what it has
// as a stopped answer (halt).
func (g *generation) stop() {
	g.stopped.Store(true)
	g.cancel()
}

func newGeneration(parent context.Context, question *core.Record, stream bool) *generation {
	g := &generation{notify: make(chan struct{}, 1), done: make(chan struct{}), stream: stream, question: question}
	g.ctx, g.cancel = context.WithCancel(parent)
	return g
}

// settle ends acc's generation once its outcome is set: it leaves the live
// generations, and its readers are told.
func (s *Service) settle(acc *accepted) {
	g := acc.gen
	s.live.CompareAndDelete(acc.question.Id, g)
	g.cancel()
	close(g.done)
}

// start makes the answer of acc in the background.
func (s *Service) start(acc *accepted) *generation {
	g := acc.gen
	s.running.add()
	go func() {
		defer s.running.done()
		defer s.settle(acc)
		defer func() {
			// No handler recovers this goroutine: a panic would end the
			// process and every other request with it.
			if r := recover(); r != nil {
				s.app.Logger().Error("chat: panic while making an answer", "question", acc.question.Id, "panic", r, "stack", string(debug.Stack()))
				s.failPanicked(acc, g, r)
			}
		}()
		s.generate(acc, g)
	}()
	return g
}

// failPanicked ends a request whose answer panicked (a bug). Unless its
// outcome has committed, it is failed and refunded now, with the text made
// so far, rather than left counted, and its Idempotency-Key "running",
// until the next start repairs it. g's error is then a 500, unless the
// answer was saved. A second panic while failing is logged, not raised.
func (s *Service) failPanicked(acc *accepted, g *generation, r any) {
	defer func() {
		if r2 := recover(); r2 != nil {
			s.app.Logger().Error("chat: panic while failing a request after a panic", "question", acc.question.Id, "panic", r2)
			s.internalError(acc, g)
		}
	}()
	if !acc.settled {
		// undo what a rolled-back transaction of succeed or fail set
		acc.question.Set("status", StatusPending)
		acc.question.Set("reply", acc.before.reply)
		s.fail(acc, g, g.since(0), fmt.Errorf("panic: %v", r))
		return
	}
	s.internalError(acc, g)
}

// internalError makes g's outcome a 500 unless it already has one (a
// saved answer or an error), with the quota as it now is.
func (s *Service) internalError(acc *accepted, g *generation) {
	if g.reply != nil || g.err != nil {
		return
	}
	g.err = router.NewInternalServerError("Something went wrong on our side.", nil)
	g.quota = s.quotaNow(acc)
}

func (s *Service) generate(acc *accepted, g *generation) {
	res, err := s.answer(acc, g)
	if err != nil && g.stopped.Load() {
		s.halt(acc, g)
		return
	}
	if err == nil && strings.TrimSpace(res.Content) == "" {
		err = errors.Join(upstream.ErrFailed, errors.New("an empty answer"))
	}
	if err != nil {
		s.fail(acc, g, res.Content, err)
		return
	}
	if err := s.succeed(acc, g, res); err != nil {
		s.app.Logger().Error("chat: saving an answer", "question", acc.question.Id, "error", err)
		s.fail(acc, g, res.Content, err) // the answer is kept, as a failed one
	}
}

// answer asks the upstream, or the quote index when offline.
func (s *Service) answer(acc *accepted, g *generation) (upstream.Result, error) {
	question := acc.question.GetString("content")
	if s.upstream == nil {
		pieces, err := offlineAnswer(s.app.DB(), s.quotes, question)
		if err != nil {
			return upstream.Result{}, err
		}
		for _, p := range pieces {
			g.add(p)
		}
		return upstream.Result{Content: strings.Join(pieces, ""), Model: OfflineModel}, nil
	}
	if acc.promptErr != nil {
		return upstream.Result{}, acc.promptErr
	}
	maxTokens := maxAnswerTokens
	if n := acc.options.MaxTokens; n > 0 && n < maxTokens {
		maxTokens = n
	}
	req := upstream.Request{Messages: acc.prompt, User: opaqueUser(acc.user.Id), MaxTokens: maxTokens,
		Temperature: acc.options.Temperature, TopP: acc.options.TopP}
	acc.prompt = nil // not kept while the answer streams
	if acc.stream {
		return s.upstream.Stream(g.ctx, req, g.add)
	}
	res, err := s.upstream.Complete(g.ctx, req)
	if err == nil {
		g.add(res.Content)
	}
	return res, err
}

// succeed saves the answer and marks the question done.
func (s *Service) succeed(acc *accepted, g *generation, res upstream.Result) error {
	return s.keep(acc, g, StatusDone, func(w *recordWriter) (*core.Record, error) {
		return w.insertAnswer(acc.question, res)
	})
}

// halt saves what a stopped request made: the partial answer, if any, as
// a stopped answer that its question, stopped too, points at (SPEC 13.2).
// A regeneration stopped before its first piece leaves the question as it
// was. The request stays counted: the upstream was called. If the halt
// cannot be saved, the request fails instead (and is refunded).
func (s *Service) halt(acc *accepted, g *generation) {
	partial := g.since(0)
	status, insert := StatusStopped, func(w *recordWriter) (*core.Record, error) {
		return w.insertAnswerText(acc.question, partial, StatusStopped)
	}
	if strings.TrimSpace(partial) == "" {
		insert = nil
		if acc.before.regenerated {
			status = acc.before.status
		}
	}
	if err := s.keep(acc, g, status, insert); err != nil {
		s.app.Logger().Error("chat: saving a stopped answer", "question", acc.question.Id, "error", err)
		s.fail(acc, g, partial, err)
	}
}

// keep saves, in one transaction, an outcome that leaves the request
// counted: the answer that insert writes (nil: none), its question's
// status (linked to that answer), and the Idempotency-Key finished. If the
// transaction rolls back, the question is left pending as it was, for the
// caller to fail.
func (s *Service) keep(acc *accepted, g *generation, status string, insert func(*recordWriter) (*core.Record, error)) error {
	var w *recordWriter
	var reply *core.Record
	err := s.app.RunInTransaction(func(txApp core.App) error {
		var err error
		if w, err = newRecordWriter(txApp); err != nil {
			return err
		}
		if insert != nil {
			if reply, err = insert(w); err != nil {
				return err
			}
		}
		if err := w.updateQuestion(acc.question, status, reply); err != nil {
			return err
		}
		if acc.key != "" {
			return idemFinish(txApp.DB(), acc.user.Id, acc.key, true)
		}
		return nil
	})
	if err != nil {
		// rolled back: the question is still pending, without this reply
		acc.question.Set("status", StatusPending)
		acc.question.Set("reply", acc.before.reply)
		return err
	}
	acc.settled = true
	g.reply, g.quota = reply, acc.quota
	w.announce(s.app)
	return nil
}

// fail marks the question failed, keeps the partial answer (as a failed
// assistant record), refunds the request and forgets its Idempotency-Key.
// A failed regeneration keeps nothing: its question goes back to the
// answer it had.
func (s *Service) fail(acc *accepted, g *generation, partial string, cause error) {
	status, message := http.StatusBadGateway, "The chat service did not answer properly. This request was not counted; please try again."
	switch {
	case errors.Is(cause, upstream.ErrTimeout):
		status, message = http.StatusGatewayTimeout, "The chat service took too long to answer. This request was not counted; please try again."
	case !errors.Is(cause, upstream.ErrFailed):
		status, message = http.StatusInternalServerError, "Something went wrong on our side. This request was not counted; please try again."
	}
	s.app.Logger().Warn("chat: request failed", "question", acc.question.Id, "status", status, "error", cause)

	var w *recordWriter
	err := s.app.RunInTransaction(func(txApp core.App) error {
		var err error
		if w, err = newRecordWriter(txApp); err != nil {
			return err
		}
		var reply *core.Record // the partial answer, if any
		status := StatusFailed
		switch {
		case acc.before.regenerated:
			status = acc.before.status // and acc.question's reply is still its earlier one
		case strings.TrimSpace(partial) != "":
			if reply, err = w.insertAnswerText(acc.question, partial, StatusFailed); err != nil {
				return err
			}
		}
		if err := w.updateQuestion(acc.question, status, reply); err != nil {
			return err
		}
		if acc.key != "" {
			if err := idemFinish(txApp.DB(), acc.user.Id, acc.key, false); err != nil {
				return err
			}
		}
		return quota.Refund(txApp.DB(), s.cfg, acc.user.Id, acc.day)
	})
	if err != nil {
		s.app.Logger().Error("chat: saving a failure", "question", acc.question.Id, "error", err)
	} else {
		acc.settled = true
		w.announce(s.app)
	}
	g.err = router.NewApiError(status, message, nil)
	g.quota = s.quotaNow(acc)
}

// quotaNow is acc's user's quota as it now stands (after a refund), or the
// quota at acc's count when it cannot be read.
func (s *Service) quotaNow(acc *accepted) quota.Quota {
	if q, err := quota.Status(s.app.DB(), s.cfg, acc.user, s.cfg.Now()); err == nil {
		return q
	}
	return acc.quota
}
