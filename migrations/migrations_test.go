package migrations

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// ownMigrations are the migrations of this package, in the order they run
// (the only app migrations of this test binary).
func ownMigrations(t *testing.T) []*core.Migration {
	t.Helper()
	own := core.AppMigrations.Items()
	for _, file := range []string{"1764028800_collections.go", "1764028801_rate_limits.go", "1764028802_usage_counter.go"} {
		if !slices.ContainsFunc(own, func(m *core.Migration) bool { return m.File == file }) {
			t.Fatalf("expected migration %s to be registered", file)
		}
	}
	return own
}

func newApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// checkDataModel fails unless the three collections carry exactly the rule
// constants, the extra users fields and the chats index, and the usage table
// and the chat counter (with its triggers) exist.
func checkDataModel(t *testing.T, app core.App) {
	t.Helper()
	ptr := func(s string) *string { return &s }
	scenarios := []struct {
		collection                 string
		list, view, create, update *string
		delete                     *string
		fields                     []string
	}{
		{UsersCollection, ptr(UsersListRule), ptr(UsersViewRule), ptr(UsersCreateRule), ptr(UsersUpdateRule), ptr(UsersDeleteRule),
			[]string{"nickname", "ip_address", "last_login", "daily_limit", "blocked", "moderator"}},
		{ChatsCollection, ptr(ChatsListRule), ptr(ChatsViewRule), nil, nil, ptr(ChatsDeleteRule),
			[]string{"user", "conversation", "role", "content", "reply", "question", "status", "model", "prompt_tokens", "completion_tokens", "created", "updated"}},
		{ConversationsCollection, ptr(ConversationsListRule), ptr(ConversationsViewRule), nil, ptr(ConversationsUpdateRule), ptr(ConversationsDeleteRule),
			[]string{"user", "title", "created", "updated"}},
		{QuotesCollection, ptr(QuotesListRule), ptr(QuotesViewRule), ptr(QuotesCreateRule), ptr(QuotesUpdateRule), ptr(QuotesDeleteRule),
			[]string{"user", "content", "speaker", "episode", "is_apply", "applied_at", "rejected_reason", "rejected_at", "created", "updated"}},
	}
	sameRule := func(name string, got, want *string) {
		t.Helper()
		switch {
		case want == nil && got != nil:
			t.Fatalf("%s: expected nil (superusers only), got %q", name, *got)
		case want != nil && got == nil:
			t.Fatalf("%s: expected %q, got nil", name, *want)
		case want != nil && *got != *want:
			t.Fatalf("%s: expected %q, got %q", name, *want, *got)
		}
	}
	for _, s := range scenarios {
		c, err := app.FindCollectionByNameOrId(s.collection)
		if err != nil {
			t.Fatalf("collection %s: %v", s.collection, err)
		}
		sameRule(s.collection+".listRule", c.ListRule, s.list)
		sameRule(s.collection+".viewRule", c.ViewRule, s.view)
		sameRule(s.collection+".createRule", c.CreateRule, s.create)
		sameRule(s.collection+".updateRule", c.UpdateRule, s.update)
		sameRule(s.collection+".deleteRule", c.DeleteRule, s.delete)
		for _, f := range s.fields {
			if c.Fields.GetByName(f) == nil {
				t.Fatalf("%s: expected field %s", s.collection, f)
			}
		}
	}

	users, _ := app.FindCollectionByNameOrId(UsersCollection)
	if f, ok := users.Fields.GetByName("ip_address").(*core.TextField); !ok || !f.Hidden {
		t.Fatalf("expected users.ip_address to be a hidden text field, got %#v", users.Fields.GetByName("ip_address"))
	}
	if users.Fields.GetByName("name") != nil || users.Fields.GetByName("avatar") != nil {
		t.Fatal("expected users.name and users.avatar to be replaced by nickname")
	}
	if collate := emailCollation(t, app); collate != EmailCollation {
		t.Fatalf("expected the email index of users to be %s, got %q", EmailCollation, collate)
	}
	chats, _ := app.FindCollectionByNameOrId(ChatsCollection)
	if idx := chats.GetIndex("idx_chats_user_created"); !strings.Contains(idx, "`user`, `created`") {
		t.Fatalf("expected the (user, created) index on chats, got %q", idx)
	}
	if reply, ok := chats.Fields.GetByName("reply").(*core.RelationField); !ok || reply.CollectionId != chats.Id || reply.MaxSelect != 1 {
		t.Fatalf("expected chats.reply to be a single relation to chats, got %#v", chats.Fields.GetByName("reply"))
	}
	if f, ok := chats.Fields.GetByName("status").(*core.SelectField); !ok || strings.Join(f.Values, " ") != "pending done failed stopped" {
		t.Fatalf("expected chats.status to take pending, done, failed and stopped, got %#v", chats.Fields.GetByName("status"))
	}
	conversations, _ := app.FindCollectionByNameOrId(ConversationsCollection)
	if f, ok := chats.Fields.GetByName("conversation").(*core.RelationField); !ok || f.CollectionId != conversations.Id || !f.Required || !f.CascadeDelete {
		t.Fatalf("expected chats.conversation to be a required relation to conversations, deleted with it, got %#v", chats.Fields.GetByName("conversation"))
	}
	if f, ok := chats.Fields.GetByName("question").(*core.RelationField); !ok || f.CollectionId != chats.Id || f.MaxSelect != 1 || !f.CascadeDelete {
		t.Fatalf("expected chats.question to be a single relation to chats, deleted with it, got %#v", chats.Fields.GetByName("question"))
	}
	if f, ok := conversations.Fields.GetByName("user").(*core.RelationField); !ok || !f.Required || !f.CascadeDelete {
		t.Fatalf("expected conversations.user to be required and deleted with the user, got %#v", conversations.Fields.GetByName("user"))
	}
	for c, idx := range map[*core.Collection]string{
		chats:         "idx_chats_conversation_created",
		conversations: "idx_conversations_user_updated",
	} {
		if c.GetIndex(idx) == "" {
			t.Fatalf("expected the index %s", idx)
		}
	}
	if !app.HasTable(UsageTable) {
		t.Fatalf("expected the %s table", UsageTable)
	}
	if inStep, err := ChatCountsInStep(app); err != nil || !app.HasTable(ChatCountsTable) || !inStep {
		t.Fatalf("expected the %s table and its triggers, got triggers %v (%v)", ChatCountsTable, inStep, err)
	}
}

