package legacy

import (
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/accounts"
	board "stovebot/hooks/quotes"
	"stovebot/migrations"
)

// quotePath is where the seed API serves the quote board.
const quotePath = "/quote"

// quoteItem is a quote as the seed API shows it. user is the caller's
// email on the caller's own quotes and null on anyone else's: an author's
// email is never shown to others.
type quoteItem struct {
	ID        string  `json:"id"`
	User      *string `json:"user"`
	Nickname  *string `json:"nickname"`
	Content   string  `json:"content"`
	Speaker   *string `json:"speaker"`
	Episode   *int    `json:"episode"`
	IsApply   bool    `json:"is_apply"`
	CreatedAt *string `json:"created_at"`
	UpdatedAt *string `json:"updated_at"`
	AppliedAt *string `json:"applied_at"`
	Links     []link  `json:"links,omitempty"`
}

// newQuoteItems shapes quotes for caller, loading their authors'
// nicknames in one query.
func newQuoteItems(app core.App, caller *core.Record, quotes []*core.Record) ([]quoteItem, error) {
	var authorIDs []string
	for _, q := range quotes {
		if id := q.GetString("user"); id != "" {
			authorIDs = append(authorIDs, id)
		}
	}
	nicknames := map[string]string{}
	if len(authorIDs) > 0 {
		authors, err := app.FindRecordsByIds(migrations.UsersCollection, authorIDs)
		if err != nil {
			return nil, err
		}
		for _, a := range authors {
			nicknames[a.Id] = a.GetString("nickname")
		}
	}

	items := make([]quoteItem, 0, len(quotes))
	for _, q := range quotes {
		author := q.GetString("user")
		item := quoteItem{
			ID:        q.Id,
			Nickname:  nullable(nicknames[author]),
			Content:   q.GetString("content"),
			Speaker:   nullable(q.GetString("speaker")),
			IsApply:   q.GetBool("is_apply"),
			CreatedAt: formatTime(q.GetDateTime("created")),
			UpdatedAt: formatTime(q.GetDateTime("updated")),
			AppliedAt: formatTime(q.GetDateTime("applied_at")),
		}
		if author != "" && author == caller.Id {
			item.User = nullable(caller.Email())
		}
		if ep := q.GetInt("episode"); ep > 0 {
			item.Episode = &ep
		}
		items = append(items, item)
	}
	return items, nil
}

// showQuote shapes one quote for the caller; withLinks adds the links
// of a freshly created quote.
func showQuote(e *core.RequestEvent, q *core.Record, withLinks bool) (quoteItem, error) {
	items, err := newQuoteItems(e.App, e.Auth, []*core.Record{q})
	if err != nil {
		return quoteItem{}, err
	}
	item := items[0]
	if withLinks {
		u := itemURL(e, quotePath, q.Id)
		item.Links = []link{
			{Rel: "self", Href: u, Link: u, Method: http.MethodGet},
			{Rel: "update", Href: u, Link: u, Method: http.MethodPut},
			{Rel: "delete", Href: u, Link: u, Method: http.MethodDelete},
		}
	}
	return item, nil
}

// asAuthor narrows a rule of the quotes collection to what it allows an
// author: the seed API's visibility and edits (SPEC section 6) are the
// same for everyone, moderators included, who review quotes through the
// records API. The collection's rule still applies (nil stays superusers
// only), so a rule an admin tightens holds here too.
func asAuthor(rule *string, author string) *string {
	if rule == nil {
		return nil
	}
	narrowed := author
	if *rule != "" {
		narrowed = "(" + *rule + ") && (" + author + ")"
	}
	return &narrowed
}

// listQuotes is GET /quote: approved quotes and the caller's own (pending
// or rejected), newest first.
func listQuotes(e *core.RequestEvent) error {
	page, err := parsePage(e)
	if err != nil {
		return err
	}
	quotes, err := e.App.FindCachedCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	records, total, err := page.find(e, quotes, asAuthor(quotes.ListRule, migrations.QuotesAuthorViewRule), nil, nil)
	if err != nil {
		return err
	}
	items, err := newQuoteItems(e.App, e.Auth, records)
	if err != nil {
		return e.InternalServerError("Failed to read the quotes' authors.", err)
	}
	return page.respond(e, total, items)
}

