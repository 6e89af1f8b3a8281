package themes

import (
	"embed"
	"io/fs"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

// chroma's styles are read from copies of chroma's own files (chroma/ holds
// them byte for byte, with chroma's licence) instead of through chroma's
// styles package, which parses all 70-odd of them when the process starts,
// whether or not a theme is ever built (`godmode version` paid for it).
// Here they are parsed when the first theme is.
//
//go:embed chroma/*.xml
var styleFiles embed.FS

var chromaRegistry = sync.OnceValue(func() map[string]*chroma.Style {
	reg := map[string]*chroma.Style{}
	files, err := fs.Glob(styleFiles, "chroma/*.xml")
	if err != nil {
		panic(err) // a bad pattern, caught by any test
	}
	for _, name := range files {
		r, err := styleFiles.Open(name)
		if err != nil {
			panic(err)
		}
		st, err := chroma.NewXMLStyle(r)
		r.Close()
		if err != nil {
			panic(name + ": " + err.Error()) // embedded at build time: a test catches it
		}
		reg[strings.ToLower(st.Name)] = st
	}
	return reg
})

// chromaStyle is the chroma style of that name (case does not matter), or
// chroma's fallback, swapoff, as chroma's styles.Get does.
func chromaStyle(name string) *chroma.Style {
	reg := chromaRegistry()
	if st, ok := reg[strings.ToLower(name)]; ok {
		return st
	}
	return reg["swapoff"]
}
