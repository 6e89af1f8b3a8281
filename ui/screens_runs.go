package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/views/runs"
)

func runsOptions(e Env) (runs.Backend, runs.Options) {
	b, _ := e.Backend.(runs.Backend) // nil: the screen says runs cannot be read
	o := e.Options
	return b, runs.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme, Now: o.Now}
}

// runsConcern: a run or one of its steps was recorded anywhere.
func runsConcern(cs model.ChangeSet) bool {
	return cs.Has(model.TableProvisioningRuns) || cs.Has(model.TableProvisioningSteps)
}

type runsScreen struct{ *runs.Model }

func newRunsScreen(e Env) Screen { return runsScreen{runs.New(runsOptions(e))} }

func (s runsScreen) Init() tea.Cmd                  { return s.Load() }
func (s runsScreen) Reload() tea.Cmd                { return s.Load() }
func (runsScreen) Concerns(cs model.ChangeSet) bool { return runsConcern(cs) }

// runScreen is one run, re-read as its steps are recorded.
type runScreen struct{ *runs.Detail }

func newRunScreen(e Env) Screen { return runScreen{runs.NewDetail(runsOptions(e))} }

func (s runScreen) Reload() tea.Cmd                { return s.Load() }
func (runScreen) Concerns(cs model.ChangeSet) bool { return runsConcern(cs) }
