package cmd_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"stovebot/cmd"
	"stovebot/config"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/upstream/upstreamtest"
	"stovebot/migrations"
)

func TestDoctor(t *testing.T) {
	t.Parallel()
	f := upstreamtest.NewServer(t)
	scenarios := []struct {
		name     string
		mode     string
		cfg      func(*config.Config)
		problems int
		expect   []string
	}{
		{"offline", "", func(c *config.Config) {}, 0, []string{"ok   emails", "ok   upstream", "answering offline from 0 approved quotes"}},
		{"healthy upstream", "", func(c *config.Config) { c.OpenAIBaseURL, c.OpenAIKey, c.Model = f.URL, hookstest.APIKey, "gpt-test" }, 0,
			[]string{"ok   models", "serves gpt-test", "ok   completion"}},
		{"unknown model", "", func(c *config.Config) { c.OpenAIBaseURL, c.Model = f.URL, "gpt-missing" }, 1,
			[]string{"FAIL models", `"gpt-missing"`, "ok   completion"}},
		{"failing upstream", "500", func(c *config.Config) { c.OpenAIBaseURL, c.OpenAIKey, c.Model = f.URL, hookstest.APIKey, "gpt-test" }, 1,
			[]string{"FAIL completion", "HTTP 500"}},
		{"unreachable upstream", "", func(c *config.Config) { c.OpenAIBaseURL = "http://127.0.0.1:1/v1" }, 2,
			[]string{"FAIL models", "cannot be reached", "FAIL completion"}},
		{"bad setting", "", func(c *config.Config) { c.Timezone = "Mars/Olympus" }, 1, []string{"FAIL configuration", "Mars/Olympus"}},
	}
	for _, s := range scenarios {
		f.SetMode(upstreamtest.Mode(s.mode))
		app := hookstest.NewApp(t)
		cfg := hookstest.Config()
		s.cfg(&cfg)
		var out bytes.Buffer
		n := cmd.Doctor(context.Background(), app, &cfg, &out)
		app.Cleanup()
		if n != s.problems {
			t.Fatalf("%s: expected %d problems, got %d:\n%s", s.name, s.problems, n, out.String())
		}
		for _, e := range s.expect {
			if !strings.Contains(out.String(), e) {
				t.Fatalf("%s: expected %q in:\n%s", s.name, e, out.String())
			}
		}
		if strings.Contains(out.String(), hookstest.APIKey) || strings.Contains(out.String(), upstreamtest.SecretBody) {
			t.Fatalf("%s: the report leaks the key or the upstream body:\n%s", s.name, out.String())
		}
	}
}

// An email index left case-sensitive by accounts that differ only in case
// is a problem that names them.
func TestDoctorReportsEmailsMatchedWithCase(t *testing.T) {
	t.Parallel()
	app := hookstest.NewApp(t)
	defer app.Cleanup()
	if err := migrations.SetEmailCollation(app, ""); err != nil {
		t.Fatal(err)
	}
	hookstest.NewUser(t, app, "twin@example.com")
	hookstest.NewUser(t, app, "Twin@Example.com")
	cfg := hookstest.Config()
	var out bytes.Buffer
	if n := cmd.Doctor(context.Background(), app, &cfg, &out); n != 1 {
		t.Fatalf("expected 1 problem, got %d:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "FAIL emails") || !strings.Contains(strings.ToLower(out.String()), "twin@example.com") {
		t.Fatalf("expected the clash named, got:\n%s", out.String())
	}
}
