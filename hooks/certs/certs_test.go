package certs

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations"
	"go.uber.org/zap" // the system collections of a fresh data dir
)

// running is one app serving in the background until stop.
type running struct {
	app  *core.BaseApp
	done chan struct{}
	err  error
	once sync.Once
}

// startApp bootstraps a PocketBase app on dataDir, adds the test routes and
// runs serve(app) in the background; the test's end stops it.
func startApp(t *testing.T, dataDir string, serve func(core.App) error) *running {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		// PocketBase's installer creates a superuser in a goroutine of its
		// own when there is none; it raced with stop's ClearBootstrap (a
		// data race under -race in CI, a recovered panic before). These
		// tests have no use for it.
		e.InstallerFunc = nil
		e.Router.GET("/test/stream", func(re *core.RequestEvent) error { return slowStream(re, true) })
		e.Router.GET("/test/stream-keeping-deadline", func(re *core.RequestEvent) error { return slowStream(re, false) })
		return e.Next()
	})
	r := &running{app: app, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = serve(app)
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop terminates the app as a SIGTERM would and waits for serve to return.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		_ = r.app.OnTerminate().Trigger(&core.TerminateEvent{App: r.app}, func(e *core.TerminateEvent) error {
			return e.App.ClearBootstrap()
		})
		select {
		case <-r.done:
			if r.err != nil {
				t.Errorf("serve returned %v", r.err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not return after termination")
		}
	})
}

// streamChunks pieces of streamGap each make a response that outlives the
// 500 ms write timeout the streaming test sets.
const (
	streamChunks = 8
	streamGap    = 200 * time.Millisecond
)

// slowStream writes a line every streamGap, as a chat stream does, clearing
// the server's write deadline first when clear is set (as chat handlers do).
func slowStream(re *core.RequestEvent, clear bool) error {
	if clear {
		if err := http.NewResponseController(re.Response).SetWriteDeadline(time.Time{}); err != nil {
			return fmt.Errorf("clearing write deadline: %w", err)
		}
	}
	re.Response.Header().Set("Content-Type", "text/plain")
	re.Response.WriteHeader(http.StatusOK)
	for i := range streamChunks {
		if _, err := fmt.Fprintf(re.Response, "chunk %d\n", i); err != nil {
			return nil // the client or the server gave up
		}
		if err := http.NewResponseController(re.Response).Flush(); err != nil {
			return nil
		}
		time.Sleep(streamGap)
	}
	return nil
}

// httpsClient trusts roots and sends every request to 127.0.0.1 whatever
// the host name, so SNI and Host carry the test domain.
func httpsClient(roots *x509.CertPool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, err := net.SplitHostPort(addr)
				if err != nil {
					return nil, err
				}
				return dialer.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
			},
			ForceAttemptHTTP2: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// exited reports whether serve has returned, and with what.
func (r *running) exited() (bool, error) {
	select {
	case <-r.done:
		return true, r.err
	default:
		return false, nil
	}
}

// server is a running server: an app in this process or a binary.
type server interface{ exited() (bool, error) }

// waitHTTPS polls url until it answers over verified TLS (the certificate
// has been issued) and returns that response with its body read.
func waitHTTPS(t *testing.T, r server, client *http.Client, url string) (*http.Response, string) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		if done, err := r.exited(); done {
			t.Fatalf("serve returned early: %v", err)
		}
		resp, err := client.Get(url)
		if err == nil {
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			return resp, string(body)
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no HTTPS answer from %s: %v", url, lastErr)
	return nil, ""
}

