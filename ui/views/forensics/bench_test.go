package forensics

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/themes"
)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "forensics", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		r = zr
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// firstFrame is opening the forensics screen on raw: open, sanitize and
// index the execution, build the screen's model on the first failed run,
// and draw the first frame at 160×45.
func firstFrame(tb testing.TB, th *themes.Theme, raw []byte) string {
	v, err := Prepare(raw)
	if err != nil {
		tb.Fatal(err)
	}
	m := New(nil, Options{Theme: th})
	m.SetSize(160, 43) // the console's 45 rows less its header and footer
	m.Show(Source{File: "bench.json"}, v)
	return m.View()
}

// BenchmarkFirstFrame times the whole first frame; targets: ≤ 500 ms for
// the 42 MB execution, ≤ 50 ms for the 2.5 MB one.
func BenchmarkFirstFrame(b *testing.B) {
	th := themes.MustLoad("dark")
	for _, tc := range []struct{ name, file string }{
		{"42MB", "execution-error-42mb.json.gz"},
		{"2.5MB", "execution-error-http-429-with-binary.json"},
	} {
		raw := readFixture(b, tc.file)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if s := firstFrame(b, th, raw); !strings.Contains(s, "failed at OpenAI Agent") {
					b.Fatalf("the first frame does not show the failure:\n%s", s)
				}
			}
		})
	}
}
