package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary, as `make run` does, to prove what only a
// real process can show: what survives SIGKILL and SIGTERM.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// stovebotBinary builds the binary once per test run; TestMain removes it.
func stovebotBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stovebot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "stovebot")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a running stovebot.
type proc struct {
	cmd  *exec.Cmd
	URL  string
	logs *syncWriter // its stdout and stderr
	done chan error
}

// runCommand runs a one-off command of the binary against dataDir.
func runCommand(t testing.TB, dataDir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(stovebotBinary(t), append(args, "--dir", dataDir)...)
	cmd.Env = childEnv(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("stovebot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// childEnv keeps the child out of PocketBase's dev mode, which it enters
// when its binary lies under its TMPDIR.
func childEnv(t testing.TB, extra ...string) []string {
	tmp := filepath.Join(t.TempDir(), "tmp")
	os.MkdirAll(tmp, 0o755)
	env := []string{"TMPDIR=" + tmp, "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	return append(env, extra...)
}

func freePort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startStovebot serves dataDir and waits for /api/health.
func startStovebot(t testing.TB, dataDir string, env ...string) *proc {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(stovebotBinary(t), "serve", "--dir", dataDir, "--http", addr)
	cmd.Env = childEnv(t, env...)
	logs := &syncWriter{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, URL: "http://" + addr, logs: logs, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	started := waitUntil(20*time.Second, func() bool {
		res, err := http.Get(p.URL + "/api/health")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	if !started {
		t.Fatalf("stovebot did not start:\n%s", logs.String())
	}
	return p
}

// waitUntil polls cond every few milliseconds until it holds or timeout
// passes, and reports whether it held. It is for what a process does not
// signal (a port that opens, rows that its log writer flushes); a test
// waits on the fake upstream's signals where it can.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline.C:
			return cond()
		}
	}
	return true
}

// stop sends sig and waits for the process to exit.
func (p *proc) stop(t testing.TB, sig syscall.Signal, wait time.Duration) error {
	t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		return err
	case <-time.After(wait):
		t.Fatalf("stovebot did not exit within %s after %s", wait, sig)
		return nil
	}
}

// syncWriter collects a process's output, safe to read while it writes.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(b)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// call sends a JSON request and decodes a JSON answer into out (if not nil).
func call(ctx context.Context, method, url, token, body string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("decoding %s: %w", b, err)
		}
	}
	return res.StatusCode, nil
}

// signUp creates a user through the API and returns a token.
func signUp(t testing.TB, base, email string) string {
	t.Helper()
	body := `{"email":"` + email + `","password":"password123","passwordConfirm":"password123"}`
	if code, err := call(context.Background(), "POST", base+"/api/collections/users/records", "", body, nil); err != nil || code != 200 {
		t.Fatalf("sign-up %s: %d %v", email, code, err)
	}
	var auth struct{ Token string }
	body = `{"identity":"` + email + `","password":"password123"}`
	if code, err := call(context.Background(), "POST", base+"/api/collections/users/auth-with-password", "", body, &auth); err != nil || code != 200 {
		t.Fatalf("sign-in %s: %d %v", email, code, err)
	}
	return auth.Token
}