// waitTCP waits until addr accepts connections.
func waitTCP(t *testing.T, addr string) {
	t.Helper()
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

// testConfig is a Config for Pebble on loopback ports.
func testConfig(p *pebble, httpPort, httpsPort int) Config {
	return Config{
		Domains:      []string{testDomain},
		HTTPAddr:     "127.0.0.1:" + strconv.Itoa(httpPort),
		HTTPSAddr:    "127.0.0.1:" + strconv.Itoa(httpsPort),
		Email:        "ops@stovebot.test",
		CA:           p.DirectoryURL,
		TrustedRoots: p.DirectoryRoots,
		Logger:       testLogger(),
	}
}

// testLogger shows certmagic's log with -v only.
func testLogger() *zap.Logger {
	if testing.Verbose() {
		return zap.NewExample()
	}
	return zap.NewNop()
}

// storedCert returns the certificate file certmagic keeps for testDomain.
func storedCert(t *testing.T, dataDir string) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dataDir, StorageDirName, "certificates", "*", testDomain, testDomain+".crt"))
	if err != nil || len(files) != 1 {
		t.Fatalf("expected one stored certificate for %s, got %v (%v)", testDomain, files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestHTTP01CertificateIsIssuedAndReusedAfterRestart(t *testing.T) {
	httpPort, httpsPort := freePort(t), freePort(t)
	p := startPebble(t, httpPort, httpsPort)
	cfg := testConfig(p, httpPort, httpsPort)
	cfg.DisableTLSALPNChallenge = true // only HTTP-01 can succeed
	dataDir := t.TempDir()
	client := httpsClient(p.IssuedRoots)
	healthURL := fmt.Sprintf("https://%s:%d/api/health", testDomain, httpsPort)

	first := startApp(t, dataDir, func(app core.App) error { return Serve(app, cfg) })
	resp, body := waitHTTPS(t, first, client, healthURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "healthy") {
		t.Fatalf("expected 200 with a health message, got %d %q", resp.StatusCode, body)
	}
	if resp.ProtoMajor != 2 {
		t.Fatalf("expected HTTP/2, got %s", resp.Proto)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got != HSTS {
		t.Fatalf("expected HSTS %q, got %q", HSTS, got)
	}
	onlyValidChallenges(t, p, "http-01")
	// certmagic retries a failed validation with a new order (a challenge
	// server not yet listening on a loaded machine made a second one in CI)
	issued := p.Orders()
	if issued < 1 {
		t.Fatal("expected an order")
	}
	serial := resp.TLS.PeerCertificates[0].SerialNumber
	stored := storedCert(t, dataDir)

	plain := &http.Client{
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	httpsBase := fmt.Sprintf("https://%s:%d", testDomain, httpsPort)
	scenarios := []struct {
		name           string
		method         string
		host           string
		path           string
		expectedStatus int
		expectedTarget string
	}{
		{"page", http.MethodGet, testDomain, "/api/health?x=1", http.StatusPermanentRedirect, httpsBase + "/api/health?x=1"},
		{"host with port", http.MethodGet, testDomain + ":" + strconv.Itoa(httpPort), "/_/", http.StatusPermanentRedirect, httpsBase + "/_/"},
		{"post keeps its method", http.MethodPost, testDomain, "/api/chat", http.StatusPermanentRedirect, httpsBase + "/api/chat"},
		{"foreign host", http.MethodGet, "evil.example", "/x", http.StatusPermanentRedirect, httpsBase + "/x"},
		{"unknown challenge token", http.MethodGet, testDomain, "/.well-known/acme-challenge/unknown", http.StatusNotFound, ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			req, err := http.NewRequest(s.method, fmt.Sprintf("http://127.0.0.1:%d%s", httpPort, s.path), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = s.host
			resp, err := plain.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != s.expectedStatus {
				t.Fatalf("expected %d, got %d", s.expectedStatus, resp.StatusCode)
			}
			if got := resp.Header.Get("Location"); got != s.expectedTarget {
				t.Fatalf("expected Location %q, got %q", s.expectedTarget, got)
			}
		})
	}

	// PocketBase's backups leave the certificates and keys out.
	if err := first.app.CreateBackup(context.Background(), "test.zip"); err != nil {
		t.Fatal(err)
	}
	archive, err := zip.OpenReader(filepath.Join(dataDir, core.LocalBackupsDirName, "test.zip"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range archive.File {
		names = append(names, f.Name)
	}
	archive.Close()
	if !slices.Contains(names, "data.db") || slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, StorageDirName) }) {
		t.Fatalf("expected a backup with data.db and without %s/, got %v", StorageDirName, names)
	}

	first.stop(t)
	second := startApp(t, dataDir, func(app core.App) error { return Serve(app, cfg) })
	resp, _ = waitHTTPS(t, second, client, healthURL)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("expected 200 after restart, got %d", resp.StatusCode)
	}
	if got := resp.TLS.PeerCertificates[0].SerialNumber; got.Cmp(serial) != 0 {
		t.Fatalf("expected the stored certificate %x after restart, got %x", serial, got)
	}
	if got := p.Orders(); got != issued {
		t.Fatalf("expected no new order after restart, got %d orders after %d", got, issued)
	}
	if !bytes.Equal(storedCert(t, dataDir), stored) {
		t.Fatal("expected the stored certificate file unchanged after restart")
	}
}

func TestTLSALPN01AndLongStreamsOverHTTPS(t *testing.T) {
	httpPort, httpsPort := freePort(t), freePort(t)
	p := startPebble(t, httpPort, httpsPort)
	cfg := testConfig(p, httpPort, httpsPort)
	cfg.DisableHTTPChallenge = true // only TLS-ALPN-01 can succeed
	cfg.WriteTimeout = 500 * time.Millisecond
	client := httpsClient(p.IssuedRoots)
	base := fmt.Sprintf("https://%s:%d", testDomain, httpsPort)

	r := startApp(t, t.TempDir(), func(app core.App) error { return Serve(app, cfg) })
	waitHTTPS(t, r, client, base+"/api/health")
	onlyValidChallenges(t, p, "tls-alpn-01")

	// A stream that clears its deadline outlives the write timeout...
	start := time.Now()
	resp, body := waitHTTPS(t, r, client, base+"/test/stream")
	if resp.ProtoMajor != 2 {
		t.Fatalf("expected HTTP/2, got %s", resp.Proto)
	}
	if got := strings.Count(body, "chunk"); got != streamChunks {
		t.Fatalf("expected %d chunks, got %d: %q", streamChunks, got, body)
	}
	if elapsed := time.Since(start); elapsed < 2*cfg.WriteTimeout {
		t.Fatalf("expected the stream to outlive the write timeout, it took %s", elapsed)
	}

	// ...and one that keeps it is cut, so the timeout is really in force.
	resp, err := client.Get(base + "/test/stream-keeping-deadline")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil && strings.Count(string(data), "chunk") == streamChunks {
		t.Fatalf("expected the write timeout to cut a stream that keeps its deadline, got %q", data)
	}
}

// onlyValidChallenges checks that Pebble validated at least one challenge,
// all of type typ. More than one is a retry: on a loaded machine certmagic
// sometimes orders again although Pebble validated the first challenge
// (two valid tls-alpn-01 challenges in one make test run).
func onlyValidChallenges(t *testing.T, p *pebble, typ string) {
	t.Helper()
	got := p.ValidChallengeTypes()
	if len(got) == 0 || slices.ContainsFunc(got, func(c string) bool { return c != typ }) {
		t.Fatalf("expected valid %s challenges only, got %v", typ, got)
	}
}
