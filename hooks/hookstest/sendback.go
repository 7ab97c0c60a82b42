package hookstest

import (
	"bytes"
	"encoding/json"
	"maps"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// SendingBack completes s (whose TestAppFactory is set) to send as its body
// the record collection/id as its owner reads it, with changes laid over
// it: what the JS SDK sends for update(id, {...record, ...changes}). The
// record is read when the request is made, so its dates are the stored
// ones; it holds the visible fields as PocketBase serialises them, the
// owner's own email, collectionId and collectionName. A change to nil
// takes a field out of the body.
func SendingBack(collection, id string, changes map[string]any, s tests.ApiScenario) tests.ApiScenario {
	body := bytes.NewReader(nil)
	s.Body = body
	before := s.BeforeTestFunc
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		t.Helper()
		if before != nil {
			before(t, app, e)
		}
		body.Reset(AsRead(t, app, collection, id, changes))
	}
	return s
}

// AsRead returns the JSON of SendingBack's body.
func AsRead(t testing.TB, app core.App, collection, id string, changes map[string]any) []byte {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	r.IgnoreEmailVisibility(true) // the owner reads their own email
	fields := r.PublicExport()
	maps.Copy(fields, changes)
	for k, v := range changes {
		if v == nil {
			delete(fields, k)
		}
	}
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
