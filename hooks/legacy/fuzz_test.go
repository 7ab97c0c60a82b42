package legacy_test

import (
	"net/url"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/legacy"
)

func FuzzLegacyPagination(f *testing.F) {
	for _, seed := range [][3]string{
		{"", "", ""}, {"1", "5", ""}, {"3", "", "100"}, {"0", "10", ""}, {"-1", "4", ""}, {"x", "101", ""},
		{"9223372036854775807", "100", ""}, {"2", "10", "20"}, {"1.5", "", "5e1"}, {" 2", "+10", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], 37)
	}
	f.Fuzz(func(t *testing.T, page, perPage, perPageOld string, total int) {
		q := url.Values{}
		for k, v := range map[string]string{"page": page, "per_page": perPage, "per-page": perPageOld} {
			if v != "" {
				q.Set(k, v)
			}
		}
		e := hookstest.FuzzEvent("GET", "/chat?"+q.Encode(), nil)
		p, err := legacy.ParsePage(e)
		if err != nil {
			if hookstest.APIStatus(err) != 400 {
				t.Fatalf("expected a 400 for %v, got %v", q, err)
			}
			return
		}
		if p.Page < 1 || p.PerPage < legacy.MinPerPage || p.PerPage > legacy.MaxPerPage {
			t.Fatalf("accepted %+v from %v", p, q)
		}
		if total < 0 {
			total = -total
		}
		if err := p.Check(e, total); err != nil {
			if hookstest.APIStatus(err) != 404 {
				t.Fatalf("expected a 404 past the last page, got %v", err)
			}
			return
		}
	})
}
