package themes

import (
	"fmt"
	"image/color"
	"regexp"
	"strconv"

	"charm.land/lipgloss/v2"
)

// Palette is the handful of colours a theme is made of. Every style in
// Theme is derived from it, so a user theme only has to name colours.
// Values are "#rrggbb", "#rgb" or an ANSI index "0".."255".
type Palette struct {
	Fg            string `toml:"fg"`
	Muted         string `toml:"muted"`
	Accent        string `toml:"accent"`
	OK            string `toml:"ok"`
	Warn          string `toml:"warn"`
	Error         string `toml:"error"`
	Info          string `toml:"info"`
	SelectedFg    string `toml:"selected_fg"`
	SelectedBg    string `toml:"selected_bg"`
	MarkedFg      string `toml:"marked_fg"`
	Border        string `toml:"border"`
	BorderFocused string `toml:"border_focused"`
	HeaderFg      string `toml:"header_fg"`
	HeaderBg      string `toml:"header_bg"`
}

var hexColour = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// validColour reports whether lipgloss will understand s; lipgloss itself
// silently turns a typo into "no colour", which would hide the mistake.
func validColour(s string) bool {
	if hexColour.MatchString(s) {
		return true
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 255
}

// fields lists the palette's entries by their TOML names, so validation and
// merging need no reflection.
func (p *Palette) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{"fg", &p.Fg}, {"muted", &p.Muted}, {"accent", &p.Accent}, {"ok", &p.OK},
		{"warn", &p.Warn}, {"error", &p.Error}, {"info", &p.Info},
		{"selected_fg", &p.SelectedFg}, {"selected_bg", &p.SelectedBg}, {"marked_fg", &p.MarkedFg},
		{"border", &p.Border}, {"border_focused", &p.BorderFocused},
		{"header_fg", &p.HeaderFg}, {"header_bg", &p.HeaderBg},
	}
}

// merge returns base with every colour set in over replacing base's.
func (base Palette) merge(over Palette) Palette {
	out := base
	of := over.fields()
	for i, f := range out.fields() {
		if v := *of[i].v; v != "" {
			*f.v = v
		}
	}
	return out
}

// validate names the first colour that lipgloss would not understand.
func (p Palette) validate() error {
	for _, f := range p.fields() {
		if *f.v == "" {
			return fmt.Errorf("colour %q is missing", f.name)
		}
		if !validColour(*f.v) {
			return fmt.Errorf("colour %s = %q is not #rrggbb, #rgb or an ANSI number 0-255", f.name, *f.v)
		}
	}
	return nil
}

func c(s string) color.Color { return lipgloss.Color(s) }
