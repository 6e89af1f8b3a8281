package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/form"
	"github.com/godmode-console/godmode/ui/views/audit"
	"github.com/godmode-console/godmode/ui/views/blueprints"
	"github.com/godmode-console/godmode/ui/views/drift"
	"github.com/godmode-console/godmode/ui/views/fleet"
	fxview "github.com/godmode-console/godmode/ui/views/forensics"
	"github.com/godmode-console/godmode/ui/views/instances"
	"github.com/godmode-console/godmode/ui/views/leads"
	"github.com/godmode-console/godmode/ui/views/provision"
	"github.com/godmode-console/godmode/ui/views/runs"
	"github.com/godmode-console/godmode/ui/views/workspaces"
)

// Screen ids the root itself names: the bottom of the stack, and the
// screen enter on an execution opens.
const (
	screenFleet     = fleet.Screen
	screenAudit     = "audit"
	screenForensics = "forensics"
)

// builtinScreens is the registry: every screen of the console, the
// commands that open it and what it reloads on. Adding a screen is adding
// a spec here (or in Options.Screens); nothing else in the root names it.
func builtinScreens() []ScreenSpec {
	return []ScreenSpec{
		{ID: screenFleet, Title: "fleet", New: newFleetScreen, Commands: []Command{
			{Name: "ws", Aliases: []string{"workspaces", "fleet"}, Help: "workspaces pane", Run: showFleet(fleet.Workspaces)},
			{Name: "campaigns", Aliases: []string{"camp", "c"}, Help: "campaigns pane", Run: showFleet(fleet.Campaigns)},
			{Name: "executions", Aliases: []string{"ex", "exec"}, Help: "executions pane", Run: showFleet(fleet.Executions)},
		}},
		{ID: screenAudit, Title: "audit trail", New: newAuditScreen, Commands: []Command{
			{Name: "audit", Aliases: []string{"a"}, Args: "[ws=<slug>] [actor=<name>] [outcome=<ok|noop|failed|rolled_back>]", Help: "audit trail", Run: runAudit},
		}},
		{ID: audit.EntryScreen, Title: "audit entry", New: func(e Env) Screen {
			return entryScreen{audit.NewDetail(e.Options.Theme, e.Options.Now)}
		}},
		{ID: "instances", Title: "instances", New: func(e Env) Screen {
			return instancesScreen{instances.New(e.Backend, e.Options.Theme, e.Options.Now)}
		}, Commands: []Command{
			{Name: "instances", Aliases: []string{"inst", "n8n"}, Help: "n8n instances", SuperAdmin: true, Run: func(r *Root, _ []string) tea.Cmd {
				// The header's counts are read again with the list.
				return tea.Batch(r.Show("instances"), r.refreshNow())
			}},
		}},
		{ID: "drift", Title: "drift", New: newDriftScreen(drift.Recent), Commands: []Command{
			{Name: "drift", Aliases: []string{"findings"}, Help: "what sync found and corrected, newest first", Run: showDrift("drift", drift.Recent)},
		}},
		{ID: "unmanaged", Title: "unmanaged", New: newDriftScreen(drift.Unmanaged), Commands: []Command{
			{Name: "unmanaged", Aliases: []string{"orphans"}, Help: "n8n workflows no campaign owns", SuperAdmin: true, Run: showDrift("unmanaged", drift.Unmanaged)},
		}},
		{ID: fleet.NewWorkspaceScreen, Title: "new workspace", New: func(e Env) Screen {
			return form.New(e.Options.Theme, workspaces.NewCreate(e.Backend, e.Options.Actor, func(c workspaces.Created) tea.Msg {
				return common.OpenMsg{Screen: screenFleet, Arg: c}
			}))
		}},
		{ID: "blueprints", Title: "blueprints", New: func(e Env) Screen {
			b, _ := e.Backend.(blueprints.Backend) // nil: the screen says there is no vault
			o := e.Options
			return blueprintsScreen{blueprints.New(b, blueprints.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme})}
		}, Commands: []Command{
			{Name: "blueprints", Aliases: []string{"bp"}, Help: "blueprint vault: versions and what was found in them", SuperAdmin: true},
		}},
		{ID: blueprints.CaptureScreen, Title: "capture", New: func(e Env) Screen {
			b, _ := e.Backend.(blueprints.WriteBackend) // the list offers c only when it is one
			return form.New(e.Options.Theme, blueprints.NewCaptureForm(b, func(r blueprints.CaptureRequest) tea.Msg {
				return common.OpenMsg{Screen: "blueprints", Arg: r}
			}))
		}},
		{ID: blueprints.ProposalScreen, Title: "capture proposal", New: func(e Env) Screen {
			b, _ := e.Backend.(blueprints.WriteBackend)
			return blueprints.NewProposal(b, e.Options.Theme) // Open, Close, Concerns, Reload its own
		}},
		{ID: blueprints.ImportScreen, Title: "import", New: func(e Env) Screen {
			return form.New(e.Options.Theme, blueprints.NewImportForm(func(r blueprints.ImportRequest) tea.Msg {
				return common.OpenMsg{Screen: "blueprints", Arg: r}
			}))
		}},
		{ID: blueprints.ImportingScreen, Title: "import report", New: func(e Env) Screen {
			b, _ := e.Backend.(blueprints.WriteBackend)
			return blueprints.NewImporting(b, e.Options.Theme)
		}},
		{ID: blueprints.VersionScreen, Title: "blueprint version", New: func(e Env) Screen {
			return blueprintVersionScreen{blueprints.NewVersion(e.Options.Theme)}
		}},
		{ID: "runs", Title: "provisioning runs", New: newRunsScreen, Commands: []Command{
			{Name: "runs", Aliases: []string{"provisioning"}, Help: "provisioning runs and their steps", SuperAdmin: true},
		}},
		{ID: runs.DetailScreen, Title: "provisioning run", New: newRunScreen},
		{ID: provision.Screen, Title: "provision", New: func(e Env) Screen {
			return provisionScreen{provision.New(e.Backend, e.Options.Actor, e.Options.Theme)}
		}, Commands: []Command{
			{Name: "provision", Aliases: []string{"prov"}, Args: "[slug]", Help: "provisioning wizard: a workspace awaiting setup from a blueprint", SuperAdmin: true, ReadWrite: true, Run: runProvision},
		}},
		leadImportSpec(),
		pulseSpec(), pulseGroupSpec(),
		searchSpec(),
		{ID: leads.Screen, Title: "leads", New: newLeadsScreen, Commands: []Command{
			{Name: "leads", Args: "[slug]", Help: "a workspace's leads, metadata keys as columns; / filters them", Run: runLeads},
		}},
		{ID: screenForensics, Title: "execution", New: func(e Env) Screen {
			o := e.Options
			return executionScreen{fxview.New(e.Backend, fxview.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme, Now: o.Now, SaveDir: o.SaveDir, NoSave: o.NoSave})}
		}},
	}
}

