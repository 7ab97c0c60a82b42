package chat_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// The OpenAI-compatible API (SPEC 13.3).

// newKey makes an API key of the rig's user and returns it and its id.
func (r *answerRig) newKey(t *testing.T, body string) (key, id string) {
	t.Helper()
	res, out := hookstest.Do(t, "POST", r.url+"/api/keys", r.tok, body)
	if res.StatusCode != 201 {
		t.Fatalf("making a key: %d %s", res.StatusCode, out)
	}
	var k struct{ ID, Key string }
	_ = json.Unmarshal([]byte(out), &k)
	return k.Key, k.ID
}

// openAIErr decodes an error in OpenAI's shape.
func openAIErr(t *testing.T, body string) (message, typ, code, param string) {
	t.Helper()
	var e struct {
		Error struct {
			Message string
			Type    string
			Code    *string
			Param   *string
		}
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Message == "" {
		t.Fatalf("expected an error in OpenAI's shape, got %s", body)
	}
	if e.Error.Code != nil {
		code = *e.Error.Code
	}
	if e.Error.Param != nil {
		param = *e.Error.Param
	}
	return e.Error.Message, e.Error.Type, code, param
}

type completion struct {
	ID, Object, Model string
	Choices           []struct {
		Message      struct{ Role, Content string }
		FinishReason string `json:"finish_reason"`
	}
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	}
}

func TestCompletionsWithAKey(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "sdk@example.com")
	key, keyID := r.newKey(t, `{"name":"my script"}`)
	body := `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"첫 질문"},` +
		`{"role":"assistant","content":"첫 답"},{"role":"user","content":[{"type":"text","text":"다행이라고 "},{"type":"text","text":"한 대사?"}]}],"max_tokens":99999,"temperature":0.5}`
	res, out := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, body)
	if res.StatusCode != 200 || res.Header.Get("X-RateLimit-Remaining") != "4" {
		t.Fatalf("expected 200 with 4 left, got %d (%s): %s", res.StatusCode, res.Header.Get("X-RateLimit-Remaining"), out)
	}
	var c completion
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	answer := strings.Join(upstreamtest.Answer, "")
	if c.Object != "chat.completion" || c.Model != "gpt-test" || len(c.Choices) != 1 || c.Choices[0].Message.Content != answer ||
		c.Choices[0].Message.Role != "assistant" || c.Choices[0].FinishReason != "stop" || c.Usage.TotalTokens != 18 || !strings.HasPrefix(c.ID, "chatcmpl-") {
		t.Fatalf("unexpected completion: %s", out)
	}
	// our system prompt first, then the client's messages
	sent := r.f.Received()[0].Body
	var got []string
	for _, m := range sent.Messages[1:] {
		got = append(got, m.Role+": "+m.Content)
	}
	want := []string{"system: Be brief.", "user: 첫 질문", "assistant: 첫 답", "user: 다행이라고 한 대사?"}
	if sent.Messages[0].Role != "system" || !strings.Contains(sent.Messages[0].Content, "Stove League") || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("expected our system prompt, then the client's messages, got %q", got)
	}
	if sent.MaxTokens != 1024 {
		t.Fatalf("expected max_tokens capped at 1024, got %d", sent.MaxTokens)
	}
	// saved in the key's conversation, titled with its name, which later calls continue
	q := r.record(t, strings.TrimPrefix(c.ID, "chatcmpl-"))
	conv, err := r.app.FindRecordById(migrations.ConversationsCollection, q.GetString("conversation"))
	if err != nil || conv.GetString("title") != "my script" || q.GetString("content") != "다행이라고 한 대사?" {
		t.Fatalf("expected the exchange in a conversation titled with the key's name, got %v %v", conv, err)
	}
	k, _ := r.app.FindRecordById(migrations.APIKeysCollection, keyID)
	if k.GetString("conversation") != conv.Id || k.GetDateTime("last_used").IsZero() {
		t.Fatalf("expected the key to remember its conversation and its use, got %v", k)
	}
	res, out = hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, `{"messages":[{"role":"user","content":"또"}]}`)
	_ = json.Unmarshal([]byte(out), &c)
	if res.StatusCode != 200 || r.record(t, strings.TrimPrefix(c.ID, "chatcmpl-")).GetString("conversation") != conv.Id {
		t.Fatalf("expected the next call in the same conversation, got %d %s", res.StatusCode, out)
	}

	// the key's conversation deleted: the next call starts another
	if res, _ := hookstest.Do(t, "DELETE", r.url+"/api/collections/conversations/records/"+conv.Id, r.tok, ""); res.StatusCode != 204 {
		t.Fatalf("deleting the conversation: %d", res.StatusCode)
	}
	res, out = hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, `{"messages":[{"role":"user","content":"다시"}]}`)
	_ = json.Unmarshal([]byte(out), &c)
	if res.StatusCode != 200 {
		t.Fatalf("expected 200 after the conversation's deletion, got %d %s", res.StatusCode, out)
	}
	next, _ := r.app.FindRecordById(migrations.ConversationsCollection, r.record(t, strings.TrimPrefix(c.ID, "chatcmpl-")).GetString("conversation"))
	if next == nil || next.Id == conv.Id || next.GetString("title") != "my script" {
		t.Fatalf("expected a new conversation titled with the key's name, got %v", next)
	}

	// a user token's calls go into a conversation titled API
	res, out = hookstest.Do(t, "POST", r.url+"/v1/chat/completions", r.tok, `{"messages":[{"role":"user","content":"토큰으로"}]}`)
	_ = json.Unmarshal([]byte(out), &c)
	if res.StatusCode != 200 {
		t.Fatalf("expected 200 with a user token, got %d %s", res.StatusCode, out)
	}
	conv, _ = r.app.FindRecordById(migrations.ConversationsCollection, r.record(t, strings.TrimPrefix(c.ID, "chatcmpl-")).GetString("conversation"))
	if conv == nil || conv.GetString("title") != "API" {
		t.Fatalf("expected the API conversation, got %v", conv)
	}

	// the key is in no log
	var logged int
	if err := r.app.AuxDB().Select("count(*)").From("_logs").Where(dbx.Like("data", key[12:])).Row(&logged); err != nil || logged != 0 {
		t.Fatalf("expected the key in no log, found %d (%v)", logged, err)
	}

	// the models
	res, out = hookstest.Do(t, "GET", r.url+"/v1/models", key, "")
	if res.StatusCode != 200 || !strings.Contains(out, `"id":"gpt-test"`) || !strings.Contains(out, `"object":"list"`) {
		t.Fatalf("expected the configured model listed, got %d %s", res.StatusCode, out)
	}
}

