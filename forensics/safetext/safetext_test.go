package safetext

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile holds what an execution could carry to a terminal: OSC 52
// (clipboard write), CSI 2J (clear screen), an OSC title, C1 CSI, BEL, CR,
// backspace, DEL and a byte that is not UTF-8.
const hostile = "a\x1b]52;c;aGk=\x07b\x1b[2Jc\x1b]0;pwned\x1b\\d\u009b31me\rf\bg\x7fh\xffi\tj\nk"

// assertClean fails when s holds a byte a terminal could obey.
func assertClean(t *testing.T, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if (r == '\n' || r == '\t') && multiline {
			continue
		}
		if Unsafe(r) {
			t.Fatalf("control %U left in %q", r, s)
		}
	}
}

func TestLineCleansEveryControl(t *testing.T) {
	got := Line(hostile)
	assertClean(t, got, false)
	want := "a␛]52;c;aGk=␇b␛[2Jc␛]0;pwned␛\\d\uFFFD31me␍f␈g␡h\uFFFDi j␊k"
	if got != want {
		t.Fatalf("Line(hostile) = %q, want %q", got, want)
	}
}

func TestTextKeepsNewlineAndTab(t *testing.T) {
	got := Text(hostile)
	assertClean(t, got, true)
	if !strings.Contains(got, "i\tj\nk") || strings.Contains(got, "\x1b") {
		t.Fatalf("Text(hostile) = %q", got)
	}
}

func TestCleanTextIsUntouched(t *testing.T) {
	for _, s := range []string{"", "Email Sender", "Überprüfung — «ok» 日本 🙂", "tab\tand\nnewline"} {
		if got := Text(s); got != s {
			t.Errorf("Text(%q) = %q", s, got)
		}
	}
	if got := Line("Überprüfung — ok"); got != "Überprüfung — ok" {
		t.Errorf("Line changed clean text: %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { Line("Email Sender — 日本") }); n != 0 {
		t.Errorf("clean text allocates %v times", n)
	}
}

func TestReplaceAttrCleansLogLines(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, Options(nil)))
	log.Info("sync failed\u009b2J", slog.String("campaign", hostile), slog.Any("error", errors.New("n8n said \x1b]52;c;eA==\x07")),
		slog.Group("g", slog.String("node", "\u009b31m")))
	out := buf.String()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("log line is not JSON: %v\n%s", err, out)
	}
	for _, s := range []string{m["msg"].(string), m["campaign"].(string), m["error"].(string), m["g"].(map[string]any)["node"].(string)} {
		assertClean(t, s, true)
	}
	for _, r := range out {
		if Unsafe(r) && r != '\n' {
			t.Fatalf("raw control %U in the log line %q", r, out)
		}
	}
}

func TestFileNameStaysInItsFolder(t *testing.T) {
	cases := map[string]string{
		"/../../tmp/x": "_.._.._tmp_x",
		"..":           "_.",
		".bashrc":      "_bashrc",
		"":             "_",
		"1234":         "1234",
		"a\x00b\\c:d":  "a_b_c_d",
		"é/日本":         "____",
	}
	for in, want := range cases {
		if got := FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := FileName(strings.Repeat("9", 1000)); len(got) != MaxFileNamePart {
		t.Errorf("a 1000-byte id gives a %d-byte name", len(got))
	}
}

// A node or campaign name with a right-to-left override would read, on
// screen, in another order than it is: the overrides and isolates are
// replaced, the letters stay.
func TestLineReplacesBidiOverrides(t *testing.T) {
	for _, r := range []rune{0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069} {
		in := "evil" + string(r) + "gnp.exe"
		if got := Line(in); got != "evil\uFFFDgnp.exe" {
			t.Errorf("Line(%q) = %q", in, got)
		}
	}
	if got := Line("Zürich — 東京 ✓"); got != "Zürich — 東京 ✓" {
		t.Errorf("ordinary letters changed: %q", got)
	}
}
