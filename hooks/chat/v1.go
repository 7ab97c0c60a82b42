package chat

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/hooks/guard"
	"stovebot/hooks/keys"
	"stovebot/hooks/upstream"
	"stovebot/migrations"
)

// The OpenAI-compatible API (SPEC 13.3): POST /v1/chat/completions and
// GET /v1/models in OpenAI's shapes, for the SDKs and the apps built on
// them. A call is one chat request, through the same Service as
// POST /api/chat: the daily limit and its headers, refunds, the
// Idempotency-Key. The client's own messages are the context; the
// exchange is saved in the conversation of the key that made it (the one
// titled "API" for a user token).

// apiConversationTitle titles the conversation of calls made with a user
// token.
const apiConversationTitle = "API"

// v1Error is an error in OpenAI's shape, which the SDKs turn into the
// exception of its status. v1Route writes it.
type v1Error struct {
	status                    int
	typ, code, message, param string
}

func (err *v1Error) Error() string { return err.message }

// openAIError is a v1Error; code and param may be "" (null).
func openAIError(status int, typ, code, message, param string) error {
	return &v1Error{status: status, typ: typ, code: code, message: message, param: param}
}

// v1Route writes the v1Error that h returns, if any, in OpenAI's shape.
func v1Route(h func(*core.RequestEvent) error) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		err := h(e)
		var v1 *v1Error
		if !errors.As(err, &v1) {
			return err
		}
		body := map[string]any{"message": v1.message, "type": v1.typ, "code": nil, "param": nil}
		if v1.code != "" {
			body["code"] = v1.code
		}
		if v1.param != "" {
			body["param"] = v1.param
		}
		return e.JSON(v1.status, map[string]any{"error": body})
	}
}

// asOpenAIError writes err, an error of the chat path (a PocketBase API
// error), in OpenAI's shape. The daily limit's 429 and the site cap's 503
// say x-should-retry: false, so that the SDKs do not retry into them.
func asOpenAIError(e *core.RequestEvent, err error) error {
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		return err
	}
	param := ""
	for field := range apiErr.Data {
		if field == "content" {
			field = "messages"
		}
		param = field
	}
	switch status := apiErr.Status; {
	case status == http.StatusTooManyRequests:
		e.Response.Header().Set("x-should-retry", "false")
		return openAIError(status, "rate_limit_error", "rate_limit_exceeded", apiErr.Message, "")
	case status == http.StatusServiceUnavailable:
		if _, capped := apiErr.Data["reset"]; capped { // the site's daily cap (quota.LimitError)
			e.Response.Header().Set("x-should-retry", "false")
		}
		return openAIError(status, "api_error", "service_unavailable", apiErr.Message, "")
	case status == http.StatusForbidden:
		return openAIError(status, "permission_error", "permission_denied", apiErr.Message, "")
	case status == http.StatusNotFound:
		return openAIError(status, "invalid_request_error", "not_found", apiErr.Message, param)
	case status == http.StatusConflict:
		return openAIError(status, "invalid_request_error", "conflict", apiErr.Message, "")
	case status >= 500:
		return openAIError(status, "api_error", "upstream_error", apiErr.Message, "")
	default:
		return openAIError(status, "invalid_request_error", "", apiErr.Message, param)
	}
}

// authenticate is keys.Authenticate with its refusals in OpenAI's shape.
func (s *Service) authenticate(e *core.RequestEvent) (keys.Caller, error) {
	caller, err := keys.Authenticate(e, s.cfg.Now())
	switch {
	case errors.Is(err, keys.ErrNoCredentials):
		return caller, openAIError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			"Send an API key (make one on your profile page) as Authorization: Bearer KEY.", "")
	case errors.Is(err, keys.ErrExpiredKey):
		return caller, openAIError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "This API key has expired.", "")
	case errors.Is(err, keys.ErrInvalidKey):
		return caller, openAIError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			"This API key or token is not valid: it may have been deleted, or mistyped.", "")
	case errors.Is(err, keys.ErrBlocked):
		return caller, openAIError(http.StatusForbidden, "permission_error", "permission_denied",
			"This account is blocked from chatting. Contact the site's administrator.", "")
	case errors.Is(err, keys.ErrNotAUser):
		return caller, openAIError(http.StatusForbidden, "permission_error", "permission_denied",
			"Superusers do not chat; use a user's API key or token.", "")
	}
	return caller, err
}

