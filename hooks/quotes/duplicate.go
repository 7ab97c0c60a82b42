package quotes

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"stovebot/migrations"
)

// DuplicateOf returns the id of an approved quote whose content is content
// but for spacing, punctuation and letter case, or "" when there is none.
// SQL narrows the approved quotes to those holding a few of the line's
// letters; their keys are then compared.
func DuplicateOf(app core.App, content string) (string, error) {
	key := lineKey(content)
	if key == "" {
		return "", nil
	}
	query := app.DB().Select("id", "content").From(migrations.QuotesCollection).
		Where(dbx.HashExp{"is_apply": true}).OrderBy("created", "id")
	for i, r := range sieve(key) {
		name := fmt.Sprintf("sieve%d", i)
		if r < utf8.RuneSelf { // LIKE ignores the case of ASCII letters
			query.AndWhere(dbx.NewExp("[[content]] LIKE {:"+name+"}", dbx.Params{name: "%" + string(r) + "%"}))
		} else {
			query.AndWhere(dbx.NewExp("instr([[content]], {:"+name+"}) > 0", dbx.Params{name: string(r)}))
		}
	}
	var rows []struct {
		ID      string `db:"id"`
		Content string `db:"content"`
	}
	if err := query.All(&rows); err != nil {
		return "", err
	}
	for _, r := range rows {
		if lineKey(r.Content) == key {
			return r.ID, nil
		}
	}
	return "", nil
}

// sieve returns up to three letters of key that every content of that key
// holds as they are, or in another case of an ASCII letter: letters
// without case (Hangul, Han, digits) first, as they are the rarer.
func sieve(key string) []rune {
	var caseless, ascii []rune
	for _, r := range key {
		switch {
		case slices.Contains(caseless, r) || slices.Contains(ascii, r):
		case r < utf8.RuneSelf:
			ascii = append(ascii, r)
		case unicode.ToUpper(r) == r && unicode.ToTitle(r) == r && !unicode.IsLower(r):
			caseless = append(caseless, r)
		}
	}
	picked := append(caseless, ascii...)
	return picked[:min(len(picked), 3)]
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