// checkWorking fails unless a user can be created and a quote saved for them.
func checkWorking(t *testing.T, app core.App, email string) {
	t.Helper()
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(users)
	u.SetEmail(email)
	u.SetPassword("password123")
	u.Set("nickname", "tester")
	if err := app.Save(u); err != nil {
		t.Fatalf("creating a user: %v", err)
	}
	quotes, err := app.FindCollectionByNameOrId(QuotesCollection)
	if err != nil {
		t.Fatal(err)
	}
	q := core.NewRecord(quotes)
	q.Set("user", u.Id)
	q.Set("content", "우리는 어차피 지는 팀이 아닙니다")
	if err := app.Save(q); err != nil {
		t.Fatalf("creating a quote: %v", err)
	}
	if _, err := app.DB().NewQuery("INSERT INTO " + UsageTable + " (user, day, count) VALUES ({:u}, '2026-11-25', 1)").
		Bind(map[string]any{"u": u.Id}).Execute(); err != nil {
		t.Fatalf("writing the usage table: %v", err)
	}
}

func TestMigrationsCreateTheDataModel(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	checkDataModel(t, app)
	checkWorking(t, app, "first@example.com")
}

func TestMigrationsDownThenUp(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	checkWorking(t, app, "before@example.com") // down must cope with data
	runner := core.NewMigrationsRunner(app, core.AppMigrations)

	own := ownMigrations(t)
	reverted, err := runner.Down(len(own))
	if err != nil {
		t.Fatalf("down: %v", err)
	}
	if len(reverted) != len(own) {
		t.Fatalf("expected %d reverted migrations, got %v", len(own), reverted)
	}
	for _, name := range []string{ChatsCollection, QuotesCollection, ConversationsCollection} {
		if _, err := app.FindCollectionByNameOrId(name); err == nil {
			t.Fatalf("expected %s to be gone after down", name)
		}
	}
	for _, table := range []string{UsageTable, ChatCountsTable} {
		if app.HasTable(table) {
			t.Fatalf("expected %s to be gone after down", table)
		}
	}
	users, err := app.FindCollectionByNameOrId(UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	if users.Fields.GetByName("nickname") != nil || users.Fields.GetByName("name") == nil {
		t.Fatal("expected users back to PocketBase's default fields after down")
	}
	if app.Settings().RateLimits.Enabled {
		t.Fatal("expected the rate limiter off after down")
	}
	if collate := emailCollation(t, app); collate != "" {
		t.Fatalf("expected PocketBase's case-sensitive email index after down, got %q", collate)
	}

	applied, err := runner.Up()
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if len(applied) != len(own) {
		t.Fatalf("expected %d applied migrations, got %v", len(own), applied)
	}
	checkDataModel(t, app)
	checkWorking(t, app, "again@example.com")
	checkRateLimits(t, app)
	if _, err := app.FindAuthRecordByEmail(UsersCollection, "before@example.com"); err != nil {
		t.Fatalf("expected the user of before the down to remain: %v", err)
	}
}

func TestMigrationsUpTwice(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	checkWorking(t, app, "before@example.com")
	for _, m := range ownMigrations(t) {
		if err := m.Up(app); err != nil {
			t.Fatalf("second run of %s: %v", m.File, err)
		}
	}
	checkDataModel(t, app)
	checkRateLimits(t, app)
	// the data of the first run is still there
	if _, err := app.FindAuthRecordByEmail(UsersCollection, "before@example.com"); err != nil {
		t.Fatalf("expected the user of the first run to remain: %v", err)
	}
	checkWorking(t, app, "after@example.com")
}

func TestMigrationsEnableTheRateLimiter(t *testing.T) {
	t.Parallel()
	checkRateLimits(t, newApp(t))
}

func checkRateLimits(t *testing.T, app core.App) {
	t.Helper()
	limits := app.Settings().RateLimits
	if !limits.Enabled {
		t.Fatal("expected the rate limiter to be enabled")
	}
	seen := map[string]int{}
	for _, r := range limits.Rules {
		seen[r.Label]++
		if r.Label == "/api/" {
			t.Fatalf("expected no blanket /api/ rule, got %+v", r)
		}
	}
	for _, label := range []string{"*:auth", "POST /accounts/login", "POST /accounts/join"} {
		if seen[label] != 1 {
			t.Fatalf("expected one %q rule, got %d", label, seen[label])
		}
		for _, r := range limits.Rules {
			if r.Label == label && (r.MaxRequests != SignInRateLimit || r.Duration != SignInRateWindow) {
				t.Fatalf("expected %q at %d/%ds, got %d/%ds", label, SignInRateLimit, SignInRateWindow, r.MaxRequests, r.Duration)
			}
		}
	}
	if SignInRateLimit != 10 || SignInRateWindow != 60 {
		t.Fatalf("expected sign-in at 10 per 60 s, got %d per %d s", SignInRateLimit, SignInRateWindow)
	}
	for _, r := range limits.Rules {
		if r.Label == "POST /quote" && (r.MaxRequests != 20 || r.Duration != 5) {
			t.Fatalf("expected the legacy quote creation at 20 per 5 s, got %+v", r)
		}
	}
	if seen["POST /quote"] != 1 {
		t.Fatalf("expected one POST /quote rule, got %d", seen["POST /quote"])
	}
	if seen["*:create"] != 1 {
		t.Fatalf("expected PocketBase's default *:create rule to remain, got %d", seen["*:create"])
	}
	// the saved settings, not only the in-memory copy, carry the rules
	stored, err := app.Settings().Clone()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	if !app.Settings().RateLimits.Enabled || len(app.Settings().RateLimits.Rules) != len(stored.RateLimits.Rules) {
		t.Fatal("expected the rate limits to be saved in the database")
	}
}

// The chat counts migration counts the chats that exist when it runs.
func TestChatCountsBackfilled(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	checkWorking(t, app, "fan@example.com")
	u, err := app.FindAuthRecordByEmail(UsersCollection, "fan@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var m *core.Migration
	for _, own := range ownMigrations(t) {
		if own.File == "1764028806_chat_counts.go" {
			m = own
		}
	}
	if m == nil {
		t.Fatal("expected the chat counts migration to be registered")
	}
	if err := m.Down(app); err != nil {
		t.Fatalf("down: %v", err)
	}
	for i, role := range []string{"user", "assistant", "user"} {
		if _, err := app.DB().NewQuery("INSERT INTO " + ChatsCollection + " (id, user, role, content, status) VALUES ({:id}, {:u}, {:role}, 'hi', 'done')").
			Bind(map[string]any{"id": fmt.Sprintf("chat%011d", i), "u": u.Id, "role": role}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Up(app); err != nil {
		t.Fatalf("up: %v", err)
	}
	var chats, questions int
	if err := app.DB().NewQuery("SELECT [[chats]], [[questions]] FROM "+ChatCountsTable+" WHERE [[user]] = {:u}").
		Bind(map[string]any{"u": u.Id}).Row(&chats, &questions); err != nil {
		t.Fatal(err)
	}
	if chats != 3 || questions != 2 {
		t.Fatalf("expected 3 chats and 2 questions, got %d and %d", chats, questions)
	}
}

// emailCollation returns the collation of the users' unique email index.
func emailCollation(t *testing.T, app core.App) string {
	t.Helper()
	collate, err := EmailIndexCollation(app)
	if err != nil {
		t.Fatal(err)
	}
	return collate
}

func TestEmailsMatchWithoutCase(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	checkWorking(t, app, "Fan@Example.com")
	if _, err := app.FindAuthRecordByEmail(UsersCollection, "fan@example.COM"); err != nil {
		t.Fatalf("expected the account found by its email in another case: %v", err)
	}
	users, _ := app.FindCollectionByNameOrId(UsersCollection)
	twin := core.NewRecord(users)
	twin.SetEmail("FAN@example.com")
	twin.SetPassword("password123")
	err := app.Save(twin)
	var verrs validation.Errors
	if !errors.As(err, &verrs) || verrs["email"] == nil {
		t.Fatalf("expected a second account differing only in case to be refused on email, got %v", err)
	}
}

// Accounts that differ only in the case of their email keep the index
// case-sensitive (it could not be built); once they are resolved, the
// migration's step makes it NOCASE.
func TestEmailIndexWaitsForAccountsDifferingInCase(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	if err := SetEmailCollation(app, ""); err != nil {
		t.Fatal(err)
	}
	checkWorking(t, app, "twin@example.com")
	checkWorking(t, app, "Twin@Example.com")
	if err := SetEmailCollation(app, EmailCollation); err != nil {
		t.Fatalf("expected no error with the clash, got %v", err)
	}
	if collate := emailCollation(t, app); collate != "" {
		t.Fatalf("expected the index left case-sensitive, got %q", collate)
	}
	clashes, err := EmailsDifferingInCase(app)
	if err != nil || len(clashes) != 1 || !strings.EqualFold(clashes[0], "twin@example.com") {
		t.Fatalf("expected the clash named, got %v (%v)", clashes, err)
	}

	twin, err := app.FindAuthRecordByEmail(UsersCollection, "Twin@Example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(twin); err != nil {
		t.Fatal(err)
	}
	if err := SetEmailCollation(app, EmailCollation); err != nil {
		t.Fatal(err)
	}
	if collate := emailCollation(t, app); collate != EmailCollation {
		t.Fatalf("expected the index %s once the clash is gone, got %q", EmailCollation, collate)
	}
}