// readChunks reads an OpenAI stream: its data payloads up to [DONE].
func readChunks(t *testing.T, res *http.Response) ([]map[string]any, bool) {
	t.Helper()
	defer res.Body.Close()
	var chunks []map[string]any
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if line == "[DONE]" {
			return chunks, true
		}
		var c map[string]any
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("a chunk that is not JSON: %s", line)
		}
		chunks = append(chunks, c)
	}
	return chunks, false
}

func TestCompletionsStreamed(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "streamer-sdk@example.com")
	key, _ := r.newKey(t, `{"name":"stream"}`)
	for _, usage := range []bool{false, true} {
		body := fmt.Sprintf(`{"stream":true,"stream_options":{"include_usage":%v},"messages":[{"role":"user","content":"흐름"}]}`, usage)
		req, _ := http.NewRequest("POST", r.url+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("expected a 200 event stream, got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		chunks, done := readChunks(t, res)
		if !done || len(chunks) < 3 {
			t.Fatalf("expected chunks then [DONE], got %v (done %v)", chunks, done)
		}
		var text strings.Builder
		finish := ""
		for _, c := range chunks {
			if c["object"] != "chat.completion.chunk" || c["id"] != chunks[0]["id"] {
				t.Fatalf("unexpected chunk %v", c)
			}
			for _, ch := range c["choices"].([]any) {
				choice := ch.(map[string]any)
				if s, ok := choice["delta"].(map[string]any)["content"].(string); ok {
					text.WriteString(s)
				}
				if f, ok := choice["finish_reason"].(string); ok {
					finish = f
				}
			}
		}
		if text.String() != strings.Join(upstreamtest.Answer, "") || finish != "stop" {
			t.Fatalf("expected the whole answer and stop, got %q %q", text.String(), finish)
		}
		last := chunks[len(chunks)-1]
		u, hasUsage := last["usage"].(map[string]any)
		if hasUsage != usage || (usage && (len(last["choices"].([]any)) != 0 || u["total_tokens"] != float64(18))) {
			t.Fatalf("include_usage %v: unexpected last chunk %v", usage, last)
		}
	}
	if r.used(t) != 2 {
		t.Fatalf("expected two requests counted, got %d", r.used(t))
	}
}

// 50 parallel calls with one key against a limit of 5 give exactly 5
// answers; the rest are 429s that tell the SDKs not to retry. The count
// is the one POST /api/chat uses.
func TestCompletionsShareTheDailyLimit(t *testing.T) {
	t.Parallel()
	r := newAnswerRig(t, "limited-sdk@example.com")
	key, _ := r.newKey(t, `{"name":"burst"}`)
	if res, out := hookstest.Do(t, "POST", r.url+"/api/chat", r.tok, `{"content":"웹에서"}`); res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d %s", res.StatusCode, out)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	var refused *http.Response
	var refusedBody string
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, out := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, fmt.Sprintf(`{"messages":[{"role":"user","content":"동시에 %d"}]}`, i))
			mu.Lock()
			defer mu.Unlock()
			codes[res.StatusCode]++
			if res.StatusCode == 429 {
				refused, refusedBody = res, out
			}
		}()
	}
	wg.Wait()
	if codes[200] != 4 || codes[429] != 46 {
		t.Fatalf("expected 4 answers (one was used by /api/chat) and 46 refusals, got %v", codes)
	}
	if refused.Header.Get("x-should-retry") != "false" || refused.Header.Get("Retry-After") == "" || refused.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("expected the 429 to say not to retry, and when, got %v", refused.Header)
	}
	if _, typ, code, _ := openAIErr(t, refusedBody); typ != "rate_limit_error" || code != "rate_limit_exceeded" {
		t.Fatalf("unexpected 429 body %s", refusedBody)
	}
	if r.used(t) != 5 || len(r.f.Received()) != 5 {
		t.Fatalf("expected 5 counted and 5 upstream calls, got %d and %d", r.used(t), len(r.f.Received()))
	}
}

