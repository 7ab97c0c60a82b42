package chat_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
)

// The offline answer and the grounding list the quotes that the board's
// search lists first for a question typed as a search: initial
// consonants, words run together or spaced apart; never a pending one.
func TestChatFindsWhatTheBoardFinds(t *testing.T) {
	t.Parallel()
	for _, online := range []bool{false, true} {
		var f *upstreamtest.Server
		newApp := hookstest.NewAppFactory()
		if online {
			f = upstreamtest.NewServer(t)
			newApp = func(t testing.TB) *tests.TestApp { return hookstest.OnlineApp(t, f) }
		}
		app := newApp(t)
		defer app.Cleanup()
		user := hookstest.NewUser(t, app, "fan@example.com")
		hookstest.AddQuote(t, app, "여론이 뭐라고 하든 우리는 우리 길을 갑니다", "백승수", 3, true, "")
		hookstest.AddQuote(t, app, "아무것도 책임지지 않는 사람은 아무것도 바꿀 수 없습니다", "백승수", 1, true, "")
		hookstest.AddQuote(t, app, "다행이라고 생각하는 순간이 제일 위험합니다", "백승수", 5, true, "")
		hookstest.AddQuote(t, app, "운영팀장으로서 여론도 챙기겠습니다", "이세영", 2, true, "")
		hookstest.AddQuote(t, app, "여론은 아직 승인되지 않은 대사입니다", "권경민", 4, false, user.Id)
		srv := hookstest.StartServer(t, app)
		tok := hookstest.Token(t, user)

		for _, q := range []string{"ㅇㄹ", "아무것도책임", "아무 것도", "ㅂㅅㅅ"} {
			res, body := hookstest.Do(t, http.MethodGet, srv.URL+"/api/quotes/search?q="+url.QueryEscape(q), "", "")
			if res.StatusCode != 200 {
				t.Fatalf("%q: expected 200, got %d: %s", q, res.StatusCode, body)
			}
			var board struct {
				Items []struct {
					Content string `json:"content"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(body), &board); err != nil || len(board.Items) == 0 {
				t.Fatalf("%q: expected the board to find quotes, got %s (%v)", q, body, err)
			}
			want := 3 // an offline answer's quotes
			if online {
				want = 5
			}
			want = min(want, len(board.Items))

			res, body = hookstest.Do(t, http.MethodPost, srv.URL+"/api/chat", tok, `{"content":"`+q+`"}`)
			if res.StatusCode != 201 {
				t.Fatalf("%q: expected 201, got %d: %s", q, res.StatusCode, body)
			}
			text := body // the offline answer is in the reply
			if online {
				got := f.Received()
				text = got[len(got)-1].Body.Messages[0].Content // the grounding, in the system message
			}
			at := -1
			for _, it := range board.Items[:want] {
				i := strings.Index(text, it.Content)
				if i <= at {
					t.Fatalf("%q (online %v): expected the board's quotes in its order, %q missing or out of order in %s", q, online, it.Content, text)
				}
				at = i
			}
			if strings.Contains(text, "승인되지") {
				t.Fatalf("%q: a pending quote was found: %s", q, text)
			}
		}
	}
}
