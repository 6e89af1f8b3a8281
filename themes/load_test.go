package themes

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sgrColour matches any SGR colour parameter (foreground or background,
// basic, 256 or true colour).
var sgrColour = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`)

func TestBuiltinsLoadAndDiffer(t *testing.T) {
	seen := map[string]string{}
	for _, name := range Builtin() {
		th, err := LoadWith(name, "", false)
		if err != nil {
			t.Fatalf("LoadWith(%q): %v", name, err)
		}
		if th.Name != name || th.Chroma == "" {
			t.Errorf("%s: got name %q chroma %q", name, th.Name, th.Chroma)
		}
		out := th.RowSelected.Render("x")
		if !sgrColour.MatchString(out) {
			t.Errorf("%s: selected row %q carries no colour", name, out)
		}
		if other, dup := seen[out]; dup {
			t.Errorf("%s renders a selected row exactly like %s", name, other)
		}
		seen[out] = name
	}
}

func TestNoColorKeepsAttributesDropsColours(t *testing.T) {
	th, err := LoadWith("dark", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if !th.NoColor {
		t.Fatal("NoColor not set")
	}
	for name, st := range map[string]string{
		"selected": th.RowSelected.Render("x"), "error": th.StatusError.Render("x"),
		"header": th.Header.Render("x"), "pane": th.PaneFocused.Render("x"),
	} {
		if sgrColour.MatchString(st) {
			t.Errorf("%s under NO_COLOR still has colour: %q", name, st)
		}
	}
	// Selection must stay visible without colour: reverse video.
	if !strings.Contains(th.RowSelected.Render("x"), "\x1b[7m") {
		t.Errorf("selected row under NO_COLOR is not reversed: %q", th.RowSelected.Render("x"))
	}
}

func TestLoadReadsNOCOLORFromEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	th, err := Load("light", "")
	if err != nil {
		t.Fatal(err)
	}
	if !th.NoColor {
		t.Error("NO_COLOR=1 in the environment did not give the colourless theme")
	}
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "themes.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUserThemeOverridesItsBase(t *testing.T) {
	p := writeFile(t, `
[themes.ocean]
base = "light"
chroma = "nord"
accent = "#123456"
`)
	th, err := LoadWith("ocean", p, false)
	if err != nil {
		t.Fatal(err)
	}
	if th.Chroma != "nord" {
		t.Errorf("chroma = %q, want nord", th.Chroma)
	}
	// #123456 is rgb 18;52;86.
	if got := th.Accent.Render("x"); !strings.Contains(got, "18;52;86") {
		t.Errorf("accent not taken from the file: %q", got)
	}
	light := MustLoad("light")
	if th.OK.Render("x") != light.OK.Render("x") {
		t.Error("colours the file does not name should come from the base theme")
	}
	names, err := Available(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "dark,light,high-contrast,ocean" {
		t.Errorf("Available = %s", got)
	}
}

func TestUserThemeErrorsNameTheProblem(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"bad colour":   {"[themes.x]\naccent = \"blue-ish\"\n", `accent = "blue-ish"`},
		"unknown key":  {"[themes.x]\naccnet = \"#fff\"\n", "unknown key themes.x.accnet"},
		"unknown base": {"[themes.x]\nbase = \"solar\"\n", `base "solar"`},
		"bad toml":     {"[themes.x\n", "themes.toml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, tc.body)
			_, err := LoadWith("x", p, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := LoadWith("nope", "", false); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("unknown theme error should list the choices: %v", err)
	}
	if _, err := LoadWith("dark", filepath.Join(t.TempDir(), "missing.toml"), false); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
}
