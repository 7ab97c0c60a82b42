package quotes

import (
	"math"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"stovebot/hooks/guard"
	"stovebot/hooks/search"
	"stovebot/migrations"
)

// Bounds of GET /api/quotes/search.
const (
	searchPath      = "/api/quotes/search"
	defaultPerPage  = 20
	maxPerPage      = 100
	maxPage         = 100000
	maxQueryChars   = 200
	maxSpeakerChars = 50 // as the speaker field
)

// searchResult is the body of GET /api/quotes/search: a page as the records
// API lists one, and the speakers of the matching quotes.
type searchResult struct {
	Page       int                   `json:"page"`
	PerPage    int                   `json:"perPage"`
	TotalItems int                   `json:"totalItems"`
	TotalPages int                   `json:"totalPages"`
	Items      []*core.Record        `json:"items"`
	Speakers   []search.SpeakerCount `json:"speakers"`
}

// bindSearch serves GET /api/quotes/search: the quote board's public
// search over approved quotes, answered from the index in memory.
func bindSearch(app core.App, index *search.Index) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET(searchPath, func(e *core.RequestEvent) error {
			return searchQuotes(e, index)
		}).Bind(apis.SkipSuccessActivityLog())
		guard.RefuseOtherMethods(se.Router, searchPath, http.MethodGet)
		return se.Next()
	})
}

func searchQuotes(e *core.RequestEvent, index *search.Index) error {
	b, page, perPage, err := readSearch(e)
	if err != nil {
		return err
	}
	found, err := index.Search(e.App.DB(), b)
	if err != nil {
		return e.InternalServerError("", err)
	}
	items, err := approvedRecords(e, found.IDs)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, searchResult{
		Page:       page,
		PerPage:    perPage,
		TotalItems: found.Total,
		TotalPages: int(math.Ceil(float64(found.Total) / float64(perPage))),
		Items:      items,
		Speakers:   found.Speakers,
	})
}

// readSearch reads the query string; a bad value is a 400 naming its
// parameter.
func readSearch(e *core.RequestEvent) (b search.Board, page, perPage int, err error) {
	query := e.Request.URL.Query()
	b.Query = query.Get("q")
	if utf8.RuneCountInString(b.Query) > maxQueryChars || !utf8.ValidString(b.Query) || guard.HasControlChar(b.Query) {
		return b, 0, 0, guard.FieldError("q", "validation_invalid_q", "q must be text of at most 200 characters.")
	}
	b.Speaker = query.Get("speaker")
	if utf8.RuneCountInString(b.Speaker) > maxSpeakerChars || !utf8.ValidString(b.Speaker) || guard.HasControlChar(b.Speaker) {
		return b, 0, 0, guard.FieldError("speaker", "validation_invalid_speaker", "speaker must be text of at most 50 characters.")
	}
	if b.Episode, err = intParam(query.Get("episode"), 0, 1, math.MaxInt32); err != nil {
		return b, 0, 0, guard.FieldError("episode", "validation_invalid_episode", "episode must be a whole number of at least 1.")
	}
	switch b.Sort = query.Get("sort"); b.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortEpisode:
	default:
		return b, 0, 0, guard.FieldError("sort", "validation_invalid_sort", "sort must be relevance, newest or episode.")
	}
	if page, err = intParam(query.Get("page"), 1, 1, maxPage); err != nil {
		return b, 0, 0, guard.FieldError("page", "validation_invalid_page", "page must be a whole number from 1 to 100000.")
	}
	if perPage, err = intParam(query.Get("perPage"), defaultPerPage, 1, maxPerPage); err != nil {
		return b, 0, 0, guard.FieldError("perPage", "validation_invalid_per_page", "perPage must be a whole number from 1 to 100.")
	}
	b.Offset, b.Limit = (page-1)*perPage, perPage
	return b, page, perPage, nil
}

// errOutOfRange is intParam's error for a number outside its bounds.
var errOutOfRange = strconv.ErrRange

// intParam reads a whole number within [lo, hi]; empty is def.
func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, err
	}
	if n < lo || n > hi {
		return 0, errOutOfRange
	}
	return n, nil
}

// approvedRecords loads the quotes of ids, in that order, as the records
// API returns them to the caller, leaving out any no longer approved (the
// index in memory may be a moment behind another process's write).
func approvedRecords(e *core.RequestEvent, ids []string) ([]*core.Record, error) {
	items := make([]*core.Record, 0, len(ids))
	if len(ids) == 0 {
		return items, nil
	}
	records, err := e.App.FindRecordsByIds(migrations.QuotesCollection, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*core.Record, len(records))
	for _, r := range records {
		byID[r.Id] = r
	}
	for _, id := range ids {
		if r := byID[id]; r != nil && r.GetBool("is_apply") {
			items = append(items, r)
		}
	}
	if err := apis.EnrichRecords(e, items); err != nil {
		return nil, err
	}
	return items, nil
}
