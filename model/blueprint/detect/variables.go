package detect

import (
	"regexp"
	"strings"
)

var (
	// yourToken is the platform's placeholder: YOUR_ then upper-case words
	// joined by single underscores (a trailing "_" is not part of it).
	yourToken = regexp.MustCompile(`YOUR_[A-Z0-9]+(?:_[A-Z0-9]+)*`)
	envDot    = regexp.MustCompile(`\$env\.([A-Za-z_][A-Za-z0-9_]*)`)
	envIndex  = regexp.MustCompile(`\$env\[\s*['"]([^'"\]]+)['"]\s*\]`)
	varsDot   = regexp.MustCompile(`\$vars\.([A-Za-z_][A-Za-z0-9_]*)`)
	varsIndex = regexp.MustCompile(`\$vars\[\s*['"]([^'"\]]+)['"]\s*\]`)
	// placeholderRe is {{NAME}} with an upper-case name only: n8n's own
	// expressions start with $ ({{ $json.x }}), and lower-case {{first_name}}
	// is a runtime mail-merge field that the workflow fills itself.
	placeholderRe = regexp.MustCompile(`\{\{\s*([A-Z][A-Z0-9_]*)\s*\}\}`)
)

func (a *analysis) variables(p Place, s string) {
	if strings.Contains(s, "YOUR_") {
		// Anywhere in a string: code escapes ("\\nYOUR_NAME") and prefixes
		// (GMAIL_Agents_YOUR_NAME) still hold the token.
		for _, t := range yourToken.FindAllString(s, -1) {
			a.addVar(KindYourToken, t, p)
		}
	}
	if strings.Contains(s, "$env") {
		for _, re := range []*regexp.Regexp{envDot, envIndex} {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				a.addVar(KindEnv, m[1], p)
			}
		}
	}
	if strings.Contains(s, "$vars") {
		for _, re := range []*regexp.Regexp{varsDot, varsIndex} {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				a.addVar(KindVars, m[1], p)
			}
		}
	}
	if strings.Contains(s, "{{") {
		for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
			a.addVar(KindPlaceholder, m[1], p)
		}
	}
}

// isPlaceholder says a value stands for something to be filled in, so it is
// never a secret nor a hardcoded value.
func isPlaceholder(s string) bool {
	return strings.Contains(s, "YOUR_") || strings.Contains(s, "{{") ||
		strings.Contains(s, "$env") || strings.Contains(s, "$vars") ||
		strings.Contains(s, "${")
}
