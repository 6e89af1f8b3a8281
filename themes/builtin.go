package themes

// The built-in palettes. Dark and light follow the usual 16-colour-safe hues
// so they survive downsampling to ANSI; high contrast uses only black, white
// and the brightest primaries.
var builtins = map[string]struct {
	palette Palette
	chroma  string
}{
	"dark": {Palette{
		Fg: "#d0d0d0", Muted: "#7a7a7a", Accent: "#5fafff", OK: "#5fd75f", Warn: "#ffaf00",
		Error: "#ff5f5f", Info: "#87d7ff", SelectedFg: "#ffffff", SelectedBg: "#005f87",
		MarkedFg: "#d787ff", Border: "#4e4e4e", BorderFocused: "#5fafff",
		HeaderFg: "#ffffff", HeaderBg: "#303030",
	}, "monokai"},
	"light": {Palette{
		Fg: "#262626", Muted: "#808080", Accent: "#005fd7", OK: "#008700", Warn: "#af5f00",
		Error: "#d70000", Info: "#0087af", SelectedFg: "#000000", SelectedBg: "#afd7ff",
		MarkedFg: "#8700af", Border: "#bcbcbc", BorderFocused: "#005fd7",
		HeaderFg: "#000000", HeaderBg: "#e4e4e4",
	}, "github"},
	"high-contrast": {Palette{
		Fg: "#ffffff", Muted: "#c0c0c0", Accent: "#ffff00", OK: "#00ff00", Warn: "#ffff00",
		Error: "#ff0000", Info: "#00ffff", SelectedFg: "#000000", SelectedBg: "#ffff00",
		MarkedFg: "#ff00ff", Border: "#ffffff", BorderFocused: "#ffff00",
		HeaderFg: "#000000", HeaderBg: "#ffffff",
	}, "bw"},
}

// Default is the theme used when none is named.
const Default = "dark"

// Builtin lists the built-in theme names in the order help shows them.
func Builtin() []string { return []string{"dark", "light", "high-contrast"} }
