package forensics

import (
	"embed"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// The Code node's two languages are lexed from copies of chroma's own
// definitions (chroma/ holds them byte for byte, with chroma's licence)
// instead of through chroma's lexers package: that package parses all of its
// 300-odd lexers when the process starts, about half of what `godmode
// version` cost, for a screen most runs never open. Here a lexer is built on
// the first Code view.
//
//go:embed chroma/javascript.xml chroma/python.xml
var lexerFiles embed.FS

var codeLexers = sync.OnceValue(func() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	for _, path := range []string{"chroma/javascript.xml", "chroma/python.xml"} {
		reg.Register(chroma.MustNewXMLLexer(lexerFiles, path))
	}
	return reg
})

// plainLexer is chroma's fallback: the whole source as text.
var plainLexer = sync.OnceValue(func() chroma.Lexer {
	return chroma.MustNewLexer(&chroma.Config{Name: "fallback", Filenames: []string{"*"}, Priority: -1}, func() chroma.Rules {
		return chroma.Rules{"root": []chroma.Rule{{Pattern: `.+`, Type: chroma.Text}, {Pattern: `\n`, Type: chroma.Text}}}
	})
})

// lexer is the lexer of a Code node's language ("javascript", "python"),
// or plain text for anything else.
func lexer(lang string) chroma.Lexer {
	if lx := codeLexers().Get(lang); lx != nil {
		return lx
	}
	return plainLexer()
}
