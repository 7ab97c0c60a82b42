package hookstest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/migrations"
)

// The moderation fixture, added to the access fixture by Moderated: a
// moderator, and a quote of the owner's that a moderator rejected.
const (
	ModeratorID    = "moderator000001"
	ModeratorEmail = "moderator@example.com"

	OwnerRejectedID = "qownerrejected1"
	OwnerRejected   = "owner-rejected-quote"
	RejectedReason  = "not-a-line-of-the-show"
)

// SeedModeration adds the moderation fixture to an app holding the access
// fixture; the moderator's password is password123.
func SeedModeration(t testing.TB, app core.App) {
	t.Helper()
	seed(t, app, migrations.UsersCollection, ModeratorID, map[string]any{"email": ModeratorEmail, "nickname": "moderatornick", "moderator": true})
	seed(t, app, migrations.QuotesCollection, OwnerRejectedID, map[string]any{"user": OwnerID, "content": OwnerRejected, "rejected_reason": RejectedReason})
}

// Moderated completes s to run on a fresh app with the access and the
// moderation fixtures, signed in as w, or as the moderator when asModerator.
func Moderated(w Role, asModerator bool, s tests.ApiScenario) tests.ApiScenario {
	s = SignedInAs(w, s)
	seeded, headers := s.TestAppFactory, s.Headers
	s.TestAppFactory = func(t testing.TB) *tests.TestApp {
		app := seeded(t)
		SeedModeration(t, app)
		if asModerator {
			m, err := app.FindRecordById(migrations.UsersCollection, ModeratorID)
			if err != nil {
				t.Fatal(err)
			}
			headers["Authorization"] = Token(t, m)
		}
		return app
	}
	return s
}
