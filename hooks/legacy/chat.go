package legacy

import (
	"database/sql"
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/chat"
	"stovebot/migrations"
)

// chatPath is where the seed API serves chat.
const chatPath = "/chat"

// chatAPI serves the seed API's chat endpoints. Its questions are the
// chats records of role user; each carries its answer as chat_reply.
// Questions are asked through the same chat.Service as POST /api/chat.
type chatAPI struct {
	svc *chat.Service
}

// chatReply is an answer inside a legacy chat item.
type chatReply struct {
	ID        string  `json:"id"`
	User      *string `json:"user"`
	Content   string  `json:"content"`
	CreatedAt *string `json:"created_at"`
}

// chatItem is a question as the seed API shows it; user is the
// owner's email.
type chatItem struct {
	ID        string     `json:"id"`
	User      *string    `json:"user"`
	Content   string     `json:"content"`
	CreatedAt *string    `json:"created_at"`
	ChatReply *chatReply `json:"chat_reply"`
	Links     []link     `json:"links,omitempty"`
}

// newChatItems shapes owner's questions, loading their answers in one
// query. Every question and answer belongs to owner (the chats rules).
func newChatItems(app core.App, owner *core.Record, questions []*core.Record) ([]chatItem, error) {
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

	items := make([]chatItem, 0, len(questions))
	for _, q := range questions {
		items = append(items, newChatItem(owner, q, replies[q.GetString("reply")]))
	}
	return items, nil
}

// newChatItem shapes owner's question q and its answer r (nil when
// there is none).
func newChatItem(owner, q, r *core.Record) chatItem {
	email := nullable(owner.Email())
	item := chatItem{
		ID:        q.Id,
		User:      email,
		Content:   q.GetString("content"),
		CreatedAt: formatTime(q.GetDateTime("created")),
	}
	if r != nil {
		item.ChatReply = &chatReply{
			ID:        r.Id,
			User:      email,
			Content:   r.GetString("content"),
			CreatedAt: formatTime(r.GetDateTime("created")),
		}
	}
	return item
}

// list is GET /chat: the caller's questions, newest first, through the
// chats collection's list rule.
func (c *chatAPI) list(e *core.RequestEvent) error {
	page, err := parsePage(e)
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
			_, n, err := chat.Counts(e.App, e.Auth.Id)
			return n, err
		}
	}
	questions, total, err := page.find(e, chats, chats.ListRule, dbx.HashExp{chats.Name + ".role": chat.RoleUser}, counted)
	if err != nil {
		return err
	}
	items, err := newChatItems(e.App, e.Auth, questions)
	if err != nil {
		return e.InternalServerError("Failed to read the answers.", err)
	}
	return page.respond(e, total, items)
}

// findQuestion loads the question of the path's id when the collection's
// view rule lets the caller see it; an answer's id, another user's id or an
// unknown one is a 404.
func (c *chatAPI) findQuestion(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info, err := requestInfo(e)
	if err != nil {
		return nil, nil, err
	}
	q, err := e.App.FindRecordById(migrations.ChatsCollection, e.Request.PathValue("id"))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && q.GetString("role") != chat.RoleUser) {
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
func (c *chatAPI) view(e *core.RequestEvent) error {
	q, _, err := c.findQuestion(e)
	if err != nil {
		return err
	}
	items, err := newChatItems(e.App, e.Auth, []*core.Record{q})
	if err != nil {
		return e.InternalServerError("Failed to read the answer.", err)
	}
	return e.JSON(http.StatusOK, items[0])
}

// delete is DELETE /chat/{id}; the chats hooks delete its answer too.
func (c *chatAPI) delete(e *core.RequestEvent) error {
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
func (c *chatAPI) create(e *core.RequestEvent) error {
	body, err := readBody(e)
	content := ""
	if err == nil {
		content = body.str("content")
		err = body.err(e)
	}
	if err != nil {
		return err
	}
	// old clients know no conversations: each question continues the
	// user's most recently active one
	answer, err := c.svc.Ask(e, chat.Question{Content: content, Key: chat.IdempotencyKey(e.Request), Latest: true})
	if err != nil {
		return err
	}

	item := newChatItem(e.Auth, answer.Question, answer.Reply)
	u := itemURL(e, chatPath, answer.Question.Id)
	item.Links = []link{
		{Rel: "self", Href: u, Link: u, Method: http.MethodGet},
		{Rel: "delete", Href: u, Link: u, Method: http.MethodDelete},
	}
	status := http.StatusCreated
	if answer.Replayed {
		status = http.StatusOK
		e.Response.Header().Set("Idempotent-Replayed", "true")
	}
	return e.JSON(status, item)
}
