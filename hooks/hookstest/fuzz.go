package hookstest

import (
	"bytes"
	"errors"
	"net/http/httptest"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// FuzzEvent is a request event for a parser; the parsers under fuzz use
// only the request and PocketBase's error helpers.
func FuzzEvent(method, target string, body []byte) *core.RequestEvent {
	e := &core.RequestEvent{}
	e.Request = httptest.NewRequest(method, target, bytes.NewReader(body))
	e.Response = httptest.NewRecorder()
	return e
}

// APIStatus is the status of a PocketBase API error, or 0.
func APIStatus(err error) int {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}
