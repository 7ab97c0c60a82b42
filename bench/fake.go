package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// holdWord in a question makes the fake hold its stream open after the
// first piece, until release is called.
const holdWord = "HOLD-THE-STREAM"

// fakeUpstream is an OpenAI-compatible POST /v1/chat/completions that
// answers at once from prepared bytes: one JSON body, or an SSE stream of a
// few pieces. It does as little work as a server can, so that what stovebot
// adds on top of it stands out.
type fakeUpstream struct {
	URL  string // base URL, ending in /v1
	srv  *http.Server
	hold chan struct{}
	once sync.Once
}

var (
	fakeJSON = []byte(`{"id":"chatcmpl-bench","object":"chat.completion","created":1764028800,"model":"bench-model",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"“야구는 팀으로 하는 겁니다.” — 백승수 (episode 3)"},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":120,"completion_tokens":24,"total_tokens":144}}`)
	fakePieces = []string{"“야구는 ", "팀으로 ", "하는 겁니다.” ", "— 백승수 ", "(episode 3)"}
	fakeChunks [][]byte // the SSE stream, one element per flush
)

func init() {
	for _, p := range fakePieces {
		fakeChunks = append(fakeChunks, fmt.Appendf(nil,
			`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764028800,"model":"bench-model","choices":[{"index":0,"delta":{"content":%q}}]}`+"\n\n", p))
	}
	fakeChunks = append(fakeChunks, []byte(
		`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764028800,"model":"bench-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\n"+
			`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764028800,"model":"bench-model","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":24,"total_tokens":144}}`+"\n\n"+
			"data: [DONE]\n\n"))
}

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func startFake() (*fakeUpstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake upstream: %w", err)
	}
	f := &fakeUpstream{URL: "http://" + ln.Addr().String() + "/v1", hold: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.complete)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeUpstream) complete(w http.ResponseWriter, r *http.Request) {
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bodyPool.Put(buf)
	if _, err := io.Copy(buf, r.Body); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	body := buf.Bytes()
	if !bytes.Contains(body, []byte(`"stream":true`)) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(fakeJSON)
		return
	}
	hold := bytes.Contains(body, []byte(holdWord))
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	flusher := w.(http.Flusher)
	for i, chunk := range fakeChunks {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		flusher.Flush()
		if i == 0 && hold {
			select {
			case <-f.hold:
			case <-r.Context().Done():
				return
			}
		}
	}
}

// release lets every held stream finish.
func (f *fakeUpstream) release() { f.once.Do(func() { close(f.hold) }) }

func (f *fakeUpstream) close() {
	f.release()
	f.srv.Close()
}

// upstreamBody is a request like the one stovebot sends for a question:
// the system prompt with a few quotes, some context, the question.
func upstreamBody(question string, stream bool) []byte {
	system := "You are stovebot, a finder of famous lines from the Korean drama \"Stove League\" (스토브리그, SBS, 2019–2020). " +
		"Answer in the language of the user's question. If you are not sure that a line is real, say so.\n\n" +
		"Approved quotes from the quote board that may match the question (best first):\n" +
		"1. “우리는 드림즈입니다.” — 백승수 (episode 1)\n2. “야구는 팀으로 하는 겁니다.” — 백승수 (episode 3)"
	opts := ""
	if stream {
		opts = `,"stream":true,"stream_options":{"include_usage":true}`
	}
	return fmt.Appendf(nil, `{"model":"gpt-4o-mini","messages":[{"role":"system","content":%q},`+
		`{"role":"user","content":"이전 질문"},{"role":"assistant","content":"이전 답"},{"role":"user","content":%q}],`+
		`"max_tokens":1024,"user":"0123456789abcdef0123456789abcdef"%s}`, system, question, opts)
}
