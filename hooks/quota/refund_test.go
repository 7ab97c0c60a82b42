package quota_test

import (
	"strings"
	"testing"
	"time"

	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/hooks/upstream/upstreamtest"
)

// A request the upstream fails is given back to the site's count as well
// as to the user's: with a site-wide cap, failures must not use it up.
func TestUpstreamFailureRefundsTheUserAndTheSite(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, func(c *config.Config) {
		c.GlobalDailyLimit = 100
		c.UpstreamTimeout = 300 * time.Millisecond
	})
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "refunded@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)
	cfg := hookstest.Config()
	day := quota.Day(time.Now(), cfg.Location())
	expectCounts := func(when string, wantUser, wantSite int) {
		t.Helper()
		gotUser, err := quota.Used(app.DB(), user.Id, day)
		if err != nil {
			t.Fatal(err)
		}
		gotSite, err := quota.Used(app.DB(), quota.SiteWide, day)
		if err != nil {
			t.Fatal(err)
		}
		if gotUser != wantUser || gotSite != wantSite {
			t.Fatalf("%s: expected the user's count %d and the site's %d, got %d and %d", when, wantUser, wantSite, gotUser, gotSite)
		}
	}

	if res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"answered"}`); res.StatusCode != 201 {
		t.Fatalf("expected 201, got %d: %s", res.StatusCode, body)
	}
	expectCounts("after an answer", 1, 1)

	scenarios := []struct {
		name    string
		mode    upstreamtest.Mode
		headers []string
		status  int
	}{
		{"a 500 from the upstream", upstreamtest.ModeServerError, nil, 502},
		{"a dropped connection", upstreamtest.ModeDrop, nil, 502},
		{"a timeout", upstreamtest.ModeSlow, nil, 504},
		{"a stream cut short", upstreamtest.ModeCut, []string{"Accept", "text/event-stream"}, 200},
	}
	for _, s := range scenarios {
		res, body := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, `{"content":"fails [mode:`+string(s.mode)+`]"}`, s.headers...)
		if res.StatusCode != s.status || s.status == 200 && !strings.Contains(body, "event: error") {
			t.Fatalf("%s: expected %d (an error event on a stream), got %d: %s", s.name, s.status, res.StatusCode, body)
		}
		expectCounts("after "+s.name, 1, 1)
	}
}
