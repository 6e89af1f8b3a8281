package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// A capture in two steps: ProposeCapture reads the workspace's workflows
// from n8n once and says what it would turn into variables; the operator
// decides (keeps a value, renames a variable, takes a candidate); then
// StoreCapture stores the version from the workflows the proposal holds,
// so what is stored is what was shown, and n8n is not read again.

// ProposedVariable is one value of the workspace a capture offers to turn
// into a variable. On: applied unless the operator keeps the value (the
// workspace's own values: its leads table, its slug, its credential ids).
// Off: a hardcoded candidate the detector found (a sender address, a sheet
// id, a URL), applied only if the operator takes it.
type ProposedVariable struct {
	blueprint.Token
	On bool
	// Where is each place the value occurs, the token taken on its own.
	Where []blueprint.Substitution
}

// Workflows names the workflows the value occurs in, once each, in order.
func (pv ProposedVariable) Workflows() []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range pv.Where {
		if !seen[w.File] {
			seen[w.File] = true
			out = append(out, strings.TrimSuffix(w.File, ".json"))
		}
	}
	return out
}

// CaptureProposal is a capture read and not yet stored: the workflows as
// n8n gave them (held, unexported, for StoreCapture) and what would become
// a variable.
type CaptureProposal struct {
	Blueprint string
	Workspace Workspace
	Variables []ProposedVariable
	Workflows []string // the campaigns whose workflow was read
	Gone      []string // campaigns whose workflow is gone from n8n, left out
	sources   []blueprint.Source
}

// Applied is what the proposal applies with the values in keep left as
// they are: every variable that is On and not kept.
func (p CaptureProposal) Applied(keep map[string]bool) []blueprint.Token {
	var out []blueprint.Token
	for _, pv := range p.Variables {
		if pv.On && !keep[pv.Value] {
			out = append(out, pv.Token)
		}
	}
	return out
}

// WithValue is the proposal with one more value the operator names, taken
// (what --tokenize VALUE=NAME is on the command line: e.g. a sender
// address on a documentation domain, which the detector passes over),
// with the places it occurs. A value proposed already, or found nowhere in
// the workflows read, is refused: the first is renamed where it stands.
func (p CaptureProposal) WithValue(t blueprint.Token) (CaptureProposal, error) {
	if err := blueprint.CheckTokenName(t.Name); err != nil {
		return p, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	for _, pv := range p.Variables {
		if pv.Value == t.Value {
			return p, fmt.Errorf("%w: %q is proposed already, as %s: rename it there (e)", ErrInvalid, t.Value, pv.Name)
		}
	}
	where := blueprint.Occurrences(p.sources, []blueprint.Token{t})[0]
	if len(where) == 0 {
		return p, fmt.Errorf("%w: %q occurs nowhere in the workflows read", ErrInvalid, t.Value)
	}
	p.Variables = append(slices.Clip(p.Variables), ProposedVariable{Token: t, On: true, Where: where})
	return p, nil
}

// MergeTokens is base with given added; a given value base holds already
// replaces it there (the operator renamed it).
func MergeTokens(base, given []blueprint.Token) []blueprint.Token {
	out := append([]blueprint.Token(nil), base...)
	for _, g := range given {
		replaced := false
		for i := range out {
			if out[i].Value == g.Value {
				g.Word = g.Word || out[i].Word
				out[i], replaced = g, true
			}
		}
		if !replaced {
			out = append(out, g)
		}
	}
	return out
}

// ProposeCapture reads the workflows of the workspace's campaigns from n8n
// and proposes the variables: the workspace's own values on, the
// detector's hardcoded candidates off. Authorised as the capture itself
// (a refusal, a workspace with nothing left in n8n, a secret found, are
// audited as failed captures); a proposal stores nothing.
func (v *Vault) ProposeCapture(ctx context.Context, actor Actor, name string, c *Console, ws Workspace) (CaptureProposal, error) {
	state := map[string]any{"blueprint": name, "workspace": ws.Slug}
	fail := func(err error) (CaptureProposal, error) {
		return CaptureProposal{}, v.refuseCapture(ctx, actor, ws, state, err)
	}
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		return fail(err)
	}
	if err := CheckBlueprintName(name); err != nil {
		return fail(err)
	}
	wfs, err := c.workspaceWorkflows(ctx, ws)
	if err != nil {
		return fail(err)
	}
	p := CaptureProposal{Blueprint: name, Workspace: ws}
	var raw [][]byte
	for _, w := range wfs {
		if w.Gone {
			p.Gone = append(p.Gone, w.Campaign)
			continue
		}
		p.Workflows = append(p.Workflows, w.Campaign)
		p.sources, raw = append(p.sources, blueprint.Source{Name: w.Campaign + ".json", Data: w.JSON}), append(raw, w.JSON)
	}
	if len(p.Gone) > 0 {
		state["gone"] = p.Gone
	}
	if len(p.sources) == 0 {
		return fail(fmt.Errorf("%w: workspace %s has no campaign whose workflow n8n still holds: re-link or archive its campaigns first", ErrInvalid, ws.Slug))
	}
	own := blueprint.ProposeTokens(ws.Slug, raw)
	// As n8n holds them: a secret or a workflow n8n could not take refuses
	// here, before anyone decides anything, and the candidates are the
	// values as written (the slug taken first would hide a sender address
	// on the workspace's domain).
	prep, err := blueprint.Prepare(p.sources, blueprint.Options{Analyze: v.analyze})
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	tokens := append([]blueprint.Token(nil), own...)
	on := len(own)
	tokens = append(tokens, candidateTokens(prep.Report.Hardcoded, own)...)
	where := blueprint.Occurrences(p.sources, tokens)
	for i, t := range tokens {
		if len(where[i]) > 0 {
			p.Variables = append(p.Variables, ProposedVariable{Token: t, On: i < on, Where: where[i]})
		}
	}
	return p, nil
}

