package common

// OpenMsg asks the console to open the screen registered as Screen, on Arg
// (an audit entry, an execution) when that screen is opened on something.
// Views send it to open another screen without knowing the stack.
type OpenMsg struct {
	Screen string
	Arg    any
}

// BackMsg asks the console to close the screen that sent it and go back
// to the one before (a form done or cancelled). It is obeyed only while
// that screen is in front.
type BackMsg struct{}