func TestCompletionsRefusals(t *testing.T) {
	t.Parallel()
	clock := hookstest.NewClock(time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	r := newAnswerRig(t, "refused-sdk@example.com", func(c *config.Config) { c.Now = clock.Now })
	f, app, user := r.f, r.app, r.user
	key, keyID := r.newKey(t, `{"name":"k"}`)
	expiring, _ := r.newKey(t, `{"name":"soon","expires":"2026-12-07T04:00:00Z"}`)
	su := hookstest.NewSuperuser(t, app)
	ask := `{"messages":[{"role":"user","content":"질문"}]}`

	// bad messages: 400 naming the parameter, nothing counted
	for _, c := range []struct{ body, param string }{
		{`{}`, "messages"},
		{`{"messages":[]}`, "messages"},
		{`{"messages":"hi"}`, "messages"},
		{`{"messages":[{"role":"assistant","content":"hi"}]}`, "messages"},
		{`{"messages":[{"role":"tool","content":"hi"}]}`, "messages[0].role"},
		{`{"messages":[{"role":"user","content":42}]}`, "messages[0].content"},
		{`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}`, "messages[0].content"},
		{`{"messages":[{"role":"user","content":""}]}`, "messages"},
		{`{"messages":[{"role":"user","content":"` + strings.Repeat("가", 2001) + `"}]}`, "messages"},
		{`{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}`, "max_tokens"},
		{`{"messages":[{"role":"user","content":"hi"}],"temperature":3}`, "temperature"},
		{`{"messages":[{"role":"user","content":"hi"}],"top_p":-1}`, "top_p"},
		{`{"messages":[{"role":"user","content":"hi"}],"n":2}`, "n"},
		{`{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}`, "stream"},
		{`{"messages":[{"role":"user","content":"hi"}],"model":7}`, "model"},
		{`not json`, ""},
	} {
		res, out := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, c.body)
		if res.StatusCode != 400 {
			t.Errorf("%.60s: expected 400, got %d %s", c.body, res.StatusCode, out)
			continue
		}
		if _, typ, _, param := openAIErr(t, out); typ != "invalid_request_error" || param != c.param {
			t.Errorf("%.60s: expected invalid_request_error naming %q, got %s", c.body, c.param, out)
		}
	}
	res, out := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, ask, "Content-Type", "application/xml")
	if _, typ, _, _ := openAIErr(t, out); res.StatusCode != 415 || typ != "invalid_request_error" {
		t.Errorf("a body of another type: expected 415 invalid_request_error, got %d %s", res.StatusCode, out)
	}
	if r.used(t) != 0 || len(f.Received()) != 0 {
		t.Fatal("a refused request was counted or sent")
	}

	// credentials: 401 invalid_api_key, 403 permission_error
	status := func(tok string) (int, string, string) {
		res, out := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", tok, ask)
		if res.StatusCode == 200 {
			return 200, "", ""
		}
		_, typ, code, _ := openAIErr(t, out)
		return res.StatusCode, typ, code
	}
	for _, c := range []struct {
		why, tok string
		status   int
		code     string
	}{
		{"no key", "", 401, "invalid_api_key"},
		{"a mistyped key", key[:len(key)-1] + "x", 401, "invalid_api_key"},
		{"a forged token", "eyJhbGciOiJIUzI1NiJ9.e30.x", 401, "invalid_api_key"},
		{"a superuser", su, 403, "permission_denied"},
	} {
		if s, _, code := status(c.tok); s != c.status || code != c.code {
			t.Errorf("%s: expected %d %s, got %d %s", c.why, c.status, c.code, s, code)
		}
	}
	if s, _, _ := status(expiring); s != 200 {
		t.Fatalf("expected the key to work before it expires, got %d", s)
	}
	clock.Set(time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC))
	if s, _, code := status(expiring); s != 401 || code != "invalid_api_key" {
		t.Fatalf("an expired key: expected 401, got %d %s", s, code)
	}
	for _, tok := range []string{"", key[:len(key)-1] + "x"} {
		res, out := hookstest.Do(t, "GET", r.url+"/v1/models", tok, "")
		if _, _, code, _ := openAIErr(t, out); res.StatusCode != 401 || code != "invalid_api_key" {
			t.Errorf("GET /v1/models with %q: expected 401 invalid_api_key, got %d %s", tok, res.StatusCode, out)
		}
	}
	// keys authenticate /v1 only
	if res, _ := hookstest.Do(t, "GET", r.url+"/api/chat/quota", key, ""); res.StatusCode != 401 {
		t.Fatalf("a key on /api/*: expected 401, got %d", res.StatusCode)
	}
	user.Set("blocked", true)
	if err := app.Save(user); err != nil {
		t.Fatal(err)
	}
	if s, typ, _ := status(key); s != 403 || typ != "permission_error" {
		t.Fatalf("a blocked user's key: expected 403 permission_error, got %d %s", s, typ)
	}
	user.Set("blocked", false)
	if err := app.Save(user); err != nil {
		t.Fatal(err)
	}
	if res, _ := hookstest.Do(t, "DELETE", r.url+"/api/collections/api_keys/records/"+keyID, r.tok, ""); res.StatusCode != 204 {
		t.Fatalf("deleting the key: %d", res.StatusCode)
	}
	if s, _, code := status(key); s != 401 || code != "invalid_api_key" {
		t.Fatalf("a deleted key: expected 401, got %d %s", s, code)
	}

	// an upstream failure is refunded, in OpenAI's shape
	key, _ = r.newKey(t, `{"name":"again"}`)
	before := r.used(t)
	f.SetMode(upstreamtest.ModeServerError)
	res, out = hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, ask)
	f.SetMode(upstreamtest.ModeOK)
	if _, typ, _, _ := openAIErr(t, out); res.StatusCode != 502 || typ != "api_error" || strings.Contains(out, upstreamtest.SecretBody) {
		t.Fatalf("expected 502 api_error, got %d %s", res.StatusCode, out)
	}
	if r.used(t) != before {
		t.Fatalf("expected the failure refunded, used %d then %d", before, r.used(t))
	}

	// Idempotency-Key: a replay answers the first result, uncounted
	res1, out1 := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, ask, "Idempotency-Key", "sdk-retry-1")
	res2, out2 := hookstest.Do(t, "POST", r.url+"/v1/chat/completions", key, `{"stream":true,"messages":[{"role":"user","content":"질문"}]}`, "Idempotency-Key", "sdk-retry-1")
	var first, replayed map[string]any
	_ = json.Unmarshal([]byte(out1), &first)
	_ = json.Unmarshal([]byte(out2), &replayed)
	if res1.StatusCode != 200 || res2.StatusCode != 200 || res2.Header.Get("Idempotent-Replayed") != "true" ||
		!reflect.DeepEqual(first, replayed) || r.used(t) != before+1 {
		t.Fatalf("expected the replay to answer the first result, uncounted: %d %s / %d %s", res1.StatusCode, out1, res2.StatusCode, out2)
	}

	// an SDK pointed at the root is told where the API is
	res, out = hookstest.Do(t, "POST", r.url+"/chat/completions", key, ask)
	if msg, _, _, _ := openAIErr(t, out); res.StatusCode != 404 || !strings.Contains(msg, "/v1") {
		t.Fatalf("expected 404 pointing to /v1, got %d %s", res.StatusCode, out)
	}
}

