// Package upstream calls an OpenAI-compatible chat API through go-openai,
// with the two timeouts stovebot promises: the longest wait for the first
// byte and the longest silence between two pieces of a stream.
//
// Usage:
//
//	c := upstream.New(upstream.Config{BaseURL: url, APIKey: key, Model: "gpt-4o-mini", Timeout: time.Minute})
//	res, err := c.Stream(ctx, req, func(piece string) { … })
//
// Errors never carry the upstream's body or the key: callers may log them,
// and map them to a status with [Status].
package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Sentinel errors; every error of this package wraps one of them.
var (
	// ErrTimeout: no first byte, or no next piece, within the timeout.
	ErrTimeout = errors.New("upstream timed out")
	// ErrFailed: a non-2xx answer, a refused connection, a malformed body
	// or a stream cut short.
	ErrFailed = errors.New("upstream failed")
)

// StatusError is the HTTP status of a refused upstream request, wrapped
// with ErrFailed.
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return fmt.Sprintf("status %d", e.Code) }

// Config configures a Client.
type Config struct {
	BaseURL    string // e.g. https://api.openai.com/v1
	APIKey     string
	Model      string
	Timeout    time.Duration
	HTTPClient *http.Client
}

// Message is one chat message sent upstream.
type Message struct {
	Role    string // system, user or assistant
	Content string
}

// Request is one completion request.
type Request struct {
	Messages  []Message
	User      string // opaque end-user id
	MaxTokens int
	// nil: the upstream's default
	Temperature *float32
	TopP        *float32
}

// Result is what the upstream answered. On error, Content holds the text
// received before the failure.
type Result struct {
	Content          string
	Model            string
	PromptTokens     int
	CompletionTokens int
}

// Client is an OpenAI-compatible chat client.
type Client struct {
	api     *openai.Client
	model   string
	timeout time.Duration
}

// New returns a Client; Model and Timeout must be set.
func New(cfg Config) *Client {
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	}
	return &Client{api: openai.NewClientWithConfig(oc), model: cfg.Model, timeout: cfg.Timeout}
}

func (c *Client) chatRequest(req Request, stream bool) openai.ChatCompletionRequest {
	msgs := make([]openai.ChatCompletionMessage, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	// max_tokens, not OpenAI's newer max_completion_tokens: it is the field
	// every OpenAI-compatible server (Ollama, vLLM, llama.cpp) reads.
	//lint:ignore SA1019 see above
	r := openai.ChatCompletionRequest{Model: c.model, Messages: msgs, MaxTokens: req.MaxTokens, User: req.User, Stream: stream}
	if req.Temperature != nil {
		r.Temperature = *req.Temperature
	}
	if req.TopP != nil {
		r.TopP = *req.TopP
	}
	if stream {
		r.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	return r
}

// watchdog cancels a context when it is not fed within timeout.
type watchdog struct {
	timer   *time.Timer
	timeout time.Duration
	fired   atomic.Bool
}

func newWatchdog(ctx context.Context, timeout time.Duration) (context.Context, *watchdog, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	w := &watchdog{timeout: timeout}
	w.timer = time.AfterFunc(timeout, func() {
		w.fired.Store(true)
		cancel()
	})
	return ctx, w, func() { w.timer.Stop(); cancel() }
}

func (w *watchdog) feed() { w.timer.Reset(w.timeout) }

// wrap maps a go-openai or transport error to ErrTimeout or ErrFailed,
// keeping only the status code of an API error, never its body.
func (w *watchdog) wrap(err error) error {
	if w.fired.Load() {
		return ErrTimeout
	}
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return fmt.Errorf("%w: %w", ErrFailed, &StatusError{apiErr.HTTPStatusCode})
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return fmt.Errorf("%w: %w", ErrFailed, &StatusError{reqErr.HTTPStatusCode})
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w: %w", ErrFailed, context.Canceled)
	}
	return fmt.Errorf("%w: %s", ErrFailed, errorKind(err))
}

// errorKind names an error without its text, which may quote the body.
func errorKind(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed early"
	case errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return "malformed stream"
	}
	var netErr interface{ Timeout() bool }
	if errors.As(err, &netErr) {
		return "network error"
	}
	return fmt.Sprintf("%T", err)
}

// Complete makes one non-streaming request. The timeout bounds the whole
// answer, which arrives as one piece.
func (c *Client) Complete(ctx context.Context, req Request) (Result, error) {
	ctx, wd, stop := newWatchdog(ctx, c.timeout)
	defer stop()
	resp, err := c.api.CreateChatCompletion(ctx, c.chatRequest(req, false))
	if err != nil {
		return Result{}, wd.wrap(err)
	}
	if len(resp.Choices) == 0 {
		return Result{}, fmt.Errorf("%w: an answer without choices", ErrFailed)
	}
	return Result{
		Content:          resp.Choices[0].Message.Content,
		Model:            orDefault(resp.Model, c.model),
		PromptTokens:     resp.Usage.PromptTokens,
		CompletionTokens: resp.Usage.CompletionTokens,
	}, nil
}

// Stream makes one streaming request and calls onPiece with each piece of
// text as it arrives. A stream that ends without a finish reason was cut
// short and is an error; the Result then holds the text received so far.
func (c *Client) Stream(ctx context.Context, req Request, onPiece func(string)) (Result, error) {
	ctx, wd, stop := newWatchdog(ctx, c.timeout)
	defer stop()
	res := Result{Model: c.model}
	stream, err := c.api.CreateChatCompletionStream(ctx, c.chatRequest(req, true))
	if err != nil {
		return res, wd.wrap(err)
	}
	defer stream.Close()

	var text []byte
	finished := false
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			res.Content = string(text)
			return res, wd.wrap(err)
		}
		wd.feed()
		if chunk.Model != "" {
			res.Model = chunk.Model
		}
		if chunk.Usage != nil {
			res.PromptTokens, res.CompletionTokens = chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens
		}
		for _, ch := range chunk.Choices {
			if ch.Delta.Content != "" {
				text = append(text, ch.Delta.Content...)
				onPiece(ch.Delta.Content)
			}
			if ch.FinishReason != "" {
				finished = true
			}
		}
	}
	res.Content = string(text)
	if !finished {
		return res, fmt.Errorf("%w: the stream ended before the answer did", ErrFailed)
	}
	return res, nil
}

// Models lists the model ids the upstream serves (GET /models).
func (c *Client) Models(ctx context.Context) ([]string, error) {
	ctx, wd, stop := newWatchdog(ctx, c.timeout)
	defer stop()
	list, err := c.api.ListModels(ctx)
	if err != nil {
		return nil, wd.wrap(err)
	}
	ids := make([]string, len(list.Models))
	for i, m := range list.Models {
		ids[i] = m.ID
	}
	return ids, nil
}

// Status is the HTTP status stovebot answers for an upstream error: 504 for
// a timeout, 502 otherwise.
func Status(err error) int {
	if errors.Is(err, ErrTimeout) {
		return http.StatusGatewayTimeout
	}
	return http.StatusBadGateway
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
