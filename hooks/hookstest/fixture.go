package hookstest

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"

	"stovebot/migrations"
)

// The access fixture: two users, each with a conversation of chats, and
// quotes. Ids are fixed
// so that a scenario's URL can name a record before its app exists; every
// content is unique so that a response can be searched for it.
const (
	OwnerID = "owner0000000001"
	OtherID = "other0000000001"

	OwnerQuestionID = "chatowner000001"
	OwnerAnswerID   = "chatowner000002"
	OtherChatID     = "chatother000001"

	// each user's one conversation, holding their chats
	OwnerConversationID = "convowner000001"
	OtherConversationID = "convother000001"
	OwnerTitle          = "owner-conversation-title"
	OtherTitle          = "other-conversation-title"

	OwnerPendingID  = "qownerpending01"
	OwnerApprovedID = "qownerapproved1"
	OtherPendingID  = "qotherpending01"
	OtherApprovedID = "qotherapproved1"

	OwnerNick = "ownernick"
	OtherNick = "othernick"
	OwnerIP   = "203.0.113.7"
	OtherIP   = "203.0.113.8"

	OwnerQuestion = "owner-question-text"
	OwnerAnswer   = "owner-answer-text"
	OtherChat     = "other-private-chat"

	OwnerPending  = "owner-pending-quote"
	OwnerApproved = "owner-approved-quote"
	OtherPending  = "other-pending-quote"
	OtherApproved = "other-approved-quote"
)

// Role is who signs a scenario's request.
type Role int

const (
	AsGuest Role = iota
	AsOwner
	AsOther
	AsSuperuser
)

// PasswordHash is "password123" hashed once per test binary, at bcrypt's
// lowest cost: at PocketBase's, a hash or a sign-in takes a good part of a
// second on a busy machine under the race detector, and every scenario
// seeds a fresh app.
var PasswordHash = sync.OnceValue(func() string { return hash("password123") })

// SuperuserPasswordHash is "password123456", the superusers' password,
// hashed once per test binary.
var SuperuserPasswordHash = sync.OnceValue(func() string { return hash("password123456") })

func hash(password string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}

// SeedAccess fills app with the access fixture; both users' password is
// password123.
func SeedAccess(t testing.TB, app core.App) {
	t.Helper()
	seed(t, app, migrations.UsersCollection, OwnerID, map[string]any{"email": "owner@example.com", "nickname": OwnerNick,
		"ip_address": OwnerIP, "last_login": "2026-11-01 10:00:00.000Z"})
	seed(t, app, migrations.UsersCollection, OtherID, map[string]any{"email": "other@example.com", "nickname": OtherNick,
		"ip_address": OtherIP, "last_login": "2026-11-02 10:00:00.000Z"})

	seed(t, app, migrations.ConversationsCollection, OwnerConversationID, map[string]any{"user": OwnerID, "title": OwnerTitle})
	seed(t, app, migrations.ConversationsCollection, OtherConversationID, map[string]any{"user": OtherID, "title": OtherTitle})

	seed(t, app, migrations.ChatsCollection, OwnerAnswerID, map[string]any{"user": OwnerID, "conversation": OwnerConversationID,
		"role": "assistant", "content": OwnerAnswer, "status": "done"})
	seed(t, app, migrations.ChatsCollection, OwnerQuestionID, map[string]any{"user": OwnerID, "conversation": OwnerConversationID,
		"role": "user", "content": OwnerQuestion, "status": "done", "reply": OwnerAnswerID})
	seed(t, app, migrations.ChatsCollection, OtherChatID, map[string]any{"user": OtherID, "conversation": OtherConversationID,
		"role": "user", "content": OtherChat, "status": "done"})

	seed(t, app, migrations.QuotesCollection, OwnerPendingID, map[string]any{"user": OwnerID, "content": OwnerPending})
	seed(t, app, migrations.QuotesCollection, OwnerApprovedID, map[string]any{"user": OwnerID, "content": OwnerApproved, "is_apply": true})
	seed(t, app, migrations.QuotesCollection, OtherPendingID, map[string]any{"user": OtherID, "content": OtherPending, "speaker": "권경민"})
	seed(t, app, migrations.QuotesCollection, OtherApprovedID, map[string]any{"user": OtherID, "content": OtherApproved, "is_apply": true})
}

