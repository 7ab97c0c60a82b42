package main

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// boardQueries are what people type into the quote board's search box:
// initial consonants (초성) first, then parts of words, words run together,
// English, and the empty box that lists the newest.
var boardQueries = []struct {
	q         string
	consonant bool
}{
	{"ㄷㅎ", true}, {"ㅇㅅ", true}, {"ㄷㄹㅈ", true}, {"ㅇ", true},
	{"다행", false}, {"우승", false}, {"야구는팀으로", false}, {"team", false}, {"winning", false}, {"", false},
}

// boardFigures times GET /api/quotes/search on a server with 10,000
// approved quotes, one request at a time. The requests stay within the
// rate limit of /api/quotes/ (600 a minute per IP).
func boardFigures(t *table, srv *server) error {
	logf("public quote search: 10,000 quotes, %d queries", len(boardQueries))
	var fns []func(int) (time.Duration, error)
	for _, b := range boardQueries {
		fns = append(fns, timed(http.MethodGet, srv.URL()+"/api/quotes/search?"+url.Values{"q": {b.q}}.Encode(), "", http.StatusOK))
	}
	lat, err := interleave(40, 4, fns...)
	if err != nil {
		return err
	}
	var all, consonants latencies
	for i, b := range boardQueries {
		all = append(all, lat[i]...)
		if b.consonant {
			consonants = append(consonants, lat[i]...)
		}
	}
	t.hourly("public quote search, 10,000 quotes: p50", ms(all.pct(.5)), "≤ 2 ms", msOf(all.pct(.5)) <= 2)
	t.hourly("public quote search, 초성 queries: p50", ms(consonants.pct(.5)), "≤ 2 ms", msOf(consonants.pct(.5)) <= 2)
	t.info("public quote search: p99", ms(all.pct(.99)))
	for i, b := range boardQueries {
		t.info(fmt.Sprintf("public quote search %q: p50", b.q), ms(lat[i].pct(.5)))
	}
	return nil
}
