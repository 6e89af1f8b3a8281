package genesis

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// WorkspaceTagPrefix marks the tag naming a workspace; the same as
// model.WorkspaceTagPrefix (a test in model keeps them equal), repeated so
// this package need not import model.
const WorkspaceTagPrefix = "ws:"

// BlueprintTagPrefix marks the tag naming the blueprint version a workflow
// was provisioned from: bp:NAME@vN.
const BlueprintTagPrefix = "bp:"

// n8n's limits that a plan would otherwise meet only at apply (seen: a tag
// name over 24 characters answers 409).
const (
	MaxTagName      = 24
	MaxWorkflowName = 128
)

// BuiltinSlug is filled from the workspace, never from the values file:
// capture turns a workspace's slug into it.
const BuiltinSlug = "YOUR_WORKSPACE_SLUG"

// Step kinds, as provisioning_steps.kind records them.
const (
	StepCreateCredential = "create_credential"
	StepCreateWorkflow   = "create_workflow"
	StepTagWorkflow      = "tag_workflow"
	StepActivateWorkflow = "activate_workflow"
	StepRecordCampaign   = "record_campaign"
	// StepUpdateWorkflow PUTs a workflow an earlier run created (a
	// re-apply): same id, same webhook paths and webhookIds, so its
	// webhook URLs stay. A PUT is idempotent: retrying it is harmless.
	StepUpdateWorkflow = "update_workflow"
)

// Version is what a plan needs of a blueprint version: its workflows as
// stored (normalised JSON, with the file each came from) and the
// detector's report.
type Version struct {
	Blueprint string
	Number    int
	Hash      string
	Files     []string
	Workflows []json.RawMessage
	Report    detect.Report
}

// Workspace is the target of a plan.
type Workspace struct {
	Slug string
	// OwnedWorkflows are the n8n ids of workflows this workspace's
	// campaigns own: their webhook paths are not conflicts (a re-apply).
	// Tags are not trusted for this: anyone with n8n access can tag.
	OwnedWorkflows map[string]bool
	// Credentials are slot → credential id recorded by an earlier run.
	// On a re-apply (Existing not empty) they are kept even when the
	// values give the slot a new credential: that one is not created.
	Credentials map[string]string
	// Existing are the workflows earlier runs created and campaigns still
	// own, by blueprint file: a plan with them is a re-apply, which
	// updates them in place instead of creating them.
	Existing map[string]ExistingWorkflow
	// Recorded are, by blueprint file, the step kinds the run being
	// resumed recorded already: those steps stay in its plan though what
	// they did (a PUT, the tags, an activation) is now live, so the plan
	// a resume makes is the plan the first attempt applied.
	Recorded map[string][]string
}

// ExistingWorkflow is one workflow of the workspace as n8n holds it now
// and as its campaign recorded it.
type ExistingWorkflow struct {
	ID          string
	Campaign    string            // the campaign's name
	WebhookIDs  map[string]string // node name → webhookId live in n8n
	AppliedHash string            // what the campaign recorded of the last apply
	Active      bool
	Tags        []string // tag names live in n8n
	// CredentialNames are credential id → the name the live nodes give
	// it (n8n writes a credential's own name into each reference).
	CredentialNames map[string]string
}

// Input is everything a plan is made from.
type Input struct {
	Version   Version
	Workspace Workspace
	Values    Values
	// Activate adds an activation step for every workflow that has a
	// trigger (n8n refuses to activate one without).
	Activate bool
}

// Ports are the planner's reads of the outside world.
type Ports struct {
	Webhooks WebhookLister
	Schemas  SchemaSource // needed when a slot asks for a new credential
	IDs      IDSource     // nil: NewUUID
}

// Plan is what apply would do, in order, and what each workflow becomes.
// It holds secrets (in Secret fields only); its Preview fields mask them.
type Plan struct {
	Workspace   string
	Blueprint   string
	Version     int
	Hash        string
	Tags        []string
	Credentials []CredentialPlan
	Workflows   []WorkflowPlan
	Steps       []Step
	Warnings    []Problem
	// Variables are the names given and whether each was secret, for the
	// audit trail (never the values).
	Variables []VariableUse
}

// VariableUse is one variable as the audit records it.
type VariableUse struct {
	Name   string `json:"name"`
	Secret bool   `json:"secret"`
}

