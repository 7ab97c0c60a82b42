package quotes_test

import (
	"slices"
	"strings"
	"testing"

	"stovebot/hooks/quotes"
)

func TestParseQuotes(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("가", n) }
	scenarios := []struct {
		name    string
		file    string
		want    []quotes.QuoteRow // compared with Line
		wantErr []string          // each must appear in the error
	}{
		// JSON
		{name: "json one row", file: `[{"content":"a","speaker":"b","episode":3}]`,
			want: []quotes.QuoteRow{{Content: "a", Speaker: "b", Episode: 3, Line: 1}}},
		{name: "json rows on their own lines",
			file: "[\n  {\"content\": \"first\", \"speaker\": \"백승수\", \"episode\": 1},\n  {\"content\": \"second\"}\n]\n",
			want: []quotes.QuoteRow{{Content: "first", Speaker: "백승수", Episode: 1, Line: 2}, {Content: "second", Line: 3}}},
		{name: "json object over several lines is at its opening brace",
			file: "[\n  {\n    \"content\": \"a\"\n  },\n\n  {\n    \"content\": \"b\",\n    \"episode\": 2.0\n  }\n]",
			want: []quotes.QuoteRow{{Content: "a", Line: 2}, {Content: "b", Episode: 2, Line: 6}}},
		{name: "json nulls are empty", file: `[{"content":"a","speaker":null,"episode":null}]`,
			want: []quotes.QuoteRow{{Content: "a", Line: 1}}},
		{name: "json unicode, emoji and blanks trimmed", file: "\ufeff[{\"content\":\"  우리는 어차피 지는 팀이 아닙니다 ⚾🔥 \",\"speaker\":\" 백승수 \"}]",
			want: []quotes.QuoteRow{{Content: "우리는 어차피 지는 팀이 아닙니다 ⚾🔥", Speaker: "백승수", Line: 1}}},
		{name: "json limits are inclusive", file: `[{"content":"` + long(500) + `","speaker":"` + long(50) + `","episode":1000}]`,
			want: []quotes.QuoteRow{{Content: long(500), Speaker: long(50), Episode: 1000, Line: 1}}},
		{name: "json empty array", file: "[]", want: nil},
		{name: "json content as number", file: "[\n{\"content\":\"ok\"},\n{\"content\":42}\n]",
			wantErr: []string{"line 3:", "content must be text"}},
		{name: "json episode as string", file: "[\n{\"content\":\"a\",\"episode\":\"3\"}]",
			wantErr: []string{"line 2:", "episode must be a number"}},
		{name: "json episode 0", file: "[\n{\"content\":\"a\",\"episode\":0}]", wantErr: []string{"line 2:", "episode 0"}},
		{name: "json negative episode", file: "[\n{\"content\":\"a\",\"episode\":-4}]", wantErr: []string{"line 2:", "episode -4"}},
		{name: "json fractional episode", file: "[\n{\"content\":\"a\",\"episode\":1.5}]", wantErr: []string{"line 2:", "episode 1.5"}},
		{name: "json episode too high", file: "[\n{\"content\":\"a\",\"episode\":5000}]", wantErr: []string{"line 2:", "episode 5000"}},
		{name: "json unknown field", file: "[\n{\"content\":\"a\",\"author\":\"b\"}]", wantErr: []string{"line 2:", `unknown field "author"`}},
		{name: "json content too long", file: "[\n{\"content\":\"ok\"},\n{\"content\":\"" + long(501) + "\"}]",
			wantErr: []string{"line 3:", "content has 501 characters"}},
		{name: "json speaker too long", file: "[{\"content\":\"a\",\"speaker\":\"" + long(51) + "\"}]",
			wantErr: []string{"line 1:", "speaker has 51 characters"}},
		{name: "json missing content", file: "[\n{\"speaker\":\"a\"}]", wantErr: []string{"line 2:", "content is empty"}},
		{name: "json blank content", file: "[\n{\"content\":\" \\t \"}]", wantErr: []string{"line 2:", "content is empty"}},
		{name: "json every bad row is named", file: "[\n{\"content\":\"\"},\n{\"content\":\"ok\"},\n{\"content\":\"" + long(501) + "\"}]",
			wantErr: []string{"line 2:", "line 4:"}},
		{name: "json element not an object", file: "[\n\"just text\"\n]", wantErr: []string{"line 2:", "must be a JSON object"}},
		{name: "json broken object names its line", file: "[\n{\"content\":\"a\"},\n{\"content\": }\n]", wantErr: []string{"line 3:"}},
		{name: "json array not closed", file: "[\n{\"content\":\"a\"}\n", wantErr: []string{"not closed"}},
		{name: "json data after the array", file: "[{\"content\":\"a\"}]\n[{\"content\":\"b\"}]", wantErr: []string{"line 2:", "after the array"}},
		{name: "json object instead of an array", file: `{"content":"a"}`, wantErr: []string{"line 1:", "JSON array"}},

		// CSV
		{name: "csv one row", file: "content,speaker,episode\n우리는 어차피 지는 팀이 아닙니다,백승수,1\n",
			want: []quotes.QuoteRow{{Content: "우리는 어차피 지는 팀이 아닙니다", Speaker: "백승수", Episode: 1, Line: 2}}},
		{name: "csv columns in any order, any case", file: "Episode, Content\n3,a\n,b\n",
			want: []quotes.QuoteRow{{Content: "a", Episode: 3, Line: 2}, {Content: "b", Line: 3}}},
		{name: "csv quoted comma and newline keep the line count", file: "content,speaker\n\"a, b\nc\",x\nd,y\n",
			want: []quotes.QuoteRow{{Content: "a, b\nc", Speaker: "x", Line: 2}, {Content: "d", Speaker: "y", Line: 4}}},
		{name: "csv CRLF and BOM", file: "\ufeffcontent,episode\r\n야구는 데이터로 하는 겁니다 📊,16\r\n",
			want: []quotes.QuoteRow{{Content: "야구는 데이터로 하는 겁니다 📊", Episode: 16, Line: 2}}},
		{name: "csv SQL text is only text", file: "content\n\"') OR 1=1 --\"\n",
			want: []quotes.QuoteRow{{Content: "') OR 1=1 --", Line: 2}}},
		{name: "csv header only", file: "content,speaker,episode\n", want: nil},
		{name: "csv unknown column", file: "content,author\na,b\n", wantErr: []string{"line 1:", `unknown column "author"`}},
		{name: "csv no content column", file: "speaker,episode\na,1\n", wantErr: []string{"line 1:", "no content column"}},
		{name: "csv duplicate column", file: "content,content\na,b\n", wantErr: []string{"line 1:", `"content"`}},
		{name: "csv episode not a number", file: "content,episode\na,1\nb,three\n", wantErr: []string{"line 3:", `episode "three"`}},
		{name: "csv episode 0", file: "content,episode\na,0\n", wantErr: []string{"line 2:", `episode "0"`}},
		{name: "csv negative episode", file: "content,episode\na,-2\n", wantErr: []string{"line 2:", `episode "-2"`}},
		{name: "csv fractional episode", file: "content,episode\na,1.5\n", wantErr: []string{"line 2:", `episode "1.5"`}},
		{name: "csv episode too high", file: "content,episode\na,1001\n", wantErr: []string{"line 2:", "episode 1001"}},
		{name: "csv wrong number of fields", file: "content,speaker,episode\na,b,1\nc,d\n", wantErr: []string{"line 3:", "2 fields"}},
		{name: "csv bare quote", file: "content\nsay \"hi\"\n", wantErr: []string{"line 2"}},
		{name: "csv content too long", file: "content\nok\n" + long(501) + "\n", wantErr: []string{"line 3:", "content has 501 characters"}},
		{name: "control characters are named per line, with the other bad rows", file: "content,speaker\na\x00b,x\nok,y\nc,d\x1be\n,z\n",
			wantErr: []string{"line 2: the text holds a control character", "line 4: the text holds a control character", "line 5: content is empty"}},
		{name: "csv speaker too long", file: "content,speaker\na," + long(51) + "\n", wantErr: []string{"line 2:", "speaker has 51 characters"}},
		{name: "csv empty content", file: "content,speaker\n,a\n", wantErr: []string{"line 2:", "content is empty"}},

		// neither
		{name: "empty file", file: "", wantErr: []string{"empty"}},
		{name: "blank file", file: " \n\t\n", wantErr: []string{"empty"}},
		{name: "BOM only", file: "\ufeff", wantErr: []string{"empty"}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			rows, err := quotes.ParseQuotes([]byte(s.file))
			if len(s.wantErr) > 0 {
				if err == nil {
					t.Fatalf("expected an error with %q, got rows %+v", s.wantErr, rows)
				}
				for _, w := range s.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Fatalf("expected %q in the error, got %q", w, err)
					}
				}
				if rows != nil {
					t.Fatalf("expected no rows with an error, got %+v", rows)
				}
				return
			}
			if err != nil {
				t.Fatalf("expected no error, got %v", err)
			}
			if !slices.Equal(rows, s.want) {
				t.Fatalf("expected %+v, got %+v", s.want, rows)
			}
		})
	}
}