// SignedInAs completes s to run on a fresh app with the access fixture, signed in
// as w. The token depends on the fresh app's keys, so the factory writes it
// into the scenario's header map, which the request is built from after the
// factory has run.
func SignedInAs(w Role, s tests.ApiScenario) tests.ApiScenario {
	return SignedInOn(w, nil, s)
}

// SignedInOn is SignedInAs on an app made by newApp (NewApp when nil),
// such as one of an OnlineAppFactory.
func SignedInOn(w Role, newApp func(testing.TB) *tests.TestApp, s tests.ApiScenario) tests.ApiScenario {
	if newApp == nil {
		newApp = func(t testing.TB) *tests.TestApp { return NewApp(t) }
	}
	headers := map[string]string{}
	for k, v := range s.Headers {
		headers[k] = v
	}
	s.Headers = headers
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := newApp(t)
		SeedAccess(t, app)
		switch w {
		case AsOwner, AsOther:
			id := map[Role]string{AsOwner: OwnerID, AsOther: OtherID}[w]
			u, err := app.FindRecordById(migrations.UsersCollection, id)
			if err != nil {
				t.Fatal(err)
			}
			headers["Authorization"] = Token(t, u)
		case AsSuperuser:
			headers["Authorization"] = NewSuperuser(t, app)
		}
		return app
	}
	return s
}

// field returns a record's field as text, or fails.
func RecordField(t testing.TB, app core.App, collection, id, name string) string {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatalf("expected %s %s to exist: %v", collection, id, err)
	}
	return r.GetString(name)
}

// DBField fails unless a record's field reads want.
func DBField(collection, id, name, want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got := RecordField(t, app, collection, id, name); got != want {
			t.Fatalf("expected %s %s.%s %q, got %q", collection, id, name, want, got)
		}
	}
}

// DBGone fails unless every id is missing from collection.
func DBGone(collection string, ids ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		for _, id := range ids {
			if _, err := app.FindRecordById(collection, id); err == nil {
				t.Fatalf("expected %s %s to be deleted", collection, id)
			}
		}
	}
}

// DBCount fails unless collection holds n records.
func DBCount(collection string, n int64) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		got, err := app.CountRecords(collection)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("expected %d %s, got %d", n, collection, got)
		}
	}
}

func JSONBody(s string) *strings.Reader { return strings.NewReader(s) }

// MultipartType is the Content-Type of a MultipartBody.
const MultipartType = "multipart/form-data; boundary=stovebotboundary"

// MultipartBody encodes fields as a multipart form, as the dashboard and the
// JS SDK send them.
func MultipartBody(t testing.TB, fields map[string]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary("stovebotboundary"); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// DBPending fails unless the quote is still pending with no applied_at.
func DBPending(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		q, err := app.FindRecordById(migrations.QuotesCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		if q.GetBool("is_apply") || !q.GetDateTime("applied_at").IsZero() {
			t.Fatalf("expected quote %s pending, got is_apply=%v applied_at=%q", id, q.GetBool("is_apply"), q.GetString("applied_at"))
		}
	}
}

// AppliedAt returns a quote's applied_at, or fails.
func AppliedAt(t testing.TB, app core.App, id string) types.DateTime {
	t.Helper()
	q, err := app.FindRecordById(migrations.QuotesCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	return q.GetDateTime("applied_at")
}

// DBStampedNow fails unless the quote is approved with an applied_at of the
// last minute.
func DBStampedNow(id string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		DBField(migrations.QuotesCollection, id, "is_apply", "true")(t, app, nil)
		if age := time.Since(AppliedAt(t, app, id).Time()); age < 0 || age > time.Minute {
			t.Fatalf("expected applied_at within the last minute, got %s", AppliedAt(t, app, id))
		}
	}
}

// seed saves a fixture record of collection with a fixed id; an auth
// record gets the password password123 (PasswordHash).
func seed(t testing.TB, app core.App, collection, id string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Id = id
	for k, v := range fields {
		r.Set(k, v)
	}
	if c.IsAuth() {
		r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: PasswordHash()})
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("seeding %s %s: %v", collection, id, err)
	}
	return r
}
