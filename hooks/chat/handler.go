package chat

import (
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/guard"
)

// chatRequest is the body of POST /api/chat; unknown fields are ignored.
type chatRequest struct {
	Content      string
	Conversation string // "" (or absent, or null): a new conversation
	Stream       *bool  // nil when the body says nothing about it (or null)
}

// readChatRequest decodes the body, naming the field of a wrong type. It
// is JSON, whether declared so, as text or not at all (guard.BodyAsJSON).
func readChatRequest(e *core.RequestEvent) (chatRequest, error) {
	var req chatRequest
	raw, sent, err := guard.ReadJSONObject(e.Request)
	if err != nil {
		return req, err
	}
	if !sent {
		return req, guard.FieldError("content", "validation_required", "Send a JSON body such as {\"content\": \"…\"}.")
	}
	if _, err := guard.JSONField(raw, "content", &req.Content); err != nil {
		return req, guard.FieldError("content", "validation_invalid_type", "content must be text.")
	}
	if _, err := guard.JSONField(raw, "conversation", &req.Conversation); err != nil {
		return req, guard.FieldError("conversation", "validation_invalid_type", "conversation must be the id of one of your conversations, as text.")
	}
	var stream bool
	if present, err := guard.JSONField(raw, "stream", &stream); err != nil {
		return req, guard.FieldError("stream", "validation_invalid_type", "stream must be true or false.")
	} else if present {
		req.Stream = &stream
	}
	return req, nil
}

// wantsEventStream reports whether the Accept headers prefer Server-Sent
// Events to JSON (SPEC 5.2): text/event-stream, named as such, with a q
// above 0 and at least JSON's q, where JSON's is that of the most
// specific range that takes application/json (application/json,
// application/*, */*; none: 0). A tie goes to the stream: a client that
// names text/event-stream reads it, and JSON is what the endpoint answers
// when not asked; a wildcard alone never asks for a stream, since curl
// and most libraries send */*.
func wantsEventStream(r *http.Request) bool {
	sseQ, jsonQ := 0.0, 0.0
	jsonLevel := 0 // how specific the range that set jsonQ is: 1 */*, 2 application/*, 3 application/json
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept"), ","), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		level := 0
		switch mt {
		case "text/event-stream":
			sseQ = max(sseQ, q)
		case "application/json":
			level = 3
		case "application/*":
			level = 2
		case "*/*":
			level = 1
		}
		switch {
		case level > jsonLevel:
			jsonQ, jsonLevel = q, level
		case level > 0 && level == jsonLevel:
			jsonQ = max(jsonQ, q)
		}
	}
	return sseQ > 0 && sseQ >= jsonQ
}

// IdempotencyKey is the request's Idempotency-Key; a header that is present
// but empty becomes a value Ask refuses as invalid.
func IdempotencyKey(r *http.Request) string {
	key := r.Header.Get("Idempotency-Key")
	if _, sent := r.Header["Idempotency-Key"]; sent && key == "" {
		return " "
	}
	return key
}

func (s *Service) handlePost(e *core.RequestEvent) error {
	req, err := readChatRequest(e)
	if err != nil {
		return err
	}
	q := Question{Content: req.Content, Key: IdempotencyKey(e.Request), Conversation: req.Conversation}
	// the body's stream, when present, wins over Accept
	stream := wantsEventStream(e.Request)
	if req.Stream != nil {
		stream = *req.Stream
	}
	if !stream {
		answer, err := s.Ask(e, q)
		if err != nil {
			return err
		}
		return s.writeAnswer(e, answer)
	}

	acc, replay, err := s.begin(e, q, true)
	if err != nil {
		return err
	}
	if replay != nil {
		return s.writeAnswer(e, replay) // always as JSON
	}
	return s.deliver(e, acc)
}

// deliver makes acc's answer in the background and streams it.
func (s *Service) deliver(e *core.RequestEvent, acc *accepted) error {
	s.running.add() // a stopping server waits until the stream is delivered
	defer s.running.done()
	g := s.start(acc)
	// let the generation call the upstream first; the chat event is sent
	// while the upstream thinks
	runtime.Gosched()
	return s.streamAnswer(e, acc, g)
}

func (s *Service) writeAnswer(e *core.RequestEvent, a *Answer) error {
	status := http.StatusCreated
	if a.Replayed {
		status = http.StatusOK
		e.Response.Header().Set("Idempotent-Replayed", "true")
	}
	return e.JSON(status, map[string]any{"chat": a.Question, "reply": a.Reply, "conversation": a.Conversation, "quota": a.Quota})
}