// quoteFields reads content, speaker and episode from body into q.
// On create (shown is nil), content is required; on update, only submitted
// fields change, and the fields a user cannot set pass when they are sent
// back as shown (the quote as GET /quote/{id} showed it).
// applied is what the request sets, for the collection's rules.
func quoteFields(body *body, q *core.Record, shown *quoteItem) (applied map[string]any) {
	create := shown == nil
	body.refuseChanged("Only an administrator can set this field.", shown, accounts.AdminFields[migrations.QuotesCollection]...)
	body.refuseChanged("A quote is always submitted as yourself.", shown, "user")
	applied = map[string]any{}
	if create || body.has("content") {
		content := strings.TrimSpace(body.str("content"))
		body.require("content", content)
		q.Set("content", content)
		applied["content"] = content
	}
	if body.has("speaker") {
		speaker := strings.TrimSpace(body.str("speaker"))
		q.Set("speaker", speaker)
		applied["speaker"] = speaker
	}
	if body.has("episode") {
		episode := body.positiveInt("episode")
		q.Set("episode", episode)
		applied["episode"] = episode
	}
	return applied
}

// createQuote submits a quote as the caller, pending approval:
// POST /quote. A line already approved is a 409 naming its quote.
func createQuote(e *core.RequestEvent) error {
	quotes, err := e.App.FindCachedCollectionByNameOrId(migrations.QuotesCollection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	body, err := readBody(e)
	if err != nil {
		return err
	}
	q := core.NewRecord(quotes)
	q.Set("user", e.Auth.Id)
	q.Set("is_apply", false)
	applied := quoteFields(body, q, nil)
	if err := body.err(e); err != nil {
		return err
	}
	applied["user"] = e.Auth.Id
	same, err := board.DuplicateOf(e.App, q.GetString("content"))
	if err != nil {
		return e.InternalServerError("Failed to compare the quote with the board.", err)
	}
	if same != "" {
		return board.DuplicateError(same)
	}

	err = createChecked(e, q, applied)
	if errors.Is(err, errRuleRefused) {
		return e.ForbiddenError("You are not allowed to submit quotes.", nil)
	}
	if err != nil {
		return saveError(e, err, "quote")
	}
	item, err := showQuote(e, q, true)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusCreated, item)
}

// findQuote loads the quote of the path's id when the collection's view
// rule, as an author's, lets the caller see it; otherwise 404.
func findQuote(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info, err := requestInfo(e)
	if err != nil {
		return nil, nil, err
	}
	q, err := e.App.FindRecordById(migrations.QuotesCollection, e.Request.PathValue("id"))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, e.NotFoundError("No such quote.", nil)
	}
	if err != nil {
		return nil, nil, e.InternalServerError("", err)
	}
	if ok, err := e.App.CanAccessRecord(q, info, asAuthor(q.Collection().ViewRule, migrations.QuotesAuthorViewRule)); !ok {
		return nil, nil, e.NotFoundError("No such quote.", err)
	}
	return q, info, nil
}

// viewQuote is GET /quote/{id}.
func viewQuote(e *core.RequestEvent) error {
	q, _, err := findQuote(e)
	if err != nil {
		return err
	}
	item, err := showQuote(e, q, false)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, item)
}

// updateQuote edits the caller's pending quote: PUT /quote/{id}.
// Another user's quote or an approved one is a 403 by the author's
// update rule, for moderators too. An edit of a rejected quote sends it
// back to pending (the quotes' record hooks).
func updateQuote(e *core.RequestEvent) error {
	q, info, err := findQuote(e)
	if err != nil {
		return err
	}
	body, err := readBody(e)
	if err != nil {
		return err
	}
	shown, err := showQuote(e, q, false)
	if err != nil {
		return e.InternalServerError("", err)
	}
	applied := quoteFields(body, q, &shown)
	if err := body.err(e); err != nil {
		return err
	}
	checked := *info
	checked.Body = applied
	if ok, _ := e.App.CanAccessRecord(q, &checked, asAuthor(q.Collection().UpdateRule, migrations.QuotesAuthorUpdateRule)); !ok {
		return e.ForbiddenError("Only your own quotes can be edited, and only while they await approval.", nil)
	}
	if err := e.App.Save(q); err != nil {
		return saveError(e, err, "quote")
	}
	item, err := showQuote(e, q, false)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, item)
}

// deleteQuote deletes the caller's pending quote: DELETE /quote/{id}.
func deleteQuote(e *core.RequestEvent) error {
	q, info, err := findQuote(e)
	if err != nil {
		return err
	}
	if ok, _ := e.App.CanAccessRecord(q, info, q.Collection().DeleteRule); !ok {
		return e.ForbiddenError("Only your own quotes can be deleted, and only while they await approval.", nil)
	}
	if err := e.App.Delete(q); err != nil {
		return e.InternalServerError("Failed to delete the quote.", err)
	}
	return e.NoContent(http.StatusNoContent)
}
