// Package certs serves stovebot over HTTPS with certificates that certmagic
// obtains and renews from an ACME CA (Let's Encrypt by default).
//
// It replaces PocketBase's autocert-based serve command: HTTP-01 is answered
// on the plain HTTP listener, TLS-ALPN-01 on the HTTPS one, everything else
// on plain HTTP is redirected to HTTPS with 308, and HTTPS responses carry
// HSTS. Certificates live under <dataDir>/certmagic, so a restart reuses them.
//
// Usage:
//
//	app.RootCmd.AddCommand(certs.NewServeCommand(app))
//
// or, from code (tests use this with a private CA):
//
//	err := certs.Serve(app, certs.Config{Domains: []string{"chat.example.com"}})
//
// The package imports PocketBase only, never stovebot/hooks.
package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/certmagic"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"go.uber.org/zap"
)

// Defaults for the listen addresses.
const (
	DefaultPlainAddr = "127.0.0.1:8090" // without domains
	DefaultHTTPAddr  = ":80"            // with domains: challenges and redirects, IPv4 and IPv6
	DefaultHTTPSAddr = ":443"           // with domains, IPv4 and IPv6
)

// StagingCA is the value of [Config.CA] (and --acme-ca) that selects
// Let's Encrypt's staging environment.
const StagingCA = "staging"

// StorageDirName is the folder inside the data directory that holds the ACME
// account, the certificates and their keys.
const StorageDirName = "certmagic"

// ErrHTTPSWithoutDomain is returned when an HTTPS address is given without a
// domain to get a certificate for.
var ErrHTTPSWithoutDomain = errors.New("--https needs at least one domain argument")

// Config is how [Serve] runs. The zero value serves plain HTTP on
// [DefaultPlainAddr], as PocketBase's own serve does without domains.
type Config struct {
	// Domains to obtain certificates for. None means plain HTTP.
	Domains []string
	// HTTPAddr is the plain HTTP listener: the whole app without domains,
	// ACME HTTP-01 answers and redirects with them.
	HTTPAddr string
	// HTTPSAddr is the HTTPS listener, used only with domains.
	HTTPSAddr string
	// AllowedOrigins is the CORS allow-list (default "*").
	AllowedOrigins []string
	// ShowStartBanner prints PocketBase's "Server started" lines.
	ShowStartBanner bool

	// Email is the ACME account's contact address (optional but advised:
	// the CA warns there before a certificate expires).
	Email string
	// CA is the ACME directory URL, or [StagingCA]. Default Let's Encrypt.
	CA string
	// TrustedRoots, when set, replaces the system roots for talking to the
	// CA (a private CA, or Pebble in tests).
	TrustedRoots *x509.CertPool
	// DisableHTTPChallenge and DisableTLSALPNChallenge leave one challenge
	// type out; tests use them to prove each one on its own.
	DisableHTTPChallenge    bool
	DisableTLSALPNChallenge bool

	// Logger receives certmagic's log (obtaining, renewing, challenges);
	// nil keeps certmagic's default, a production logger on stderr.
	Logger *zap.Logger

	// WriteTimeout overrides PocketBase's 5-minute server write timeout when
	// not zero. Streaming handlers clear it per response.
	WriteTimeout time.Duration
}

// caURL returns the ACME directory URL the config names.
func (c Config) caURL() string {
	switch c.CA {
	case "":
		return certmagic.LetsEncryptProductionCA
	case StagingCA:
		return certmagic.LetsEncryptStagingCA
	}
	return c.CA
}

// Serve runs the app's web server until the app terminates. Without domains
// it is PocketBase's plain HTTP server; with domains it serves HTTPS with
// certmagic certificates stored under app.DataDir()/certmagic.
func Serve(app core.App, cfg Config) error {
	bindBackupExclusion(app)
	if len(cfg.Domains) == 0 {
		if cfg.HTTPSAddr != "" {
			return ErrHTTPSWithoutDomain
		}
		if cfg.HTTPAddr == "" {
			cfg.HTTPAddr = DefaultPlainAddr
		}
		bindWriteTimeout(app, cfg.WriteTimeout)
		return serveErr(apis.Serve(app, apis.ServeConfig{
			HttpAddr:        cfg.HTTPAddr,
			ShowStartBanner: cfg.ShowStartBanner,
			AllowedOrigins:  cfg.AllowedOrigins,
		}))
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = DefaultHTTPAddr
	}
	if cfg.HTTPSAddr == "" {
		cfg.HTTPSAddr = DefaultHTTPSAddr
	}
	return serveTLS(app, cfg)
}

// serveErr treats a server closed by the app's termination as success.
func serveErr(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// bindWriteTimeout applies a non-zero write timeout to the app's server.
func bindWriteTimeout(app core.App, d time.Duration) {
	if d <= 0 {
		return
	}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "stovebotWriteTimeout",
		Func: func(e *core.ServeEvent) error {
			e.Server.WriteTimeout = d
			return e.Next()
		},
	})
}

