// Package ui is the console: a thin root Bubble Tea model that routes
// messages to one child model per view. Views never call n8n or SQL; they send
// messages, model does the work in a tea.Cmd, and the result comes back typed.
package ui
