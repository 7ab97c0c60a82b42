package hookstest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// WatchAfterSaveApps makes every after-save event of collection (create,
// update and delete) read the database through its e.App, as any hook of
// those events would, and returns a check that fails if one of those reads
// failed: a hook that ran the save in its own transaction left e.App on
// that transaction once it had committed. PocketBase's realtime reads
// through the same app to decide who may see the record.
func WatchAfterSaveApps(app core.App, collection string) func(testing.TB) {
	var (
		mu   sync.Mutex
		n    int
		errs []error
	)
	read := func(action string) func(*core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			_, err := e.App.CountRecords(collection)
			mu.Lock()
			n++
			if err != nil {
				errs = append(errs, fmt.Errorf("after %s of %s: %w", action, e.Record.Id, err))
			}
			mu.Unlock()
			return e.Next()
		}
	}
	app.OnRecordAfterCreateSuccess(collection).BindFunc(read("create"))
	app.OnRecordAfterUpdateSuccess(collection).BindFunc(read("update"))
	app.OnRecordAfterDeleteSuccess(collection).BindFunc(read("delete"))
	return func(t testing.TB) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if n == 0 {
			t.Fatalf("expected after-save events of %s, got none", collection)
		}
		if len(errs) > 0 {
			t.Fatalf("expected the after-save events' app to read the database, got %v", errs)
		}
	}
}
