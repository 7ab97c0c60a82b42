package chat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/config"
	"stovebot/hooks/guard"
	"stovebot/hooks/quota"
	"stovebot/hooks/search"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// Values of the chats records' role and status.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
	StatusPending = "pending"
	StatusDone    = "done"
	StatusFailed  = "failed"
	StatusStopped = migrations.ChatStatusStopped
)

// shutdownGrace is how long a stopping server lets running answers finish
// before it fails them.
const shutdownGrace = 10 * time.Second

// Service runs chat requests (SPEC section 5): the daily limit, the
// upstream call and the answers, which outlive the HTTP request that asked.
// POST /api/chat and the legacy POST /chat both go through Ask or stream.
type Service struct {
	app      core.App
	cfg      *config.Config
	upstream *upstream.Client // nil: answer offline from the quote index
	quotes   *search.Index    // grounding and offline answers
	workers  *workers         // run the SQL of stream requests
	context  string           // contextSQL of the configured length, "" for none
	before   string           // contextSQL of a regeneration, "" for none

	ctx      context.Context // cancelled when the server stops, after shutdownGrace
	cancel   context.CancelFunc
	running  inflight    // answers and the handlers delivering them
	stopping atomic.Bool // set when the server stops: new requests get 503
	live     sync.Map    // question id → its *generation, while it runs
}

