package config

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestFromEnv(t *testing.T) {
	scenarios := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, cfg Config, err error)
	}{
		{"defaults", nil, func(t *testing.T, cfg Config, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Model != "gpt-4o-mini" || cfg.DailyLimit != 5 || cfg.Timezone != "Asia/Seoul" || cfg.MaxChars != 2000 ||
				cfg.UpstreamTimeout != time.Minute || cfg.ContextMessages != 6 || cfg.GlobalDailyLimit != 0 {
				t.Fatalf("expected SPEC's defaults, got %+v", cfg)
			}
			if cfg.ReadHeaderTimeout != 10*time.Second || cfg.IdleTimeout != 2*time.Minute || cfg.StreamPing != 15*time.Second {
				t.Fatalf("expected a 10 s header timeout, a 2 min idle timeout and a ping every 15 s, got %s %s %s",
					cfg.ReadHeaderTimeout, cfg.IdleTimeout, cfg.StreamPing)
			}
			if cfg.UpstreamEnabled() {
				t.Fatal("expected no upstream without a key or a base URL")
			}
		}},
		{"values", map[string]string{
			"STOVEBOT_DAILY_LIMIT": " 7 ", "STOVEBOT_UPSTREAM_TIMEOUT": "5s", "STOVEBOT_CONTEXT_MESSAGES": "0",
			"OPENAI_API_KEY": "sk-x", "STOVEBOT_GLOBAL_DAILY_LIMIT": "100",
			"STOVEBOT_READ_HEADER_TIMEOUT": "3s", "STOVEBOT_IDLE_TIMEOUT": "30s",
		}, func(t *testing.T, cfg Config, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DailyLimit != 7 || cfg.UpstreamTimeout != 5*time.Second || cfg.ContextMessages != 0 || cfg.GlobalDailyLimit != 100 ||
				cfg.ReadHeaderTimeout != 3*time.Second || cfg.IdleTimeout != 30*time.Second {
				t.Fatalf("expected the environment's values, got %+v", cfg)
			}
			if !cfg.UpstreamEnabled() || cfg.UpstreamBaseURL() != DefaultOpenAIBaseURL {
				t.Fatalf("expected OpenAI's API with a key alone, got %q", cfg.UpstreamBaseURL())
			}
		}},
		{"unparsable values are named", map[string]string{"STOVEBOT_DAILY_LIMIT": "five", "STOVEBOT_UPSTREAM_TIMEOUT": "60",
			"STOVEBOT_READ_HEADER_TIMEOUT": "ten", "STOVEBOT_IDLE_TIMEOUT": "2"},
			func(t *testing.T, cfg Config, err error) {
				for _, name := range []string{"STOVEBOT_DAILY_LIMIT", "STOVEBOT_UPSTREAM_TIMEOUT", "STOVEBOT_READ_HEADER_TIMEOUT", "STOVEBOT_IDLE_TIMEOUT"} {
					if err == nil || !strings.Contains(err.Error(), name) {
						t.Fatalf("expected %s named, got %v", name, err)
					}
				}
			}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			for _, name := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "STOVEBOT_TIMEZONE", "STOVEBOT_DAILY_LIMIT",
				"STOVEBOT_MAX_CHARS", "STOVEBOT_GLOBAL_DAILY_LIMIT", "STOVEBOT_CONTEXT_MESSAGES", "STOVEBOT_UPSTREAM_TIMEOUT",
				"STOVEBOT_READ_HEADER_TIMEOUT", "STOVEBOT_IDLE_TIMEOUT"} {
				t.Setenv(name, s.env[name])
			}
			cfg, err := FromEnv()
			s.check(t, cfg, err)
		})
	}
}

func TestValidateNamesEverySettingThatCannotWork(t *testing.T) {
	t.Parallel()
	cfg := Config{
		DailyLimit:        -1,
		Timezone:          "Mars/Olympus",
		MaxChars:          1 << 30,
		UpstreamTimeout:   -time.Second,
		GlobalDailyLimit:  -2,
		ContextMessages:   -3,
		GitHubClientID:    "id-without-secret",
		OpenAIBaseURL:     "ftp://example.com",
		ReadHeaderTimeout: -time.Second,
		IdleTimeout:       -time.Minute,
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("expected errors")
	}
	for _, want := range []string{"daily-limit", "timezone", "max-chars", "upstream-timeout", "global-daily-limit",
		"context-messages", "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET", "openai-base-url", "read-header-timeout", "idle-timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("expected %q named in %v", want, err)
		}
	}

	ok := Config{ContextMessages: 6, Timezone: "America/Santiago", KakaoClientID: "k", KakaoClientSecret: "s"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("expected a valid configuration, got %v", err)
	}
	if ok.Location().String() != "America/Santiago" {
		t.Fatalf("expected the zone loaded, got %s", ok.Location())
	}
}

func TestFlagsWinOverTheEnvironment(t *testing.T) {
	t.Parallel()
	cfg := Config{DailyLimit: 5, Model: "from-env"}
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	cfg.BindFlags(fs)
	if err := fs.Parse([]string{"--daily-limit=9", "--read-header-timeout=4s", "--idle-timeout=1m"}); err != nil {
		t.Fatal(err)
	}
	if cfg.DailyLimit != 9 || cfg.Model != "from-env" || cfg.ReadHeaderTimeout != 4*time.Second || cfg.IdleTimeout != time.Minute {
		t.Fatalf("expected the flags to win and the rest kept, got %d %q %s %s", cfg.DailyLimit, cfg.Model, cfg.ReadHeaderTimeout, cfg.IdleTimeout)
	}
}
