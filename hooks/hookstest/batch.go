package hookstest

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// WithBatch makes s's app accept batch requests (/api/batch), as an admin
// may set it: the batch API runs each request through the collection's
// rules but not through route middleware, so it tests the rules alone.
func WithBatch(s tests.ApiScenario) tests.ApiScenario {
	newApp := s.TestAppFactory
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := newApp(t)
		app.Settings().Batch.Enabled = true
		app.Settings().Batch.MaxRequests = 10
		return app
	}
	return s
}

// BatchOf is the body of a batch of one request.
func BatchOf(method, url, body string) *strings.Reader {
	return JSONBody(`{"requests":[{"method":"` + method + `","url":"` + url + `","body":` + body + `}]}`)
}
