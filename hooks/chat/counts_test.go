package chat_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

// addChats saves n chats records of user through PocketBase, every other
// one a question.
func addChats(t testing.TB, app core.App, user string, n int) {
	t.Helper()
	chats, err := app.FindCollectionByNameOrId(migrations.ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		r := core.NewRecord(chats)
		r.Set("user", user)
		r.Set("role", []string{chat.RoleUser, chat.RoleAssistant}[i%2])
		r.Set("content", fmt.Sprintf("chat %d", i))
		r.Set("status", chat.StatusDone)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

// checkChatCounts fails unless the counter table holds exactly what a
// recount of chats gives, user by user.
func checkChatCounts(t testing.TB, app core.App) {
	t.Helper()
	type row struct {
		User      string `db:"user"`
		Chats     int    `db:"chats"`
		Questions int    `db:"questions"`
	}
	var stored, counted []row
	if err := app.DB().NewQuery("SELECT [[user]], [[chats]], [[questions]] FROM " + migrations.ChatCountsTable +
		" ORDER BY [[user]]").All(&stored); err != nil {
		t.Fatal(err)
	}
	if err := app.DB().NewQuery("SELECT [[user]], count(*) AS [[chats]], sum([[role]] = 'user') AS [[questions]] FROM " +
		migrations.ChatsCollection + " GROUP BY [[user]] ORDER BY [[user]]").All(&counted); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(stored) != fmt.Sprint(counted) {
		t.Fatalf("expected the counts %v, got %v", counted, stored)
	}
}

// listPage is the part of PocketBase's list body that the counter decides.
type listPage struct {
	Page       int               `json:"page"`
	PerPage    int               `json:"perPage"`
	TotalItems int               `json:"totalItems"`
	TotalPages int               `json:"totalPages"`
	Items      []json.RawMessage `json:"items"`
}

func decodeList(t testing.TB, body string) listPage {
	t.Helper()
	var p listPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
	return p
}

// The totals read from the counter are PocketBase's own: the same request
// with a filter that matches every chat is counted by PocketBase, and the
// two bodies must be identical, byte for byte.
func TestChatsListTotalsMatchPocketBase(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	chats, err := app.FindCollectionByNameOrId(migrations.ChatsCollection)
	if err != nil {
		t.Fatal(err)
	}
	counts := []int{0, 1, 21, 45}
	tokens := map[int]string{}
	for _, n := range counts {
		u := hookstest.NewUser(t, app, fmt.Sprintf("user%d@example.com", n))
		addChats(t, app, u.Id, n)
		tokens[n] = hookstest.Token(t, u)
	}
	other := hookstest.NewUser(t, app, "other@example.com")
	addChats(t, app, other.Id, 7) // must count for nobody else
	srv := hookstest.StartServer(t, app)

	for _, n := range counts {
		for _, perPage := range []int{20, 0} { // 0: PocketBase's default
			size := perPage
			if size == 0 {
				size = 30
			}
			pages := (n + size - 1) / size
			for _, page := range []int{1, max(pages, 1), pages + 1} {
				for _, collection := range []string{chats.Name, chats.Id} {
					q := url.Values{"page": {fmt.Sprint(page)}, "sort": {"-created,id"}}
					if perPage > 0 {
						q.Set("perPage", fmt.Sprint(perPage))
					}
					base := srv.URL + "/api/collections/" + collection + "/records?"
					res, got := hookstest.Do(t, "GET", base+q.Encode(), tokens[n], "")
					q.Set("filter", "(id!='')")
					pbRes, want := hookstest.Do(t, "GET", base+q.Encode(), tokens[n], "")
					name := fmt.Sprintf("%d chats, perPage %d, page %d, %s", n, perPage, page, collection)
					if res.StatusCode != http.StatusOK || pbRes.StatusCode != http.StatusOK {
						t.Fatalf("%s: expected 200 twice, got %d and %d: %s", name, res.StatusCode, pbRes.StatusCode, got)
					}
					if got != want {
						t.Fatalf("%s: expected PocketBase's body\n%s\ngot\n%s", name, want, got)
					}
					p := decodeList(t, got)
					if p.TotalItems != n || p.TotalPages != pages {
						t.Fatalf("%s: expected totalItems %d and totalPages %d, got %d and %d", name, n, pages, p.TotalItems, p.TotalPages)
					}
				}
			}
		}
	}
}

// With the counter deliberately wrong, only the requests the counter serves
// show it: a superuser's list, a filtered list, a list that skips its total
// and another user's list are PocketBase's own.
func TestChatsListUsesTheCounterOnlyForAUsersWholeHistory(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	alice := hookstest.NewUser(t, app, "alice@example.com")
	addChats(t, app, alice.Id, 3)
	bob := hookstest.NewUser(t, app, "bob@example.com")
	addChats(t, app, bob.Id, 2)
	if _, err := app.DB().NewQuery("UPDATE " + migrations.ChatCountsTable + " SET [[chats]] = 999 WHERE [[user]] = {:u}").
		Bind(map[string]any{"u": alice.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	superuser := hookstest.NewSuperuser(t, app)
	srv := hookstest.StartServer(t, app)
	list := srv.URL + "/api/collections/chats/records"

	scenarios := []struct {
		name, query, token string
		status             int
		totalItems         int
		totalPages         int
	}{
		{"user, whole history", "", hookstest.Token(t, alice), 200, 999, 34},
		{"user, empty filter", "?filter=&perPage=100", hookstest.Token(t, alice), 200, 999, 10},
		{"user, skipTotal=0", "?skipTotal=0", hookstest.Token(t, alice), 200, 999, 34},
		{"user, filtered", "?filter=" + url.QueryEscape("(id!='')"), hookstest.Token(t, alice), 200, 3, 1},
		{"user, skipTotal=1", "?skipTotal=1", hookstest.Token(t, alice), 200, -1, -1},
		{"user, skipTotal=true", "?skipTotal=true", hookstest.Token(t, alice), 200, -1, -1},
		{"user, invalid skipTotal", "?skipTotal=maybe", hookstest.Token(t, alice), 400, 0, 0},
		{"other user", "", hookstest.Token(t, bob), 200, 2, 1},
		{"superuser", "", superuser, 200, 5, 1},
		{"superuser, filtered", "?filter=" + url.QueryEscape("user='"+alice.Id+"'"), superuser, 200, 3, 1},
		{"guest", "", "", 200, 0, 0},
	}
	for _, s := range scenarios {
		res, body := hookstest.Do(t, "GET", list+s.query, s.token, "")
		if res.StatusCode != s.status {
			t.Fatalf("%s: expected %d, got %d: %s", s.name, s.status, res.StatusCode, body)
		}
		if s.status != 200 {
			continue
		}
		if p := decodeList(t, body); p.TotalItems != s.totalItems || p.TotalPages != s.totalPages {
			t.Fatalf("%s: expected totalItems %d and totalPages %d, got %d and %d", s.name, s.totalItems, s.totalPages, p.TotalItems, p.TotalPages)
		}
	}
}

// The counter follows every way chats are written: the chat endpoint,
// deletes through the API (a question takes its answer along), raw SQL and
// the cascade delete of a user.
func TestChatCountsStayExact(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f)
	defer app.Cleanup()
	alice := hookstest.NewUser(t, app, "alice@example.com")
	bob := hookstest.NewUser(t, app, "bob@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, alice)
	checkChatCounts(t, app)

	for _, content := range []string{"hello", "again", "fails [mode:500]"} {
		hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"`+content+`"}`)
	}
	addChats(t, app, bob.Id, 4)
	checkChatCounts(t, app)
	if c, q, _ := chat.Counts(app, alice.Id); c != 5 || q != 3 {
		t.Fatalf("expected alice at 5 chats and 3 questions, got %d and %d", c, q)
	}

	var question string
	for _, r := range hookstest.ChatRecords(t, app, alice.Id) {
		if r.GetString("reply") != "" {
			question = r.Id
			break
		}
	}
	if res, body := hookstest.Do(t, "DELETE", srv.URL+"/api/collections/chats/records/"+question, tok, ""); res.StatusCode != 204 {
		t.Fatalf("expected 204, got %d: %s", res.StatusCode, body)
	}
	checkChatCounts(t, app)
	if c, q, _ := chat.Counts(app, alice.Id); c != 3 || q != 2 {
		t.Fatalf("expected alice at 3 chats and 2 questions after the delete, got %d and %d", c, q)
	}

	for _, sql := range []string{
		"INSERT INTO chats (id, user, role, content, status) VALUES ('rawchat0000001', {:u}, 'user', 'raw', 'done')",
		"INSERT INTO chats (id, user, role, content, status) VALUES ('rawchat0000002', {:u}, 'assistant', 'raw', 'done')",
		"UPDATE chats SET role = 'assistant' WHERE id = 'rawchat0000001'",
		"UPDATE chats SET user = {:b} WHERE id = 'rawchat0000002'",
		"UPDATE chats SET content = 'edited' WHERE user = {:u}",
		"DELETE FROM chats WHERE id = 'rawchat0000001'",
	} {
		if _, err := app.DB().NewQuery(sql).Bind(map[string]any{"u": alice.Id, "b": bob.Id}).Execute(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		checkChatCounts(t, app)
	}

	if err := app.Delete(alice); err != nil {
		t.Fatal(err)
	}
	checkChatCounts(t, app)
	if c, q, err := chat.Counts(app, alice.Id); err != nil || c != 0 || q != 0 {
		t.Fatalf("expected no counts for a deleted user, got %d and %d (%v)", c, q, err)
	}
	if c, _, _ := chat.Counts(app, bob.Id); c != 5 {
		t.Fatalf("expected bob at 5 chats, got %d", c)
	}
}

// A trigger dropped (by hand, or missing from a restored backup) is
// recreated at start-up, and the
// counts that went stale meanwhile are recounted.
func TestChatCountsRepairedAtStartUp(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	alice := hookstest.NewUser(t, app, "alice@example.com")
	addChats(t, app, alice.Id, 4)
	for _, sql := range []string{
		"DROP TRIGGER " + migrations.ChatCountsTable + "_insert",
		"UPDATE " + migrations.ChatCountsTable + " SET [[chats]] = 1",
	} {
		if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	addChats(t, app, alice.Id, 3) // not counted without the trigger
	if ok, err := migrations.ChatCountsInStep(app); err != nil || ok {
		t.Fatalf("expected the counter out of step, got %v (%v)", ok, err)
	}

	hookstest.StartServer(t, app)
	if ok, err := migrations.ChatCountsInStep(app); err != nil || !ok {
		t.Fatalf("expected the triggers back, got %v (%v)", ok, err)
	}
	checkChatCounts(t, app)
	addChats(t, app, alice.Id, 2)
	checkChatCounts(t, app)
	if c, q, _ := chat.Counts(app, alice.Id); c != 9 || q != 5 {
		t.Fatalf("expected 9 chats and 5 questions, got %d and %d", c, q)
	}
}

// GET /chat reads total_items from the counter's questions: with the
// counter set wrong on purpose the page says so, and with it right the
// totals are the user's questions, answers excluded.
func TestLegacyChatTotalFromCounter(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name      string
		corrupt   bool
		query     string
		status    int
		wantTotal int
		wantPages int
	}{
		{"questions only", false, "", 200, 2, 1},
		{"counter read", true, "?per_page=5", 200, 12, 3},
		{"past the counted end", true, "?page=4&per_page=5", 404, 0, 0},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			(&tests.ApiScenario{
				Method:         http.MethodGet,
				URL:            "/chat" + s.query,
				Headers:        hookstest.LegacyAuth(hookstest.LegacyAliceToken),
				ExpectedStatus: s.status,
				ExpectedContent: []string{
					map[bool]string{true: fmt.Sprintf(`"total_items":%d`, s.wantTotal), false: `"status":404`}[s.status == 200],
				},
				TestAppFactory: func(t testing.TB) *tests.TestApp {
					app := hookstest.LegacyApp(t)
					if s.corrupt {
						if _, err := app.DB().NewQuery("UPDATE " + migrations.ChatCountsTable + " SET [[questions]] = 12 WHERE [[user]] = {:u}").
							Bind(map[string]any{"u": hookstest.LegacyAliceID}).Execute(); err != nil {
							t.Fatal(err)
						}
					}
					return app
				},
				AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
					if s.status != 200 {
						return
					}
					var body struct {
						TotalPages int `json:"total_pages"`
					}
					hookstest.LegacyDecode(t, res.Body, &body)
					if body.TotalPages != s.wantPages {
						t.Fatalf("expected total_pages %d, got %d", s.wantPages, body.TotalPages)
					}
				},
			}).Test(t)
		})
	}
}
