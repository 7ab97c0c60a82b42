// Package upstreamtest is a fake OpenAI-compatible chat server for tests and
// benchmarks: it speaks the wire protocol (JSON and SSE), fails on demand,
// and records what it received.
//
// Usage:
//
//	f := upstreamtest.NewServer(t)
//	f.SetMode(upstreamtest.ModeCut)
//	… point the client at f.URL …
//	got := f.WaitForEnded(t, 1) // or f.Received() once the client is done
//
// A test waits for what the server saw (WaitForRequests, WaitForEnded,
// WaitFor) instead of sleeping: each request's arrival and end wakes the
// waiters.
package upstreamtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mode is how the server answers chat completions.
type Mode string

// The modes of a Server.
const (
	ModeOK          Mode = ""        // the answer, as JSON or as a stream
	ModeServerError Mode = "500"     // HTTP 500 with an error body
	ModeRateLimited Mode = "429"     // HTTP 429 with an error body
	ModeGarbage     Mode = "garbage" // 200 with a body that is not JSON
	ModeSlow        Mode = "slow"    // no answer for 5 seconds
	ModeCut         Mode = "cut"     // a stream that ends after two pieces
	ModeEmpty       Mode = "empty"   // an empty answer
	ModeDrop        Mode = "drop"    // the connection closes without an answer
)

// A question that ends in "[mode:MODE]" (e.g. "hello [mode:500]") is
// answered in that mode whatever SetMode said.

// SecretBody appears in every error body, so tests can check it is not
// passed on.
const SecretBody = "UPSTREAM-INTERNAL-DETAIL"

// Answer is what the server answers, in the pieces it streams.
var Answer = []string{"백승수 단장의 ", "명대사는 ", "이것입니다."}

// Server is an httptest server that speaks OpenAI's chat wire protocol.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	mode      Mode
	gate      chan struct{}
	holdFirst bool // a held stream waits before its first piece
	requests  []Request
	changed   chan struct{} // closed, and replaced, whenever requests change
}

// Request is one chat completion request the server received.
type Request struct {
	Auth string
	Body struct {
		Model     string `json:"model"`
		Stream    bool   `json:"stream"`
		MaxTokens int    `json:"max_tokens"`
		User      string `json:"user"`
		Messages  []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}

	// Ended: the server is done with the request, whatever its outcome.
	Ended bool
	// Cancelled: the request's context ended (the client gave up or went
	// away) before the server had written its whole answer.
	Cancelled bool
}

