// Package config is stovebot's configuration: flags, environment and
// validation (SPEC section 1). It imports nothing of stovebot but the
// migrations' limits.
package config

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // STOVEBOT_TIMEZONE must work on hosts without zoneinfo

	"github.com/spf13/pflag"

	"stovebot/migrations"
)

// DefaultOpenAIBaseURL is used when a key is set but no base URL.
const DefaultOpenAIBaseURL = "https://api.openai.com/v1"

// Config is everything stovebot reads from flags and the environment
// (SPEC section 1). Build it with [FromEnv], let [Config.BindFlags]
// override it from the command line, and pass it to hooks.Register, which
// fills what is left empty.
type Config struct {
	OpenAIKey        string        // OPENAI_API_KEY; never logged, stored or returned
	OpenAIBaseURL    string        // OPENAI_BASE_URL / --openai-base-url; empty with no key means offline
	Model            string        // OPENAI_MODEL / --model
	DailyLimit       int           // STOVEBOT_DAILY_LIMIT / --daily-limit
	Timezone         string        // STOVEBOT_TIMEZONE / --timezone
	MaxChars         int           // STOVEBOT_MAX_CHARS / --max-chars
	UpstreamTimeout  time.Duration // STOVEBOT_UPSTREAM_TIMEOUT / --upstream-timeout
	GlobalDailyLimit int           // STOVEBOT_GLOBAL_DAILY_LIMIT / --global-daily-limit; 0 is none
	ContextMessages  int           // STOVEBOT_CONTEXT_MESSAGES / --context-messages

	// ReadHeaderTimeout is how long a connection may take to send a
	// request's headers (STOVEBOT_READ_HEADER_TIMEOUT / --read-header-timeout).
	ReadHeaderTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request (STOVEBOT_IDLE_TIMEOUT / --idle-timeout).
	IdleTimeout time.Duration

	GitHubClientID     string
	GitHubClientSecret string
	KakaoClientID      string
	KakaoClientSecret  string

	// Now is the clock; tests inject one to cross midnight.
	Now func() time.Time
	// HTTPClient makes the upstream calls.
	HTTPClient *http.Client

	// QuoteIndexRecheck is how often a server reads the quote index's
	// version, to see quotes written by another process (the CLI); 0 is
	// a second. Tests shorten it.
	QuoteIndexRecheck time.Duration

	// StreamPing is how long a stream may stay silent before it sends an
	// SSE comment, so that proxies do not close it while the upstream
	// thinks; 0 is 15 seconds. Tests shorten it.
	StreamPing time.Duration

	location *time.Location
}

// FromEnv reads the environment into a Config. A variable that is set
// but cannot be parsed is an error naming it.
func FromEnv() (Config, error) {
	cfg := Config{
		ContextMessages:    6,
		OpenAIKey:          os.Getenv("OPENAI_API_KEY"),
		OpenAIBaseURL:      os.Getenv("OPENAI_BASE_URL"),
		Model:              os.Getenv("OPENAI_MODEL"),
		Timezone:           os.Getenv("STOVEBOT_TIMEZONE"),
		GitHubClientID:     os.Getenv("GITHUB_CLIENT_ID"),
		GitHubClientSecret: os.Getenv("GITHUB_CLIENT_SECRET"),
		KakaoClientID:      os.Getenv("KAKAO_CLIENT_ID"),
		KakaoClientSecret:  os.Getenv("KAKAO_CLIENT_SECRET"),
	}
	var errs []error
	envInt := func(name string, dst *int) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a whole number", name, v))
			}
			*dst = n
		}
	}
	envInt("STOVEBOT_DAILY_LIMIT", &cfg.DailyLimit)
	envInt("STOVEBOT_MAX_CHARS", &cfg.MaxChars)
	envInt("STOVEBOT_GLOBAL_DAILY_LIMIT", &cfg.GlobalDailyLimit)
	envInt("STOVEBOT_CONTEXT_MESSAGES", &cfg.ContextMessages)
	envDuration := func(name string, dst *time.Duration) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a duration such as 60s", name, v))
			}
			*dst = d
		}
	}
	envDuration("STOVEBOT_UPSTREAM_TIMEOUT", &cfg.UpstreamTimeout)
	envDuration("STOVEBOT_READ_HEADER_TIMEOUT", &cfg.ReadHeaderTimeout)
	envDuration("STOVEBOT_IDLE_TIMEOUT", &cfg.IdleTimeout)
	cfg.FillDefaults()
	return cfg, errors.Join(errs...)
}

// BindFlags adds the serve flags of SPEC section 1 to fs, with the current
// values (from the environment) as their defaults, so a flag wins over its
// variable.
func (cfg *Config) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&cfg.OpenAIBaseURL, "openai-base-url", cfg.OpenAIBaseURL, "OpenAI-compatible API base URL (OPENAI_BASE_URL)")
	fs.StringVar(&cfg.Model, "model", cfg.Model, "upstream model name (OPENAI_MODEL)")
	fs.IntVar(&cfg.DailyLimit, "daily-limit", cfg.DailyLimit, "chat requests per user per day (STOVEBOT_DAILY_LIMIT)")
	fs.StringVar(&cfg.Timezone, "timezone", cfg.Timezone, "time zone where a day starts and ends (STOVEBOT_TIMEZONE)")
	fs.IntVar(&cfg.MaxChars, "max-chars", cfg.MaxChars, "longest accepted message in characters (STOVEBOT_MAX_CHARS)")
	fs.DurationVar(&cfg.UpstreamTimeout, "upstream-timeout", cfg.UpstreamTimeout, "longest wait for the upstream's first byte or next piece (STOVEBOT_UPSTREAM_TIMEOUT)")
	fs.IntVar(&cfg.GlobalDailyLimit, "global-daily-limit", cfg.GlobalDailyLimit, "chat requests per day for the whole site, 0 for none (STOVEBOT_GLOBAL_DAILY_LIMIT)")
	fs.IntVar(&cfg.ContextMessages, "context-messages", cfg.ContextMessages, "earlier messages sent as context (STOVEBOT_CONTEXT_MESSAGES)")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", cfg.ReadHeaderTimeout, "longest wait for a request's headers (STOVEBOT_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "how long an idle keep-alive connection stays open (STOVEBOT_IDLE_TIMEOUT)")
}