func newService(app core.App, cfg *config.Config, quotes *search.Index) *Service {
	s := &Service{app: app, cfg: cfg, quotes: quotes, workers: newWorkers(4 * runtime.GOMAXPROCS(0))}
	if cfg.UpstreamEnabled() {
		s.upstream = upstream.New(upstream.Config{
			BaseURL:    cfg.UpstreamBaseURL(),
			APIKey:     cfg.OpenAIKey,
			Model:      cfg.Model,
			Timeout:    cfg.UpstreamTimeout,
			HTTPClient: cfg.HTTPClient,
		})
		if cfg.ContextMessages > 0 {
			s.context, s.before = contextSQL(cfg.ContextMessages, false), contextSQL(cfg.ContextMessages, true)
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// Answer is the outcome of one chat request.
type Answer struct {
	Question     *core.Record
	Reply        *core.Record
	Conversation *core.Record // the conversation of both, nil if a replay's was deleted
	Quota        quota.Quota
	Replayed     bool // an Idempotency-Key replay: nothing ran, nothing was charged
}

// accepted is a request that passed the limit and has its question saved.
type accepted struct {
	user         *core.Record
	question     *core.Record
	conversation *core.Record
	quota        quota.Quota
	day          string // the local day it was counted on, for a quota.Refund
	key          string // its Idempotency-Key, or ""
	stream       bool
	options      CallOptions // the client's, for the upstream call
	settled      bool        // its outcome (answer saved, or failure and quota.Refund) has committed
	gen          *generation // its answer, listed in live from acceptance to settle
	before       prior       // a regeneration's question as it was

	// what goes upstream, or why it could not be assembled
	prompt    []upstream.Message
	promptErr error
}

// prior is what a regenerated question was before: a failed or stopped
// regeneration leaves it so.
type prior struct {
	regenerated bool
	status      string
	reply       string // "" for a new question
}

// checkContent trims content and checks its length, naming the field.
func (s *Service) checkContent(content string) (string, error) {
	content = strings.TrimSpace(content)
	switch n := utf8.RuneCountInString(content); {
	case n == 0:
		return "", guard.FieldError("content", "validation_required", "Write a message first.")
	case n > s.cfg.MaxChars:
		return "", guard.FieldError("content", "validation_max_chars",
			fmt.Sprintf("A message can have at most %d characters; this one has %d.", s.cfg.MaxChars, n))
	case guard.HasControlChar(content):
		return "", guard.FieldError("content", "validation_control_characters", "A message cannot hold control characters such as NUL.")
	}
	return content, nil
}

// begin accepts a request (accept). For a stream, one of the service's
// workers runs accept while the handler waits: SQLite in pure Go grows a
// goroutine's stack to tens of KB, and the handler's goroutine would keep
// that stack while the answer streams (1,000 open streams: about 10 MB
// more RSS); a worker's stack has grown once and is reused.
func (s *Service) begin(e *core.RequestEvent, q Question, stream bool) (acc *accepted, replay *Answer, err error) {
	if !stream {
		return s.accept(e, q, stream)
	}
	s.workers.run(func() { acc, replay, err = s.accept(e, q, stream) })
	return acc, replay, err
}

// accept checks the user, the key and the conversation, and accepts the
// request: the conversation's check (or its making), the quota check, the
// count and the question record are one short transaction. The quota
// headers are set on every outcome. A replay returns the Answer of the
// first request instead.
func (s *Service) accept(e *core.RequestEvent, q Question, stream bool) (*accepted, *Answer, error) {
	user, key := e.Auth, q.Key
	now := s.cfg.Now()
	// a refused request's quota headers show the quota as it stands
	// (quota.Headers); an accepted one's show it after the count
	refuse := func(err error) (*accepted, *Answer, error) {
		return nil, nil, err
	}
	if s.stopping.Load() {
		e.Response.Header().Set("Retry-After", "10")
		return refuse(router.NewApiError(http.StatusServiceUnavailable, "The server is restarting. Please try again in a few seconds.", nil))
	}
	if user.GetBool("blocked") {
		return refuse(e.ForbiddenError("This account is blocked from chatting. Contact the site's administrator.", nil))
	}
	if key != "" && !validIdempotencyKey(key) {
		return refuse(e.BadRequestError("The Idempotency-Key header must be 1 to 128 visible ASCII characters.", nil))
	}
	content, err := s.checkContent(q.Content)
	if err != nil {
		return refuse(err)
	}
	if err := checkConversation(q.Conversation); err != nil {
		return refuse(err)
	}

	acc := &accepted{user: user, day: quota.Day(now, s.cfg.Location()), key: key, stream: stream,
		options: q.Options}
	var replayID string
	var earlier []upstream.Message
	var w *recordWriter
	err = e.App.RunInTransaction(func(txApp core.App) error {
		var err error
		if w, err = newRecordWriter(txApp); err != nil {
			return err
		}
		if key != "" {
			if replayID, err = idemLookup(txApp.DB(), user.Id, key, content, now); err != nil || replayID != "" {
				return err
			}
		}
		acc.question = w.newQuestion(user.Id, content)
		var fresh bool // a new conversation: no earlier messages
		if acc.conversation, fresh, err = w.conversation(user.Id, q, acc.question); err != nil {
			return err
		}
		if acc.quota, err = quota.Reserve(txApp, s.cfg, user, now); err != nil {
			return err
		}
		if err = w.insertQuestion(acc.question, acc.conversation.Id); err != nil {
			return err
		}
		if s.context != "" && !fresh && !q.OwnContext {
			// Read in the transaction, on the connection of the writes:
			// SQLite empties a connection's page cache when another one
			// has written since its last read, which on the read pool,
			// under a stream of chat requests, is nearly always (about
			// 40 µs more a query). The question is pending, so it is not
			// in the context twice.
			if earlier, err = earlierMessages(w.tx, s.context, s.cfg.ContextMessages, acc.conversation.Id); err != nil {
				return err
			}
		}
		if key != "" {
			return idemStart(txApp.DB(), user.Id, key, content, acc.question.Id, now)
		}
		return nil
	})

	switch {
	case errors.Is(err, quota.ErrDailyLimitReached), errors.Is(err, quota.ErrSiteLimitReached):
		return nil, nil, quota.LimitError(e, s.cfg, acc.quota, err)
	case errors.Is(err, ErrRequestInProgress):
		return refuse(router.NewApiError(http.StatusConflict, "The first request with this Idempotency-Key is still running.", nil))
	case errors.Is(err, ErrKeyReused):
		return refuse(router.NewApiError(http.StatusUnprocessableEntity, "This Idempotency-Key was already used with a different message.", nil))
	case errors.Is(err, ErrConversationNotFound):
		return refuse(e.NotFoundError("No such conversation.", nil))
	case err != nil:
		return refuse(e.InternalServerError("", err))
	case replayID != "":
		answer, err := s.replay(e, user, replayID, now)
		if err != nil {
			return refuse(err)
		}
		quota.Use(e, answer.Quota)
		return nil, answer, nil
	}
	if q.OwnContext {
		earlier = q.Context
	}
	s.admit(e, acc, w, earlier)
	return acc, nil, nil
}

// admit lists acc's generation among the live ones, fires the events of
// its writes, sets the quota headers, and assembles what goes upstream
// after the earlier messages.
func (s *Service) admit(e *core.RequestEvent, acc *accepted, w *recordWriter, earlier []upstream.Message) {
	// listed before the events, so whoever hears of the question can stop
	// or follow its answer
	acc.gen = newGeneration(s.ctx, acc.question, acc.stream)
	s.live.Store(acc.question.Id, acc.gen)
	w.announce(s.app)
	quota.Use(e, acc.quota)
	if s.upstream != nil {
		// Assembled here, not by the generation: SQLite in pure Go grows a
		// goroutine's stack to tens of KB, and the generation's stack is
		// kept while an answer streams (1,000 streams: about 9 MB more RSS).
		acc.prompt, acc.promptErr = buildMessages(e.App.DB(), s.quotes, earlier, acc.question.GetString("content"))
	}
}

// replay loads the result of a finished request.
func (s *Service) replay(e *core.RequestEvent, user *core.Record, questionID string, now time.Time) (*Answer, error) {
	question, err := e.App.FindRecordById(migrations.ChatsCollection, questionID)
	if err != nil {
		return nil, e.NotFoundError("The first request with this Idempotency-Key was deleted.", err)
	}
	var reply *core.Record // none when it was stopped before its first piece
	if id := question.GetString("reply"); id != "" || question.GetString("status") != StatusStopped {
		if reply, err = e.App.FindRecordById(migrations.ChatsCollection, id); err != nil {
			return nil, e.NotFoundError("The answer of the first request with this Idempotency-Key was deleted.", err)
		}
	}
	conv, err := e.App.FindRecordById(migrations.ConversationsCollection, question.GetString("conversation"))
	if err != nil {
		conv = nil // deleted with its messages, or a bug: the answer is still the answer
	}
	q, err := quota.Status(e.App.DB(), s.cfg, user, now)
	if err != nil {
		return nil, e.InternalServerError("", err)
	}
	return &Answer{Question: question, Reply: reply, Conversation: conv, Quota: q, Replayed: true}, nil
}

// Ask runs one chat request for the signed-in user of e and waits for its
// answer, as JSON clients want it. It leaves the quota that the answer's
// headers report (quota.Use, for a route bound with quota.Headers); its
// errors are PocketBase API errors (400, 403, 404, 409, 422, 429, 502,
// 503, 504). If the client goes away, the answer is still saved.
func (s *Service) Ask(e *core.RequestEvent, q Question) (*Answer, error) {
	acc, replay, err := s.begin(e, q, false)
	if err != nil || replay != nil {
		return replay, err
	}
	s.running.add() // a stopping server waits until the answer is delivered
	defer s.running.done()
	return s.finish(e, acc)
}

// finish makes acc's answer on this goroutine, whose stack the transaction
// has grown already, and returns it for a JSON client. It does not use the
// request's context, so the answer is made and saved even if the client
// goes away meanwhile.
func (s *Service) finish(e *core.RequestEvent, acc *accepted) (*Answer, error) {
	g := acc.gen
	defer s.settle(acc) // after the recovery below
	defer func() {
		// A panic is a bug: the request is ended here, then PocketBase
		// logs the panic and answers 500.
		if r := recover(); r != nil {
			s.failPanicked(acc, g, r)
			quota.Use(e, g.quota)
			panic(r)
		}
	}()
	s.generate(acc, g)
	quota.Use(e, g.quota)
	if g.err != nil {
		return nil, g.err
	}
	// as the activity trigger moved it; changed here, on the goroutine
	// that owns acc, never by a generation that a stream's handler reads
	if g.reply != nil {
		acc.conversation.SetRaw("updated", g.reply.GetDateTime("created"))
	}
	return &Answer{Question: acc.question, Reply: g.reply, Conversation: acc.conversation, Quota: g.quota}, nil
}
