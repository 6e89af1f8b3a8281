// Package themes holds every colour godmode draws with: Lip Gloss styles and
// chroma styles for the built-in dark, light and high-contrast themes, user
// themes read from TOML, and NO_COLOR. No other package names a colour.
package themes
