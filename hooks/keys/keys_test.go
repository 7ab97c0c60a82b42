package keys_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/keys"
	"stovebot/migrations"
)

type created struct {
	ID, Name, Prefix, Expires, Created, Key string
}

func createKey(t *testing.T, url, tok, body string) created {
	t.Helper()
	res, out := hookstest.Do(t, "POST", url+"/api/keys", tok, body)
	if res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, out)
	}
	var c created
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

var keyForm = regexp.MustCompile(`^sk-sb-[0-9A-Za-z]{40}$`)

// A key is shown once: stored as its hash, never in a list, a view, or
// a superuser's answer; its record holds nothing of it but the prefix.
func TestKeysAreHashedAndShownOnce(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	app := hookstest.NewApp(t, func(c *config.Config) { c.Now = func() time.Time { return now } })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "keeper@example.com")
	tok := hookstest.Token(t, user)
	su := hookstest.NewSuperuser(t, app)
	srv := hookstest.StartServer(t, app)

	k := createKey(t, srv.URL, tok, `{"name":"  내 노트북  ","expires":"2027-01-31"}`)
	if !keyForm.MatchString(k.Key) || k.Prefix != k.Key[:12] || k.Name != "내 노트북" || k.ID == "" {
		t.Fatalf("unexpected key: %+v", k)
	}
	// through the end of that day in Seoul
	if k.Expires != "2027-01-31 15:00:00.000Z" {
		t.Fatalf("expected the key to expire at the end of 2027-01-31 in Asia/Seoul, got %q", k.Expires)
	}
	rec, err := app.FindRecordById(migrations.APIKeysCollection, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("hash") != keys.Hash(k.Key) || rec.GetString("user") != user.Id {
		t.Fatalf("expected the key's hash stored for its user, got %v", rec)
	}
	for _, f := range rec.Collection().Fields {
		if v := fmt.Sprint(rec.Get(f.GetName())); strings.Contains(v, k.Key) || strings.Contains(v, k.Key[12:]) {
			t.Fatalf("field %s holds the key: %q", f.GetName(), v)
		}
	}
	for _, who := range []string{tok, su} {
		for _, path := range []string{"/api/collections/api_keys/records", "/api/collections/api_keys/records/" + k.ID} {
			res, body := hookstest.Do(t, "GET", srv.URL+path, who, "")
			if res.StatusCode != 200 || !strings.Contains(body, k.Prefix) || strings.Contains(body, k.Key[12:]) || strings.Contains(body, rec.GetString("hash")) {
				t.Fatalf("GET %s: expected the key listed by its prefix, without the key or its hash, got %d %s", path, res.StatusCode, body)
			}
		}
	}
	// RFC 3339, without expiry; names need not be unique
	if k2 := createKey(t, srv.URL, tok, `{"name":"내 노트북","expires":"2026-12-08T09:00:00+09:00"}`); k2.Expires != "2026-12-08 00:00:00.000Z" {
		t.Fatalf("expected the exact expiry, got %q", k2.Expires)
	}
	if k3 := createKey(t, srv.URL, tok, `{"name":"forever"}`); k3.Expires != "" {
		t.Fatalf("expected no expiry, got %q", k3.Expires)
	}
}

// Only the owner lists, views and deletes a key; nobody updates one
// through the API; the account's deletion takes its keys.
func TestKeysBelongToTheirOwner(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	owner := hookstest.NewUser(t, app, "owner@example.com")
	other := hookstest.Token(t, hookstest.NewUser(t, app, "other@example.com"))
	tok := hookstest.Token(t, owner)
	srv := hookstest.StartServer(t, app)
	k := createKey(t, srv.URL, tok, `{"name":"ci"}`)
	path := srv.URL + "/api/collections/api_keys/records/" + k.ID

	if res, _ := hookstest.Do(t, "GET", path, other, ""); res.StatusCode != 404 {
		t.Fatalf("another user's view: expected 404, got %d", res.StatusCode)
	}
	if res, body := hookstest.Do(t, "GET", srv.URL+"/api/collections/api_keys/records", other, ""); !strings.Contains(body, `"totalItems":0`) {
		t.Fatalf("another user's list: expected nothing, got %d %s", res.StatusCode, body)
	}
	if res, _ := hookstest.Do(t, "DELETE", path, other, ""); res.StatusCode != 404 {
		t.Fatalf("another user's delete: expected 404, got %d", res.StatusCode)
	}
	for _, body := range []string{`{"name":"renamed"}`, `{"expires":""}`, `{"hash":"` + strings.Repeat("0", 64) + `"}`} {
		if res, _ := hookstest.Do(t, "PATCH", path, tok, body); res.StatusCode != 403 && res.StatusCode != 404 {
			t.Fatalf("update %s: expected 403, got %d", body, res.StatusCode)
		}
	}
	if res, _ := hookstest.Do(t, "POST", srv.URL+"/api/collections/api_keys/records", tok,
		`{"user":"`+owner.Id+`","name":"x","prefix":"sk-sb-abcdef","hash":"`+strings.Repeat("0", 64)+`"}`); res.StatusCode != 403 && res.StatusCode != 400 {
		t.Fatalf("a key made through the records API: expected 403, got %d", res.StatusCode)
	}
	if rec, _ := app.FindRecordById(migrations.APIKeysCollection, k.ID); rec == nil || rec.GetString("name") != "ci" {
		t.Fatal("a refused request changed the key")
	}
	if res, _ := hookstest.Do(t, "DELETE", path, tok, ""); res.StatusCode != 204 {
		t.Fatalf("the owner's delete: expected 204, got %d", res.StatusCode)
	}

	createKey(t, srv.URL, tok, `{"name":"second"}`)
	if err := app.Delete(owner); err != nil {
		t.Fatal(err)
	}
	if n, err := app.CountRecords(migrations.APIKeysCollection); err != nil || n != 0 {
		t.Fatalf("expected the keys gone with the account, got %d (%v)", n, err)
	}
}

