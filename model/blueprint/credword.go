package blueprint

import (
	"strings"
	"unicode"
)

// credentialWord names a credential type as the platform's templates name
// its variable (YOUR_CREDENTIAL_<WORD>_ID): the service, its camel-case
// words apart, without the auth suffix: googleSheetsOAuth2Api →
// GOOGLE_SHEETS, gmailOAuth2 → GMAIL, openAiApi → OPENAI, postgres →
// POSTGRES, httpHeaderAuth → HTTP_HEADER_AUTH. Brands n8n spells in two
// words (openAi, mySql) stay one, as operators write them.
func credentialWord(typ string) string {
	t := typ
	for _, suffix := range []string{"Api", "OAuth2", "OAuth"} {
		t = strings.TrimSuffix(t, suffix)
	}
	if t == "" {
		t = typ
	}
	for camel, word := range oneWordBrands {
		if strings.HasPrefix(t, camel) {
			t = word + t[len(camel):]
		}
	}
	var b strings.Builder
	prev := rune(0)
	for _, r := range t {
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			b.WriteByte('_')
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			r = '_'
		}
		b.WriteRune(unicode.ToUpper(r))
		prev = r
	}
	return b.String()
}

// oneWordBrands are credential type prefixes whose camel case splits a
// name people write as one word.
var oneWordBrands = map[string]string{"openAi": "openai", "mySql": "mysql", "mongoDb": "mongodb", "linkedIn": "linkedin", "gitHub": "github", "gitLab": "gitlab", "youTube": "youtube"}