// Offline, the model is quote-search and the endpoint works the same.
func TestCompletionsOffline(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "offline-sdk@example.com")
	hookstest.AddQuote(t, app, "야구는 팀으로 하는 겁니다.", "백승수", 3, true, "")
	url := hookstest.StartServer(t, app).URL
	tok := hookstest.Token(t, user)
	res, out := hookstest.Do(t, "POST", url+"/v1/chat/completions", tok, `{"messages":[{"role":"user","content":"야구는 팀"}]}`)
	var c completion
	_ = json.Unmarshal([]byte(out), &c)
	if res.StatusCode != 200 || c.Model != "quote-search" || !strings.Contains(c.Choices[0].Message.Content, "야구는 팀으로 하는 겁니다.") {
		t.Fatalf("expected an offline answer from quote-search, got %d %s", res.StatusCode, out)
	}
	if res, out := hookstest.Do(t, "GET", url+"/v1/models", tok, ""); res.StatusCode != 200 || !strings.Contains(out, `"id":"quote-search"`) {
		t.Fatalf("expected quote-search listed, got %d %s", res.StatusCode, out)
	}
}

// The site's daily cap is a 503 that tells the SDKs not to retry, as the
// user's limit is.
func TestCompletionsAtTheSiteCap(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, func(c *config.Config) { c.GlobalDailyLimit = 1 })
	t.Cleanup(app.Cleanup)
	url := hookstest.StartServer(t, app).URL
	ask := `{"messages":[{"role":"user","content":"질문"}]}`
	first := hookstest.Token(t, hookstest.NewUser(t, app, "first@example.com"))
	if res, out := hookstest.Do(t, "POST", url+"/v1/chat/completions", first, ask); res.StatusCode != 200 {
		t.Fatalf("expected 200, got %d %s", res.StatusCode, out)
	}
	res, out := hookstest.Do(t, "POST", url+"/v1/chat/completions", hookstest.Token(t, hookstest.NewUser(t, app, "second@example.com")), ask)
	if _, typ, _, _ := openAIErr(t, out); res.StatusCode != 503 || typ != "api_error" ||
		res.Header.Get("x-should-retry") != "false" || res.Header.Get("Retry-After") == "" {
		t.Fatalf("expected 503 that says not to retry, got %d %v %s", res.StatusCode, res.Header, out)
	}
}
