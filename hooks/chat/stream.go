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

// eventStream is a response of Server-Sent Events. It is exempt from the
// server's write timeout; its read timeout ends when the body has been
// read (net/http lifts it), and the header and idle timeouts apply only
// between requests.
type eventStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// openEventStream sends the headers of an event stream.
func openEventStream(e *core.RequestEvent) *eventStream {
	rc := http.NewResponseController(e.Response)
	_ = rc.SetWriteDeadline(time.Time{}) // the test recorder does not support deadlines
	h := e.Response.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would buffer the stream otherwise
	e.Response.WriteHeader(http.StatusOK)
	return &eventStream{w: e.Response, rc: rc}
}

// send writes one event, data as JSON, named unless event is "" (OpenAI's
// stream names none), and flushes it.
func (es *eventStream) send(event string, data any) error {
	payload, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if event == "" {
		_, err = fmt.Fprintf(es.w, "data: %s\n\n", payload)
	} else {
		_, err = fmt.Fprintf(es.w, "event: %s\ndata: %s\n\n", event, payload)
	}
	if err != nil {
		return err
	}
	return es.rc.Flush()
}

// write writes text as it is, and flushes it.
func (es *eventStream) write(text string) error {
	if _, err := io.WriteString(es.w, text); err != nil {
		return err
	}
	return es.rc.Flush()
}

func (es *eventStream) ping() error { return es.write(ping) }

// streamAnswer sends g as Server-Sent Events: chat, then each piece as a
// delta as soon as it arrives, then done or error (relay). If the client
// goes away, the handler returns and the generation goes on and is saved.
func (s *Service) streamAnswer(e *core.RequestEvent, acc *accepted, g *generation) error {
	out := openEventStream(e)
	if err := out.send("chat", map[string]any{"chat": acc.question, "conversation": acc.conversation, "quota": acc.quota}); err != nil {
		return nil // the client is gone; the answer is still made and saved
	}
	// the one reader of notify
	return s.relay(e, eventSink{out}, g, 0, func() <-chan struct{} { return g.notify })
}

// answerSink writes an answer as it is made: each piece, a ping while
// nothing comes, and its end. eventSink writes stovebot's events; the
// /v1 API writes OpenAI's chunks (chunkSink).
type answerSink interface {
	piece(text string) error
	ping() error
	end(g *generation) error // g is done
}

// eventSink writes delta events, then done (the answer, and its question
// as it ended) or error.
type eventSink struct{ out *eventStream }

func (s eventSink) piece(text string) error {
	return s.out.send("delta", map[string]string{"content": text})
}

func (s eventSink) ping() error { return s.out.ping() }

func (s eventSink) end(g *generation) error {
	if g.err != nil {
		return s.out.send("error", map[string]any{"status": g.err.Status, "message": g.err.Message, "quota": g.quota})
	}
	return s.out.send("done", map[string]any{"reply": g.reply, "chat": g.question})
}

// relay writes g's text after its first sent bytes to out as it grows,
// with a ping after each StreamPing of silence, then its end. wake returns
// a channel that a new piece closes or signals; it is taken before the
// text is read. relay returns when g is done or the client has gone.
func (s *Service) relay(e *core.RequestEvent, out answerSink, g *generation, sent int, wake func() <-chan struct{}) error {
	silence := time.NewTimer(s.cfg.StreamPing)
	defer silence.Stop()
	flush := func() error {
		piece := g.since(sent)
		if piece == "" {
			return nil
		}
		sent += len(piece)
		silence.Reset(s.cfg.StreamPing)
		return out.piece(piece)
	}
	for {
		more := wake()
		if err := flush(); err != nil {
			return nil
		}
		select {
		case <-more:
		case <-silence.C:
			if err := out.ping(); err != nil {
				return nil
			}
			silence.Reset(s.cfg.StreamPing)
		case <-g.done:
			if err := flush(); err != nil {
				return nil
			}
			_ = out.end(g)
			return nil
		case <-e.Request.Context().Done():
			return nil
		}
	}
}
