package genesis

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
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
	Credentials map[string]string
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
	// From says where the resolution came from: "values", "earlier run".
	From string
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
	names := map[string]string{}
	for i, raw := range v.Workflows {
		w, wp := planWorkflow(v.Files[i], raw, slug, vals, bySlot, p.IDs)
		probs = append(probs, wp...)
		if prev, dup := names[w.Name]; dup && w.Name != "" {
			probs = append(probs, Problem{Workflow: w.File, Message: fmt.Sprintf("the workflow would be named %q like the one of %s", w.Name, prev)})
		}
		names[w.Name] = w.File
		w.Triggered = triggered[w.File]
		w.Activate = in.Activate && w.Triggered
		pl.Workflows = append(pl.Workflows, w)
		pl.Warnings = append(pl.Warnings, warnings(w.File, raw)...)
	}

	probs = append(probs, webhookConflicts(ctx, pl, in.Workspace, p.Webhooks)...)
	if len(probs) > 0 {
		return nil, &RefusedError{Problems: probs}
	}
	pl.Steps = steps(pl)
	return pl, nil
}

// variables checks the values file's variables against the blueprint's and
// returns the values to fill, by name. A variable the blueprint does not
// have is an error, not a warning: it is most often a misspelt one
// (whose real name is then missing too), and a values file is the record
// of what was applied, so it should hold nothing that was not.
func variables(in Input) (map[string]Value, []Problem) {
	var probs []Problem
	slots := map[string]bool{}
	for _, c := range in.Version.Report.Credentials {
		slots[slotOf(c)] = true
	}
	need := map[string]detect.Variable{}
	for _, v := range in.Version.Report.Variables {
		if v.Name == BuiltinSlug || onlyInCredentialIDs(v) {
			continue
		}
		if _, seen := need[v.Name]; !seen {
			need[v.Name] = v
		}
	}
	out := map[string]Value{BuiltinSlug: {V: NewSecret(in.Workspace.Slug, "the workspace")}}
	vf := in.Values.File
	for _, name := range sortedKeys(in.Values.Variables) {
		val := in.Values.Variables[name]
		switch _, needed := need[name]; {
		case name == BuiltinSlug:
			probs = append(probs, Problem{File: vf, Line: val.Line, Field: "variables." + name, Message: "set by godmode to the workspace's slug; leave it out"})
		case !needed && slots[name]:
			probs = append(probs, Problem{File: vf, Line: val.Line, Field: "variables." + name, Message: "is a credential slot: give it as [credentials." + name + "]"})
		case !needed:
			msg := "the blueprint has no variable " + name
			if near := nearest(name, sortedKeys(need)); near != "" {
				msg += " (did you mean " + near + "?)"
			}
			probs = append(probs, Problem{File: vf, Line: val.Line, Field: "variables." + name, Message: msg})
		default:
			out[name] = val
		}
	}
	for _, name := range sortedKeys(need) {
		if _, given := out[name]; given {
			continue
		}
		v := need[name]
		pl := v.Where[0]
		more := ""
		if len(v.Where) > 1 {
			more = fmt.Sprintf(" (and %d more place(s))", len(v.Where)-1)
		}
		probs = append(probs, Problem{Workflow: pl.File, Node: pl.Node, Field: pl.Path,
			Message: fmt.Sprintf("variable %s has no value: give it under [variables]%s", name, more)})
	}
	return out, probs
}

// onlyInCredentialIDs says a YOUR_ token is a credential slot's reference
// and nothing else: it is resolved as a slot, not filled as text.
func onlyInCredentialIDs(v detect.Variable) bool {
	for _, p := range v.Where {
		if !strings.HasPrefix(p.Path, "credentials.") || !strings.HasSuffix(p.Path, ".id") {
			return false
		}
	}
	return len(v.Where) > 0
}

// slotOf names a credential slot: the reference the nodes share (a
// YOUR_CREDENTIAL_*_ID placeholder, or an id or name from the source
// instance), or the credential type when the node gave none.
func slotOf(c detect.CredSlot) string {
	if c.Ref != "" {
		return c.Ref
	}
	return c.Type
}

