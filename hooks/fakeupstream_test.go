package hooks

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

// fakeUpstream is an httptest server that speaks OpenAI's chat wire protocol
// (JSON and SSE) and fails on demand. It records what it received.
type fakeUpstream struct {
	*httptest.Server

	mu       sync.Mutex
	mode     string   // "", "500", "429", "garbage", "slow", "cut", "empty"
	pieces   []string // the answer, streamed piece by piece
	gate     chan struct{}
	requests []fakeRequest
}

// fakeRequest is one request the fake received.
type fakeRequest struct {
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
}

const upstreamSecretBody = "UPSTREAM-INTERNAL-DETAIL"

func newFakeUpstream(t testing.TB) *fakeUpstream {
	f := &fakeUpstream{pieces: []string{"백승수 단장의 ", "명대사는 ", "이것입니다."}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeUpstream) set(mode string) {
	f.mu.Lock()
	f.mode = mode
	f.mu.Unlock()
}

// hold makes the fake wait, after its first piece, until release.
func (f *fakeUpstream) hold() {
	f.mu.Lock()
	f.gate = make(chan struct{})
	f.mu.Unlock()
}

func (f *fakeUpstream) release() {
	f.mu.Lock()
	close(f.gate)
	f.mu.Unlock()
}

func (f *fakeUpstream) received() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

func (f *fakeUpstream) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/models" {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[{"id":"gpt-test","object":"model"}]}`)
		return
	}
	if r.URL.Path != "/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req fakeRequest
	req.Auth = r.Header.Get("Authorization")
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &req.Body)
	f.mu.Lock()
	f.requests = append(f.requests, req)
	mode, pieces, gate := f.mode, f.pieces, f.gate
	f.mu.Unlock()

	switch mode {
	case "500", "429":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(map[string]int{"500": 500, "429": 429}[mode])
		fmt.Fprintf(w, `{"error":{"message":"%s","type":"server_error"}}`, upstreamSecretBody)
		return
	case "garbage":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "<html>"+upstreamSecretBody)
		return
	case "slow":
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
		return
	case "empty":
		pieces = []string{""}
	}

	if !req.Body.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": req.Body.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": strings.Join(pieces, "")}}},
			"usage": map[string]int{"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
		})
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	chunk := func(v map[string]any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		flusher.Flush()
	}
	for i, p := range pieces {
		if mode == "cut" && i == 2 {
			return // the connection ends without a finish reason or [DONE]
		}
		chunk(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": req.Body.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": p}}}})
		if i == 0 && gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
	}
	chunk(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": req.Body.Model,
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}})
	chunk(map[string]any{"id": "c", "object": "chat.completion.chunk", "model": req.Body.Model, "choices": []any{},
		"usage": map[string]int{"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}})
	io.WriteString(w, "data: [DONE]\n\n")
	flusher.Flush()
}
