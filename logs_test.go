package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"stovebot/hooks/upstream/upstreamtest"
)

func TestChatLogsFailuresButNotSuccesses(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	dir := t.TempDir()
	runCommand(t, dir, "superuser", "upsert", "admin@example.com", "password123456")
	p := startStovebot(t, dir, "OPENAI_BASE_URL="+f.URL, "OPENAI_API_KEY=sk-logs")
	token := signUp(t, p.URL, "logged@example.com")

	if code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, `{"content":"잘 되는 질문"}`, nil); code != 201 {
		t.Fatalf("expected 201, got %d", code)
	}
	if code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, `{"content":"실패하는 질문 [mode:500]"}`, nil); code != 502 {
		t.Fatalf("expected 502, got %d", code)
	}

	var auth struct{ Token string }
	call(context.Background(), "POST", p.URL+"/api/collections/_superusers/auth-with-password", "",
		`{"identity":"admin@example.com","password":"password123456"}`, &auth)
	var logs struct {
		Items []struct {
			Data struct {
				URL    string `json:"url"`
				Status int    `json:"status"`
			} `json:"data"`
		} `json:"items"`
	}
	// request logs are written in batches, every few seconds
	waitUntil(10*time.Second, func() bool {
		code, err := call(context.Background(), "GET", p.URL+"/api/logs?perPage=100&filter="+
			"data.url%3D'%2Fapi%2Fchat'", auth.Token, "", &logs)
		if err != nil || code != 200 {
			t.Fatalf("reading the logs: %d %v", code, err)
		}
		return len(logs.Items) > 0
	})
	var statuses []int
	for _, l := range logs.Items {
		statuses = append(statuses, l.Data.Status)
	}
	if len(statuses) != 1 || statuses[0] != 502 {
		t.Fatalf("expected only the failed chat in the request log, got statuses %v", statuses)
	}
	if strings.Contains(p.logs.String(), "sk-logs") {
		t.Fatal("the key appears in the server's output")
	}
}

// The upstream key never reaches a log line, whatever way the upstream
// fails: every entry of /api/logs, its data included, and the process's
// output are searched for it. PocketBase's test app keeps no logs, so only
// the real binary can show this.
func TestUpstreamKeyNeverReachesTheLogs(t *testing.T) {
	t.Parallel()
	const key = "sk-LOGGED-KEY-7f3a9c"
	f := upstreamtest.NewServer(t)
	dir := t.TempDir()
	runCommand(t, dir, "superuser", "upsert", "admin@example.com", "password123456")
	p := startStovebot(t, dir, "OPENAI_BASE_URL="+f.URL, "OPENAI_API_KEY="+key, "STOVEBOT_UPSTREAM_TIMEOUT=300ms",
		"STOVEBOT_DAILY_LIMIT=100")
	token := signUp(t, p.URL, "keyholder@example.com")

	if code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, `{"content":"answered"}`, nil); code != 201 {
		t.Fatalf("expected 201, got %d", code)
	}
	failures := []struct {
		mode   upstreamtest.Mode
		stream bool
		status int // a stream's failure comes as an event of a 200
	}{
		{upstreamtest.ModeServerError, false, 502},
		{upstreamtest.ModeRateLimited, false, 502},
		{upstreamtest.ModeGarbage, false, 502},
		{upstreamtest.ModeSlow, false, 504},
		{upstreamtest.ModeDrop, false, 502},
		{upstreamtest.ModeCut, true, 200},
		{upstreamtest.ModeServerError, true, 200},
	}
	for _, c := range failures {
		body := fmt.Sprintf(`{"content":"fails [mode:%s]","stream":%v}`, c.mode, c.stream)
		if code, _ := call(context.Background(), "POST", p.URL+"/api/chat", token, body, nil); code != c.status {
			t.Fatalf("%s (stream %v): expected %d, got %d", c.mode, c.stream, c.status, code)
		}
	}

	var auth struct{ Token string }
	if code, err := call(context.Background(), "POST", p.URL+"/api/collections/_superusers/auth-with-password", "",
		`{"identity":"admin@example.com","password":"password123456"}`, &auth); err != nil || code != 200 {
		t.Fatalf("superuser sign-in: %d %v", code, err)
	}
	type page struct {
		Page       int               `json:"page"`
		TotalPages int               `json:"totalPages"`
		TotalItems int               `json:"totalItems"`
		Items      []json.RawMessage `json:"items"`
	}
	read := func(query string) page {
		t.Helper()
		var pg page
		if code, err := call(context.Background(), "GET", p.URL+"/api/logs?"+query, auth.Token, "", &pg); err != nil || code != 200 {
			t.Fatalf("reading the logs (%s): %d %v", query, code, err)
		}
		return pg
	}
	// logs are written in batches, every few seconds: wait for the warning
	// of each failure
	failed := "filter=" + url.QueryEscape("message = 'chat: request failed'")
	if !waitUntil(15*time.Second, func() bool { return read(failed).TotalItems >= len(failures) }) {
		t.Fatalf("expected %d failure warnings in the logs, got %d", len(failures), read(failed).TotalItems)
	}

	// oldest first, so that entries written while paging (these reads are
	// logged too) come after the pages already read
	seen, want := 0, 0
	for n, total := 1, 1; n <= total; n++ {
		pg := read(fmt.Sprintf("page=%d&perPage=10&sort=created,id", n))
		if n == 1 {
			want = pg.TotalItems
		}
		total = pg.TotalPages
		for _, item := range pg.Items {
			seen++
			// the data decoded too, in case the key were escaped in the JSON
			var entry struct {
				Data map[string]any `json:"data"`
			}
			if err := json.Unmarshal(item, &entry); err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{key, upstreamtest.SecretBody} {
				if strings.Contains(string(item), secret) || strings.Contains(fmt.Sprint(entry.Data), secret) {
					t.Fatalf("%s is in a log entry: %s", secret, item)
				}
			}
		}
	}
	if seen < want || seen < len(failures) {
		t.Fatalf("expected to read all %d log entries, at least the %d failure warnings, read %d", want, len(failures), seen)
	}
	if strings.Contains(p.logs.String(), key) {
		t.Fatal("the upstream key is in the server's output")
	}
}
