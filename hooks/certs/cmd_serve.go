package certs

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Environment fallbacks of the ACME flags; a flag wins over its variable.
const (
	EnvACMEEmail  = "STOVEBOT_ACME_EMAIL"
	EnvACMECA     = "STOVEBOT_ACME_CA"
	EnvACMECARoot = "STOVEBOT_ACME_CA_ROOT"
	EnvOrigins    = "STOVEBOT_ORIGINS" // comma-separated, as --origins
)

// NewServeCommand returns the `serve [domain(s)]` command that replaces
// PocketBase's own: the same --http, --https and --origins flags, plus the
// ACME flags. Without domains it serves plain HTTP on 127.0.0.1:8090; with
// domains, HTTPS on :443 with certmagic certificates and redirects on :80.
func NewServeCommand(app core.App) *cobra.Command {
	var (
		cfg    = Config{ShowStartBanner: true}
		caRoot string
	)
	command := &cobra.Command{
		Use:   "serve [domain(s)]",
		Args:  cobra.ArbitraryArgs,
		Short: "Starts the web server (127.0.0.1:8090 without domains, HTTPS with a certificate from Let's Encrypt with them)",
		Long: `Starts the web server.

Without domains it serves plain HTTP on 127.0.0.1:8090 (see --http).

With domains (serve chat.example.com) it obtains and renews certificates from
an ACME CA (Let's Encrypt unless --acme-ca says otherwise), serves HTTPS with
HTTP/2 and HSTS on port 443, and on port 80 answers ACME challenges and
redirects everything else to HTTPS (both on every IPv4 and IPv6 address). The domains' DNS must point at this host
and both ports must be reachable from the internet. Certificates are kept in
the data directory (pb_data/certmagic).`,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			cfg.Domains = args
			if err := validateCA(cfg.CA); err != nil {
				return err
			}
			if caRoot != "" {
				pool, err := loadRoots(caRoot)
				if err != nil {
					return err
				}
				cfg.TrustedRoots = pool
			}
			return Serve(app, cfg)
		},
	}

	flags := command.PersistentFlags()
	flags.StringSliceVar(&cfg.AllowedOrigins, "origins", originsFromEnv(),
		"CORS allowed domain origins list (env "+EnvOrigins+")")
	flags.StringVar(&cfg.HTTPAddr, "http", "",
		"TCP address to listen for the HTTP server\n(with domains: ACME challenges and redirects to HTTPS, default :80, every address; without: the app, default 127.0.0.1:8090)")
	flags.StringVar(&cfg.HTTPSAddr, "https", "",
		"TCP address to listen for the HTTPS server\n(only with domains, default :443, every address)")
	flags.StringVar(&cfg.Email, "acme-email", os.Getenv(EnvACMEEmail),
		"contact email of the ACME account (env "+EnvACMEEmail+")")
	flags.StringVar(&cfg.CA, "acme-ca", os.Getenv(EnvACMECA),
		"ACME directory URL, or \"staging\" for Let's Encrypt staging\n(default Let's Encrypt production; env "+EnvACMECA+")")
	flags.StringVar(&caRoot, "acme-ca-root", os.Getenv(EnvACMECARoot),
		"PEM file of root certificates to trust for the ACME directory, for a private CA (env "+EnvACMECARoot+")")

	return command
}

// originsFromEnv is the --origins default: STOVEBOT_ORIGINS split at commas,
// or "*" (any origin, PocketBase's default).
func originsFromEnv() []string {
	var origins []string
	for _, o := range strings.Split(os.Getenv(EnvOrigins), ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	if len(origins) == 0 {
		return []string{"*"}
	}
	return origins
}

// validateCA accepts empty, "staging" or an absolute http(s) URL.
func validateCA(ca string) error {
	if ca == "" || ca == StagingCA {
		return nil
	}
	u, err := url.Parse(ca)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("--acme-ca: %q is neither \"staging\" nor an ACME directory URL", ca)
	}
	return nil
}

// loadRoots reads a PEM file of root certificates.
func loadRoots(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--acme-ca-root: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--acme-ca-root: no PEM certificate in %s", path)
	}
	return pool, nil
}