// fleetScreen is the bottom of the stack. The poll reads it, with the
// header's health, so its Reload is the poll's business.
type fleetScreen struct{ *fleet.Model }

func newFleetScreen(e Env) Screen {
	o := e.Options
	return fleetScreen{fleet.New(e.Backend, fleet.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme, Now: o.Now, ToggleBound: o.ToggleBound})}
}

func (fleetScreen) Concerns(s model.ChangeSet) bool {
	return s.Has(model.TableWorkspaces) || s.Has(model.TableCampaigns) || s.Has(model.TableInstances) || s.Has(model.TableLeadCounts)
}

func (fleetScreen) Reload() tea.Cmd { return nil }

// Open brings the fleet back on something: the workspace a form created.
func (s fleetScreen) Open(arg any) tea.Cmd {
	switch a := arg.(type) {
	case workspaces.Created:
		return s.SelectWorkspace(a.Workspace.ID)
	case provision.Provisioned:
		return s.SelectWorkspace(a.WorkspaceID)
	case fleet.ShowWorkspace:
		return s.SelectWorkspace(a.ID)
	}
	return nil
}

// provisionScreen is the wizard, opened by the fleet's p too.
type provisionScreen struct{ *provision.Wizard }

func (s provisionScreen) Open(arg any) tea.Cmd {
	if p, ok := arg.(fleet.ProvisionWorkspace); ok {
		arg = provision.Request{Workspace: p.Slug}
	}
	return s.Wizard.Open(arg)
}

