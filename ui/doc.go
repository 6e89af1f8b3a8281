// Package ui is the console: a thin root Bubble Tea model over a stack of
// screens registered in one table (screens.go), the fleet at the bottom.
// Views never call n8n or SQL; they send messages, model does the work in a
// tea.Cmd, and the result comes back typed, addressed to the screen that
// asked.
package ui
