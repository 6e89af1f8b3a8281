package detect

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	urlRe   = regexp.MustCompile("https?://[^\\s\"'<>\\\\{}|^`]+")
	sheetRe = regexp.MustCompile(`docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]{20,})`)
)

// hardcoded records literal values a workspace would have to change. Sticky
// notes are documentation: only their e-mail addresses count (a personal
// address in a note is still one to review), not their links.
//
// secrets are the values scanSecrets found in s: a candidate never repeats
// one (a bot URL keeps its shape with the token replaced, an "address" that
// is a password@host is dropped).
func (a *analysis) hardcoded(p Place, n *nodeCtx, s string, secrets []string) {
	if n == nil {
		return // pinData and other top-level fields hold run data, not settings
	}
	note := n.shortType() == "stickyNote"
	if strings.Contains(s, "@") {
		for _, e := range emailRe.FindAllString(s, -1) {
			if isDocDomain(e[strings.LastIndexByte(e, '@')+1:]) || redact(e, secrets) != e {
				continue
			}
			a.addHard(HardEmail, strings.ToLower(e), p)
		}
	}
	if note {
		return
	}
	if strings.Contains(s, "://") {
		for _, u := range urlRe.FindAllString(s, -1) {
			u = strings.TrimRight(u, ".,;:)]!?*")
			if strings.Contains(u, "YOUR_") {
				continue
			}
			pu, err := url.Parse(u)
			if err != nil || pu.Hostname() == "" {
				continue
			}
			host := strings.ToLower(pu.Hostname())
			if isDocDomain(host) || holdsSecret(host, secrets) {
				continue
			}
			a.addHard(HardURL, redact(u, secrets), p)
			a.addHard(HardHost, host, p)
			if isN8nURL(host, pu.Path) {
				a.addHard(HardN8nURL, pu.Scheme+"://"+pu.Host, p)
			}
		}
	}
	if strings.Contains(s, "docs.google.com/spreadsheets/d/") {
		for _, m := range sheetRe.FindAllStringSubmatch(s, -1) {
			if !strings.Contains(m[1], "YOUR_") {
				a.addHard(HardSheet, m[1], p)
			}
		}
	}
}

// isN8nURL: an n8n instance is known by its host (n8n.example.org,
// x.app.n8n.cloud) or by n8n's own URL paths.
func isN8nURL(host, path string) bool {
	if host == "n8n.io" || strings.HasSuffix(host, ".n8n.io") {
		return false // n8n's own site, docs and community, not an instance
	}
	if strings.Contains(host, "n8n") {
		return true
	}
	for _, pre := range []string{"/webhook/", "/webhook-test/", "/webhook-waiting/", "/form/", "/api/v1/workflows", "/api/v1/executions", "/rest/"} {
		if strings.HasPrefix(path, pre) {
			return true
		}
	}
	return false
}

// isDocDomain: RFC 2606 documentation names are examples, never a
// workspace's value.
func isDocDomain(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{"example.com", "example.org", "example.net"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return strings.HasSuffix(host, ".example") || strings.HasSuffix(host, ".invalid") || strings.HasSuffix(host, ".test")
}

func holdsSecret(v string, secrets []string) bool {
	for _, s := range secrets {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// redact replaces the secrets in v; when a secret sits URL-encoded in v
// (found in a decoded form), the candidate becomes that decoded form,
// redacted, so no encoding of the secret survives either.
func redact(v string, secrets []string) string {
	if len(secrets) == 0 {
		return v
	}
	forms := secretForms(v)
	for i := len(forms) - 1; i >= 0; i-- {
		if holdsSecret(forms[i], secrets) {
			v = forms[i]
			break
		}
	}
	for _, s := range secrets {
		v = strings.ReplaceAll(v, s, "[secret]")
	}
	return v
}
