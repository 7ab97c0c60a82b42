package migrations_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"stovebot/hooks/hookstest"
)

// The migrations switch PocketBase's rate limiter on: sign-in at 10 a minute
// per IP, and no blanket /api/ rule.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	hookstest.NewUser(t, app, "fresh@example.com")
	srv := hookstest.StartServer(t, app)

	signIn := func() int {
		t.Helper()
		res, err := http.Post(srv.URL+"/api/collections/users/auth-with-password", "application/json",
			strings.NewReader(`{"identity":"fresh@example.com","password":"wrong-password"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 1; i <= 10; i++ {
		if got := signIn(); got != http.StatusBadRequest {
			t.Fatalf("sign-in attempt %d: expected 400, got %d", i, got)
		}
	}
	if got := signIn(); got != http.StatusTooManyRequests {
		t.Fatalf("sign-in attempt 11: expected 429, got %d", got)
	}

	// the legacy quote board creates records at PocketBase's *:create rate
	token := hookstest.Token(t, hookstest.NewUser(t, app, "prolific@example.com"))
	postQuote := func(i int) int {
		t.Helper()
		res, _ := hookstest.Do(t, "POST", srv.URL+"/quote", token, fmt.Sprintf(`{"content":"명대사 %d"}`, i))
		return res.StatusCode
	}
	// 20 per 5 s: the 21st in a window is refused (a slow machine may see a
	// window end during the burst, hence up to two windows' worth)
	created := 0
	for created < 60 && postQuote(created) == http.StatusCreated {
		created++
	}
	if created < 20 || created >= 40 {
		t.Fatalf("expected a 429 after 20 to 39 quotes, got it after %d", created)
	}

	// PocketBase's default /api/ rule would refuse the 301st request in 10 s
	for i := 1; i <= 320; i++ {
		res, err := http.Get(srv.URL + "/api/collections/quotes/records?perPage=1")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("list request %d: expected 200, got %d", i, res.StatusCode)
		}
	}
}