// candidateNames are the names hardcoded candidates are offered under, as
// the platform's templates name them. Hosts are left out: each is inside
// a URL offered already.
var candidateNames = map[string]string{
	detect.HardEmail:  "YOUR_SENDER_EMAIL",
	detect.HardSheet:  "YOUR_SHEET_ID",
	detect.HardTable:  "YOUR_TABLE",
	detect.HardN8nURL: "YOUR_N8N_URL",
	detect.HardURL:    "YOUR_URL",
}

// candidateTokens offers the detector's hardcoded candidates as variables,
// each value once and each under a name of its own (YOUR_URL, YOUR_URL_2).
func candidateTokens(cands []blueprint.Candidate, own []blueprint.Token) []blueprint.Token {
	seen := map[string]bool{}
	for _, t := range own {
		seen[t.Value] = true
	}
	used := map[string]int{}
	var out []blueprint.Token
	for _, kind := range []string{detect.HardEmail, detect.HardTable, detect.HardSheet, detect.HardN8nURL, detect.HardURL} {
		for _, c := range cands {
			if c.Kind != kind || seen[c.Value] || c.Value == "" || strings.Contains(c.Value, "[secret]") {
				continue
			}
			seen[c.Value] = true
			name := candidateNames[kind]
			if used[name]++; used[name] > 1 {
				name = fmt.Sprintf("%s_%d", name, used[name])
			}
			out = append(out, blueprint.Token{Value: c.Value, Name: name, Why: "a hardcoded " + strings.ReplaceAll(kind, "_", " ")})
		}
	}
	return out
}

// checkTokens refuses a decision no capture should store: a name that is
// not a YOUR_ variable, an empty value, a value given two names. Messages
// name variables, never a workspace's value (they reach the audit trail).
func checkTokens(tokens []blueprint.Token) error {
	names := map[string]string{}
	for _, t := range tokens {
		if err := blueprint.CheckTokenName(t.Name); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if t.Value == "" {
			return fmt.Errorf("%w: variable %s is given no value to replace", ErrInvalid, t.Name)
		}
		if prev, dup := names[t.Value]; dup && prev != t.Name {
			return fmt.Errorf("%w: one value is given two names, %s and %s: keep one", ErrInvalid, prev, t.Name)
		}
		names[t.Value] = t.Name
	}
	return nil
}

// StoreCapture stores the proposal's workflows as the next version of its
// blueprint with tokens applied (the operator's decisions: the values
// taken, under the names chosen; any value left out stays as it is), as
// the capture always did: authorised again, a secret refuses, one audit
// row with the actor, the variables' names and no value.
func (v *Vault) StoreCapture(ctx context.Context, actor Actor, p CaptureProposal, tokens []blueprint.Token) (CaptureResult, error) {
	ws, name := p.Workspace, p.Blueprint
	state := map[string]any{"blueprint": name, "workspace": ws.Slug}
	if len(p.Gone) > 0 {
		state["gone"] = p.Gone
	}
	var names, kept []string
	for _, t := range tokens {
		names = append(names, t.Name)
	}
	applied := map[string]bool{}
	for _, t := range tokens {
		applied[t.Value] = true
	}
	for _, pv := range p.Variables {
		if pv.On && !applied[pv.Value] {
			kept = append(kept, pv.Name)
		}
	}
	state["variables"] = names
	if len(kept) > 0 {
		state["kept"] = kept // proposed, left as values by the operator
	}
	fail := func(err error) (CaptureResult, error) {
		return CaptureResult{}, v.refuseCapture(ctx, actor, ws, state, err)
	}
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		return fail(err)
	}
	if err := CheckBlueprintName(name); err != nil {
		return fail(err)
	}
	if len(p.sources) == 0 {
		return fail(errors.New("this capture was not read from a workspace: propose it first"))
	}
	if err := checkTokens(tokens); err != nil {
		return fail(err)
	}
	prep, err := blueprint.Prepare(p.sources, blueprint.Options{Analyze: v.analyze, Tokens: tokens})
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	bv, err := versionOf(prep, actor)
	if err != nil {
		return fail(err)
	}
	bv.Origin = "capture"
	if bv.Substitutions, err = json.Marshal(nonNil(prep.Substitutions)); err != nil {
		return fail(err)
	}
	stored, created, err := v.store.StoreBlueprintVersion(ctx, name, bv)
	if err != nil {
		return fail(err)
	}
	state["version"], state["created"], state["content_hash"] = stored.Version, created, stored.ContentHash
	state["substitutions"] = len(prep.Substitutions)
	e := actor.auditEntry(AuditBlueprintCapture, OutcomeOK, nil)
	e.WorkspaceID = &ws.ID
	e.After = jsonObject(state)
	recordAudit(ctx, v.store, v.log, e)
	return CaptureResult{ImportResult: ImportResult{Version: stored, Created: created, Prepared: prep}, Tokens: tokens, Gone: p.Gone}, nil
}
