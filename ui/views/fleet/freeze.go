package fleet

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
)

// FrozenMsg is the end of a freeze or unfreeze.
type FrozenMsg struct {
	Slug   string
	Freeze bool
	Err    error

	refused bool // the console had refused it already and said so
}

func (m *Model) whyNoFreeze() string {
	if m.readOnly {
		return "read-only session: the kill switch is off (restart without --read-only)"
	}
	if err := model.Authorize(m.actor, model.ActionFreeze, 0); err != nil {
		return "the kill switch is for super admins only"
	}
	return ""
}

// freezeKey opens the kill-switch dialog: freeze an active workspace, or
// unfreeze a suspended one. Both need the slug typed and a reason.
func (m *Model) freezeKey() tea.Cmd {
	w, ok := m.ws.Selected()
	if !ok {
		return status(common.Note("no workspace selected"))
	}
	freeze := w.Status != model.WorkspaceSuspended
	if why := m.whyNoFreeze(); why != "" {
		// Said at once; the model refuses it again and records the attempt
		// (with no reason given, it can never go further).
		return tea.Batch(status(common.Problem("refused: "+why)), m.killSwitchCmd(w.ID, w.Slug, freeze, ""))
	}
	verb, body := "Freeze", fmt.Sprintf("Pauses every campaign of %s in n8n and suspends the workspace.", w.Slug)
	if !freeze {
		verb = "Unfreeze"
		body = fmt.Sprintf("%s was frozen: %s. Unfreezing lets its campaigns be switched on again.", w.Slug, w.FreezeReason)
	}
	slug := w.Slug
	m.dialog = prompt.New(m.theme, verb+" workspace "+slug+"?", body,
		prompt.Field{Label: "Type the workspace slug (" + slug + ") to confirm", Check: func(v string) string {
			if v != slug {
				return "that is not " + slug + ": type it exactly, or esc to cancel"
			}
			return ""
		}},
		prompt.Field{Label: "Reason (kept in the audit trail)", Check: func(v string) string {
			if v == "" {
				return "a reason is required"
			}
			return ""
		}})
	id := w.ID
	m.onConfirm = func(v []string) tea.Cmd { return m.killSwitchCmd(id, slug, freeze, v[1]) }
	return nil
}

// FreezeTimeout bounds a freeze or unfreeze, which pauses or resumes every
// campaign of the workspace, each within the model's toggle bound.
var FreezeTimeout = time.Minute

func (m *Model) killSwitchCmd(id int64, slug string, freeze bool, reason string) tea.Cmd {
	b, actor := m.backend, m.actor
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), FreezeTimeout)
		defer cancel()
		var err error
		if freeze {
			err = b.Freeze(ctx, actor, id, reason)
		} else {
			err = b.Unfreeze(ctx, actor, id, reason)
		}
		return FrozenMsg{Slug: slug, Freeze: freeze, Err: err, refused: reason == ""}
	}
}

func (m *Model) frozen(msg FrozenMsg) tea.Cmd {
	verb, done := "freeze", "froze"
	if !msg.Freeze {
		verb, done = "unfreeze", "unfroze"
	}
	if msg.Err != nil {
		if msg.refused {
			return nil // the refusal is on screen already, and now on the record
		}
		return status(common.Problem(fmt.Sprintf("could not %s %s: %s", verb, msg.Slug, safetext.Line(msg.Err.Error()))))
	}
	return tea.Batch(status(common.Done(done+" "+msg.Slug)), refresh)
}
