// Package workspaces holds the console's workspace screens: the form that
// creates one (n on the workspaces pane), for super admins.
package workspaces

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/form"
)

// Backend is the part of ui.Backend the form calls, always from a tea.Cmd.
type Backend interface {
	Instances(ctx context.Context) ([]model.InstanceHealth, error)
	CreateWorkspace(ctx context.Context, actor model.Actor, in model.NewWorkspace) (model.Workspace, error)
}

// Timeout bounds the form's reads and its create: both are Postgres only.
var Timeout = 10 * time.Second

// Created is the workspace a submitted form made: the fleet selects it.
type Created struct{ Workspace model.Workspace }

// NextStep is what to do with a workspace awaiting setup, as the console
// says it.
const NextStep = "adopt its workflows in :unmanaged (m marks, a adopts)"

// NewCreate is the "new workspace" form: slug, name, and the n8n instance
// (one of those the actor may see). open builds the message that brings
// the fleet back on the new workspace.
func NewCreate(b Backend, actor model.Actor, open func(Created) tea.Msg) form.Spec {
	var in model.NewWorkspace
	return form.Spec{
		Title: "New workspace (nothing is provisioned: it waits for setup)",
		Reset: func() { in = model.NewWorkspace{} },
		Load: func() tea.Cmd {
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), Timeout)
				defer cancel()
				insts, err := b.Instances(ctx)
				if err == nil && len(insts) == 0 {
					err = errors.New("no n8n instance is registered: add one first (godmode instances add NAME --url URL)")
				}
				names := make([]string, len(insts))
				for i, h := range insts {
					names[i] = h.Name
				}
				return form.LoadedMsg{Data: names, Err: err}
			}
		},
		Groups: func(loaded any) []*huh.Group {
			names, _ := loaded.([]string)
			return []*huh.Group{huh.NewGroup(
				huh.NewInput().Title("Slug").Description(model.SlugRule).Value(&in.Slug).Validate(model.CheckSlug),
				huh.NewInput().Title("Name").Description("as people read it, e.g. Texas Roofing").Value(&in.Name).
					Validate(func(s string) error {
						if s == "" {
							return errors.New("a workspace needs a name")
						}
						return nil
					}),
				huh.NewSelect[string]().Title("n8n instance").Description("where its workflows will live").
					Options(huh.NewOptions(names...)...).Value(&in.Instance),
			)}
		},
		Submit: func() tea.Cmd {
			want := in // as it is now: the form is done with it
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), Timeout)
				defer cancel()
				ws, err := b.CreateWorkspace(ctx, actor, want)
				if err != nil {
					return form.SubmittedMsg{Err: err}
				}
				done := common.Done(fmt.Sprintf("created workspace %s on %s: awaiting setup — %s", ws.Slug, want.Instance, NextStep))
				return form.SubmittedMsg{Then: tea.Batch(
					func() tea.Msg { return done },
					func() tea.Msg { return common.RefreshMsg{} },
					func() tea.Msg { return open(Created{Workspace: ws}) })}
			}
		},
	}
}