// A burst of requests gets exactly the 10 keys a user may have.
func TestAtMostTenKeys(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "many@example.com")
	tok := hookstest.Token(t, user)
	srv := hookstest.StartServer(t, app)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := hookstest.Do(t, "POST", srv.URL+"/api/keys", tok, fmt.Sprintf(`{"name":"key %d"}`, i))
			mu.Lock()
			codes[res.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[201] != 10 || codes[400] != 10 {
		t.Fatalf("expected 10 keys made and 10 refused, got %v", codes)
	}
	res, body := hookstest.Do(t, "POST", srv.URL+"/api/keys", tok, `{"name":"eleventh"}`)
	if res.StatusCode != 400 || !strings.Contains(body, "10 API keys") {
		t.Fatalf("expected the 11th refused with a reason, got %d %s", res.StatusCode, body)
	}
	if n, _ := app.CountRecords(migrations.APIKeysCollection); n != 10 {
		t.Fatalf("expected 10 keys, got %d", n)
	}
}

func TestKeyCreationRefusals(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	app := hookstest.NewApp(t, func(c *config.Config) { c.Now = func() time.Time { return now } })
	defer app.Cleanup()
	tok := hookstest.Token(t, hookstest.NewUser(t, app, "refused@example.com"))
	su := hookstest.NewSuperuser(t, app)
	srv := hookstest.StartServer(t, app)
	for _, c := range []struct {
		tok, body string
		status    int
		field     string
	}{
		{tok, `{}`, 400, "name"},
		{tok, `{"name":"   "}`, 400, "name"},
		{tok, `{"name":"` + strings.Repeat("가", 51) + `"}`, 400, "name"},
		{tok, `{"name":"a\u0000b"}`, 400, "name"},
		{tok, `{"name":42}`, 400, "name"},
		{tok, `{"name":"x","expires":"2026-12-06"}`, 400, "expires"},
		{tok, `{"name":"x","expires":"2026-12-07T11:00:00Z"}`, 400, "expires"},
		{tok, `{"name":"x","expires":"next week"}`, 400, "expires"},
		{tok, `{"name":"x","expires":20270101}`, 400, "expires"},
		{tok, `not json`, 400, ""},
		{tok, `[1,2]`, 400, ""},
		{tok, `{"name":"x"} {}`, 400, ""},
		{"", `{"name":"x"}`, 401, ""},
		{su, `{"name":"x"}`, 403, ""},
	} {
		res, body := hookstest.Do(t, "POST", srv.URL+"/api/keys", c.tok, c.body)
		if res.StatusCode != c.status || (c.field != "" && !strings.Contains(body, `"`+c.field+`":{"code"`)) {
			t.Errorf("%s: expected %d naming %q, got %d %s", c.body, c.status, c.field, res.StatusCode, body)
		}
	}
	if res, _ := hookstest.Do(t, "POST", srv.URL+"/api/keys", tok, `{"name":"x"}`, "Content-Type", "application/xml"); res.StatusCode != 415 {
		t.Errorf("a body of another type: expected 415, got %d", res.StatusCode)
	}
	if res, _ := hookstest.Do(t, "GET", srv.URL+"/api/keys", tok, ""); res.StatusCode != 405 {
		t.Errorf("GET /api/keys: expected 405, got %d", res.StatusCode)
	}
	if n, _ := app.CountRecords(migrations.APIKeysCollection); n != 0 {
		t.Fatalf("expected no key made, got %d", n)
	}
}