// NewServer starts a Server that t closes.
func NewServer(t testing.TB) *Server {
	f := &Server{changed: make(chan struct{})}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// SetMode changes how the next requests are answered.
func (f *Server) SetMode(mode Mode) {
	f.mu.Lock()
	f.mode = mode
	f.mu.Unlock()
}

// Hold makes the next answers wait until Release: a JSON answer before it
// is sent, a stream after its first piece.
func (f *Server) Hold() {
	f.mu.Lock()
	f.gate = make(chan struct{})
	f.holdFirst = false
	f.mu.Unlock()
}

// HoldFirst is Hold with streams held before their first piece, as a
// model that thinks long: the response's headers are sent, then nothing
// until Release.
func (f *Server) HoldFirst() {
	f.mu.Lock()
	f.gate = make(chan struct{})
	f.holdFirst = true
	f.mu.Unlock()
}

// Release lets held answers go on.
func (f *Server) Release() {
	f.mu.Lock()
	close(f.gate)
	f.mu.Unlock()
}

// Received returns the chat completion requests received so far.
func (f *Server) Received() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// WaitForRequests waits until n chat completion requests have arrived,
// and fails t after 10 s.
func (f *Server) WaitForRequests(t testing.TB, n int) []Request {
	t.Helper()
	return f.WaitFor(t, fmt.Sprintf("%d upstream requests", n), func(got []Request) bool { return len(got) >= n })
}

// WaitForEnded waits until n chat completion requests have ended, and
// fails t after 10 s.
func (f *Server) WaitForEnded(t testing.TB, n int) []Request {
	t.Helper()
	return f.WaitFor(t, fmt.Sprintf("%d ended upstream requests", n), func(got []Request) bool {
		ended := 0
		for _, r := range got {
			if r.Ended {
				ended++
			}
		}
		return ended >= n
	})
}

// WaitFor waits until cond holds for the requests received so far, and
// returns them; it fails t after 10 s, naming what it waited for.
func (f *Server) WaitFor(t testing.TB, what string, cond func([]Request) bool) []Request {
	t.Helper()
	got, ok := f.Await(10*time.Second, cond)
	if !ok {
		t.Fatalf("waited 10 s for %s; the upstream received %d requests", what, len(got))
	}
	return got
}

// Await waits up to d until cond holds for the requests received so far,
// checked at each arrival and end of a request. It returns the requests
// and whether cond held. A test that expects something not to happen
// (a request cancelled) gives it d to happen.
func (f *Server) Await(d time.Duration, cond func([]Request) bool) ([]Request, bool) {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for {
		f.mu.Lock()
		got, changed := append([]Request(nil), f.requests...), f.changed
		f.mu.Unlock()
		if cond(got) {
			return got, true
		}
		select {
		case <-changed:
		case <-timeout.C:
			return got, false
		}
	}
}

// update changes the requests under the lock and wakes the waiters.
func (f *Server) update(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/models" {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[{"id":"gpt-test","object":"model"}]}`)
		return
	}
	if r.URL.Path != "/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req Request
	req.Auth = r.Header.Get("Authorization")
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &req.Body)
	var idx int
	var mode Mode
	var gate chan struct{}
	var holdFirst bool
	f.update(func() {
		idx = len(f.requests)
		f.requests = append(f.requests, req)
		mode, gate, holdFirst = f.mode, f.gate, f.holdFirst
	})
	pieces := Answer
	cancelled := false
	defer func() { f.update(func() { f.requests[idx].Ended, f.requests[idx].Cancelled = true, cancelled }) }()
	// a question may pick its own mode, for tests that mix failures
	if n := len(req.Body.Messages); n > 0 {
		if _, tag, ok := strings.Cut(req.Body.Messages[n-1].Content, "[mode:"); ok {
			mode = Mode(strings.TrimSuffix(tag, "]"))
		}
	}

	switch mode {
	case ModeServerError, ModeRateLimited:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(map[Mode]int{ModeServerError: 500, ModeRateLimited: 429}[mode])
		fmt.Fprintf(w, `{"error":{"message":"%s","type":"server_error"}}`, SecretBody)
		return
	case ModeGarbage:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "<html>"+SecretBody)
		return
	case ModeSlow:
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
			cancelled = true
		}
		return
	case ModeDrop:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	case ModeEmpty:
		pieces = []string{""}
	}

	if !req.Body.Stream {
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				cancelled = true
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": req.Body.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": strings.Join(pieces, "")}}},
			"usage": map[string]int{"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
		})
		// the answer is still buffered here: a client that has gone
		// never gets it
		cancelled = r.Context().Err() != nil
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	// wait at the gate; false when the client went away meanwhile
	held := func() bool {
		select {
		case <-gate:
			return true
		case <-r.Context().Done():
			cancelled = true
			return false
		}
	}
	if holdFirst && gate != nil {
		w.WriteHeader(http.StatusOK)
		flusher.Flush()
		if !held() {
			return
		}
	}
	chunk := func(v map[string]any) {
		if r.Context().Err() != nil {
			cancelled = true
		}
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		flusher.Flush()
	}
	for i, p := range pieces {
		if mode == ModeCut && i == 2 {
			return // the connection ends without a finish reason or [DONE]
		}
		chunk(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": req.Body.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": p}}}})
		if i == 0 && gate != nil && !holdFirst && !held() {
			return
		}
	}
	chunk(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": req.Body.Model,
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}})
	chunk(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": req.Body.Model, "choices": []any{},
		"usage": map[string]int{"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}})
	io.WriteString(w, "data: [DONE]\n\n")
	flusher.Flush()
}
