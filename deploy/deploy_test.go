// Package deploy holds the tests of the systemd unit and of deploy.sh, the
// one-command deploy to a VPS (`make deploy HOST=… DOMAIN=… EMAIL=…`).
package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the module root, the parent of this package's folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// installedBinary is the path deploy.sh installs and the unit starts.
const installedBinary = "/usr/local/bin/stovebot"

func TestUnitPassesSystemdAnalyzeVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatalf("systemd-analyze is needed (.ci/run installs Debian's systemd): %v", err)
	}
	unit, err := os.ReadFile("stovebot.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, directive := range []string{
		"User=stovebot",
		"ExecStart=" + installedBinary + " serve --dir /var/lib/stovebot $STOVEBOT_DOMAINS",
		"EnvironmentFile=-/etc/stovebot/stovebot.env",
		"Restart=on-failure",
		"AmbientCapabilities=CAP_NET_BIND_SERVICE",
		"CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
		"NoNewPrivileges=true",
		"ProtectSystem=strict",
		"StateDirectory=stovebot",
		"WantedBy=multi-user.target",
	} {
		if !strings.Contains(string(unit), "\n"+directive+"\n") {
			t.Errorf("expected the unit to contain %q", directive)
		}
	}

	// systemd-analyze refuses an ExecStart binary that does not exist, so
	// verify a copy that starts a freshly built one.
	dir := t.TempDir()
	bin := filepath.Join(dir, "stovebot")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building stovebot: %v\n%s", err, out)
	}
	copyPath := filepath.Join(dir, "stovebot.service")
	copied := strings.Replace(string(unit), "ExecStart="+installedBinary+" ", "ExecStart="+bin+" ", 1)
	if err := os.WriteFile(copyPath, []byte(copied), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify failed: %v\n%s", err, out)
	}
	// Unknown keys and bad values are warnings with exit status 0.
	if strings.Contains(string(out), "stovebot.service") {
		t.Fatalf("expected no warning about the unit, got:\n%s", out)
	}
}

// dryRun runs deploy.sh in dry-run mode with the target answering uname
// and tmp as TMPDIR, where a real run would build.
func dryRun(t *testing.T, tmp, uname string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{"deploy.sh"}, args...)...)
	cmd.Env = append(os.Environ(), "DRY_RUN=1", "DEPLOY_UNAME_M="+uname, "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return string(out), exitErr.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// expectInOrder fails unless each of parts appears in out after the previous.
func expectInOrder(t *testing.T, out string, parts ...string) {
	t.Helper()
	rest := out
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("expected %q (in this order) in the dry run:\n%s", p, out)
		}
		rest = rest[i+len(p):]
	}
}

func TestDeployDryRunPrintsTheStepsForTheTargetArchitecture(t *testing.T) {
	scenarios := []struct {
		name   string
		uname  string
		goenv  string
		binary string
	}{
		{"amd64", "x86_64", "GOOS=linux GOARCH=amd64 CGO_ENABLED=0", "stovebot-linux-amd64"},
		{"arm64", "aarch64", "GOOS=linux GOARCH=arm64 CGO_ENABLED=0", "stovebot-linux-arm64"},
		{"32-bit arm", "armv7l", "GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0", "stovebot-linux-arm"},
	}
	const host = "admin@203.0.113.7"
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			tmp := t.TempDir()
			out, code := dryRun(t, tmp, s.uname, host, "chat.example.com", "ops@example.com")
			if code != 0 {
				t.Fatalf("expected exit 0, got %d:\n%s", code, out)
			}
			expectInOrder(t, out,
				"+ ssh "+host+" uname -m",
				"+ env "+s.goenv+" go build -trimpath", "/"+s.binary+" .\n",
				"+ ssh "+host+" mktemp -d",
				"/install.sh <<'SCRIPT'\n",
				"useradd --system",
				"install -d -o stovebot -g stovebot -m 0700 /var/lib/stovebot",
				"install -m 0600 /dev/null /etc/stovebot/stovebot.env",
				"/"+s.binary+" /usr/local/bin/stovebot.new",
				"/etc/systemd/system/stovebot.service\n",
				"Environment=STOVEBOT_DOMAINS=chat.example.com",
				"Environment=STOVEBOT_ACME_EMAIL=ops@example.com",
				"systemctl daemon-reload",
				"systemctl enable --now stovebot",
				"\nSCRIPT\n",
				"+ scp -q ", "/"+s.binary+" deploy/stovebot.service ", "/install.sh "+host+":/tmp/stovebot-deploy.",
				"+ ssh -t "+host+" ", "sudo bash /tmp/stovebot-deploy.", "/install.sh",
			)
			if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
				t.Fatalf("expected the dry run to create nothing, found %v", entries)
			}

			// The script the host would run is valid bash.
			start := strings.Index(out, "<<'SCRIPT'\n")
			end := strings.Index(out, "\nSCRIPT\n")
			if start < 0 || end < start {
				t.Fatalf("expected the remote script between SCRIPT markers:\n%s", out)
			}
			check := exec.Command("bash", "-n")
			check.Stdin = strings.NewReader(out[start+len("<<'SCRIPT'\n") : end])
			if msg, err := check.CombinedOutput(); err != nil {
				t.Fatalf("remote script is not valid bash: %v\n%s", err, msg)
			}
		})
	}
}

func TestDeployRejectsBadArguments(t *testing.T) {
	scenarios := []struct {
		name         string
		uname        string
		args         []string
		expectedCode int
		expectedText string
	}{
		{"missing arguments", "x86_64", []string{"host"}, 2, "usage:"},
		{"domain with shell characters", "x86_64", []string{"host", "chat.example.com;reboot", "ops@example.com"}, 1, "DOMAIN"},
		{"bare word domain", "x86_64", []string{"host", "localhost", "ops@example.com"}, 1, "DOMAIN"},
		{"bad email", "x86_64", []string{"host", "chat.example.com", "ops at example"}, 1, "EMAIL"},
		{"unsupported architecture", "mips", []string{"host", "chat.example.com", "ops@example.com"}, 1, "unsupported architecture mips"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			out, code := dryRun(t, t.TempDir(), s.uname, s.args...)
			if code != s.expectedCode || !strings.Contains(out, s.expectedText) {
				t.Fatalf("expected exit %d with %q, got %d:\n%s", s.expectedCode, s.expectedText, code, out)
			}
			if strings.Contains(out, "go build") {
				t.Fatalf("expected nothing planned after a bad argument:\n%s", out)
			}
		})
	}
}

func TestMakeDeployRunsTheScript(t *testing.T) {
	run := func(args ...string) (string, error) {
		cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", repoRoot(t), "deploy"}, args...)...)
		cmd.Env = append(os.Environ(), "DRY_RUN=1", "DEPLOY_UNAME_M=aarch64", "TMPDIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("HOST=vps", "DOMAIN=chat.example.com", "EMAIL=ops@example.com")
	if err != nil {
		t.Fatalf("make deploy failed: %v\n%s", err, out)
	}
	expectInOrder(t, out, "+ ssh vps uname -m", "GOARCH=arm64", "systemctl enable --now stovebot")

	out, err = run("HOST=vps")
	if err == nil || !strings.Contains(out, "usage: make deploy HOST=") {
		t.Fatalf("expected make deploy without DOMAIN and EMAIL to fail with its usage, got %v:\n%s", err, out)
	}
}
