package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// fuzzEvent is a request event for a parser; the parsers under fuzz use
// only the request and PocketBase's error helpers.
func fuzzEvent(method, target string, body []byte) *core.RequestEvent {
	e := &core.RequestEvent{}
	e.Request = httptest.NewRequest(method, target, bytes.NewReader(body))
	e.Response = httptest.NewRecorder()
	return e
}

// apiStatus is the status of a PocketBase API error, or 0.
func apiStatus(err error) int {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}

func FuzzChatRequest(f *testing.F) {
	for _, seed := range []string{
		`{"content":"안녕하세요"}`, `{"content":"hi","stream":true}`, `{"content":42}`, `{"stream":"yes"}`,
		`{"content":`, `[]`, `null`, ``, `{"content":"` + "\u0000" + `"}`, `{"content":"  \t "}`,
		`{"content":"🙂","extra":{"nested":[1,2]}}`, `{"content":"') OR 1=1 --"}`,
	} {
		f.Add([]byte(seed))
	}
	s := &ChatService{cfg: &Config{MaxChars: 20}}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := fuzzEvent("POST", "/api/chat", body)
		req, err := readChatRequest(e)
		if err != nil {
			if st := apiStatus(err); st != 400 && st != 413 {
				t.Fatalf("expected a 400 or 413 for %q, got %v", body, err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
		content, err := s.checkContent(req.Content)
		if err != nil {
			if apiStatus(err) != 400 {
				t.Fatalf("expected a 400 for content %q, got %v", req.Content, err)
			}
			return
		}
		if n := utf8.RuneCountInString(content); n < 1 || n > 20 {
			t.Fatalf("accepted content of %d characters: %q", n, content)
		}
	})
}

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
		e := fuzzEvent("GET", "/chat?"+q.Encode(), nil)
		p, err := parseLegacyPage(e)
		if err != nil {
			if apiStatus(err) != 400 {
				t.Fatalf("expected a 400 for %v, got %v", q, err)
			}
			return
		}
		if p.Page < 1 || p.PerPage < legacyMinPerPage || p.PerPage > legacyMaxPerPage {
			t.Fatalf("accepted %+v from %v", p, q)
		}
		if total < 0 {
			total = -total
		}
		if err := p.check(e, total); err != nil {
			if apiStatus(err) != 404 {
				t.Fatalf("expected a 404 past the last page, got %v", err)
			}
			return
		}
		if off := p.offset(); off < 0 || off > int64(total) {
			t.Fatalf("offset %d outside 0..%d for %+v", off, total, p)
		}
	})
}

func FuzzQuoteImport(f *testing.F) {
	for _, seed := range []string{
		`[{"content":"핑계 대지 마세요.","speaker":"백승수","episode":1}]`,
		"content,speaker,episode\n\"야구는, 선수가\",이세영,5\n",
		"content\n\n", `[{"content":""}]`, `[{"episode":1.5,"content":"x"}]`, `{"content":"x"}`,
		"\xef\xbb\xbfcontent,episode\n🙂,3\n", `[{"content":"a"}] trailing`, "content,speaker\n\"unclosed\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseQuotes(data)
		if err != nil {
			return
		}
		for _, r := range rows {
			if n := utf8.RuneCountInString(r.Content); n < 1 || n > QuoteContentMax || r.Content != string(bytes.TrimSpace([]byte(r.Content))) {
				t.Fatalf("accepted content %q", r.Content)
			}
			if utf8.RuneCountInString(r.Speaker) > QuoteSpeakerMax || r.Episode < 0 || r.Episode > QuoteEpisodeMax ||
				hasControlChar(r.Content) || hasControlChar(r.Speaker) {
				t.Fatalf("accepted row %+v", r)
			}
		}
		// what export writes, import reads back the same
		again, err := json.Marshal(append([]QuoteRow{}, rows...))
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseQuotes(again)
		if err != nil || len(back) != len(rows) {
			t.Fatalf("the export of %q does not import back: %v", data, err)
		}
		for i := range rows {
			if back[i].Content != rows[i].Content || back[i].Speaker != rows[i].Speaker || back[i].Episode != rows[i].Episode {
				t.Fatalf("row %d changed on the way back: %+v → %+v", i, rows[i], back[i])
			}
		}
	})
}
