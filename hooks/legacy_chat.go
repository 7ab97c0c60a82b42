package hooks

import (
	"database/sql"
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/migrations"
)

// legacyChatPath is where the seed API serves chat.
const legacyChatPath = "/chat"

// legacyChat serves the seed API's chat endpoints. Its questions are the
// chats records of role user; each carries its answer as chat_reply.
// Questions are asked through the same ChatService as POST /api/chat.
type legacyChat struct {
	svc *ChatService
}

// legacyChatReply is an answer inside a legacy chat item.
type legacyChatReply struct {
	ID        string  `json:"id"`
	User      *string `json:"user"`
	Content   string  `json:"content"`
	CreatedAt *string `json:"created_at"`
}

// legacyChatItem is a question as the seed API shows it; user is the
// owner's email.
type legacyChatItem struct {
	ID        string           `json:"id"`
	User      *string          `json:"user"`
	Content   string           `json:"content"`
	CreatedAt *string          `json:"created_at"`
	ChatReply *legacyChatReply `json:"chat_reply"`
	Links     []legacyLink     `json:"links,omitempty"`
}

// newLegacyChatItems shapes owner's questions, loading their answers in one
// query. Every question and answer belongs to owner (the chats rules).
func newLegacyChatItems(app core.App, owner *core.Record, questions []*core.Record) ([]legacyChatItem, error) {
	var replyIDs []string
	for _, q := range questions {
		if id := q.GetString("reply"); id != "" {
			replyIDs = append(replyIDs, id)
		}
	}
	replies := map[string]*core.Record{}
	if len(replyIDs) > 0 {
		found, err := app.FindRecordsByIds(migrations.ChatsCollection, replyIDs)
		if err != nil {
			return nil, err
		}
		for _, r := range found {
			replies[r.Id] = r
		}
	}

	items := make([]legacyChatItem, 0, len(questions))
	for _, q := range questions {
		items = append(items, newLegacyChatItem(owner, q, replies[q.GetString("reply")]))
	}
	return items, nil
}

// newLegacyChatItem shapes owner's question q and its answer r (nil when
// there is none).
func newLegacyChatItem(owner, q, r *core.Record) legacyChatItem {
	email := legacyNullable(owner.Email())
	item := legacyChatItem{
		ID:        q.Id,
		User:      email,
		Content:   q.GetString("content"),
		CreatedAt: legacyTime(q.GetDateTime("created")),
	}
	if r != nil {
		item.ChatReply = &legacyChatReply{
			ID:        r.Id,
			User:      email,
			Content:   r.GetString("content"),
			CreatedAt: legacyTime(r.GetDateTime("created")),
		}
	}
	return item
}

// list is GET /chat: the caller's questions, newest first, through the
// chats collection's list rule.
func (c *legacyChat) list(e *core.RequestEvent) error {
	page, err := parseLegacyPage(e)
	if err != nil {
		return err
	}
	chats, err := e.App.FindCachedCollectionByNameOrId(migrations.ChatsCollection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	// The route admits users only, so under the usual list rule the list is
	// all of the caller's questions: the counter has their number.
	var counted func() (int, error)
	if chats.ListRule != nil && *chats.ListRule == migrations.ChatsListRule {
		counted = func() (int, error) {
			_, n, err := chatCounts(e.App, e.Auth.Id)
			return n, err
		}
	}
	questions, total, err := page.find(e, chats, chats.ListRule, dbx.HashExp{chats.Name + ".role": roleUser}, counted)
	if err != nil {
		return err
	}
	items, err := newLegacyChatItems(e.App, e.Auth, questions)
	if err != nil {
		return e.InternalServerError("Failed to read the answers.", err)
	}
	return page.respond(e, total, items)
}

// findQuestion loads the question of the path's id when the collection's
// view rule lets the caller see it; an answer's id, another user's id or an
// unknown one is a 404.
func (c *legacyChat) findQuestion(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info, err := legacyRequestInfo(e)
	if err != nil {
		return nil, nil, err
	}
	q, err := e.App.FindRecordById(migrations.ChatsCollection, e.Request.PathValue("id"))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && q.GetString("role") != roleUser) {
		return nil, nil, e.NotFoundError("No such chat.", nil)
	}
	if err != nil {
		return nil, nil, e.InternalServerError("", err)
	}
	if ok, err := e.App.CanAccessRecord(q, info, q.Collection().ViewRule); !ok {
		return nil, nil, e.NotFoundError("No such chat.", err)
	}
	return q, info, nil
}

// view is GET /chat/{id}.
func (c *legacyChat) view(e *core.RequestEvent) error {
	q, _, err := c.findQuestion(e)
	if err != nil {
		return err
	}
	items, err := newLegacyChatItems(e.App, e.Auth, []*core.Record{q})
	if err != nil {
		return e.InternalServerError("Failed to read the answer.", err)
	}
	return e.JSON(http.StatusOK, items[0])
}

// delete is DELETE /chat/{id}; the chats hooks delete its answer too.
func (c *legacyChat) delete(e *core.RequestEvent) error {
	q, info, err := c.findQuestion(e)
	if err != nil {
		return err
	}
	if ok, _ := e.App.CanAccessRecord(q, info, q.Collection().DeleteRule); !ok {
		return e.ForbiddenError("You are not allowed to delete this chat.", nil)
	}
	if err := e.App.Delete(q); err != nil {
		return e.InternalServerError("Failed to delete the chat.", err)
	}
	return e.NoContent(http.StatusNoContent)
}

// create is POST /chat {content}: one non-streaming chat request through
// the same daily limit, headers, failure rules and upstream call as POST
// /api/chat. An Idempotency-Key header works as it does there.
func (c *legacyChat) create(e *core.RequestEvent) error {
	body, err := readLegacyBody(e)
	content := ""
	if err == nil {
		content = body.str("content")
		err = body.err(e)
	}
	if err != nil {
		c.svc.writeQuotaHeaders(e)
		return err
	}
	answer, err := c.svc.Ask(e, content, idempotencyKey(e.Request))
	if err != nil {
		return err
	}

	item := newLegacyChatItem(e.Auth, answer.Question, answer.Reply)
	u := legacyItemURL(e, legacyChatPath, answer.Question.Id)
	item.Links = []legacyLink{
		{Rel: "self", Href: u, Link: u, Method: http.MethodGet},
		{Rel: "delete", Href: u, Link: u, Method: http.MethodDelete},
	}
	status := http.StatusCreated
	if answer.Replayed {
		status = http.StatusOK
		e.Response.Header().Set("Idempotent-Replayed", "true")
		answer.Quota.WriteHeaders(e.Response.Header())
	}
	return e.JSON(status, item)
}
