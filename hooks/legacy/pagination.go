package legacy

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Pagination bounds of the seed API (SPEC section 6).
const (
	defaultPerPage = 10
	minPerPage     = 5
	maxPerPage     = 100
)

// link is one entry of a list's links and of its Link header. The URL
// is under both href and link, the two names old clients read.
type link struct {
	Rel    string `json:"rel"`
	Href   string `json:"href"`
	Link   string `json:"link"`
	Method string `json:"method"`
}

// listPage is the seed API's list body.
type listPage struct {
	Page       int    `json:"page"`
	PerPage    int    `json:"per_page"`
	TotalItems int    `json:"total_items"`
	TotalPages int    `json:"total_pages"`
	Items      any    `json:"items"`
	Links      []link `json:"links"`
}

// pageRequest is a validated page request.
type pageRequest struct {
	Page    int
	PerPage int
}

// parsePage reads page and per_page (or its old spelling per-page)
// from the query. An empty value means the default; anything but a whole
// number in range is a 400 naming the parameter.
func parsePage(e *core.RequestEvent) (pageRequest, error) {
	q := e.Request.URL.Query()
	p := pageRequest{Page: 1, PerPage: defaultPerPage}
	errs := validation.Errors{}

	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs["page"] = validation.NewError("validation_invalid_page", "Must be a whole number of at least 1.")
		}
		p.Page = n
	}

	perPage, perPageName := q.Get("per_page"), "per_page"
	if other := q.Get("per-page"); other != "" {
		if perPage != "" && perPage != other {
			errs["per_page"] = validation.NewError("validation_conflict", "Send per_page or per-page, not both with different values.")
		}
		perPage, perPageName = other, "per-page"
	}
	if perPage != "" {
		n, err := strconv.Atoi(perPage)
		if err != nil || n < minPerPage || n > maxPerPage {
			errs[perPageName] = validation.NewError("validation_invalid_per_page",
				fmt.Sprintf("Must be a whole number from %d to %d.", minPerPage, maxPerPage))
		}
		p.PerPage = n
	}

	if len(errs) > 0 {
		return p, e.BadRequestError("Invalid pagination parameters.", errs)
	}
	return p, nil
}

// totalPages is the number of pages for total items; an empty list is one
// page.
func (p pageRequest) totalPages(total int) int {
	if total == 0 {
		return 1
	}
	return (total + p.PerPage - 1) / p.PerPage
}

// check answers 404 when the page is past the last one, as DRF did.
func (p pageRequest) check(e *core.RequestEvent, total int) error {
	if last := p.totalPages(total); p.Page > last {
		return e.NotFoundError(fmt.Sprintf("Page %d does not exist; the last page is %d.", p.Page, last), nil)
	}
	return nil
}

// respond writes a list page: the body with its links, and the same links
// in an RFC 8288 Link header.
func (p pageRequest) respond(e *core.RequestEvent, total int, items any) error {
	last := p.totalPages(total)
	base := baseURL(e) + e.Request.URL.Path

	type rel struct {
		name string
		page int
	}
	rels := []rel{{"first", 1}}
	if p.Page > 1 {
		rels = append(rels, rel{"prev", p.Page - 1})
	}
	if p.Page < last {
		rels = append(rels, rel{"next", p.Page + 1})
	}
	rels = append(rels, rel{"last", last})

	links := make([]link, 0, len(rels))
	header := make([]string, 0, len(rels))
	for _, r := range rels {
		u := fmt.Sprintf("%s?page=%d&per_page=%d", base, r.page, p.PerPage)
		links = append(links, link{Rel: r.name, Href: u, Link: u, Method: http.MethodGet})
		header = append(header, fmt.Sprintf("<%s>; rel=%q", u, r.name))
	}
	e.Response.Header().Set("Link", strings.Join(header, ", "))

	return e.JSON(http.StatusOK, listPage{
		Page:       p.Page,
		PerPage:    p.PerPage,
		TotalItems: total,
		TotalPages: last,
		Items:      items,
		Links:      links,
	})
}

// baseURL is the scheme and host the client used. X-Forwarded-Proto
// counts only when the operator trusts proxy headers (Settings.TrustedProxy),
// as PocketBase does for the client IP.
func baseURL(e *core.RequestEvent) string {
	scheme := "http"
	if e.IsTLS() {
		scheme = "https"
	} else if len(e.App.Settings().TrustedProxy.Headers) > 0 {
		if p := strings.ToLower(e.Request.Header.Get("X-Forwarded-Proto")); p == "https" || p == "http" {
			scheme = p
		}
	}
	return (&url.URL{Scheme: scheme, Host: e.Request.Host}).String()
}

// itemURL is the absolute URL of one item under the list path.
func itemURL(e *core.RequestEvent, path, id string) string {
	return baseURL(e) + path + "/" + url.PathEscape(id)
}

// find returns the page's records of collection that rule lets the caller
// see and that match extra (may be nil), newest first, and the total count.
// The rule is applied as PocketBase's own list endpoint applies it, and the
// page is read through its search provider, so the seed API shows exactly
// what the native API shows. A page past the last is a 404. counted, when
// not nil, returns the total in place of a count over the rule and extra;
// the caller vouches that it is the same.
func (p pageRequest) find(e *core.RequestEvent, collection *core.Collection, rule *string, extra dbx.Expression, counted func() (int, error)) ([]*core.Record, int, error) {
	info, err := requestInfo(e)
	if err != nil {
		return nil, 0, err
	}
	if rule == nil && !info.HasSuperuserAuth() {
		return nil, 0, e.ForbiddenError("Only superusers can perform this action.", nil)
	}

	query := e.App.RecordQuery(collection)
	if extra != nil {
		query.AndWhere(extra)
	}
	resolver := core.NewRecordFieldResolver(e.App, collection, info, true)
	if rule != nil && *rule != "" && !info.HasSuperuserAuth() {
		expr, err := search.FilterData(*rule).BuildExpr(resolver)
		if err != nil {
			return nil, 0, e.InternalServerError("Failed to apply the collection's rule.", err)
		}
		query.AndWhere(expr)
	}
	records := []*core.Record{}
	result, err := search.NewProvider(resolver).
		Query(query).
		CountCol("_rowid_").
		SkipTotal(counted != nil).
		Sort([]search.SortField{{Name: "created", Direction: search.SortDesc}, {Name: "@rowid", Direction: search.SortDesc}}).
		Page(p.Page).
		PerPage(p.PerPage).
		Exec(&records)
	if err != nil {
		return nil, 0, e.InternalServerError("Failed to read the items.", err)
	}
	total := result.TotalItems
	if counted != nil {
		if total, err = counted(); err != nil {
			return nil, 0, e.InternalServerError("Failed to count the items.", err)
		}
	}
	if err := p.check(e, total); err != nil {
		return nil, 0, err
	}
	return records, total, nil
}
