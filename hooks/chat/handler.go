package chat

import (
	"encoding/json"
	"errors"
	"io"
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
			return chatRequest{}, guard.BodyTooLarge()
		}
		if errors.Is(err, io.EOF) {
			return chatRequest{}, guard.FieldError("content", "validation_required", "Send a JSON body such as {\"content\": \"…\"}.")
		}
		return chatRequest{}, e.BadRequestError("The request body is not valid JSON.", nil)
	}
	var req chatRequest
	if v, ok := raw["content"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &req.Content); err != nil {
			return req, guard.FieldError("content", "validation_invalid_type", "content must be text.")
		}
	}
	if v, ok := raw["stream"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &req.Stream); err != nil {
			return req, guard.FieldError("stream", "validation_invalid_type", "stream must be true or false.")
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
	if e.Request.ContentLength > guard.MaxBodyBytes {
		return guard.BodyTooLarge()
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, guard.MaxBodyBytes)
	req, err := readChatRequest(e)
	if err != nil {
		return err
	}
	key := IdempotencyKey(e.Request)
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

func (s *Service) writeAnswer(e *core.RequestEvent, a *Answer) error {
	status := http.StatusCreated
	if a.Replayed {
		status = http.StatusOK
		e.Response.Header().Set("Idempotent-Replayed", "true")
	}
	return e.JSON(status, map[string]any{"chat": a.Question, "reply": a.Reply, "quota": a.Quota})
}
