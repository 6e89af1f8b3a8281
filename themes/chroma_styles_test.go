package themes

import (
	"reflect"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"
)

// Themes' copies of chroma's styles must give every style name what
// chroma's own registry gives (the test binary may link the registry;
// godmode does not), so a chroma upgrade that adds or changes a style fails
// here until the copies in chroma/ are refreshed.
func TestChromaStylesMatchChroma(t *testing.T) {
	names := append(styles.Names(), "no-such-style", "MONOKAI")
	if len(names) < 50 {
		t.Fatalf("chroma lists only %d styles", len(names))
	}
	if got, want := len(chromaRegistry()), len(styles.Registry); got != want {
		t.Errorf("%d styles copied, chroma has %d", got, want)
	}
	for _, name := range names {
		got, want := chromaStyle(name), styles.Get(name)
		if got.Name != want.Name {
			t.Errorf("%q: style %q, chroma gives %q", name, got.Name, want.Name)
			continue
		}
		for tt := range chroma.StandardTypes {
			if g, w := got.Get(tt), want.Get(tt); !reflect.DeepEqual(g, w) {
				t.Errorf("%s %v: %v, chroma %v", name, tt, g, w)
			}
		}
	}
}