// runProvision opens the wizard on the workspace named, or the one under
// the fleet's cursor.
func runProvision(r *Root, args []string) tea.Cmd {
	var slug string
	switch len(args) {
	case 0:
		w, ok := r.fleet.SelectedWorkspace()
		if !ok {
			return statusCmd(common.Problem(":provision: name a workspace (:provision SLUG) or put the cursor on one"))
		}
		slug = w.Slug
	case 1:
		slug = args[0]
	default:
		return statusCmd(common.Problem(":provision takes one workspace slug"))
	}
	return r.open(provision.Screen, provision.Request{Workspace: slug}, true)
}

type auditScreen struct{ *audit.Model }

func newAuditScreen(e Env) Screen {
	return auditScreen{audit.New(e.Backend, e.Options.Theme, e.Options.Now)}
}

func (s auditScreen) Init() tea.Cmd                  { return s.Load() }
func (s auditScreen) Reload() tea.Cmd                { return s.Load() }
func (auditScreen) Concerns(cs model.ChangeSet) bool { return cs.Has(model.TableAudit) }

// entryScreen is one audit entry: it is written once, so nothing that
// changes elsewhere concerns it.
type entryScreen struct{ *audit.Detail }

func (entryScreen) Concerns(model.ChangeSet) bool { return false }
func (entryScreen) Reload() tea.Cmd               { return nil }

type instancesScreen struct{ *instances.Model }

func (s instancesScreen) Init() tea.Cmd                  { return s.Load() }
func (s instancesScreen) Reload() tea.Cmd                { return s.Load() }
func (instancesScreen) Concerns(cs model.ChangeSet) bool { return cs.Has(model.TableInstances) }

type blueprintsScreen struct{ *blueprints.Model }

func (s blueprintsScreen) Init() tea.Cmd               { return s.Load() }
func (s blueprintsScreen) Reload() tea.Cmd             { return s.Load() }
func (blueprintsScreen) Concerns(model.ChangeSet) bool { return false }

// blueprintVersionScreen is one version: versions are immutable.
type blueprintVersionScreen struct{ *blueprints.Version }

func (blueprintVersionScreen) Concerns(model.ChangeSet) bool { return false }
func (blueprintVersionScreen) Reload() tea.Cmd               { return nil }

type driftScreen struct{ *drift.Model }

func newDriftScreen(mode drift.Mode) func(Env) Screen {
	return func(e Env) Screen {
		o := e.Options
		return driftScreen{drift.New(e.Backend, mode, o.Theme, o.Now).SetActor(o.Actor, o.ReadOnly)}
	}
}

func (s driftScreen) Init() tea.Cmd                  { return s.Load() }
func (s driftScreen) Reload() tea.Cmd                { return s.Load() }
func (driftScreen) Concerns(cs model.ChangeSet) bool { return cs.Has(model.TableSyncFindings) }

// executionScreen reads one execution when opened on it; it follows a
// retry itself, so no change set concerns it.
type executionScreen struct{ *fxview.Model }

func (s executionScreen) Open(arg any) tea.Cmd {
	msg, ok := arg.(fleet.OpenExecutionMsg)
	if !ok {
		return nil
	}
	src := fxview.Source{CampaignID: msg.Campaign.ID, Campaign: msg.Campaign.Name, Workspace: msg.Workspace, WorkspaceID: msg.Campaign.WorkspaceID,
		InstanceID: msg.Campaign.InstanceID}
	if at := msg.At; at != nil {
		return s.Model.OpenAt(src, msg.Execution.ID, fxview.Landing{Node: at.Node, Run: at.Run, Path: at.Path, Find: at.Find})
	}
	return s.Model.Open(src, msg.Execution.ID)
}

func (executionScreen) Concerns(model.ChangeSet) bool { return false }
func (executionScreen) Reload() tea.Cmd               { return nil }

// workspaceAware screens are taught the workspaces' slugs after each poll.
type workspaceAware interface {
	SetWorkspaces([]model.WorkspaceSummary)
}

// Forensics is the forensics screen (tests use it).
func (r *Root) Forensics() *fxview.Model {
	s, _ := r.screen(screenForensics)
	return s.(executionScreen).Model
}
