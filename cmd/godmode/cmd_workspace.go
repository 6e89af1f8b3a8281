package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// slugPattern is the schema's rule for a workspace slug (workspaces_slug_check):
// what a lookup accepts. A new slug follows model.CheckSlug, stricter.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

const workspaceUsage = "godmode workspace create SLUG --name NAME --instance NAME | list | show SLUG | archive SLUG | restore SLUG | freeze|unfreeze SLUG --reason TEXT"

// nextStep is what to do with a workspace awaiting setup.
func nextStep(slug string) string {
	return "adopt its workflows (godmode adopt --workspace " + slug + " --tagged, or a in the console's :unmanaged view), or provision it from a blueprint (godmode provision --workspace " + slug + " --blueprint NAME@V --values FILE)"
}

func runWorkspace(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("workspace")
	reason := fs.String("reason", "", "why (freeze, unfreeze; required): the `TEXT` is recorded in the audit trail and shown on the workspace")
	name := fs.String("name", "", "the workspace's display `NAME` (create), e.g. \"Texas Roofing\"")
	instance := fs.String("instance", "", "the n8n instance (`NAME`) its workflows live on (create)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"say what to do: " + workspaceUsage}
	}
	action, rest := pos[0], pos[1:]
	want := map[string]int{"create": 1, "list": 0, "show": 1, "archive": 1, "restore": 1, "freeze": 1, "unfreeze": 1}
	n, known := want[action]
	if !known {
		return usageError{fmt.Sprintf("%q is not a workspace action: say create, list, show, archive, restore, freeze or unfreeze: %s", safetext.Line(action), workspaceUsage)}
	}
	if len(rest) != n {
		if n == 0 {
			return usageError{"workspace list takes no arguments: godmode workspace list [--json]"}
		}
		return usageError{fmt.Sprintf("workspace %s takes the workspace's slug: %s", action, workspaceUsage)}
	}
	// Checked before connecting, so a typo is answered at once.
	switch action {
	case "create":
		if err := model.CheckSlug(rest[0]); err != nil {
			return usageError{err.Error()}
		}
		if strings.TrimSpace(*name) == "" || *instance == "" {
			return usageError{"workspace create needs --name NAME and --instance NAME (godmode instances list names the instances)"}
		}
	case "show", "archive", "restore", "freeze", "unfreeze":
		if !slugPattern.MatchString(rest[0]) {
			return usageError{fmt.Sprintf("%q is not a workspace slug (lowercase letters, digits and dashes, as godmode's panes show it)", safetext.Line(rest[0]))}
		}
	}
	if (action == "freeze" || action == "unfreeze") && strings.TrimSpace(*reason) == "" {
		return fmt.Errorf("a %s needs --reason TEXT: it is recorded in the audit trail and shown on the workspace", action)
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	out := workspaceOut{g: g, console: console, json: *asJSON}
	switch action {
	case "create":
		ws, err := console.CreateWorkspace(ctx, actor, model.NewWorkspace{Slug: rest[0], Name: *name, Instance: *instance})
		if err != nil {
			return err
		}
		return out.created(ws, *instance)
	case "list":
		wss, err := console.ListWorkspaces(ctx, actor)
		if err != nil {
			return err
		}
		return out.list(wss)
	case "show":
		d, err := console.ShowWorkspace(ctx, actor, rest[0])
		if err != nil {
			return err
		}
		return out.show(d)
	case "archive":
		ws, archived, err := console.ArchiveWorkspace(ctx, actor, rest[0])
		if err != nil {
			return err
		}
		return out.archived(ws, archived)
	case "restore":
		ws, restored, err := console.RestoreWorkspace(ctx, actor, rest[0])
		if err != nil {
			return err
		}
		return out.restored(ws, restored)
	}
	return killSwitch(ctx, out, actor, action, rest[0], *reason)
}

func killSwitch(ctx context.Context, out workspaceOut, actor model.Actor, action, slug, reason string) error {
	console := out.console
	ws, err := console.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if action == "freeze" {
		err = console.Freeze(ctx, actor, ws.ID, reason)
	} else {
		err = console.Unfreeze(ctx, actor, ws.ID, reason)
	}
	if err != nil {
		return err
	}
	if out.json {
		if now, err := console.WorkspaceBySlug(ctx, ws.Slug); err == nil {
			ws = now
		}
		return writeJSON(out.g.stdout, map[string]string{"workspace": ws.Slug, "action": action, "status": string(ws.Status)})
	}
	done := map[string]string{"freeze": "frozen", "unfreeze": "unfrozen"}[action]
	fmt.Fprintf(out.g.stdout, "workspace %s %s\n", ws.Slug, done)
	return nil
}

// workspaceOut prints what the workspace commands answer.
type workspaceOut struct {
	g       *globals
	console *model.Console
	json    bool
}

// workspaceJSON is one workspace as `workspace list|show --json` prints
// it; the field names are part of the CLI's contract.
type workspaceJSON struct {
	Slug        string         `json:"slug"`
	Name        string         `json:"name"`
	Status      string         `json:"status"`
	Instance    string         `json:"instance"`
	Campaigns   map[string]int `json:"campaigns"` // by status, every status present
	Failures24h int            `json:"failures_24h"`
	FreezeNote  string         `json:"freeze_reason,omitempty"`
	Members     []memberJSON   `json:"members,omitempty"`
}

type memberJSON struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func toWorkspaceJSON(w model.WorkspaceSummary) workspaceJSON {
	j := workspaceJSON{Slug: w.Slug, Name: w.Name, Status: string(w.Status), Instance: w.InstanceName,
		Campaigns: map[string]int{}, Failures24h: w.Failures24h, FreezeNote: w.FreezeReason}
	for _, st := range model.CampaignStatuses {
		j.Campaigns[string(st)] = w.CampaignCounts[st]
	}
	return j
}

func (o workspaceOut) created(ws model.Workspace, instance string) error {
	if o.json {
		return writeJSON(o.g.stdout, map[string]string{"workspace": ws.Slug, "action": "create", "name": ws.Name,
			"instance": instance, "status": string(ws.Status)})
	}
	fmt.Fprintf(o.g.stdout, "workspace %s created on n8n instance %s: %s, nothing provisioned\nnext: %s\n",
		ws.Slug, instance, statusWords(ws.Status), nextStep(ws.Slug))
	return nil
}

func (o workspaceOut) list(wss []model.WorkspaceSummary) error {
	if o.json {
		out := make([]workspaceJSON, 0, len(wss))
		for _, w := range wss {
			out = append(out, toWorkspaceJSON(w))
		}
		return writeJSON(o.g.stdout, map[string]any{"workspaces": out})
	}
	t := newTable(o.g.stdout, "WORKSPACE", "NAME", "STATUS", "INSTANCE", "ON/OFF/ERR", "FAILURES 24H")
	for _, w := range wss {
		c := w.CampaignCounts
		t.row(w.Slug, w.Name, statusWords(w.Status), w.InstanceName,
			fmt.Sprintf("%d/%d/%d", c[model.CampaignActive], c[model.CampaignPaused], c[model.CampaignError]), itoa(int64(w.Failures24h)))
	}
	return t.flush()
}

func (o workspaceOut) show(d model.WorkspaceDetail) error {
	if o.json {
		j := toWorkspaceJSON(d.WorkspaceSummary)
		j.Members = []memberJSON{}
		for _, m := range d.Members {
			j.Members = append(j.Members, memberJSON{Email: m.Email, Name: m.Name, Role: string(m.Role)})
		}
		return writeJSON(o.g.stdout, j)
	}
	w, line := o.g.stdout, safetext.Line
	fmt.Fprintf(w, "workspace  %s\nname       %s\nstatus     %s\n", d.Slug, line(d.Name), statusWords(d.Status))
	if d.FreezeReason != "" {
		fmt.Fprintf(w, "frozen     %s\n", line(d.FreezeReason))
	}
	inst := d.InstanceName
	if inst == "" {
		inst = "-"
	}
	fmt.Fprintf(w, "instance   %s\n", line(inst))
	c := d.CampaignCounts
	fmt.Fprintf(w, "campaigns  %d: %d active, %d paused, %d error, %d archived; %d failures in 24h\n",
		d.Campaigns, c[model.CampaignActive], c[model.CampaignPaused], c[model.CampaignError], c[model.CampaignArchived], d.Failures24h)
	if d.Status == model.WorkspaceAwaitingSetup && d.Campaigns == 0 {
		fmt.Fprintf(w, "next       %s\n", nextStep(d.Slug))
	}
	if len(d.Members) == 0 {
		fmt.Fprintln(w, "members    none (godmode users grant EMAIL --workspace "+d.Slug+" --role ROLE)")
		return nil
	}
	fmt.Fprintln(w, "members")
	t := newTable(w, "  EMAIL", "NAME", "ROLE")
	for _, m := range d.Members {
		t.row("  "+m.Email, m.Name, string(m.Role))
	}
	return t.flush()
}

func (o workspaceOut) archived(ws model.Workspace, campaigns []string) error {
	if o.json {
		return writeJSON(o.g.stdout, map[string]any{"workspace": ws.Slug, "action": "archive", "status": string(ws.Status),
			"campaigns_archived": append([]string{}, campaigns...)})
	}
	fmt.Fprintf(o.g.stdout, "workspace %s archived", ws.Slug)
	if len(campaigns) > 0 {
		fmt.Fprintf(o.g.stdout, " with its %d campaign(s): %s", len(campaigns), safetext.Line(strings.Join(campaigns, ", ")))
	}
	fmt.Fprintln(o.g.stdout)
	return nil
}

func (o workspaceOut) restored(ws model.Workspace, campaigns []string) error {
	if o.json {
		return writeJSON(o.g.stdout, map[string]any{"workspace": ws.Slug, "action": "restore", "status": string(ws.Status),
			"campaigns_restored": append([]string{}, campaigns...)})
	}
	fmt.Fprintf(o.g.stdout, "workspace %s restored: %s", ws.Slug, statusWords(ws.Status))
	if len(campaigns) > 0 {
		fmt.Fprintf(o.g.stdout, ", with its %d campaign(s) back as they were, none switched on: %s", len(campaigns), safetext.Line(strings.Join(campaigns, ", ")))
	}
	fmt.Fprintln(o.g.stdout)
	return nil
}

// statusWords says a workspace status as people read it.
func statusWords(s model.WorkspaceStatus) string {
	switch s {
	case model.WorkspaceAwaitingSetup:
		return "awaiting setup"
	case model.WorkspaceSuspended:
		return "frozen"
	}
	return string(s)
}