// nearest proposes a needed name one or two edits away.
func nearest(name string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// resolveCredentials resolves every slot: the values file first, then an
// id an earlier run recorded; a new credential's fields are checked
// against n8n's schema for its type.
func resolveCredentials(ctx context.Context, in Input, schemas SchemaSource) ([]CredentialPlan, []Problem) {
	var probs []Problem
	types := map[string][]string{}
	first := map[string]detect.CredSlot{}
	for _, c := range in.Version.Report.Credentials {
		s := slotOf(c)
		if _, ok := first[s]; !ok {
			first[s] = c
		}
		if c.Type != "" && !contains(types[s], c.Type) {
			types[s] = append(types[s], c.Type)
		}
	}
	vf := in.Values.File
	for _, slot := range sortedKeys(in.Values.Credentials) {
		if _, ok := first[slot]; !ok {
			cv := in.Values.Credentials[slot]
			msg := "the blueprint has no credential slot " + slot
			if near := nearest(slot, sortedKeys(first)); near != "" {
				msg += " (did you mean " + near + "?)"
			}
			probs = append(probs, Problem{File: vf, Line: cv.Line, Field: "credentials." + slot, Message: msg})
		}
	}
	cache := map[string]*CredentialSchema{}
	var out []CredentialPlan
	for _, slot := range sortedKeys(first) {
		c := first[slot]
		ts := types[slot]
		typ := ""
		if len(ts) == 1 {
			typ = ts[0]
		}
		cv, given := in.Values.Credentials[slot]
		switch {
		case given && cv.ID != "":
			out = append(out, CredentialPlan{Slot: slot, Type: typ, ID: cv.ID, From: "values"})
		case given && cv.New != nil:
			field := "credentials." + slot
			switch {
			case len(ts) > 1:
				probs = append(probs, Problem{File: vf, Line: cv.Line, Field: field, Message: fmt.Sprintf("nodes use this slot as %s: one new credential cannot be all of them; give an id, or split the slot in the blueprint", strings.Join(ts, " and "))})
				continue
			case typ == "":
				probs = append(probs, Problem{File: vf, Line: cv.Line, Field: field, Message: "the blueprint does not say this slot's credential type; give an existing credential's id"})
				continue
			case cv.New.Type != typ:
				probs = append(probs, Problem{File: vf, Line: cv.Line, Field: field + ".type", Message: fmt.Sprintf("is %q but the nodes (e.g. %q in %s) use %s", cv.New.Type, c.Node, c.File, typ)})
				continue
			}
			nc := *cv.New
			if nc.Name == "" {
				nc.Name = in.Workspace.Slug + " " + typ
			}
			probs = append(probs, checkNewCredential(ctx, schemas, cache, vf, slot, cv, nc)...)
			out = append(out, CredentialPlan{Slot: slot, Type: typ, New: &nc, From: "values"})
		case in.Workspace.Credentials[slot] != "":
			out = append(out, CredentialPlan{Slot: slot, Type: typ, ID: in.Workspace.Credentials[slot], From: "earlier run"})
		default:
			probs = append(probs, Problem{Workflow: c.File, Node: c.Node, Field: "credentials." + c.Type,
				Message: fmt.Sprintf("credential slot %s (%s) is not resolved: give [credentials.%s] with id = \"…\" of an existing credential, or type and data for a new one (n8n would accept the workflow and fail only when the node runs)", slot, typeOrAny(typ), slot)})
		}
	}
	return out, probs
}

func typeOrAny(t string) string {
	if t == "" {
		return "type not given"
	}
	return t
}

func checkNewCredential(ctx context.Context, schemas SchemaSource, cache map[string]*CredentialSchema, vf, slot string, cv CredentialValue, nc NewCredential) []Problem {
	field := "credentials." + slot
	if schemas == nil {
		return []Problem{{File: vf, Line: cv.Line, Field: field, Message: "a new credential needs n8n's schema for " + nc.Type + ", and no n8n was asked"}}
	}
	sc := cache[nc.Type]
	if sc == nil {
		raw, err := schemas.CredentialSchema(ctx, nc.Type)
		if err != nil {
			return []Problem{{File: vf, Line: cv.Line, Field: field + ".type", Message: fmt.Sprintf("n8n gave no schema for credential type %s: %v", nc.Type, err)}}
		}
		if sc, err = ParseCredentialSchema(nc.Type, raw); err != nil {
			return []Problem{{File: vf, Line: cv.Line, Field: field + ".type", Message: err.Error()}}
		}
		cache[nc.Type] = sc
	}
	var out []Problem
	for _, fp := range sc.Validate(nc.Data) {
		line := cv.Line
		if l := nc.Lines[fp.Field]; l > 0 {
			line = l
		}
		f := field + ".data"
		if fp.Field != "" {
			f += "." + fp.Field
		}
		out = append(out, Problem{File: vf, Line: line, Field: f, Message: fp.Msg})
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// planWorkflow renders one workflow: values filled, credentials bound to
// their slots' resolutions, webhook paths namespaced with fresh ids, the
// name prefixed; then refuses any placeholder left.
func planWorkflow(file string, raw json.RawMessage, slug string, vals map[string]Value, creds map[string]CredentialPlan, ids IDSource) (WorkflowPlan, []Problem) {
	w := WorkflowPlan{File: file}
	doc, err := decodeJSON(raw)
	if err != nil {
		return w, []Problem{{Workflow: file, Message: "the stored workflow is not JSON: " + err.Error()}}
	}
	preview, _ := decodeJSON(raw)
	real := &renderer{file: file, vals: vals, reveal: true}
	masked := &renderer{file: file, vals: vals}
	var probs []Problem

	render := func(doc map[string]any, r *renderer) {
		if name, ok := doc["name"].(string); ok {
			doc["name"] = r.str("", "", "name", name)
		}
		if s, ok := doc["settings"]; ok {
			doc["settings"] = walkStrings(s, "settings", func(path, s string) string { return r.str("", "", path, s) })
		}
		nodes, _ := doc["nodes"].([]any)
		for _, n := range nodes {
			m, _ := n.(map[string]any)
			name, _ := m["name"].(string)
			typ, _ := m["type"].(string)
			for _, k := range sortedKeys(m) {
				switch k {
				case "name", "id", "type", "webhookId", "credentials":
					continue // identity, or bound below
				}
				m[k] = walkStrings(m[k], k, func(path, s string) string { return r.str(name, typ, path, s) })
			}
		}
	}
	render(doc, real)
	render(preview, masked)
	probs = append(probs, real.probs...)

	// Webhooks and credentials, the same in both renderings.
	nodesReal, _ := doc["nodes"].([]any)
	nodesPrev, _ := preview["nodes"].([]any)
	for i, n := range nodesReal {
		m, _ := n.(map[string]any)
		pm, _ := nodesPrev[i].(map[string]any)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		if _, has := m["webhookId"]; has || isWebhookNode(typ) {
			id := ids()
			m["webhookId"], pm["webhookId"] = id, id
		}
		if isWebhookNode(typ) {
			hp, hprob := namespaceWebhook(file, name, slug, m, pm)
			if hprob != nil {
				probs = append(probs, *hprob)
			} else {
				w.Webhooks = append(w.Webhooks, hp)
			}
		}
		if c, ok := m["credentials"].(map[string]any); ok {
			pc, _ := pm["credentials"].(map[string]any)
			for _, ctyp := range sortedKeys(c) {
				slot := slotOf(detect.CredSlot{Type: ctyp, Ref: credentialRef(c[ctyp])})
				res, ok := creds[slot]
				if !ok {
					continue // named by resolveCredentials
				}
				entry := map[string]any{"id": res.ID}
				if oldName := credentialName(c[ctyp]); oldName != "" {
					entry["name"] = real.str(name, typ, "credentials."+ctyp+".name", oldName)
				}
				if res.New != nil {
					entry["name"] = res.New.Name
					w.Pending = append(w.Pending, PendingCredential{Node: name, Type: ctyp, Slot: slot})
				}
				c[ctyp] = entry
				pe := map[string]any{"id": res.ID}
				if n, ok := entry["name"].(string); ok {
					pe["name"] = n
					if res.New == nil {
						pe["name"] = masked.str(name, typ, "credentials."+ctyp+".name", credentialName(pc[ctyp]))
					}
				}
				if res.New != nil {
					pe["id"] = "(created by this run: " + slot + ")"
				}
				pc[ctyp] = pe
			}
		}
	}

	name, _ := doc["name"].(string)
	if !strings.HasPrefix(name, slug+" - ") {
		name = slug + " - " + name
	}
	doc["name"], preview["name"] = name, name
	w.Name = name
	if n := utf8.RuneCountInString(name); n > MaxWorkflowName {
		probs = append(probs, Problem{Workflow: file, Field: "name", Message: fmt.Sprintf("the prefixed name has %d characters; n8n takes at most %d", n, MaxWorkflowName)})
	}

	// Pending credential ids are "" until created: nothing to find there.
	probs = append(probs, leftovers(file, doc)...)

	body, err := encodeJSON(doc)
	if err != nil {
		probs = append(probs, Problem{Workflow: file, Message: err.Error()})
	}
	w.body = NewSecret(string(body), "rendered")
	w.Preview, _ = encodeJSON(preview)
	return w, probs
}

func credentialRef(v any) string {
	switch e := v.(type) {
	case string:
		return e
	case map[string]any:
		if id, ok := e["id"].(string); ok && id != "" {
			return id
		}
		if nm, ok := e["name"].(string); ok {
			return nm
		}
	}
	return ""
}

func credentialName(v any) string {
	if e, ok := v.(map[string]any); ok {
		n, _ := e["name"].(string)
		return n
	}
	return ""
}

// isWebhookNode is detect's test: n8n's Webhook node, whose path is
// registered as given (a full path), so it is global to the instance.
func isWebhookNode(typ string) bool {
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		typ = typ[i+1:]
	}
	return typ == "webhook"
}

// namespaceWebhook makes the node's path SLUG/PATH (an empty path becomes
// SLUG/WEBHOOKID, which is what n8n would have registered, namespaced).
func namespaceWebhook(file, node, slug string, m, pm map[string]any) (WebhookPlan, *Problem) {
	params, _ := m["parameters"].(map[string]any)
	pparams, _ := pm["parameters"].(map[string]any)
	if params == nil {
		params, pparams = map[string]any{}, map[string]any{}
		m["parameters"], pm["parameters"] = params, pparams
	}
	path, isStr := params["path"].(string)
	if _, has := params["path"]; has && !isStr {
		return WebhookPlan{}, &Problem{Workflow: file, Node: node, Field: "parameters.path", Message: "the webhook path is not a string"}
	}
	if strings.HasPrefix(path, "=") {
		return WebhookPlan{}, &Problem{Workflow: file, Node: node, Field: "parameters.path", Message: "the webhook path is an expression: it cannot be namespaced for the workspace; make it a plain path in the blueprint"}
	}
	id, _ := m["webhookId"].(string)
	path = strings.Trim(path, "/")
	switch {
	case path == "":
		path = slug + "/" + id
	case !strings.HasPrefix(path, slug+"/"):
		path = slug + "/" + path
	}
	params["path"] = path
	if pparams != nil {
		pparams["path"] = path
	}
	return WebhookPlan{Node: node, Methods: webhookMethods(params), Path: path, WebhookID: id}, nil
}

// webhookMethods reads httpMethod (a string, or a list when the node
// allows several); n8n's default is GET.
func webhookMethods(params map[string]any) []string {
	switch m := params["httpMethod"].(type) {
	case string:
		if m != "" {
			return []string{m}
		}
	case []any:
		var out []string
		for _, e := range m {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		if len(out) > 0 {
			sort.Strings(out)
			return out
		}
	}
	return []string{"GET"}
}

// WebhookOf reads a node of the target instance for its registered
// path, for WebhookLister implementations: ok is false when the node is
// not a webhook node.
func WebhookOf(typ string, parameters json.RawMessage) (methods []string, path string, ok bool) {
	if !isWebhookNode(typ) {
		return nil, "", false
	}
	var params map[string]any
	_ = json.Unmarshal(parameters, &params)
	path, _ = params["path"].(string)
	return webhookMethods(params), strings.Trim(path, "/"), true
}

// webhookConflicts refuses two webhook nodes of the plan on one path and
// method, and any path a workflow outside the workspace holds.
func webhookConflicts(ctx context.Context, pl *Plan, ws Workspace, lister WebhookLister) []Problem {
	var probs []Problem
	type key struct{ path, method string }
	mine := map[key]string{}
	for _, w := range pl.Workflows {
		for _, h := range w.Webhooks {
			for _, m := range h.Methods {
				k := key{h.Path, m}
				if prev, dup := mine[k]; dup {
					probs = append(probs, Problem{Workflow: w.File, Node: h.Node, Field: "parameters.path",
						Message: fmt.Sprintf("path %s (%s) is also the path of %s: n8n would refuse to activate the second", h.Path, m, prev)})
				}
				mine[k] = fmt.Sprintf("node %q of %s", h.Node, w.File)
			}
		}
	}
	if len(mine) == 0 {
		return probs
	}
	if lister == nil {
		return append(probs, Problem{Message: "the plan has webhook nodes and the target instance's webhook paths were not read"})
	}
	taken, err := lister.TakenWebhooks(ctx)
	if err != nil {
		return append(probs, Problem{Message: "reading the target instance's webhook paths: " + err.Error()})
	}
	for _, w := range pl.Workflows {
		for _, h := range w.Webhooks {
			for _, t := range taken {
				if ws.OwnedWorkflows[t.WorkflowID] || t.Path != h.Path || !overlap(t.Methods, h.Methods) {
					continue
				}
				probs = append(probs, Problem{Workflow: w.File, Node: h.Node, Field: "parameters.path",
					Message: fmt.Sprintf("path %s is taken on the target instance by workflow %s (%q, node %q), which is not this workspace's", h.Path, t.WorkflowID, t.WorkflowName, t.Node)})
			}
		}
	}
	return probs
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

// warnings are what runs but probably does not do what it should on
// the target instance.
func warnings(file string, raw json.RawMessage) []Problem {
	var doc struct {
		Settings map[string]any `json:"settings"`
	}
	_ = json.Unmarshal(raw, &doc)
	if id, _ := doc.Settings["errorWorkflow"].(string); id != "" && len(detect.Placeholders(id)) == 0 {
		return []Problem{{Workflow: file, Field: "settings.errorWorkflow", Message: fmt.Sprintf("points at workflow %s of the instance the blueprint came from; on the target it is another workflow or none", id)}}
	}
	return nil
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
		add(StepCreateWorkflow, ref)
		add(StepTagWorkflow, ref)
		if w.Activate {
			add(StepActivateWorkflow, ref)
		}
		add(StepRecordCampaign, ref)
	}
	return out
}
