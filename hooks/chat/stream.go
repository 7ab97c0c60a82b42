package chat

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// ping is the SSE comment a stream sends after cfg.StreamPing of
// silence: proxies (nginx, Cloudflare) close a response that sends nothing
// for a minute or so, and a model may think that long before its first
// piece. Clients ignore comment lines.
const ping = ": ping\n\n"

// streamAnswer sends g as Server-Sent Events: chat, then each piece as a
// delta as soon as it arrives, then done or error, with a ping comment
// after each StreamPing of silence. The stream is exempt from the
// server's write timeout; its read timeout ends when the body has been
// read (net/http lifts it), and the header and idle timeouts apply only
// between requests. If the client goes away, the handler returns and the
// generation goes on and is saved.
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

	if err := send("chat", map[string]any{"chat": acc.question, "conversation": acc.conversation, "quota": acc.quota}); err != nil {
		return nil // the client is gone; the answer is still made and saved
	}
	silence := time.NewTimer(s.cfg.StreamPing)
	defer silence.Stop()
	sent := 0
	flush := func() error {
		piece := g.since(sent)
		if piece == "" {
			return nil
		}
		sent += len(piece)
		silence.Reset(s.cfg.StreamPing)
		return send("delta", map[string]string{"content": piece})
	}
	for {
		select {
		case <-g.notify:
			if err := flush(); err != nil {
				return nil
			}
		case <-silence.C:
			if _, err := io.WriteString(e.Response, ping); err != nil {
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
			silence.Reset(s.cfg.StreamPing)
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
