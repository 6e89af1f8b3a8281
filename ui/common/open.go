package common

// OpenMsg asks the console to open the screen registered as Screen, on Arg
// (an audit entry, an execution) when that screen is opened on something.
// Views send it to open another screen without knowing the stack.
type OpenMsg struct {
	Screen string
	Arg    any
}
