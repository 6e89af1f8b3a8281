package forensics

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/ui/common"
)

// MaxCopy is the most y sends through OSC 52: terminals and tmux drop
// bigger clipboard sequences, so the user is told to save instead.
const MaxCopy = 512 << 10

func (m *Model) startInput(mode inputMode) tea.Cmd {
	v := m.view()
	if v == nil || v.doc == nil {
		return status(common.Note("find and path queries work on a JSON document; this tab has none"))
	}
	m.inputMode = mode
	m.input.Reset()
	m.input.Prompt = "/"
	m.input.Placeholder = "text to find (smart case)"
	if mode == queryInput {
		m.input.Prompt = "path> "
		m.input.Placeholder = "gjson path, e.g. 0.json.email or #.json.email"
	}
	m.input.SetWidth(max(10, m.width/2))
	return m.input.Focus()
}

func (m *Model) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.inputMode = noInput
		m.input.Blur()
		return nil
	case "enter":
		mode, text := m.inputMode, strings.TrimSpace(m.input.Value())
		m.inputMode = noInput
		m.input.Blur()
		if mode == findInput {
			return m.find(text)
		}
		return m.query(text)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

func (m *Model) find(text string) tea.Cmd {
	v := m.view()
	if v == nil || v.doc == nil {
		return nil
	}
	n := v.doc.Find(text)
	if text == "" {
		return status(common.Note("search cleared"))
	}
	if n == 0 {
		return status(common.Note(fmt.Sprintf("%q is not in %s", text, m.tab)))
	}
	if line, ok := v.doc.NextMatch(v.cursor, true); ok {
		v.cursor = line
		v.clamp(m.docHeight())
	}
	matched := common.Plural(n, "value matches", "values match")
	return status(common.Note(fmt.Sprintf("%s %q; n and N move between them", matched, text)))
}

func (m *Model) nextMatch(forward bool) tea.Cmd {
	v := m.view()
	if v == nil || v.doc == nil {
		return nil
	}
	line, ok := v.doc.NextMatch(v.cursor, forward)
	if !ok {
		return status(common.Note("no search: / starts one"))
	}
	m.focus = inspectorPane
	v.cursor = line
	v.clamp(m.docHeight())
	return nil
}

func (m *Model) query(path string) tea.Cmd {
	v := m.view()
	if v == nil || v.doc == nil || path == "" {
		return nil
	}
	res, err := v.doc.Query(path)
	if err != nil {
		return status(common.Problem(fmt.Sprintf("path %q: %v (gjson syntax: github.com/tidwall/gjson/blob/master/SYNTAX.md)", path, err)))
	}
	if res.Line >= 0 {
		m.focus = inspectorPane
		v.cursor = res.Line
		v.clamp(m.docHeight())
		return nil
	}
	return status(common.Note(fmt.Sprintf("%s = %s", path, cut(printable(string(res.Raw)), 300))))
}

// copyValue sends the value under the cursor to the clipboard via OSC 52,
// which terminals honour over SSH too.
func (m *Model) copyValue() tea.Cmd {
	v := m.view()
	var val, what string
	switch {
	case v == nil:
		return nil
	case v.doc != nil:
		val, what = string(v.doc.ValueAt(v.cursor)), v.doc.PathAt(v.cursor)
	case v.code != nil:
		val, what = v.code.source(), "the code"
	default:
		return status(common.Note("nothing to copy here"))
	}
	if len(val) > MaxCopy {
		return status(common.Problem(fmt.Sprintf("%s is %s: too big for the clipboard (OSC 52 stops at %s); x saves the execution to a file instead",
			what, size(len(val)), size(MaxCopy))))
	}
	return tea.Batch(tea.SetClipboard(val), status(common.Done(fmt.Sprintf("copied %s (%s) to the clipboard", what, size(len(val))))))
}

func (m *Model) copyPath() tea.Cmd {
	v := m.view()
	switch {
	case v != nil && v.doc != nil:
		p := v.doc.PathAt(v.cursor)
		return tea.Batch(tea.SetClipboard(p), status(common.Done("copied path "+p)))
	case v != nil && v.code != nil:
		r, _ := m.Selected()
		return tea.Batch(tea.SetClipboard(r.Node), status(common.Done("copied node name "+r.Node)))
	}
	return status(common.Note("no path here"))
}

type savedMsg struct {
	path string
	n    int
	err  error
}

// save writes the sanitized execution next to the user, never over an
// existing file. The execution id is n8n's word, not ours: it is made a
// safe file name (no '/', no "..", no leading dot) so the file lands in
// the folder whatever the id holds.
func (m *Model) save() tea.Cmd {
	if m.noSave != "" {
		return status(common.Problem(m.noSave))
	}
	e := m.exec
	dir := m.saveDir
	return func() tea.Msg {
		if dir == "" {
			var err error
			if dir, err = os.Getwd(); err != nil {
				return savedMsg{err: err}
			}
		}
		b := e.Bytes()
		id := safetext.FileName(e.ID)
		for i := 1; i < 1000; i++ {
			name := fmt.Sprintf("execution-%s.json", id)
			if i > 1 {
				name = fmt.Sprintf("execution-%s-%d.json", id, i)
			}
			p := filepath.Join(dir, name)
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return savedMsg{err: err}
			}
			_, err = f.Write(b)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return savedMsg{path: p, n: len(b), err: err}
		}
		return savedMsg{err: fmt.Errorf("%s already holds 999 saved copies of execution %s", dir, id)}
	}
}

func (m *Model) saved(msg savedMsg) tea.Cmd {
	if msg.err != nil {
		return status(common.Problem("could not save the execution: " + msg.err.Error() + " (check the directory is writable)"))
	}
	return status(common.Done(fmt.Sprintf("saved the sanitized execution to %s (%s; binaries replaced by descriptors)", msg.path, size(msg.n))))
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
