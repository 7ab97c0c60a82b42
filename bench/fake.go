package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// holdWord in a question makes the fake hold its stream open after the
// first piece, until the next release.
const holdWord = "HOLD-THE-STREAM"

// fakeUpstream is an OpenAI-compatible POST /v1/chat/completions that
// answers at once from prepared bytes: one JSON body, or an SSE stream of a
// few pieces. It does as little work as a server can, so that what stovebot
// adds on top of it stands out.
//
// It runs in a process of its own (this program run again with fakeEnv
// set), as a real upstream does. Served from the load tool's process, a
// direct call was answered by a process whose threads were awake anyway,
// and skipped the wake-up that a call to another process pays (direct
// p50 at 500 requests/s: 0.11 to 0.16 ms in three runs, 0.27 ms with the
// fake in its own process).
type fakeUpstream struct {
	URL   string // base URL, ending in /v1
	cmd   *exec.Cmd
	stdin io.Closer
	once  sync.Once
}

// cpuTime is the CPU time the fake's process has used so far.
func (f *fakeUpstream) cpuTime() (time.Duration, error) { return processCPU(f.cmd.Process.Pid) }

// fakeEnv, set to 1, makes this program serve the fake and nothing else.
const fakeEnv = "STOVEBOT_BENCH_FAKE"

// startFake starts the fake's process and waits for its address.
func startFake() (*fakeUpstream, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("fake upstream: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), fakeEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // closed by close, or by this process's end
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("fake upstream: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("fake upstream: reading its address: %w", err)
	}
	return &fakeUpstream{URL: strings.TrimSpace(line), cmd: cmd, stdin: stdin}, nil
}

// serveFake is the fake's process: it prints its base URL, serves until
// its standard input closes, and lets held streams go on POST /release.
func serveFake() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var h holds
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) { complete(w, r, &h) })
	mux.HandleFunc("POST /release", func(w http.ResponseWriter, r *http.Request) { h.release() })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		srv.Close()
	}()
	fmt.Printf("http://%s/v1\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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

// holds are the held streams: each waits on the channel that was current
// when it began, and a release closes it and makes the next one.
type holds struct {
	mu sync.Mutex
	ch chan struct{}
}

func (h *holds) current() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ch == nil {
		h.ch = make(chan struct{})
	}
	return h.ch
}

func (h *holds) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ch != nil {
		close(h.ch)
		h.ch = nil
	}
}

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func complete(w http.ResponseWriter, r *http.Request, held *holds) {
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
	var hold <-chan struct{} // nil: not held
	if bytes.Contains(body, []byte(holdWord)) {
		hold = held.current()
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	flusher := w.(http.Flusher)
	for i, chunk := range fakeChunks {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		flusher.Flush()
		if i == 0 && hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
	}
}

// release lets every held stream finish.
func (f *fakeUpstream) release() error {
	return call(http.MethodPost, strings.TrimSuffix(f.URL, "/v1")+"/release", "", nil, http.StatusOK)
}

// close ends the fake's process.
func (f *fakeUpstream) close() {
	f.once.Do(func() {
		f.stdin.Close()
		if err := f.cmd.Wait(); err != nil {
			logf("fake upstream: %v", err)
		}
	})
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
