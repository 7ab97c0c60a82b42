package quotes

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/migrations"
)

// DuplicateOf returns the id of an approved quote whose content is content
// but for spacing, punctuation and letter case, or "" when there is none.
// It reads every approved line: a suggestion is rare next to a search,
// and 10,000 lines are read in a few milliseconds.
func DuplicateOf(app core.App, content string) (string, error) {
	key := lineKey(content)
	if key == "" {
		return "", nil
	}
	var rows []struct {
		ID      string `db:"id"`
		Content string `db:"content"`
	}
	err := app.DB().Select("id", "content").From(migrations.QuotesCollection).
		Where(dbx.HashExp{"is_apply": true}).OrderBy("created", "id").All(&rows)
	if err != nil {
		return "", err
	}
	for _, r := range rows {
		if lineKey(r.Content) == key {
			return r.ID, nil
		}
	}
	return "", nil
}

// DuplicateError is the answer to a suggestion of a line already approved
// as quote id: 409, naming the quote in data.quote.id.
func DuplicateError(id string) *router.ApiError {
	return &router.ApiError{
		Status:  http.StatusConflict,
		Message: "This line is already on the board.",
		Data:    map[string]any{"quote": map[string]any{"id": id}},
	}
}

// lineKey is what two suggestions of one line share: its letters and
// digits, in lower case.
func lineKey(content string) string {
	var b strings.Builder
	for _, r := range content {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// refuseDuplicate answers 409 when a user suggests a line already
// approved. Superusers (the dashboard) and the CLI's import are not
// suggestions and pass.
func refuseDuplicate(e *core.RecordRequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != migrations.UsersCollection {
		return e.Next()
	}
	id, err := DuplicateOf(e.App, e.Record.GetString("content"))
	if err != nil {
		return e.InternalServerError("Failed to compare the quote with the board.", err)
	}
	if id != "" {
		return DuplicateError(id)
	}
	return e.Next()
}
