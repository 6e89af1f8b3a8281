package forensics

import (
	"reflect"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// The Code view's own copies of chroma's JavaScript and Python lexers must
// colour code exactly as chroma's registry does (the test binary may link
// the registry; godmode does not), so a chroma upgrade that changes them
// fails here until the copies in chroma/ are refreshed.
func TestCodeLexersMatchChroma(t *testing.T) {
	for _, tc := range []struct{ lang, src string }{
		{"javascript", "// n8n Code node\nconst items = $input.all();\nfor (const it of items) {\n  if (!it.json.email) throw new Error(`no email: ${it.json.id}`);\n}\nreturn items.map(i => ({ json: { ...i.json, ok: true, n: 0x1f, re: /a+b/g } }));\n"},
		{"python", "# n8n Code node\nimport re\nout = []\nfor item in _input.all():\n    if not item.json.get('email'):\n        raise ValueError(f\"no email: {item.json['id']}\")\n    out.append({'json': {**item.json, 'ok': True, 'n': 1.5e3}})\nreturn out\n"},
		{"no-such-language", "MOVE A TO B.\n"}, // forensics only says javascript or python
	} {
		want := lexers.Get(tc.lang)
		if want == nil {
			want = lexers.Fallback
		}
		if got := lexer(tc.lang).Config().Name; got != want.Config().Name {
			t.Errorf("%s: lexer %q, chroma picks %q", tc.lang, got, want.Config().Name)
		}
		if got, want := tokens(t, lexer(tc.lang), tc.src), tokens(t, want, tc.src); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: tokens differ from chroma's\n got %v\nwant %v", tc.lang, got, want)
		}
	}
}

func tokens(t *testing.T, lx chroma.Lexer, src string) []chroma.Token {
	t.Helper()
	it, err := chroma.Coalesce(lx).Tokenise(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}
