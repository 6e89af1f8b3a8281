package leadimport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/components/form"
)

var errNotAFile = errors.New("not a regular file")

// noCampaign is the campaign choice that assigns none.
const noCampaign = "\x00none"

// choices is what the form binds; it outlives the huh form, which is
// rebuilt when the screen is opened again.
type choices struct {
	Path       string
	Campaign   string
	Duplicates string
	SkipBad    bool
	AsText     bool
}

// target is the workspace the form is for, with its campaigns.
type target struct {
	ws    model.WorkspaceSummary
	camps []model.Campaign
}

// loadedMsg answers the form's reads.
type loadedMsg struct {
	seq int
	t   target
	err error
}

// load reads the workspace (as the actor may see it) and its campaigns.
func load(b Backend, seq int, slug string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
		defer cancel()
		wss, err := b.Workspaces(ctx)
		if err != nil {
			return loadedMsg{seq: seq, err: err}
		}
		for _, w := range wss {
			if w.Slug == slug {
				camps, err := b.Campaigns(ctx, w.ID)
				return loadedMsg{seq: seq, t: target{ws: w, camps: camps}, err: err}
			}
		}
		return loadedMsg{seq: seq, err: fmt.Errorf("no workspace %q that you may see", slug)}
	}
}

// newForm is the huh form over c for workspace t.
func (s *Model) newForm(t target) *huh.Form {
	c := &s.choice
	opts := []huh.Option[string]{huh.NewOption("none", noCampaign)}
	for _, camp := range t.camps {
		opts = append(opts, huh.NewOption(safetext.Line(camp.Name), camp.Name))
	}
	if c.Campaign == "" {
		c.Campaign = noCampaign
	}
	if c.Duplicates == "" {
		c.Duplicates = model.LeadsMerge
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit = escKey
	f := huh.NewForm(huh.NewGroup(
		huh.NewInput().Title("CSV file on this machine").Description("a path; ~ is your home").
			Value(&c.Path).Validate(s.checkPath),
		huh.NewSelect[string]().Title("Campaign").Description("the leads' campaign in "+t.ws.Slug).
			Options(opts...).Value(&c.Campaign),
		huh.NewSelect[string]().Title("Duplicates").Description("an email already in the file or among the leads").
			Options(huh.NewOption("merge: the newer value of each key wins", model.LeadsMerge),
				huh.NewOption("skip: keep the first row and the lead already there", model.LeadsSkip)).
			Value(&c.Duplicates),
		huh.NewConfirm().Title("Skip invalid rows?").Description("no: nothing lands if any row fails").
			Affirmative("skip them").Negative("all or nothing").Value(&c.SkipBad),
		huh.NewConfirm().Title("Keep every value as text?").Description("no: numbers and booleans are typed where a whole column agrees").
			Affirmative("as text").Negative("typed").Value(&c.AsText),
	)).WithTheme(form.Theme(s.theme)).WithKeyMap(keys).WithShowHelp(false)
	return f
}

// expand makes ~ the home directory and the path absolute, so the rejects
// file's place can be named exactly.
func expand(path string) string {
	path = strings.TrimSpace(path)
	if path == "~" || strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, strings.TrimPrefix(path, "~"))
		}
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// checkPath refuses, in the form, a path that is no readable file.
func (s *Model) checkPath(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("name the CSV file")
	}
	f, _, err := s.open(expand(p))
	if err != nil {
		return fmt.Errorf("cannot read %s: %s", p, pathProblem(err))
	}
	f.Close()
	return nil
}

// pathProblem is an open error without the path Go repeats in it.
func pathProblem(err error) string {
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap().Error()
	}
	return err.Error()
}

// RejectsPath is where an import of source writes its rejects: next to
// it, FILE.rejects.csv (leads.csv gives leads.rejects.csv).
func RejectsPath(source string) string {
	ext := filepath.Ext(source)
	return strings.TrimSuffix(source, ext) + ".rejects.csv"
}
