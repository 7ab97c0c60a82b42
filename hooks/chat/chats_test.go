package chat_test

import (
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/migrations"
)

func TestDeletingAQuestionDeletesItsAnswer(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name   string
		delete string
		gone   []string
		kept   map[string]string // id → content
	}{
		{"a question takes its answer", hookstest.OwnerQuestionID, []string{hookstest.OwnerQuestionID, hookstest.OwnerAnswerID},
			map[string]string{hookstest.OtherChatID: hookstest.OtherChat}},
		{"an answer alone leaves the question", hookstest.OwnerAnswerID, []string{hookstest.OwnerAnswerID},
			map[string]string{hookstest.OwnerQuestionID: hookstest.OwnerQuestion, hookstest.OtherChatID: hookstest.OtherChat}},
		{"a question without an answer", hookstest.OtherChatID, []string{hookstest.OtherChatID},
			map[string]string{hookstest.OwnerQuestionID: hookstest.OwnerQuestion, hookstest.OwnerAnswerID: hookstest.OwnerAnswer}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := hookstest.NewApp(t)
			defer app.Cleanup()
			hookstest.SeedAccess(t, app)
			chat, err := app.FindRecordById(migrations.ChatsCollection, s.delete)
			if err != nil {
				t.Fatal(err)
			}
			afterSaveApps := hookstest.WatchAfterSaveApps(app, migrations.ChatsCollection)
			if err := app.Delete(chat); err != nil {
				t.Fatalf("delete: %v", err)
			}
			afterSaveApps(t)
			hookstest.DBGone(migrations.ChatsCollection, s.gone...)(t, app, nil)
			for id, content := range s.kept {
				hookstest.DBField(migrations.ChatsCollection, id, "content", content)(t, app, nil)
			}
		})
	}

	t.Run("an answer deleted first does not block its question", func(t *testing.T) {
		t.Parallel()
		app := hookstest.NewApp(t)
		defer app.Cleanup()
		hookstest.SeedAccess(t, app)
		answer, err := app.FindRecordById(migrations.ChatsCollection, hookstest.OwnerAnswerID)
		if err != nil {
			t.Fatal(err)
		}
		question, err := app.FindRecordById(migrations.ChatsCollection, hookstest.OwnerQuestionID)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Delete(answer); err != nil {
			t.Fatal(err)
		}
		// question still holds the stale reply id in memory
		if err := app.Delete(question); err != nil {
			t.Fatalf("deleting the question after its answer: %v", err)
		}
		hookstest.DBGone(migrations.ChatsCollection, hookstest.OwnerQuestionID, hookstest.OwnerAnswerID)(t, app, nil)
	})
}
