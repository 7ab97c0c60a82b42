package chat

import (
	"database/sql"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"stovebot/hooks/guard"
	"stovebot/migrations"
)

// chatsTotalKey marks a chats list request whose count PocketBase was told
// to skip; its value is the id of the user whose total replaces the count.
const chatsTotalKey = "stovebot.chatsTotal"

// repairCounts rebuilds the counter of the users' chats
// (migrations.ChatCountsTable) when its triggers are not as the
// migrations made them. The totals of a user's chats lists are read from
// it instead of counting the user's index entries.
func repairCounts(app core.App) error {
	inStep, err := migrations.ChatCountsInStep(app)
	if err != nil || inStep {
		return err
	}
	app.Logger().Info("rebuilding the chat counts")
	return app.RunInTransaction(migrations.RebuildChatCounts)
}

// skipChatsCount tells PocketBase's list of chats not to count when the
// total is the caller's whole history: a regular user, no filter, the list
// rule that limits the list to the user's own chats, and a total asked for.
// fillChatsTotal then reads the total from the counter. The client's query
// is restored afterwards, so the request log shows what the client sent.
func skipChatsCount(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodGet || e.Auth == nil || e.HasSuperuserAuth() ||
		e.Auth.Collection().Name != migrations.UsersCollection {
		return e.Next()
	}
	name, withID, ok := guard.RecordsRoute(e.Request)
	if !ok || withID {
		return e.Next()
	}
	q := e.Request.URL.Query()
	if q.Get(search.FilterQueryParam) != "" {
		return e.Next()
	}
	if raw := q.Get(search.SkipTotalQueryParam); raw != "" {
		if skip, err := strconv.ParseBool(raw); err != nil || skip {
			return e.Next() // already skipped, or PocketBase answers 400
		}
	}
	c, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil || c.Name != migrations.ChatsCollection ||
		c.ListRule == nil || *c.ListRule != migrations.ChatsListRule {
		return e.Next()
	}

	original := e.Request.URL.RawQuery
	q.Set(search.SkipTotalQueryParam, "1")
	e.Request.URL.RawQuery = q.Encode()
	e.Set(chatsTotalKey, e.Auth.Id)
	defer func() { e.Request.URL.RawQuery = original }()
	return e.Next()
}

// fillChatsTotal sets the totals of a list that skipChatsCount marked, as
// PocketBase computes them: totalPages is ceil(totalItems/perPage), so an
// empty list has 0 pages.
func fillChatsTotal(e *core.RecordsListRequestEvent) error {
	user, ok := e.Get(chatsTotalKey).(string)
	if !ok {
		return e.Next()
	}
	total, _, err := Counts(e.App, user)
	if err != nil {
		return e.InternalServerError("Failed to count the chats.", err)
	}
	e.Result.TotalItems = total
	e.Result.TotalPages = int(math.Ceil(float64(total) / float64(e.Result.PerPage)))
	return e.Next()
}

// Counts returns the number of user's chats records and of their
// questions, from the counter table.
func Counts(app core.App, user string) (chats, questions int, err error) {
	var row struct {
		Chats     int `db:"chats"`
		Questions int `db:"questions"`
	}
	err = app.DB().Select("chats", "questions").From(migrations.ChatCountsTable).
		Where(dbx.HashExp{"user": user}).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil // no chats yet
	}
	return row.Chats, row.Questions, err
}
