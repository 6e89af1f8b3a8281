package common

import (
	"charm.land/bubbles/v2/textinput"

	"github.com/godmode-console/godmode/themes"
)

// NewInput returns a text input styled from the theme. The cursor does not
// blink: a blinking cursor would make every screen capture differ.
func NewInput(th *themes.Theme, prompt string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	st := textinput.Styles{}
	st.Focused.Prompt = th.Prompt
	st.Focused.Text = th.Text
	st.Focused.Placeholder = th.Muted
	st.Focused.Suggestion = th.Muted
	st.Blurred = st.Focused
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}
