package detect

import (
	"math"
	"net/url"
	"regexp"
	"strings"
)

// godmode's own rules, on top of gitleaks' set (gitleaks.go): the shapes the
// issue names, with the n8n context gitleaks cannot see (which field, a
// header's name, expressions starting with "=", URL-encoded values).
type rule struct {
	id string
	re *regexp.Regexp
	// group is the submatch holding the secret (0: the whole match).
	group int
	// minEntropy rejects fillers such as sk-XXXXXXXXXXXXXXXXXXXX.
	minEntropy float64
	// any: the rule runs only on strings holding one of these (cheap
	// prefilter; most strings hold none).
	any  []string
	fold bool // compare any case-insensitively
}

func (r rule) mayMatch(s string) bool {
	if r.fold {
		s = strings.ToLower(s)
	}
	for _, k := range r.any {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

var rules = []rule{
	{id: "openai-key", re: regexp.MustCompile(`\bsk-(?:proj-|svcacct-|admin-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}`), minEntropy: 3.5, any: []string{"sk-"}},
	{id: "aws-access-key-id", re: regexp.MustCompile(`(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`), minEntropy: 3.0, any: []string{"A3T", "AKIA", "ASIA", "ABIA", "ACCA"}},
	{id: "jwt", re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`), minEntropy: 3.5, any: []string{"eyJ"}},
	{id: "bearer-literal", re: regexp.MustCompile(`(?i)\bBearer\s+([A-Za-z0-9._~+/=-]{16,})`), group: 1, minEntropy: 3.3, any: []string{"bearer"}, fold: true},
	{id: "private-key", re: regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\s*([A-Za-z0-9+/=\s]{64,})`), group: 1, minEntropy: 4.0, any: []string{"PRIVATE KEY"}},
	{id: "db-url-password", re: regexp.MustCompile(`(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql)://[^:/@\s'"]+:([^@/\s'"]+)@([^/\s:'"?]+)`), group: 1, any: []string{"://"}},
	// In api.telegram.org/bot<token>/ the token follows "bot" directly.
	{id: "telegram-bot-token", re: regexp.MustCompile(`(?:^|bot|[^0-9A-Za-z])(\d{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)`), group: 1, minEntropy: 3.5, any: []string{":AA"}},
	{id: "google-api-key", re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), minEntropy: 3.5, any: []string{"AIza"}},
	{id: "provider-key-fc", re: regexp.MustCompile(`\bfc-[A-Za-z0-9]{24,}\b`), minEntropy: 3.3, any: []string{"fc-"}},
}

// sensitiveKey matches field and header names that carry credentials.
var sensitiveKey = regexp.MustCompile(`(?i)(token|secret|passw|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|credential|session|cookie|signature|bearer|client[_-]?id)`)

// notSecretKey are n8n's own option names that match sensitiveKey but hold
// choices, not credentials (authentication: "genericCredentialType").
var notSecretKey = regexp.MustCompile(`(?i)^(authentication|genericAuthType|nodeCredentialType|authorName|author|tokenType|maxTokens|max_tokens|sessionKey|sessionIdType)$`)

func (a *analysis) addSecret(p Place, ruleID, value string) {
	a.secrets[Secret{File: p.File, Node: p.Node, Path: p.Path, Rule: ruleID, Masked: Mask(value)}] = true
}

// pendingStr is one string value waiting for the file's secret scan.
type pendingStr struct {
	place Place
	node  *nodeCtx
	key   string
	forms []string // the value as scanned: "=" stripped, then URL-decoded forms
}

// secretForms: n8n expressions are "=" then text, and the text is what would
// be sent. Presigned URLs and query strings carry keys URL-encoded,
// sometimes twice (a URL inside a URL), so decoded forms are scanned too.
func secretForms(s string) []string {
	s = strings.TrimPrefix(s, "=")
	forms := []string{s}
	cur := s
	for i := 0; i < 3 && strings.Contains(cur, "%"); i++ {
		dec, err := url.QueryUnescape(cur)
		if err != nil || dec == cur {
			break
		}
		forms = append(forms, dec)
		cur = dec
	}
	return forms
}

// flush scans the file's queued strings for secrets, then records each
// string's hardcoded candidates with the secrets it holds kept out.
//
// gitleaks runs per string, not once over the file: its keyword prefilter
// then skips most rules for most strings, where one big fragment matches
// every keyword and runs every rule over the whole file (measured 2-4x
// slower on the fixtures).
func (a *analysis) flush() {
	pending := a.pending
	a.pending = nil
	for _, ps := range pending {
		found := a.scanString(ps)
		a.hardcoded(ps.place, ps.node, ps.forms[0], found)
	}
}

