package chat_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

// multipartHi is a multipart form with content=hi.
const multipartHi = "--b\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhi\r\n--b--\r\n"

// POST /api/chat reads a JSON body whatever its Content-Type says of JSON
// (SPEC 13.4): application/json, text/plain (what fetch sends for a
// string) or nothing; any other declared type is a 415 that changes
// nothing and carries the quota headers.
func TestChatBodyTypeScenarios(t *testing.T) {
	t.Parallel()
	refused := hookstest.Checks(
		hookstest.Headers(map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Used": "0"}),
		hookstest.DBCount(migrations.ChatsCollection, 3),
		hookstest.DBUsed(hookstest.OwnerID, 0),
	)
	scenarios := []struct {
		contentType string
		body        string
		status      int
		expect      string
	}{
		{"application/json", `{"content":"hi"}`, 201, `"reply":{`},
		{"application/json; charset=utf-8", `{"content":"hi"}`, 201, `"reply":{`},
		{"Application/JSON", `{"content":"hi"}`, 201, `"reply":{`},
		{"", `{"content":"hi"}`, 201, `"reply":{`},
		{"text/plain;charset=UTF-8", `{"content":"hi"}`, 201, `"reply":{`},
		{"text/plain", `content=hi`, 400, "not valid JSON"},
		{"application/x-www-form-urlencoded", `content=hi`, 415, "Content-Type: application/json"},
		{"multipart/form-data; boundary=b", multipartHi, 415, "Content-Type: application/json"},
		{"application/xml", `<content>hi</content>`, 415, "Content-Type: application/json"},
		{"text/html", `{"content":"hi"}`, 415, "Content-Type: application/json"},
		{"not a type", `{"content":"hi"}`, 415, "Content-Type: application/json"},
	}
	for _, sc := range scenarios {
		after, events := hookstest.Check(nil), answeredEvents
		if sc.status != 201 {
			after, events = refused, refusedEvents
		}
		s := hookstest.SignedInAs(hookstest.AsOwner, tests.ApiScenario{
			Name: "Content-Type " + sc.contentType, Method: http.MethodPost, URL: "/api/chat",
			Headers:         map[string]string{"Content-Type": sc.contentType},
			Body:            strings.NewReader(sc.body),
			ExpectedStatus:  sc.status,
			ExpectedContent: []string{sc.expect},
			ExpectedEvents:  events,
			AfterTestFunc:   after,
		})
		s.Test(t)
	}
}