// model is the model the answers name: the configured one, or the quote
// search offline.
func (s *Service) model() string {
	if s.upstream == nil {
		return OfflineModel
	}
	return s.cfg.Model
}

// handleModels is GET /v1/models.
func (s *Service) handleModels(e *core.RequestEvent) error {
	if _, err := s.authenticate(e); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"object": "list", "data": []map[string]any{
		{"id": s.model(), "object": "model", "created": 1764028800, "owned_by": "stovebot"},
	}})
}

// completionRequest is what stovebot reads of a chat completion request;
// other fields are ignored.
type completionRequest struct {
	messages     []upstream.Message // all of them, the last the user's
	stream       bool
	includeUsage bool
	maxTokens    int
	temperature  *float32
	topP         *float32
}

// readCompletionRequest decodes and checks a chat completion request,
// naming the parameter of any error.
func readCompletionRequest(e *core.RequestEvent) (completionRequest, error) {
	var req completionRequest
	bad := func(param, message string) (completionRequest, error) {
		return req, openAIError(http.StatusBadRequest, "invalid_request_error", "", message, param)
	}
	raw, _, err := guard.ReadJSONObject(e.Request)
	if err != nil {
		return req, asOpenAIError(e, err)
	}
	var model string
	if _, err := guard.JSONField(raw, "model", &model); err != nil {
		return bad("model", "model must be a string (any name: the server answers with its own model).")
	}
	var msgs []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	present, err := guard.JSONField(raw, "messages", &msgs)
	if !present {
		return bad("messages", "messages is required: a list of {role, content}, the last from the user.")
	}
	if err != nil || len(msgs) == 0 {
		return bad("messages", "messages must be a non-empty list of {role, content} objects.")
	}
	for i, m := range msgs {
		param := fmt.Sprintf("messages[%d]", i)
		role := m.Role
		switch role {
		case "user", "assistant", "system":
		case "developer":
			role = "system"
		default:
			return bad(param+".role", fmt.Sprintf("%s.role must be user, assistant, system or developer, not %q.", param, m.Role))
		}
		text, err := messageText(m.Content)
		if err != nil {
			return bad(param+".content", fmt.Sprintf("%s.content %s", param, err))
		}
		req.messages = append(req.messages, upstream.Message{Role: role, Content: text})
	}
	if req.messages[len(req.messages)-1].Role != "user" {
		return bad("messages", "The last message must be the user's.")
	}
	if _, err := guard.JSONField(raw, "stream", &req.stream); err != nil {
		return bad("stream", "stream must be true or false.")
	}
	var opts struct {
		IncludeUsage bool `json:"include_usage"`
	}
	if _, err := guard.JSONField(raw, "stream_options", &opts); err != nil {
		return bad("stream_options", "stream_options must be an object such as {\"include_usage\": true}.")
	}
	req.includeUsage = opts.IncludeUsage
	for _, name := range []string{"max_tokens", "max_completion_tokens"} {
		var n int
		if present, err := guard.JSONField(raw, name, &n); err != nil || (present && n < 1) {
			return bad(name, name+" must be a whole number of at least 1.")
		} else if present {
			req.maxTokens = n
		}
	}
	choices := 1
	if _, err := guard.JSONField(raw, "n", &choices); err != nil || choices != 1 {
		return bad("n", "n must be 1: one answer per request.")
	}
	for _, p := range []struct {
		name string
		max  float32
		to   **float32
	}{{"temperature", 2, &req.temperature}, {"top_p", 1, &req.topP}} {
		var f float32
		if present, err := guard.JSONField(raw, p.name, &f); err != nil || f < 0 || f > p.max {
			return bad(p.name, fmt.Sprintf("%s must be a number from 0 to %g.", p.name, p.max))
		} else if present {
			*p.to = &f
		}
	}
	return req, nil
}

