package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildBinary builds stovebot as `make build` does into dir, which must not
// be under the temp dir the server will see (PocketBase would take the
// binary for a `go run` and start in dev mode).
// With symbols (for perf) it keeps the symbol table.
func buildBinary(dir string, symbols bool) (string, error) {
	bin := filepath.Join(dir, "stovebot")
	ldflags := "-s -w"
	if symbols {
		ldflags = ""
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building stovebot: %w", err)
	}
	return bin, nil
}

// server is one stovebot process on its own data dir and port.
type server struct {
	bin, dataDir, tmpDir, upstream string
	addr                           string // 127.0.0.1:PORT
	cmd                            *exec.Cmd
	logPath                        string
}

func newServer(bin, work, name, upstream string) (*server, error) {
	s := &server{
		bin:      bin,
		dataDir:  filepath.Join(work, name),
		tmpDir:   filepath.Join(work, "tmp"),
		upstream: upstream,
		logPath:  filepath.Join(work, name+".log"),
	}
	return s, os.MkdirAll(s.tmpDir, 0o755)
}

func (s *server) URL() string { return "http://" + s.addr }

// start execs the server and returns the time until GET /api/health first
// answers 200.
func (s *server) start() (time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	s.addr = "127.0.0.1:" + strconv.Itoa(port)
	logFile, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer logFile.Close()
	s.cmd = exec.Command(s.bin, "serve", "--http", s.addr, "--dir", s.dataDir,
		"--openai-base-url", s.upstream, "--daily-limit", "100000")
	s.cmd.Env = append(os.Environ(), "TMPDIR="+s.tmpDir, "OPENAI_API_KEY=bench-key")
	s.cmd.Env = append(s.cmd.Env, serverEnv...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// the server dies with the bench, even when the bench is killed
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	health := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting stovebot: %w", err)
	}
	for time.Since(start) < 30*time.Second {
		resp, err := health.Get(s.URL() + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	s.stop()
	return 0, fmt.Errorf("stovebot did not answer /api/health within 30 s; see %s", s.logPath)
}

// stop sends SIGTERM and waits for the process to exit.
func (s *server) stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	defer func() { s.cmd = nil }()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil // a signal's exit status
		}
		return err
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
		return fmt.Errorf("stovebot did not stop within 30 s of SIGTERM")
	}
}

// perfRecord samples the server's stacks with perf into out until the
// returned stop is called.
func (s *server) perfRecord(out string) (stop func(), err error) {
	cmd := exec.Command("perf", "record", "-F", "499", "-g", "-p", strconv.Itoa(s.cmd.Process.Pid), "-o", out)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting perf: %w", err)
	}
	return func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}, nil
}

// rssMB is the resident memory of the server process (VmRSS), in MB.
func (s *server) rssMB() (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// steadyRSS is rssMB once two readings half a second apart differ by
// less than 0.2 MB (the Go runtime returns freed memory to the system
// gradually), or the last reading after 15 s.
func (s *server) steadyRSS() (float64, error) {
	last, err := s.rssMB()
	for deadline := time.Now().Add(15 * time.Second); err == nil; {
		time.Sleep(500 * time.Millisecond)
		var now float64
		if now, err = s.rssMB(); err != nil {
			break
		}
		if math.Abs(now-last) < 0.2 || time.Now().After(deadline) {
			return now, nil
		}
		last = now
	}
	return 0, err
}

// cpuTime is the CPU time the server process has used so far.
func (s *server) cpuTime() (time.Duration, error) { return processCPU(s.cmd.Process.Pid) }

// processCPU is the CPU time a process has used so far (user and system,
// from /proc/PID/stat, in clock ticks of 10 ms).
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// the fields after the command name, which is in parentheses
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	utime, err1 := strconv.Atoi(fields[11])
	stime, err2 := strconv.Atoi(fields[12])
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("reading /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// dbConns counts the server's open file descriptors on data.db: its
// SQLite connections, each with its own page cache.
func (s *server) dbConns() int {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", s.cmd.Process.Pid))
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && strings.HasSuffix(target, "/data.db") {
			n++
		}
	}
	return n
}

// devMode reports whether the server logged SQL, as PocketBase does in dev
// mode, which would make every figure meaningless.
func (s *server) devMode() bool {
	data, _ := os.ReadFile(s.logPath)
	return bytes.Contains(data, []byte("SELECT ")) || bytes.Contains(data, []byte("[DEBUG]"))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
