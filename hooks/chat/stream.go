package chat

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// streamAnswer sends g as Server-Sent Events: chat, then each piece as a
// delta as soon as it arrives, then done or error. The stream is exempt
// from the server's write timeout. If the client goes away, the handler
// returns and the generation goes on and is saved.
func (s *Service) streamAnswer(e *core.RequestEvent, acc *accepted, g *generation) error {
	rc := http.NewResponseController(e.Response)
	_ = rc.SetWriteDeadline(time.Time{}) // the test recorder does not support deadlines

	h := e.Response.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would buffer the stream otherwise
	e.Response.WriteHeader(http.StatusOK)

	send := func(event string, data any) error {
		payload, err := json.Marshal(data)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(e.Response, "event: %s\ndata: %s\n\n", event, payload); err != nil {
			return err
		}
		return rc.Flush()
	}

	if err := send("chat", map[string]any{"chat": acc.question, "quota": acc.quota}); err != nil {
		return nil // the client is gone; the answer is still made and saved
	}
	sent := 0
	flush := func() error {
		piece := g.since(sent)
		if piece == "" {
			return nil
		}
		sent += len(piece)
		return send("delta", map[string]string{"content": piece})
	}
	for {
		select {
		case <-g.notify:
			if err := flush(); err != nil {
				return nil
			}
		case <-g.done:
			if err := flush(); err != nil {
				return nil
			}
			if g.err != nil {
				_ = send("error", map[string]any{"status": g.err.Status, "message": g.err.Message, "quota": g.quota})
			} else {
				_ = send("done", map[string]any{"reply": g.reply})
			}
			return nil
		case <-e.Request.Context().Done():
			return nil
		}
	}
}