// messageText is a message's content as text: a string, or a list of
// parts of type text, joined.
func messageText(raw json.RawMessage) (string, error) {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text, nil
	}
	var parts []struct {
		Type string  `json:"type"`
		Text *string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return "", errors.New("must be a string or a list of text parts")
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type != "text" || p.Text == nil {
			return "", fmt.Errorf("can only hold text parts ({\"type\": \"text\", \"text\": …}), not %q", p.Type)
		}
		b.WriteString(*p.Text)
	}
	return b.String(), nil
}

// apiQuestion is the chat request of a completion request of caller: the
// last message asked, the ones before it (their last ContextMessages) as
// the context, in the caller's API conversation.
func (s *Service) apiQuestion(e *core.RequestEvent, caller keys.Caller, req completionRequest) Question {
	n := len(req.messages) - 1
	earlier := req.messages[max(0, n-s.cfg.ContextMessages):n]
	q := Question{
		Content: req.messages[n].Content, Key: IdempotencyKey(e.Request),
		OwnContext: true, Context: earlier,
		Options: CallOptions{MaxTokens: req.maxTokens, Temperature: req.temperature, TopP: req.topP},
	}
	q.Conversation, q.Title = apiConversation(e.App, caller)
	return q
}

// apiConversation is the conversation that caller's calls go into: the
// key's, or the user's most recent one titled "API" for a user token; ""
// with the title of the one to make when there is none yet.
func apiConversation(app core.App, caller keys.Caller) (id, title string) {
	if caller.Key != nil {
		if id := caller.Key.GetString("conversation"); id != "" {
			return id, ""
		}
		return "", caller.Key.GetString("name")
	}
	found, err := app.FindRecordsByFilter(migrations.ConversationsCollection,
		"user = {:user} && title = {:title}", "-updated", 1, 0,
		map[string]any{"user": caller.User.Id, "title": apiConversationTitle})
	if err == nil && len(found) == 1 {
		return found[0].Id, ""
	}
	return "", apiConversationTitle
}

// rememberConversation records on caller's key the conversation its calls
// now go into.
func rememberConversation(app core.App, caller keys.Caller, conv *core.Record) {
	if caller.Key == nil || conv == nil || caller.Key.GetString("conversation") == conv.Id {
		return
	}
	_, err := app.DB().NewQuery(`UPDATE ` + migrations.APIKeysCollection + ` SET [[conversation]] = {:conv} WHERE [[id]] = {:id}`).
		Bind(map[string]any{"conv": conv.Id, "id": caller.Key.Id}).Execute()
	if err != nil {
		app.Logger().Warn("chat: recording an API key's conversation", "key", caller.Key.Id, "error", err)
	}
}

// handleCompletions is POST /v1/chat/completions.
func (s *Service) handleCompletions(e *core.RequestEvent) error {
	caller, err := s.authenticate(e)
	if err != nil {
		return err
	}
	req, err := readCompletionRequest(e)
	if err != nil {
		return err
	}
	q := s.apiQuestion(e, caller, req)
	for again := true; ; again = false {
		if !req.stream {
			var answer *Answer
			answer, err = s.Ask(e, q)
			if err == nil {
				rememberConversation(e.App, caller, answer.Conversation)
				return s.writeCompletion(e, answer)
			}
		} else {
			var acc *accepted
			var replay *Answer
			acc, replay, err = s.begin(e, q, true)
			if err == nil && replay != nil {
				return s.writeCompletion(e, replay) // always as JSON
			}
			if err == nil {
				rememberConversation(e.App, caller, acc.conversation)
				return s.streamCompletion(e, acc, req.includeUsage)
			}
		}
		// the key's conversation was deleted meanwhile: a new one, once
		var apiErr *router.ApiError
		if again && q.Conversation != "" && errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
			q.Conversation, q.Title = "", apiConversationTitle
			if caller.Key != nil {
				q.Title = caller.Key.GetString("name")
			}
			continue
		}
		return asOpenAIError(e, err)
	}
}

