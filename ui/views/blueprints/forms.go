package blueprints

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/form"
)

// Screen ids of the vault's changes (ui registers them): the two forms,
// and the screens they lead to.
const (
	CaptureScreen   = "blueprint.capture"
	ProposalScreen  = "blueprint.proposal"
	ImportScreen    = "blueprint.import"
	ImportingScreen = "blueprint.importing"
)

// WriteBackend is what capturing and importing call, always from a
// tea.Cmd; model.ActorConsole implements it.
type WriteBackend interface {
	Workspaces(ctx context.Context) ([]model.WorkspaceSummary, error)
	ProposeCapture(ctx context.Context, name, slug string) (model.CaptureProposal, error)
	StoreCapture(ctx context.Context, p model.CaptureProposal, tokens []blueprint.Token) (model.CaptureResult, error)
	ImportBlueprintFiles(ctx context.Context, name string, paths []string) (model.ImportResult, error)
}

// Timeout bounds the forms' reads of Postgres; ReadTimeout bounds a
// capture's reading of n8n (each workflow's read is bounded by the model
// as well) and an import's reading and checking of files.
var (
	Timeout     = 10 * time.Second
	ReadTimeout = 2 * time.Minute
)

// CaptureRequest is a filled capture form: the proposal screen reads it.
type CaptureRequest struct{ Blueprint, Workspace string }

// ImportRequest is a filled import form: the importing screen runs it.
type ImportRequest struct{ Blueprint, Path string }

// Stored brings the list back on a blueprint just stored.
type Stored struct{ Blueprint string }

// whyNoChange says why this session may not capture or import ("": it may).
func (m *Model) whyNoChange() string {
	switch {
	case m.readOnly:
		return "read-only session: captures and imports are off (restart without --read-only)"
	case model.Authorize(m.actor, model.ActionEditBlueprint, 0) != nil:
		return "captures and imports are for super admins only"
	}
	if _, ok := m.backend.(WriteBackend); !ok {
		return "this console cannot change the vault"
	}
	return ""
}

// whyNoImport is whyNoChange, and a session that may not read the host's
// files (one over SSH) says so.
func (m *Model) whyNoImport() string {
	if why := m.whyNoChange(); why != "" {
		return why
	}
	if h, ok := m.backend.(interface{ HostFilesRefused() string }); ok {
		return h.HostFilesRefused()
	}
	return ""
}

// changeKey opens a form. Refused, it says why at once, and the model is
// asked anyway so that it refuses and the attempt is on the record.
func (m *Model) changeKey(screen string) tea.Cmd {
	why := m.whyNoChange()
	if screen == ImportScreen {
		why = m.whyNoImport()
	}
	if why == "" {
		return func() tea.Msg { return common.OpenMsg{Screen: screen} }
	}
	problem := func() tea.Msg { return common.Problem("refused: " + why) }
	wb, ok := m.backend.(WriteBackend)
	if !ok {
		return problem
	}
	return tea.Batch(problem, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		if screen == CaptureScreen {
			_, _ = wb.ProposeCapture(ctx, "", "")
		} else {
			_, _ = wb.ImportBlueprintFiles(ctx, "", nil)
		}
		return nil
	})
}

// Open brings the list back: on a request a form made (its screen is
// opened next) or on a blueprint just stored (selected once listed).
func (m *Model) Open(arg any) tea.Cmd {
	switch a := arg.(type) {
	case CaptureRequest:
		return tea.Batch(m.Load(), func() tea.Msg { return common.OpenMsg{Screen: ProposalScreen, Arg: a} })
	case ImportRequest:
		return tea.Batch(m.Load(), func() tea.Msg { return common.OpenMsg{Screen: ImportingScreen, Arg: a} })
	case Stored:
		m.want = a.Blueprint
	}
	return m.Load()
}

func checkName(s string) error {
	if err := model.CheckBlueprintName(s); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), model.ErrInvalid.Error()+": "))
	}
	return nil
}

// NewCaptureForm is the capture form: the workspace (one with an n8n
// instance) and the blueprint the capture becomes a version of. open
// builds the message that brings the list back on the request, which
// opens the proposal.
func NewCaptureForm(b WriteBackend, open func(CaptureRequest) tea.Msg) form.Spec {
	var req CaptureRequest
	return form.Spec{
		Title: "Capture a workspace into a blueprint (nothing is stored until you confirm)",
		Reset: func() { req = CaptureRequest{} },
		Load: func() tea.Cmd {
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), Timeout)
				defer cancel()
				list, err := b.Workspaces(ctx)
				var opts []huh.Option[string]
				for _, w := range list {
					if w.InstanceID != nil && w.Status != model.WorkspaceArchived {
						opts = append(opts, huh.NewOption(safetext.Line(w.Slug+" · "+w.Name+" on "+w.InstanceName), w.Slug))
					}
				}
				if err == nil && len(opts) == 0 {
					err = errors.New("no workspace has an n8n instance to read: create one first (n on the workspaces pane)")
				}
				return form.LoadedMsg{Data: opts, Err: err}
			}
		},
		Groups: func(loaded any) []*huh.Group {
			opts, _ := loaded.([]huh.Option[string])
			return []*huh.Group{huh.NewGroup(
				huh.NewSelect[string]().Title("Workspace").Description("its campaigns' workflows are read from n8n").
					Options(opts...).Value(&req.Workspace).Height(min(len(opts)+2, 8)),
				huh.NewInput().Title("Blueprint").Description("a new name, or an existing one to add a version to").
					Value(&req.Blueprint).Validate(checkName),
			)}
		},
		Submit: func() tea.Cmd {
			want := req
			return func() tea.Msg { return form.SubmittedMsg{Then: func() tea.Msg { return open(want) }} }
		},
	}
}

// NewImportForm is the import form: the blueprint and a file or directory
// on the host godmode runs on (the model reads it, capped).
func NewImportForm(open func(ImportRequest) tea.Msg) form.Spec {
	var req ImportRequest
	return form.Spec{
		Title: "Import workflow files into a blueprint",
		Reset: func() { req = ImportRequest{} },
		Groups: func(any) []*huh.Group {
			return []*huh.Group{huh.NewGroup(
				huh.NewInput().Title("Blueprint").Description("a new name, or an existing one to add a version to").
					Value(&req.Blueprint).Validate(checkName),
				huh.NewInput().Title("Path").Description("a workflow file, or a directory of *.json, on the host godmode runs on").
					Value(&req.Path).Validate(func(s string) error {
					if strings.TrimSpace(s) == "" {
						return errors.New("say which file or directory")
					}
					return nil
				}),
			)}
		},
		Submit: func() tea.Cmd {
			want := req
			want.Path = strings.TrimSpace(want.Path)
			return func() tea.Msg { return form.SubmittedMsg{Then: func() tea.Msg { return open(want) }} }
		},
	}
}
