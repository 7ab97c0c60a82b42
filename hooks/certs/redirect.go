package certs

import (
	"net"
	"net/http"
	"strconv"
	"strings"
)

// HSTS is the Strict-Transport-Security value of every HTTPS response: one
// year, without includeSubDomains, since other hosts of the domain may not
// speak HTTPS.
const HSTS = "max-age=31536000"

// withHSTS adds the HSTS header to every response of next.
func withHSTS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", HSTS)
		next.ServeHTTP(w, r)
	})
}

// challengePrefix is where ACME HTTP-01 challenges are asked (RFC 8555).
const challengePrefix = "/.well-known/acme-challenge/"

// redirectHandler answers every plain HTTP request with a 308 to the same
// path on HTTPS, except challenge paths that certmagic did not answer: those
// get a 404, so a CA never follows a stale token to HTTPS. The target host is the requested one when it is one of
// domains, else the first domain, so a forged Host header cannot send a
// visitor elsewhere.
func redirectHandler(domains []string, httpsPort int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, challengePrefix) {
			http.NotFound(w, r)
			return
		}
		host := domains[0]
		reqHost := r.Host
		if h, _, err := net.SplitHostPort(reqHost); err == nil {
			reqHost = h
		}
		for _, d := range domains {
			if strings.EqualFold(d, reqHost) {
				host = d
				break
			}
		}
		if httpsPort != 443 {
			host = net.JoinHostPort(host, strconv.Itoa(httpsPort))
		}
		target := "https://" + host + r.URL.RequestURI()
		http.Redirect(w, r, target, http.StatusPermanentRedirect)
	})
}
