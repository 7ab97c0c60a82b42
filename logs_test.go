package main

import (
	"context"
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
	deadline := time.Now().Add(10 * time.Second) // request logs are written in batches
	for time.Now().Before(deadline) {
		code, err := call(context.Background(), "GET", p.URL+"/api/logs?perPage=100&filter="+
			"data.url%3D'%2Fapi%2Fchat'", auth.Token, "", &logs)
		if err != nil || code != 200 {
			t.Fatalf("reading the logs: %d %v", code, err)
		}
		if len(logs.Items) > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
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