// completionID is the id of the completion that answers question.
func completionID(question *core.Record) string { return "chatcmpl-" + question.Id }

// usage is an answer's token counts in OpenAI's shape.
func usage(reply *core.Record) map[string]int {
	if reply == nil {
		return map[string]int{"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
	}
	p, c := reply.GetInt("prompt_tokens"), reply.GetInt("completion_tokens")
	return map[string]int{"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
}

// writeCompletion writes an answer as a chat.completion.
func (s *Service) writeCompletion(e *core.RequestEvent, a *Answer) error {
	if a.Replayed {
		e.Response.Header().Set("Idempotent-Replayed", "true")
	}
	content, model := "", s.model()
	if a.Reply != nil {
		content = a.Reply.GetString("content")
		if m := a.Reply.GetString("model"); m != "" {
			model = m
		}
	}
	return e.JSON(http.StatusOK, map[string]any{
		"id": completionID(a.Question), "object": "chat.completion",
		"created": a.Question.GetDateTime("created").Time().Unix(), "model": model,
		"choices": []map[string]any{{
			"index": 0, "message": map[string]string{"role": "assistant", "content": content}, "finish_reason": "stop",
		}},
		"usage": usage(a.Reply),
	})
}

// streamCompletion makes acc's answer in the background and streams it as
// chat.completion.chunk events, then data: [DONE].
func (s *Service) streamCompletion(e *core.RequestEvent, acc *accepted, includeUsage bool) error {
	s.running.add() // a stopping server waits until the stream is delivered
	defer s.running.done()
	g := s.start(acc)
	runtime.Gosched() // see deliver
	sink := &chunkSink{out: openEventStream(e), id: completionID(acc.question),
		created: acc.question.GetDateTime("created").Time().Unix(), model: s.model(), usage: includeUsage}
	if err := sink.chunk(map[string]any{"role": "assistant", "content": ""}, nil); err != nil {
		return nil // the client is gone; the answer is still made and saved
	}
	return s.relay(e, sink, g, 0, func() <-chan struct{} { return g.notify })
}

// chunkSink writes an answer as OpenAI's stream: data: lines of
// chat.completion.chunk objects.
type chunkSink struct {
	out     *eventStream
	id      string
	created int64
	model   string
	usage   bool // a last chunk with the usage (stream_options.include_usage)
}

func (c *chunkSink) chunk(delta map[string]any, finish any) error {
	return c.out.send("", map[string]any{"id": c.id, "object": "chat.completion.chunk", "created": c.created, "model": c.model,
		"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}}})
}

func (c *chunkSink) piece(text string) error { return c.chunk(map[string]any{"content": text}, nil) }

func (c *chunkSink) ping() error { return c.out.ping() }

func (c *chunkSink) end(g *generation) error {
	if g.err != nil {
		typ := "api_error"
		if g.err.Status < 500 {
			typ = "invalid_request_error"
		}
		return c.out.send("", map[string]any{"error": map[string]any{"message": g.err.Message, "type": typ, "code": "upstream_error", "param": nil}})
	}
	if g.reply != nil && g.reply.GetString("model") != "" {
		c.model = g.reply.GetString("model")
	}
	if err := c.chunk(map[string]any{}, "stop"); err != nil {
		return err
	}
	if c.usage {
		if err := c.out.send("", map[string]any{"id": c.id, "object": "chat.completion.chunk", "created": c.created, "model": c.model,
			"choices": []any{}, "usage": usage(g.reply)}); err != nil {
			return err
		}
	}
	return c.out.write("data: [DONE]\n\n")
}

// handleRootPaths answers an SDK pointed at the server's root instead of
// /v1, which would otherwise meet the legacy /chat/{id}: it says where
// the API is.
func handleRootPaths(e *core.RequestEvent) error {
	return openAIError(http.StatusNotFound, "invalid_request_error", "not_found",
		"The OpenAI-compatible API is under /v1: set your client's base URL to this server's address followed by /v1.", "")
}
