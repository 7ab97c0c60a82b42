package quotes_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"stovebot/hooks/guard"
	"stovebot/hooks/quotes"
)

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
		rows, err := quotes.ParseQuotes(data)
		if err != nil {
			return
		}
		for _, r := range rows {
			if n := utf8.RuneCountInString(r.Content); n < 1 || n > quotes.QuoteContentMax || r.Content != string(bytes.TrimSpace([]byte(r.Content))) {
				t.Fatalf("accepted content %q", r.Content)
			}
			if utf8.RuneCountInString(r.Speaker) > quotes.QuoteSpeakerMax || r.Episode < 0 || r.Episode > quotes.QuoteEpisodeMax ||
				guard.HasControlChar(r.Content) || guard.HasControlChar(r.Speaker) {
				t.Fatalf("accepted row %+v", r)
			}
		}
		// what export writes, import reads back the same
		again, err := json.Marshal(append([]quotes.QuoteRow{}, rows...))
		if err != nil {
			t.Fatal(err)
		}
		back, err := quotes.ParseQuotes(again)
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
