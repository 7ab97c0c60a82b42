package migrations

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// checkUsageDaily fails unless the usage_daily view exists for superusers
// only, with its four typed fields, and shows want's requests for the
// user of email on 2026-11-25 (checkWorking's day), nothing of the site.
func checkUsageDaily(t *testing.T, app core.App, email string, want int) {
	t.Helper()
	view, err := app.FindCollectionByNameOrId(UsageDailyCollection)
	if err != nil {
		t.Fatalf("expected the %s collection: %v", UsageDailyCollection, err)
	}
	if !view.IsView() || view.ListRule != nil || view.ViewRule != nil {
		t.Fatalf("expected a view for superusers only, got type %s, rules %v %v", view.Type, view.ListRule, view.ViewRule)
	}
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := view.Fields.GetByName("user").(*core.RelationField); !ok || f.CollectionId != users.Id || f.MaxSelect != 1 {
		t.Fatalf("expected user to be a relation to users, got %#v", view.Fields.GetByName("user"))
	}
	if _, ok := view.Fields.GetByName("email").(*core.EmailField); !ok {
		t.Fatalf("expected email to be an email field, got %#v", view.Fields.GetByName("email"))
	}
	if _, ok := view.Fields.GetByName("day").(*core.TextField); !ok {
		t.Fatalf("expected day to be a text field, got %#v", view.Fields.GetByName("day"))
	}
	if f, ok := view.Fields.GetByName("requests").(*core.NumberField); !ok || !f.OnlyInt {
		t.Fatalf("expected requests to be an integer field, got %#v", view.Fields.GetByName("requests"))
	}

	u, err := app.FindAuthRecordByEmail(UsersCollection, email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("INSERT OR IGNORE INTO " + UsageTable + " (user, day, count) VALUES ('', '2026-11-25', 99)").Execute(); err != nil {
		t.Fatal(err)
	}
	records, err := app.FindAllRecords(view)
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, r := range records {
		if r.GetString("user") == "" || r.GetInt("requests") == 99 {
			t.Fatalf("expected no site-wide row, got %v", r.PublicExport())
		}
		if r.GetString("user") != u.Id {
			continue
		}
		found++
		if r.Id != u.Id+"20261125" || r.GetString("day") != "2026-11-25" ||
			r.GetString("email") != email || r.GetInt("requests") != want {
			t.Fatalf("expected %s's %d requests on 2026-11-25, got %v", email, want, r.PublicExport())
		}
	}
	if found != 1 {
		t.Fatalf("expected one row of %s, got %d", email, found)
	}
}

// Down removes the view and leaves the counter; up brings it back over the
// counts that were kept, and a second up changes nothing.
func TestUsageDailyMigrationDownThenUp(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	var m *core.Migration
	for _, own := range ownMigrations(t) {
		if own.File == "1764028834_usage_daily.go" {
			m = own
		}
	}
	if m == nil {
		t.Fatal("expected the usage_daily migration to be registered")
	}
	checkWorking(t, app, "counted@example.com") // one request on 2026-11-25
	checkUsageDaily(t, app, "counted@example.com", 1)

	if err := m.Down(app); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := app.FindCollectionByNameOrId(UsageDailyCollection); err == nil {
		t.Fatalf("expected %s to be gone after down", UsageDailyCollection)
	}
	if app.HasTable(UsageDailyCollection) {
		t.Fatalf("expected the %s view dropped after down", UsageDailyCollection)
	}
	if !app.HasTable(UsageTable) {
		t.Fatalf("expected the %s table kept after down", UsageTable)
	}
	if err := m.Down(app); err != nil {
		t.Fatalf("second down: %v", err)
	}

	if err := m.Up(app); err != nil {
		t.Fatalf("up: %v", err)
	}
	if err := m.Up(app); err != nil {
		t.Fatalf("second up: %v", err)
	}
	checkUsageDaily(t, app, "counted@example.com", 1)
}