// CredentialPlan is how one slot resolves.
type CredentialPlan struct {
	Slot string
	Type string
	// ID is an existing credential (given, or recorded by an earlier run);
	// empty when New is to be created.
	ID  string
	New *NewCredential
	// From says where the resolution came from: "values", "earlier run",
	// FromKept.
	From string
	// Name is a kept credential's name (n8n writes it into the nodes'
	// references), "" when not known.
	Name string
}

// WorkflowPlan is one workflow as it will be created.
type WorkflowPlan struct {
	File string
	Name string // prefixed with the workspace
	// body is the rendered workflow, secrets in it; credential ids of new
	// credentials are bound by Body once created.
	body Secret
	// Preview is the rendered workflow with secret values masked.
	Preview  json.RawMessage
	Webhooks []WebhookPlan
	// Pending are the nodes whose credential is created by this run.
	Pending   []PendingCredential
	Activate  bool
	Triggered bool // the workflow has a trigger node
	// Update is the id of the workflow an earlier run created that this
	// plan updates in place ("" : it is created).
	Update string
	// Same says the update would send what the campaign recorded as
	// applied (its content hash): no PUT. Retag says the live tags lack
	// the plan's (a newer version): they are set again.
	Same, Retag bool
}

// WebhookPlan is one webhook node after namespacing.
type WebhookPlan struct {
	Node      string
	Methods   []string
	Path      string // SLUG/PATH
	WebhookID string
}

// PendingCredential is a node's credential that the run creates.
type PendingCredential struct {
	Node, Type, Slot string
}

// Step is one n8n (or Postgres) call of the run, in order.
type Step struct {
	Seq  int
	Kind string
	// Ref is what provisioning_steps.ref records: credential:SLOT or
	// workflow:FILE.
	Ref string
}

// Body is the workflow to send, with the ids of the credentials this run
// created (slot → id). It refuses a pending slot without an id, so no
// workflow reaches n8n with a credential it would accept and fail on.
func (w WorkflowPlan) Body(created map[string]string) ([]byte, error) {
	if len(w.Pending) == 0 {
		return []byte(w.body.Reveal()), nil
	}
	doc, err := decodeJSON([]byte(w.body.Reveal()))
	if err != nil {
		return nil, err
	}
	nodes, _ := doc["nodes"].([]any)
	byName := map[string]map[string]any{}
	for _, n := range nodes {
		m, _ := n.(map[string]any)
		name, _ := m["name"].(string)
		byName[name] = m
	}
	for _, p := range w.Pending {
		id := created[p.Slot]
		if id == "" {
			return nil, fmt.Errorf("workflow %s, node %q: credential slot %s has no created credential id yet", w.File, p.Node, p.Slot)
		}
		creds, _ := byName[p.Node]["credentials"].(map[string]any)
		entry, _ := creds[p.Type].(map[string]any)
		if entry == nil {
			return nil, fmt.Errorf("workflow %s, node %q: no %s credential to bind", w.File, p.Node, p.Type)
		}
		entry["id"] = id
	}
	return encodeJSON(doc)
}