// FillDefaults sets every empty field to its SPEC default. ContextMessages
// is the exception: 0 is a valid choice (no context), so its default of 6 is
// set by FromEnv.
func (cfg *Config) FillDefaults() {
	if cfg.Model == "" {
		cfg.Model = "gpt-4o-mini"
	}
	if cfg.DailyLimit == 0 {
		cfg.DailyLimit = 5
	}
	if cfg.Timezone == "" {
		cfg.Timezone = "Asia/Seoul"
	}
	if cfg.MaxChars == 0 {
		cfg.MaxChars = 2000
	}
	if cfg.UpstreamTimeout == 0 {
		cfg.UpstreamTimeout = 60 * time.Second
	}
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	if cfg.QuoteIndexRecheck == 0 {
		cfg.QuoteIndexRecheck = time.Second
	}
	if cfg.StreamPing == 0 {
		cfg.StreamPing = 15 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 64 // Go's default of 2 reopens upstream connections under load
		// 1 KiB instead of 4 per connection: an open stream holds both, and
		// what passes through is short lines and one request body
		transport.ReadBufferSize = 1 << 10
		transport.WriteBufferSize = 1 << 10
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
}

// Validate fills defaults and reports every setting that cannot work,
// one error per setting.
func (cfg *Config) Validate() error {
	cfg.FillDefaults()
	var errs []error
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		errs = append(errs, fmt.Errorf("timezone: %q is not a known time zone such as Asia/Seoul", cfg.Timezone))
	} else {
		cfg.location = loc
	}
	if cfg.DailyLimit < 1 {
		errs = append(errs, fmt.Errorf("daily-limit: must be at least 1, got %d", cfg.DailyLimit))
	}
	if cfg.MaxChars < 1 || cfg.MaxChars > migrations.ChatContentMax {
		errs = append(errs, fmt.Errorf("max-chars: must be from 1 to %d, got %d", migrations.ChatContentMax, cfg.MaxChars))
	}
	if cfg.UpstreamTimeout <= 0 {
		errs = append(errs, fmt.Errorf("upstream-timeout: must be positive, got %s", cfg.UpstreamTimeout))
	}
	if cfg.ReadHeaderTimeout <= 0 {
		errs = append(errs, fmt.Errorf("read-header-timeout: must be positive, got %s", cfg.ReadHeaderTimeout))
	}
	if cfg.IdleTimeout <= 0 {
		errs = append(errs, fmt.Errorf("idle-timeout: must be positive, got %s", cfg.IdleTimeout))
	}
	if cfg.GlobalDailyLimit < 0 {
		errs = append(errs, fmt.Errorf("global-daily-limit: must be 0 (none) or more, got %d", cfg.GlobalDailyLimit))
	}
	if cfg.ContextMessages < 0 {
		errs = append(errs, fmt.Errorf("context-messages: must be 0 or more, got %d", cfg.ContextMessages))
	}
	for _, p := range cfg.OAuth2Providers() {
		if (p.ClientID == "") != (p.Secret == "") {
			prefix := strings.ToUpper(p.Name)
			errs = append(errs, fmt.Errorf("%s_CLIENT_ID and %s_CLIENT_SECRET: set both or neither", prefix, prefix))
		}
	}
	if cfg.OpenAIBaseURL != "" {
		u, err := url.Parse(cfg.OpenAIBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("openai-base-url: %q is not an http(s) URL", cfg.OpenAIBaseURL))
		}
	}
	return errors.Join(errs...)
}

// Location is the configured time zone (UTC before Validate).
func (cfg *Config) Location() *time.Location {
	if cfg.location == nil {
		if loc, err := time.LoadLocation(cfg.Timezone); err == nil {
			cfg.location = loc
		} else {
			return time.UTC
		}
	}
	return cfg.location
}

// UpstreamEnabled reports whether chat goes to an OpenAI-compatible API;
// otherwise stovebot answers offline from its quote index.
func (cfg *Config) UpstreamEnabled() bool {
	return strings.TrimSpace(cfg.OpenAIKey) != "" || strings.TrimSpace(cfg.OpenAIBaseURL) != ""
}

// UpstreamBaseURL is the base URL that upstream calls use.
func (cfg *Config) UpstreamBaseURL() string {
	if u := strings.TrimSpace(cfg.OpenAIBaseURL); u != "" {
		return strings.TrimRight(u, "/")
	}
	return DefaultOpenAIBaseURL
}

// OAuth2Provider is one sign-in provider that environment variables can
// turn on.
type OAuth2Provider struct {
	Name, DisplayName string
	ClientID, Secret  string
}

// OAuth2Providers are the providers stovebot configures, with their
// settings (empty when not set).
func (cfg *Config) OAuth2Providers() []OAuth2Provider {
	return []OAuth2Provider{
		{"github", "GitHub", cfg.GitHubClientID, cfg.GitHubClientSecret},
		{"kakao", "Kakao", cfg.KakaoClientID, cfg.KakaoClientSecret},
	}
}
