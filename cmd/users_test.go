package cmd_test

import (
	"strings"
	"testing"

	"stovebot/cmd"
	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestUsersModeratorCommand(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name          string
		args          []string
		wantErr       string // empty: success
		wantOut       string
		wantOwner     bool // the owner's flag afterwards
		wantModerator bool // the moderator's flag afterwards
	}{
		{"make a moderator", []string{"moderator", "owner@example.com"}, "", "owner@example.com is now a moderator", true, true},
		{"the email without case", []string{"moderator", "OWNER@Example.com"}, "", "owner@example.com is now a moderator", true, true},
		{"a moderator again", []string{"moderator", hookstest.ModeratorEmail}, "", hookstest.ModeratorEmail + " is now a moderator", false, true},
		{"step a moderator down", []string{"moderator", hookstest.ModeratorEmail, "--off"}, "",
			hookstest.ModeratorEmail + " is no longer a moderator", false, false},
		{"--off of a user", []string{"moderator", "--off", "owner@example.com"}, "", "owner@example.com is no longer a moderator", false, true},
		{"an unknown email", []string{"moderator", "nobody@example.com"}, "nobody@example.com", "", false, true},
		{"an unknown email with --off", []string{"moderator", "nobody@example.com", "--off"}, "nobody@example.com", "", false, true},
		{"no email", []string{"moderator"}, "accepts 1 arg", "", false, true},
		{"two emails", []string{"moderator", "owner@example.com", "other@example.com"}, "accepts 1 arg", "", false, true},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := hookstest.NewApp(t)
			defer app.Cleanup()
			hookstest.SeedAccess(t, app)
			hookstest.SeedModeration(t, app)
			out, err := runCommand(t, cmd.NewUsersCommand(app), s.args...)
			switch {
			case s.wantErr == "" && err != nil:
				t.Fatalf("expected success, got %v\n%s", err, out)
			case s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)):
				t.Fatalf("expected an error with %q, got %v\n%s", s.wantErr, err, out)
			}
			if !strings.Contains(out, s.wantOut) {
				t.Fatalf("expected %q in the output, got %q", s.wantOut, out)
			}
			for id, want := range map[string]bool{hookstest.OwnerID: s.wantOwner, hookstest.ModeratorID: s.wantModerator} {
				u, err := app.FindRecordById(migrations.UsersCollection, id)
				if err != nil {
					t.Fatal(err)
				}
				if got := u.GetBool("moderator"); got != want {
					t.Fatalf("expected %s's moderator flag %v, got %v", id, want, got)
				}
			}
		})
	}
}