// MakePlan renders every workflow of the version for the workspace and
// lists the steps to apply it. It refuses (a *RefusedError naming
// workflow, node and field, or values file and line) any placeholder left,
// any unresolved credential slot, any webhook path another workspace's
// workflow holds on the instance, any variable given that the blueprint
// does not have, and new credentials whose fields fail n8n's schema.
func MakePlan(ctx context.Context, in Input, p Ports) (*Plan, error) {
	if p.IDs == nil {
		p.IDs = NewUUID
	}
	slug := in.Workspace.Slug
	if slug == "" {
		return nil, &RefusedError{Problems: []Problem{{Message: "no workspace slug"}}}
	}
	v := in.Version
	if len(v.Files) != len(v.Workflows) {
		return nil, &RefusedError{Problems: []Problem{{Message: fmt.Sprintf("the version has %d workflows and %d file names", len(v.Workflows), len(v.Files))}}}
	}
	pl := &Plan{Workspace: slug, Blueprint: v.Blueprint, Version: v.Number, Hash: v.Hash}
	var probs []Problem

	// n8n tags are at most 24 characters; adoption reads a workspace from
	// ws:SLUG or the bare slug, so a slug too long for the prefix is
	// tagged bare, and one too long for that is refused.
	wsTag := WorkspaceTagPrefix + slug
	if utf8.RuneCountInString(wsTag) > MaxTagName && utf8.RuneCountInString(slug) <= MaxTagName {
		pl.Warnings = append(pl.Warnings, Problem{Message: fmt.Sprintf("tag %q would be over n8n's %d characters: the workflows are tagged %q (adoption reads both)", wsTag, MaxTagName, slug)})
		wsTag = slug
	}
	pl.Tags = []string{wsTag, fmt.Sprintf("%s%s@v%d", BlueprintTagPrefix, v.Blueprint, v.Number)}
	for _, t := range pl.Tags {
		if n := utf8.RuneCountInString(t); n > MaxTagName {
			probs = append(probs, Problem{Message: fmt.Sprintf("tag %q has %d characters; n8n takes at most %d (it answers 409)", t, n, MaxTagName)})
		}
	}

	vals, varProbs := variables(in)
	probs = append(probs, varProbs...)
	for _, name := range sortedKeys(in.Values.Variables) {
		pl.Variables = append(pl.Variables, VariableUse{Name: name, Secret: in.Values.Variables[name].Secret})
	}

	creds, credProbs := resolveCredentials(ctx, in, p.Schemas)
	probs = append(probs, credProbs...)
	bySlot := map[string]CredentialPlan{}
	for _, c := range creds {
		bySlot[c.Slot] = c
	}
	pl.Credentials = creds

	triggered := map[string]bool{}
	for _, t := range v.Report.Triggers {
		triggered[t.File] = true
	}
	refs := webhookRefs(v.Report.Webhooks, slug)
	names := map[string]string{}
	for i, raw := range v.Workflows {
		ex, isUpdate := in.Workspace.Existing[v.Files[i]]
		ids := func(node string) string {
			// A re-apply keeps each webhook node's live webhookId, so an
			// empty path (SLUG/WEBHOOKID) and n8n's registration stay.
			if id := ex.WebhookIDs[node]; isUpdate && id != "" {
				return id
			}
			return p.IDs()
		}
		w, wp, notes := planWorkflow(v.Files[i], raw, slug, vals, bySlot, refs, ids)
		probs = append(probs, wp...)
		pl.Warnings = append(pl.Warnings, notes...)
		if prev, dup := names[w.Name]; dup && w.Name != "" {
			probs = append(probs, Problem{Workflow: w.File, Message: fmt.Sprintf("the workflow would be named %q like the one of %s", w.Name, prev)})
		}
		names[w.Name] = w.File
		w.Triggered = triggered[w.File]
		w.Activate = in.Activate && w.Triggered
		if isUpdate {
			reapplied(&w, ex, pl.Tags, in.Workspace.Recorded[w.File])
		}
		pl.Workflows = append(pl.Workflows, w)
		pl.Warnings = append(pl.Warnings, warnings(w.File, raw)...)
	}

	probs = append(probs, removedWorkflows(in)...)
	for _, c := range creds {
		if c.From == FromKept {
			pl.Warnings = append(pl.Warnings, Problem{Field: "credentials." + c.Slot, Message: fmt.Sprintf("the credential an earlier run created (id %s) is kept: the values' new %s credential is not created (change its fields in n8n)", c.ID, c.Type)})
		}
	}
	probs = append(probs, webhookConflicts(ctx, pl, in.Workspace, p.Webhooks)...)
	if len(probs) > 0 {
		return nil, &RefusedError{Problems: probs}
	}
	pl.Steps = steps(pl)
	return pl, nil
}

// steps orders the run: credentials first (workflows refer to their ids),
// then per workflow create, tag, activate (if asked and it has a trigger)
// and record its campaign.
func steps(pl *Plan) []Step {
	var out []Step
	add := func(kind, ref string) { out = append(out, Step{Seq: len(out) + 1, Kind: kind, Ref: ref}) }
	for _, c := range pl.Credentials {
		if c.New != nil {
			add(StepCreateCredential, "credential:"+c.Slot)
		}
	}
	for _, w := range pl.Workflows {
		ref := "workflow:" + w.File
		if w.Update != "" {
			// Only what differs is called; PUT keeps an active workflow
			// active (n8n/doc.go, "Update in place"): no deactivation.
			if !w.Same {
				add(StepUpdateWorkflow, ref)
			}
			if w.Retag {
				add(StepTagWorkflow, ref)
			}
			if !w.Same || w.Retag {
				add(StepRecordCampaign, ref)
			}
			continue
		}
		add(StepCreateWorkflow, ref)
		add(StepTagWorkflow, ref)
		if w.Activate {
			add(StepActivateWorkflow, ref)
		}
		add(StepRecordCampaign, ref)
	}
	return out
}
