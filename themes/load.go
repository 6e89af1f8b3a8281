package themes

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// userTheme is one [themes.<name>] table of a user theme file.
type userTheme struct {
	Base   string `toml:"base"`   // built-in to start from; dark when empty
	Chroma string `toml:"chroma"` // chroma style name
	Palette
}

type userFile struct {
	Themes map[string]userTheme `toml:"themes"`
}

// Load returns the theme called name: a built-in, or one defined in
// userFile (a TOML file; "" for none). When the NO_COLOR environment
// variable is set (to anything), the colourless variant is returned.
func Load(name, userFile string) (*Theme, error) {
	return LoadWith(name, userFile, os.Getenv("NO_COLOR") != "")
}

// LoadWith is Load with NO_COLOR given explicitly, for callers (and tests)
// that read the environment themselves, such as an SSH session's.
func LoadWith(name, userFile string, noColor bool) (*Theme, error) {
	if name == "" {
		name = Default
	}
	users, err := readUserFile(userFile)
	if err != nil {
		return nil, err
	}
	var (
		pal    Palette
		chroma string
	)
	if ut, ok := users[name]; ok {
		base := ut.Base
		if base == "" {
			base = Default
		}
		b, ok := builtins[base]
		if !ok {
			return nil, fmt.Errorf("theme file %s: theme %q: base %q is not a built-in theme (%s)",
				userFile, name, base, strings.Join(Builtin(), ", "))
		}
		pal, chroma = b.palette.merge(ut.Palette), b.chroma
		if ut.Chroma != "" {
			chroma = ut.Chroma
		}
		if err := pal.validate(); err != nil {
			return nil, fmt.Errorf("theme file %s: theme %q: %w", userFile, name, err)
		}
	} else if b, ok := builtins[name]; ok {
		pal, chroma = b.palette, b.chroma
	} else {
		return nil, fmt.Errorf("unknown theme %q: choose one of %s", name, strings.Join(Names(users), ", "))
	}
	if noColor {
		return noColour(name, chroma), nil
	}
	return build(name, chroma, pal), nil
}

// MustLoad is Load for built-in names known to exist; it panics otherwise.
func MustLoad(name string) *Theme {
	t, err := LoadWith(name, "", false)
	if err != nil {
		panic(err)
	}
	return t
}

// NoColour returns the colourless theme, as NO_COLOR would.
func NoColour() *Theme { return noColour(Default, builtins[Default].chroma) }

// Available lists the built-in themes and those of userFile.
func Available(userFile string) ([]string, error) {
	users, err := readUserFile(userFile)
	if err != nil {
		return nil, err
	}
	return Names(users), nil
}

// Names lists built-in names first, then user ones sorted.
func Names[T any](users map[string]T) []string {
	out := Builtin()
	var extra []string
	for n := range users {
		if _, ok := builtins[n]; !ok {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

func readUserFile(path string) (map[string]userTheme, error) {
	if path == "" {
		return nil, nil
	}
	var f userFile
	md, err := toml.DecodeFile(path, &f)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("theme file %s does not exist: create it or drop the theme-file setting", path)
	}
	if err != nil {
		return nil, fmt.Errorf("theme file %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("theme file %s: unknown key %s (colours are fg, muted, accent, ok, warn, error, info, selected_fg, selected_bg, marked_fg, border, border_focused, header_fg, header_bg)", path, und[0])
	}
	return f.Themes, nil
}
