package certs

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// runCommand executes the serve command with args on app.
func runCommand(app core.App, args ...string) error {
	command := NewServeCommand(app)
	command.SetArgs(args)
	command.SetOut(io.Discard)
	command.SetErr(io.Discard)
	return command.Execute()
}

func TestServeCommandWithDomainUsesTheACMEFlags(t *testing.T) {
	httpPort, httpsPort := freePort(t), freePort(t)
	p := startPebble(t, httpPort, httpsPort)
	dataDir := t.TempDir()
	const origin = "https://front.stovebot.test"

	r := startApp(t, dataDir, func(app core.App) error {
		return runCommand(app,
			"--http", "127.0.0.1:"+strconv.Itoa(httpPort),
			"--https", "127.0.0.1:"+strconv.Itoa(httpsPort),
			"--acme-ca", p.DirectoryURL,
			"--acme-ca-root", p.DirectoryRootFile,
			"--acme-email", "flags@stovebot.test",
			"--origins", origin,
			testDomain,
		)
	})
	client := httpsClient(p.IssuedRoots)
	url := fmt.Sprintf("https://%s:%d/api/health", testDomain, httpsPort)
	resp, _ := waitHTTPS(t, r, client, url)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") != HSTS {
		t.Fatalf("expected 200 with HSTS, got %d %v", resp.StatusCode, resp.Header)
	}

	accounts, _ := filepath.Glob(filepath.Join(dataDir, StorageDirName, "acme", "*", "users", "flags@stovebot.test", "*.json"))
	if len(accounts) == 0 {
		t.Fatal("expected the ACME account of --acme-email in the data directory")
	}

	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Origin", origin)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
		t.Fatalf("expected --origins to allow %q, got %q", origin, got)
	}
}

func TestServeCommandWithoutDomainServesPlainHTTP(t *testing.T) {
	port := freePort(t)
	r := startApp(t, t.TempDir(), func(app core.App) error {
		return runCommand(app, "--http", "127.0.0.1:"+strconv.Itoa(port))
	})
	url := fmt.Sprintf("http://127.0.0.1:%d/api/health", port)
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = http.Get(url); err == nil {
			break
		}
		select {
		case <-r.done:
			t.Fatalf("serve returned early: %v", r.err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("expected 200, got %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
		t.Fatalf("expected no HSTS over plain HTTP, got %q", got)
	}
}

func TestServeCommandRejectsBadFlags(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name          string
		env           string // value of STOVEBOT_ACME_CA
		args          []string
		expectedError string
	}{
		{"https without domain", "", []string{"--https", "127.0.0.1:8443"}, ErrHTTPSWithoutDomain.Error()},
		{"ca neither url nor staging", "", []string{"--acme-ca", "letsencrypt", testDomain}, "--acme-ca"},
		{"ca from the environment", "ftp://ca.example/dir", []string{testDomain}, "--acme-ca"},
		{"missing root file", "", []string{"--acme-ca-root", filepath.Join(t.TempDir(), "none.pem"), testDomain}, "--acme-ca-root"},
		{"root file without PEM", "", []string{"--acme-ca-root", notPEM, testDomain}, "no PEM certificate"},
		{"domain with a scheme", "", []string{"https://chat.example.com"}, `domain "https://chat.example.com"`},
		{"domain with a port", "", []string{"chat.example.com:443"}, "expected a host name"},
		{"wildcard domain", "", []string{"*.example.com"}, "expected a host name"},
		{"bad http address", "", []string{"--http", "no-port", testDomain}, "--http"},
		{"bad https port", "", []string{"--https", "127.0.0.1:99999", testDomain}, "--https"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Setenv(EnvACMECA, s.env)
			app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
			err := runCommand(app, s.args...)
			if err == nil || !strings.Contains(err.Error(), s.expectedError) {
				t.Fatalf("expected an error containing %q, got %v", s.expectedError, err)
			}
		})
	}
	if !errors.Is(Serve(core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()}), Config{HTTPSAddr: ":8443"}), ErrHTTPSWithoutDomain) {
		t.Fatal("expected ErrHTTPSWithoutDomain from Serve")
	}
}

func TestOriginsFromTheEnvironment(t *testing.T) {
	scenarios := []struct{ env, expected string }{
		{"", "[*]"},
		{" , ", "[*]"},
		{"https://a.example, https://b.example", "[https://a.example,https://b.example]"},
	}
	for _, s := range scenarios {
		t.Setenv(EnvOrigins, s.env)
		flag := NewServeCommand(core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})).PersistentFlags().Lookup("origins")
		if flag.DefValue != s.expected {
			t.Fatalf("expected --origins default %s for %q, got %s", s.expected, s.env, flag.DefValue)
		}
	}
}

func TestCAURL(t *testing.T) {
	scenarios := []struct{ ca, expected string }{
		{"", "https://acme-v02.api.letsencrypt.org/directory"},
		{"staging", "https://acme-staging-v02.api.letsencrypt.org/directory"},
		{"https://ca.internal/dir", "https://ca.internal/dir"},
	}
	for _, s := range scenarios {
		if got := (Config{CA: s.ca}).caURL(); got != s.expected {
			t.Fatalf("expected %q for %q, got %q", s.expected, s.ca, got)
		}
	}
}

func TestRedirectHandler(t *testing.T) {
	scenarios := []struct {
		name           string
		port           int
		host           string
		target         string
		expectedStatus int
		expectedTarget string
	}{
		{"standard port is left out", 443, "b.example", "/x?y=1", http.StatusPermanentRedirect, "https://b.example/x?y=1"},
		{"host is matched without case", 443, "B.Example:80", "/", http.StatusPermanentRedirect, "https://b.example/"},
		{"other port is kept", 8443, "a.example", "/", http.StatusPermanentRedirect, "https://a.example:8443/"},
		{"unknown host goes to the first domain", 443, "evil.example", "/login", http.StatusPermanentRedirect, "https://a.example/login"},
		{"challenge path is not redirected", 443, "a.example", "/.well-known/acme-challenge/t", http.StatusNotFound, ""},
	}
	h := func(port int) http.Handler { return redirectHandler([]string{"a.example", "b.example"}, port) }
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, s.target, nil)
			req.Host = s.host
			rec := httptest.NewRecorder()
			h(s.port).ServeHTTP(rec, req)
			if rec.Code != s.expectedStatus {
				t.Fatalf("expected %d, got %d", s.expectedStatus, rec.Code)
			}
			if got := rec.Header().Get("Location"); got != s.expectedTarget {
				t.Fatalf("expected Location %q, got %q", s.expectedTarget, got)
			}
		})
	}
}
