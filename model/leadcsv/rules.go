package leadcsv

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeKey turns a header cell into a metadata key: lower case, runs
// of anything but letters and digits become one '_', none at either end
// ("First Name" -> "first_name", "E-mail" -> "e_mail"). An empty result
// is "".
func NormalizeKey(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
			continue
		}
		under = true
	}
	return b.String()
}

// emailKeys are the normalised header names that mean the email column.
var emailKeys = map[string]bool{"email": true, "email_address": true, "e_mail": true, "e_mail_address": true,
	"emailaddress": true, "mail": true, "email_addr": true, "work_email": true, "business_email": true}

// IsEmailKey says whether a normalised header key names the email column.
func IsEmailKey(key string) bool { return emailKeys[key] }

// IsStatusKey says whether a normalised header key names the status column.
func IsStatusKey(key string) bool { return key == "status" || key == "lead_status" }

// schemaEmail is the leads table's leads_email_check, as written there;
// passesSchemaCheck is the same rule without a regexp (it runs on every
// row of a million-row import).
var schemaEmail = regexp.MustCompile(`^[^@[:space:]]+@[^@[:space:]]+$`)

func passesSchemaCheck(s string) bool {
	at := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '@':
			if at >= 0 {
				return false
			}
			at = i
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return false
		}
	}
	return at > 0 && at < len(s)-1
}

// looksLikeEmail is the loose test of header sniffing.
func looksLikeEmail(s string) bool { return schemaEmail.MatchString(strings.TrimSpace(s)) }

// Lengths from RFC 5321: a mailbox's local part, domain and whole.
const (
	maxLocal  = 64
	maxDomain = 253
	maxEmail  = 254
)

// NormalizeEmail trims and lower-cases an email and checks it: the
// table's own rule (one @, no spaces) and a stricter one (a domain with a
// dot and a top-level name of letters, labels of letters, digits and
// hyphens, RFC 5321's lengths, no dot at either end of the local part).
// The error says what is wrong, for a reject's reason.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", fmt.Errorf("no email")
	}
	if !utf8.ValidString(e) {
		return "", fmt.Errorf("the email is not valid text")
	}
	if !passesSchemaCheck(e) {
		switch n := strings.Count(e, "@"); {
		case n == 0:
			return "", fmt.Errorf("email %q has no @", clip(e))
		case n > 1:
			return "", fmt.Errorf("email %q has %d @", clip(e), n)
		}
		return "", fmt.Errorf("email %q has a space in it or nothing on one side of the @", clip(e))
	}
	local, domain, _ := strings.Cut(e, "@")
	switch {
	case len(e) > maxEmail:
		return "", fmt.Errorf("email %q is %d bytes, over the %d an address may have", clip(e), len(e), maxEmail)
	case len(local) > maxLocal:
		return "", fmt.Errorf("email %q: the part before the @ is over %d bytes", clip(e), maxLocal)
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, ".."):
		return "", fmt.Errorf("email %q: the part before the @ starts or ends with a dot or has two in a row", clip(e))
	case strings.ContainsAny(local, "\"(),:;<>[\\]"):
		return "", fmt.Errorf("email %q: the part before the @ holds a character addresses do not use unquoted", clip(e))
	case len(domain) > maxDomain:
		return "", fmt.Errorf("email %q: the domain is over %d bytes", clip(e), maxDomain)
	}
	for _, r := range local {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			// Postgres's [:space:] may count Unicode spaces (a no-break
			// space) where Go's does not: none passes.
			return "", fmt.Errorf("email %q holds a control character or a space", clip(e))
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("email %q: the domain %q has no dot", clip(e), clip(domain))
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("email %q: the domain %q has an empty, over-long or hyphen-edged part", clip(e), clip(domain))
		}
		for _, r := range l {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') {
				return "", fmt.Errorf("email %q: the domain holds %q", clip(e), r)
			}
		}
	}
	tld := labels[len(labels)-1]
	for _, r := range tld {
		if !unicode.IsLetter(r) && !strings.HasPrefix(tld, "xn--") {
			return "", fmt.Errorf("email %q: the domain's last part %q is not a top-level name", clip(e), clip(tld))
		}
	}
	if utf8.RuneCountInString(tld) < 2 {
		return "", fmt.Errorf("email %q: the domain's last part %q is too short", clip(e), tld)
	}
	return e, nil
}

// statusWords maps what files say onto the six statuses.
var statusWords = map[string]string{
	"new": "new", "lead": "new", "open": "new", "fresh": "new", "not_contacted": "new", "uncontacted": "new",
	"contacted": "contacted", "sent": "contacted", "emailed": "contacted", "in_sequence": "contacted", "in_progress": "contacted",
	"replied": "replied", "reply": "replied", "responded": "replied", "answered": "replied", "interested": "replied",
	"bounced": "bounced", "bounce": "bounced", "hard_bounce": "bounced", "soft_bounce": "bounced", "undeliverable": "bounced",
	"unsubscribed": "unsubscribed", "unsubscribe": "unsubscribed", "unsub": "unsubscribed", "opted_out": "unsubscribed",
	"opt_out": "unsubscribed", "optout": "unsubscribed", "opted_out_of_email": "unsubscribed",
	"do_not_contact": "do_not_contact", "dnc": "do_not_contact", "donotcontact": "do_not_contact", "do_not_email": "do_not_contact",
	"blocked": "do_not_contact", "blacklisted": "do_not_contact", "suppressed": "do_not_contact",
}

// MapStatus maps a status cell, case and spacing aside, onto one of the
// six statuses; "" stays "" (the row says none). ok is false for a word
// it does not know.
func MapStatus(s string) (status string, ok bool) {
	k := NormalizeKey(s)
	if k == "" {
		return "", true
	}
	st, ok := statusWords[k]
	return st, ok
}

// clip shortens a value quoted in a reason.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

// IsNumber says whether a cell lands as a JSON number: JSON's own syntax
// without an exponent, at most 15 digits, so n8n's JavaScript reads back
// exactly what the file said (a zip code's leading zero, a 16-digit id,
// keep their column text).
func IsNumber(s string) bool {
	i, digits := 0, 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || s[start] == '0' && i-start > 1 {
		return false
	}
	digits = i - start
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			return false
		}
		digits += i - f
	}
	return i == len(s) && digits <= 15
}

// IsBool says whether a cell lands as a JSON boolean: true or false, case
// aside.
func IsBool(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") }

// AppendJSONString appends s as a JSON string (s is valid UTF-8).
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