// scanString applies godmode's rules and gitleaks' to one string and returns
// the secrets it holds. gitleaks sees "key: value", the field's name in
// front as in a config file, so its keyword-anchored rules (generic API
// keys, passwords) have their context.
func (a *analysis) scanString(ps pendingStr) []string {
	if len(ps.forms[0]) < 8 {
		return nil
	}
	p := ps.place
	seen := map[string]bool{}
	for _, f := range ps.forms {
		for _, r := range rules {
			if !r.mayMatch(f) {
				continue
			}
			for _, m := range r.re.FindAllStringSubmatchIndex(f, -1) {
				lo, hi := m[2*r.group], m[2*r.group+1]
				if lo < 0 {
					continue
				}
				v := f[lo:hi]
				if seen[v] || !plausibleSecret(r, f, m, v) {
					continue
				}
				seen[v] = true
				a.addSecret(p, r.id, v)
			}
		}
		for _, fd := range gitleaksFind(ps.key + ": " + f) {
			if overlaps(seen, fd.secret) || isPlaceholder(fd.secret) || isFiller(fd.secret) {
				continue
			}
			seen[fd.secret] = true
			a.addSecret(p, "gitleaks:"+fd.rule, fd.secret)
		}
	}
	if v, ok := sensitiveValue(ps.key, ps.forms[0]); ok && !overlaps(seen, v) {
		a.addSecret(p, "sensitive-field", v)
		seen[v] = true
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	return out
}

func plausibleSecret(r rule, f string, m []int, v string) bool {
	if isPlaceholder(v) || isFiller(v) {
		return false
	}
	switch r.id {
	case "db-url-password":
		host := f[m[4]:m[5]]
		return !isDocDomain(host) && !isPlaceholderWord(v)
	case "private-key":
		v = strings.Join(strings.Fields(v), "")
	case "aws-access-key-id":
		if strings.HasSuffix(v, "EXAMPLE") { // AWS documentation's example key
			return false
		}
	case "bearer-literal":
		if strings.HasPrefix(f[m[1]:], "{{") {
			return false
		}
	}
	return entropy(v) >= r.minEntropy
}

// sensitiveValue flags a literal with a token-like shape in a field named
// like a credential: long enough, letters and digits, no spaces, not a URL.
func sensitiveValue(key, s string) (string, bool) {
	if !sensitiveKey.MatchString(key) || notSecretKey.MatchString(key) {
		return "", false
	}
	v := strings.TrimSpace(s)
	if low := strings.ToLower(v); strings.HasPrefix(low, "bearer ") || strings.HasPrefix(low, "token ") || strings.HasPrefix(low, "basic ") {
		v = strings.TrimSpace(v[strings.IndexByte(v, ' ')+1:])
	}
	if len(v) < 12 || len(v) > 4096 || strings.ContainsAny(v, " \t\n") || strings.Contains(v, "://") ||
		isPlaceholder(v) || isFiller(v) || isPlaceholderWord(v) {
		return "", false
	}
	var letters, digits bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		letters = letters || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		digits = digits || c >= '0' && c <= '9'
	}
	if !letters || !digits || entropy(v) < 3.3 {
		return "", false
	}
	return v, true
}

// overlaps says a gitleaks finding is one a godmode rule already named
// (gitleaks' private-key match spans the PEM lines, ours only the body).
func overlaps(seen map[string]bool, v string) bool {
	for s := range seen {
		if strings.Contains(s, v) || strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// isFiller: runs of one character (XXXX, ****, 0000) mark an example.
func isFiller(v string) bool {
	for _, f := range []string{"XXXX", "xxxx", "****", "....", "0000000", "<", ">", "…"} {
		if strings.Contains(v, f) {
			return true
		}
	}
	return false
}

// isPlaceholderWord: the words people put where a password goes.
func isPlaceholderWord(v string) bool {
	low := strings.ToLower(v)
	for _, w := range []string{"your", "password", "passwd", "changeme", "example", "secret", "placeholder", "redacted", "dummy", "sample"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h, n := 0.0, float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// Mask shows a secret's first characters (4, fewer for short values so at
// most a quarter shows) and its length, never the value.
func Mask(v string) string {
	n := len([]rune(v))
	show := 4
	if n/4 < show {
		show = n / 4
	}
	head := []rune(v)[:show]
	for i, r := range head {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			head[i] = '?'
		}
	}
	return string(head) + "…(" + itoa(n) + " chars)"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
