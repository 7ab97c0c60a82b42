package chat_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
)

// Whether an answer streams (SPEC 5.2, 13.4): the body's "stream" when it
// says, else the Accept headers read with their q-values, a tie going to
// the stream and a wildcard never asking for one.
func TestChatStreamsWhenAskedScenarios(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name   string
		body   string
		accept string // "" sends none
		stream bool
	}{
		{"no Accept", `{"content":"a"}`, "", false},
		{"Accept: text/event-stream", `{"content":"a"}`, "text/event-stream", true},
		{"JSON preferred by q", `{"content":"a"}`, "text/event-stream;q=0.9, application/json", false},
		{"JSON preferred by q, listed last", `{"content":"a"}`, "application/json, text/event-stream;q=0.9", false},
		{"the stream preferred by q", `{"content":"a"}`, "application/json;q=0.5, text/event-stream", true},
		{"a tie goes to the stream", `{"content":"a"}`, "application/json, text/event-stream", true},
		{"q=0 refuses it", `{"content":"a"}`, "text/event-stream;q=0, application/json", false},
		{"q=0 alone refuses it", `{"content":"a"}`, "text/event-stream;q=0", false},
		{"*/* alone is not a stream", `{"content":"a"}`, "*/*", false},
		{"text/* is not a stream", `{"content":"a"}`, "text/*", false},
		{"named, beside */*", `{"content":"a"}`, "text/event-stream, */*;q=0.8", true},
		{"under */*", `{"content":"a"}`, "text/event-stream;q=0.5, */*", false},
		{"application/json is more specific than */*", `{"content":"a"}`, "text/event-stream;q=0.5, application/json;q=0.2, */*", true},
		{"application/* takes JSON", `{"content":"a"}`, "text/event-stream;q=0.5, application/*", false},
		{"the body's true, without Accept", `{"content":"a","stream":true}`, "", true},
		{"the body's true wins over Accept", `{"content":"a","stream":true}`, "application/json", true},
		{"the body's false wins over Accept", `{"content":"a","stream":false}`, "text/event-stream", false},
		{"the body's null says nothing", `{"content":"a","stream":null}`, "text/event-stream", true},
	}
	for _, sc := range scenarios {
		headers := map[string]string{}
		if sc.accept != "" {
			headers["Accept"] = sc.accept
		}
		status, expect, contentType := 201, []string{`"reply":{`}, "application/json"
		if sc.stream {
			status, expect, contentType = 200, []string{"event: chat\n", "event: delta\n", "event: done\n"}, "text/event-stream"
		}
		s := hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: sc.name, Method: http.MethodPost, URL: "/api/chat",
			Headers:         headers,
			Body:            strings.NewReader(sc.body),
			ExpectedStatus:  status,
			ExpectedContent: expect,
			ExpectedEvents:  answeredEvents,
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
					t.Fatalf("expected %s, got %s", contentType, ct)
				}
			},
		})
		s.Test(t)
	}
}
