package hooks

import (
	"testing"

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
		{"a question takes its answer", ownerQuestionID, []string{ownerQuestionID, ownerAnswerID},
			map[string]string{otherChatID: otherChat}},
		{"an answer alone leaves the question", ownerAnswerID, []string{ownerAnswerID},
			map[string]string{ownerQuestionID: ownerQuestion, otherChatID: otherChat}},
		{"a question without an answer", otherChatID, []string{otherChatID},
			map[string]string{ownerQuestionID: ownerQuestion, ownerAnswerID: ownerAnswer}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := setupTestApp(t)
			defer app.Cleanup()
			seedAccess(t, app)
			chat, err := app.FindRecordById(migrations.ChatsCollection, s.delete)
			if err != nil {
				t.Fatal(err)
			}
			if err := app.Delete(chat); err != nil {
				t.Fatalf("delete: %v", err)
			}
			dbGone(migrations.ChatsCollection, s.gone...)(t, app, nil)
			for id, content := range s.kept {
				dbField(migrations.ChatsCollection, id, "content", content)(t, app, nil)
			}
		})
	}

	t.Run("an answer deleted first does not block its question", func(t *testing.T) {
		t.Parallel()
		app := setupTestApp(t)
		defer app.Cleanup()
		seedAccess(t, app)
		answer, err := app.FindRecordById(migrations.ChatsCollection, ownerAnswerID)
		if err != nil {
			t.Fatal(err)
		}
		question, err := app.FindRecordById(migrations.ChatsCollection, ownerQuestionID)
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
		dbGone(migrations.ChatsCollection, ownerQuestionID, ownerAnswerID)(t, app, nil)
	})
}
