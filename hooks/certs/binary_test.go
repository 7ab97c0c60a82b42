package certs

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// process is the stovebot binary serving in the background.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// TestBinaryServesHTTPS runs the real stovebot binary, as the systemd unit
// does, against Pebble: main.go must wire this package's serve command and
// stovebot's own routes must answer over HTTPS.
func TestBinaryServesHTTPS(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "stovebot")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building stovebot: %v\n%s", err, out)
	}

	httpPort, httpsPort := freePort(t), freePort(t)
	p := startPebble(t, httpPort, httpsPort)
	cmd := exec.Command(bin, "serve",
		"--dir", filepath.Join(dir, "data"),
		"--http", "127.0.0.1:"+strconv.Itoa(httpPort),
		"--https", "127.0.0.1:"+strconv.Itoa(httpsPort),
		"--acme-ca", p.DirectoryURL,
		"--read-header-timeout", "1s",
		testDomain,
	)
	// A binary under TMPDIR would run in PocketBase's dev mode; the CA root
	// and the email come from the environment, as with the unit's env file.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp,
		EnvACMECARoot+"="+p.DirectoryRootFile, EnvACMEEmail+"=env@stovebot.test")
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	proc := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(proc.done)
		proc.err = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-proc.done
		if t.Failed() {
			t.Logf("stovebot output:\n%s", output.String())
		}
	})

	client := httpsClient(p.IssuedRoots)
	resp, body := waitHTTPS(t, proc, client, fmt.Sprintf("https://%s:%d/", testDomain, httpsPort))
	if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(body), "<html") {
		t.Fatalf("expected the web app's page, got %d %.200q", resp.StatusCode, body)
	}
	if resp.ProtoMajor != 2 || resp.Header.Get("Strict-Transport-Security") != HSTS {
		t.Fatalf("expected HTTP/2 with HSTS, got %s %v", resp.Proto, resp.Header)
	}
	// stovebot's header timeout holds on the HTTPS server too: half a
	// request line over TLS is cut after it (PocketBase's own is a minute)
	conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", httpsPort), &tls.Config{
		RootCAs: p.IssuedRoots, ServerName: testDomain, NextProtos: []string{"http/1.1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTT"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ne net.Error
	if _, err := io.Copy(io.Discard, conn); errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("expected the HTTPS server to close a connection whose headers never came, after --read-header-timeout")
	}

	accounts, _ := filepath.Glob(filepath.Join(dir, "data", StorageDirName, "acme", "*", "users", "env@stovebot.test", "*.json"))
	if len(accounts) == 0 {
		t.Fatalf("expected the ACME account of %s in the data directory", EnvACMEEmail)
	}

	// systemd stops the service with SIGTERM: a clean exit, not a failure.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-proc.done:
		if proc.err != nil {
			t.Fatalf("expected a clean exit on SIGTERM, got %v", proc.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("stovebot did not stop on SIGTERM")
	}
}
