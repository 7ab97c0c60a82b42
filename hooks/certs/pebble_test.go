package certs

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/letsencrypt/challtestsrv"
	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
)

// testDomain is the name the test certificates are issued for; Pebble's DNS
// (challtestsrv) resolves it to 127.0.0.1.
const testDomain = "chat.stovebot.test"

// pebble is an in-process Pebble ACME server, as acmez's own tests run it,
// that validates challenges against this machine's loopback.
type pebble struct {
	// DirectoryURL is the ACME directory.
	DirectoryURL string
	// DirectoryRoots trusts the directory's own (httptest) certificate.
	DirectoryRoots *x509.CertPool
	// DirectoryRootFile holds that certificate as PEM, for --acme-ca-root.
	DirectoryRootFile string
	// IssuedRoots trusts the certificates Pebble issues.
	IssuedRoots *x509.CertPool

	db *db.MemoryStore

	mu         sync.Mutex
	orders     int
	challenges []string // ids of the challenges the client said were ready
}

// startPebble runs Pebble whose validator connects to httpPort for HTTP-01
// and tlsPort for TLS-ALPN-01, and a DNS server answering 127.0.0.1 (and no
// IPv6 address, which Pebble would try first).
func startPebble(t *testing.T, httpPort, tlsPort int) *pebble {
	t.Helper()
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	logger := log.New(io.Discard, "", 0)
	if testing.Verbose() {
		logger = log.New(os.Stderr, "pebble ", 0)
	}

	dnsAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	dns, err := challtestsrv.New(challtestsrv.Config{DNSAddrs: []string{dnsAddr}, Log: logger})
	if err != nil {
		t.Fatal(err)
	}
	dns.SetDefaultDNSIPv4("127.0.0.1")
	dns.SetDefaultDNSIPv6("")
	dns.Run()
	t.Cleanup(dns.Shutdown)
	waitTCP(t, dnsAddr)

	p := &pebble{db: db.NewMemoryStore()}
	profiles := map[string]ca.Profile{"default": {Description: "default"}}
	authority := ca.New(logger, p.db, "", "rsa", 0, 1, profiles)
	validator := va.New(logger, httpPort, tlsPort, true, dnsAddr, p.db)
	frontEnd := wfe.New(logger, p.db, validator, authority, nil, true, false, 0, 0)

	handler := frontEnd.Handler()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			p.mu.Lock()
			switch {
			case r.URL.Path == "/order-plz":
				p.orders++
			case strings.HasPrefix(r.URL.Path, "/chalZ/"):
				p.challenges = append(p.challenges, strings.TrimPrefix(r.URL.Path, "/chalZ/"))
			}
			p.mu.Unlock()
		}
		handler.ServeHTTP(w, r)
	}))
	srv.StartTLS()
	t.Cleanup(srv.Close)

	p.DirectoryURL = srv.URL + wfe.DirectoryPath
	p.DirectoryRoots = x509.NewCertPool()
	p.DirectoryRoots.AddCert(srv.Certificate())
	p.DirectoryRootFile = filepath.Join(t.TempDir(), "pebble-directory.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p.DirectoryRootFile, block, 0o600); err != nil {
		t.Fatal(err)
	}
	p.IssuedRoots = x509.NewCertPool()
	p.IssuedRoots.AddCert(authority.GetRootCert(0).Cert)
	return p
}

// Orders is the number of new-order requests Pebble received.
func (p *pebble) Orders() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.orders
}

// ValidChallengeTypes lists the types of the challenges that Pebble
// validated successfully, e.g. ["http-01"].
func (p *pebble) ValidChallengeTypes() []string {
	p.mu.Lock()
	ids := append([]string(nil), p.challenges...)
	p.mu.Unlock()
	var types []string
	for _, id := range ids {
		chal := p.db.GetChallengeByID(id)
		if chal == nil {
			continue
		}
		chal.RLock()
		if chal.Status == "valid" {
			types = append(types, chal.Type)
		}
		chal.RUnlock()
	}
	return types
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