// serveTLS is Serve with domains.
func serveTLS(app core.App, cfg Config) error {
	if err := validateDomains(cfg.Domains); err != nil {
		return err
	}
	httpHost, httpPort, err := splitPort(cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("--http: %w", err)
	}
	_, httpsPort, err := splitPort(cfg.HTTPSAddr)
	if err != nil {
		return fmt.Errorf("--https: %w", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var magic *certmagic.Config
	cache := certmagic.NewCache(certmagic.CacheOptions{
		GetConfigForCert: func(certmagic.Certificate) (*certmagic.Config, error) {
			return magic, nil
		},
		Logger: cfg.Logger,
	})
	defer cache.Stop()
	magic = certmagic.New(cache, certmagic.Config{
		Storage:           &certmagic.FileStorage{Path: filepath.Join(app.DataDir(), StorageDirName)},
		DefaultServerName: cfg.Domains[0],
		Logger:            cfg.Logger,
	})
	issuer := certmagic.NewACMEIssuer(magic, certmagic.ACMEIssuer{
		CA:                      cfg.caURL(),
		Email:                   cfg.Email,
		Agreed:                  true,
		TrustedRoots:            cfg.TrustedRoots,
		DisableHTTPChallenge:    cfg.DisableHTTPChallenge,
		DisableTLSALPNChallenge: cfg.DisableTLSALPNChallenge,
		// Our own listeners hold these ports; certmagic finds them taken
		// and relies on the handler and TLS config below.
		ListenHost:     httpHost,
		AltHTTPPort:    httpPort,
		AltTLSALPNPort: httpsPort,
		Logger:         cfg.Logger,
	})
	magic.Issuers = []certmagic.Issuer{issuer}

	// Both listeners are bound before ManageAsync, so that certmagic's
	// fallback solvers never take the ports.
	httpLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listening for http: %w", err)
	}
	defer httpLn.Close()
	httpsLn, err := net.Listen("tcp", cfg.HTTPSAddr)
	if err != nil {
		return fmt.Errorf("listening for https: %w", err)
	}
	defer httpsLn.Close()

	redirectSrv := &http.Server{
		Handler:           issuer.HTTPChallengeHandler(redirectHandler(cfg.Domains, httpsPort)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(&debugLogWriter{app: app}, "", 0),
	}
	defer redirectSrv.Close()

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "stovebotCertmagic",
		Func: func(e *core.ServeEvent) error {
			e.Server.TLSConfig = tlsConfig(magic)
			if cfg.WriteTimeout > 0 {
				e.Server.WriteTimeout = cfg.WriteTimeout
			}
			e.Listener = httpsLn
			if err := e.Next(); err != nil {
				return err
			}
			// e.Next has built the router; HTTPS serving starts after
			// this hook returns, on the same server.
			e.Server.Handler = withHSTS(e.Server.Handler)
			go func() {
				if err := redirectSrv.Serve(httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
					e.App.Logger().Error("http redirect server stopped", "error", err)
				}
			}()
			if err := magic.ManageAsync(ctx, cfg.Domains); err != nil {
				return fmt.Errorf("managing certificates: %w", err)
			}
			return nil
		},
	})

	return serveErr(apis.Serve(app, apis.ServeConfig{
		HttpAddr:           "", // our redirect server holds the HTTP port
		HttpsAddr:          cfg.HTTPSAddr,
		ShowStartBanner:    cfg.ShowStartBanner,
		AllowedOrigins:     cfg.AllowedOrigins,
		CertificateDomains: cfg.Domains,
	}))
}

// validateDomains accepts host names only: no scheme, port or path, and no
// wildcard, which needs the DNS challenge that stovebot does not do.
func validateDomains(domains []string) error {
	for _, d := range domains {
		if !certmagic.SubjectQualifiesForCert(d) || strings.ContainsAny(d, ":/*") {
			return fmt.Errorf("domain %q: expected a host name such as chat.example.com", d)
		}
	}
	return nil
}

// tlsConfig is the HTTPS server's TLS configuration: certmagic's
// certificates, HTTP/2, and the acme-tls/1 protocol for TLS-ALPN-01.
func tlsConfig(magic *certmagic.Config) *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: magic.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1", "acme-tls/1"},
	}
}

// splitPort returns the host and numeric port of a listen address;
// "http" and "https" stand for 80 and 443.
func splitPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("bad address %q: %w", addr, err)
	}
	switch port {
	case "http":
		return host, 80, nil
	case "https":
		return host, 443, nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("bad port in %q", addr)
	}
	return host, n, nil
}

// debugLogWriter sends net/http's server errors (mostly TLS handshakes of
// scanners) to the app's debug log, as PocketBase does for its own server.
type debugLogWriter struct{ app core.App }

func (w *debugLogWriter) Write(p []byte) (int, error) {
	w.app.Logger().Debug(string(p))
	return len(p), nil
}
