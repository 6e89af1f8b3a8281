package common

// Level says how a status-line message reads.
type Level int

const (
	Info Level = iota
	Success
	Failure
)

// StatusMsg asks the root to show a transient message in the status line.
// Failures say what went wrong and what to do about it.
type StatusMsg struct {
	Level Level
	Text  string
}

// Note, Done and Problem build StatusMsgs of each level.
func Note(text string) StatusMsg    { return StatusMsg{Level: Info, Text: text} }
func Done(text string) StatusMsg    { return StatusMsg{Level: Success, Text: text} }
func Problem(text string) StatusMsg { return StatusMsg{Level: Failure, Text: text} }

// RefreshMsg asks the root to poll now rather than at the next tick, after
// something changed (a toggle settled, a workspace was frozen).
type RefreshMsg struct{}
