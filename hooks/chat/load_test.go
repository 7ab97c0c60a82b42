package chat_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"stovebot/config"
	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quota"
	"stovebot/hooks/upstream/upstreamtest"
)

func TestQuotaStaysExactWhenTheUpstreamFailsUnderLoad(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	app := hookstest.OnlineApp(t, f, func(c *config.Config) { c.UpstreamTimeout = 300 * time.Millisecond; c.DailyLimit = 20 })
	defer app.Cleanup()
	user := hookstest.NewUser(t, app, "load@example.com")
	srv := hookstest.StartServer(t, app)
	tok := hookstest.Token(t, user)

	modes := []upstreamtest.Mode{upstreamtest.ModeOK, upstreamtest.ModeServerError, upstreamtest.ModeRateLimited,
		upstreamtest.ModeGarbage, upstreamtest.ModeSlow, upstreamtest.ModeCut, upstreamtest.ModeEmpty}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mode := modes[i%len(modes)]
			body := fmt.Sprintf(`{"content":"question %d [mode:%s]"}`, i, mode)
			var headers []string
			if i%2 == 0 {
				headers = []string{"Accept", "text/event-stream"}
			}
			res, out := hookstest.Do(t, "POST", srv.URL+"/api/chat", tok, body, headers...)
			outcome := fmt.Sprint(res.StatusCode)
			if res.StatusCode == 200 { // a stream: its last event decides
				outcome = "stream-error"
				if strings.Contains(out, "event: done") {
					outcome = "stream-done"
				}
			}
			mu.Lock()
			codes[outcome]++
			mu.Unlock()
		}()
	}
	wg.Wait()

	answered := codes["201"] + codes["stream-done"]
	if answered == 0 || answered > 20 {
		t.Fatalf("expected between 1 and 20 answers, got %v", codes)
	}
	quota, err := quota.Status(app.DB(), &config.Config{DailyLimit: 20, Timezone: "Asia/Seoul", Now: time.Now}, user, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if quota.Used != answered {
		t.Fatalf("expected the count to equal the %d answers, got %d (outcomes %v)", answered, quota.Used, codes)
	}
	var done, pending int
	for _, r := range hookstest.ChatRecords(t, app, user.Id) {
		if r.GetString("role") != chat.RoleUser {
			continue
		}
		switch r.GetString("status") {
		case chat.StatusDone:
			done++
		case chat.StatusPending:
			pending++
		}
	}
	if done != answered || pending != 0 {
		t.Fatalf("expected %d done questions and none pending, got %d done, %d pending", answered, done, pending)
	}
}
