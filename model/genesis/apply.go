package genesis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint"
)

// Applying a plan: each step is recorded before its call and after it, so
// a run stopped anywhere (an n8n error, a timeout, the process killed) can
// be resumed from its first step not done, or rolled back, from what
// Postgres holds. A create is never sent twice blindly: a step whose
// outcome is unknown first looks in n8n for what it may have made.

// Step states, as provisioning_steps.status records them.
const (
	StepStarted = "started" // recorded before the call: its outcome is unknown until done or failed
	StepDone    = "done"
	StepFailed  = "failed"
	StepUndone  = "undone"
)

// ErrCannotLook is what a Remote answers when n8n offers no way to find
// what a create may have made (n8n 1.x lists no credentials).
var ErrCannotLook = errors.New("n8n offers no way to look for it")

// Remote is what a run calls in n8n; the model layer fills it from the
// instance's client.
type Remote interface {
	CreateCredential(ctx context.Context, c NewCredential) (id string, err error)
	// FindCredentials are the ids of credentials named name of type typ.
	FindCredentials(ctx context.Context, name, typ string) ([]string, error)
	DeleteCredential(ctx context.Context, id string) error
	CreateWorkflow(ctx context.Context, body []byte) (id string, err error)
	// UpdateWorkflow replaces workflow id's content with body (a PUT: its
	// id, webhook URLs and active state stay).
	UpdateWorkflow(ctx context.Context, id string, body []byte) error
	// FindWorkflows are the ids of workflows named exactly name whose tags
	// are all among tags (a workflow created but not yet tagged has none).
	FindWorkflows(ctx context.Context, name string, tags []string) ([]string, error)
	// SetTags gives the workflow exactly these tags, creating missing ones.
	SetTags(ctx context.Context, workflowID string, tags []string) error
	Activate(ctx context.Context, workflowID string) error
	DeleteWorkflow(ctx context.Context, workflowID string) error
	// DeleteUnusedTags deletes those of the named tags that no workflow
	// carries.
	DeleteUnusedTags(ctx context.Context, names []string) error
}

// Recorded is one step as the journal holds it.
type Recorded struct {
	Seq         int
	Kind, Ref   string
	N8nID       string // for record_campaign: the campaign's id in Postgres
	Status      string
	Error       string
	Fingerprint string
}

// CampaignRecord is one workflow's campaign as a run records it.
type CampaignRecord struct {
	Name        string
	WorkflowID  string
	WebhookURL  string
	AppliedHash string
	Active      bool
}

// Journal is where a run is recorded (Postgres, through the model layer).
type Journal interface {
	// Started records (or re-records, on resume) a step before its call.
	Started(ctx context.Context, s Step, fingerprint string) error
	Done(ctx context.Context, seq int, id string) error
	Failed(ctx context.Context, seq int, msg string) error
	Undone(ctx context.Context, seq int) error
	Steps(ctx context.Context) ([]Recorded, error)
	// RecordCampaign is idempotent: the same workflow twice is the same
	// campaign. It returns the campaign's id.
	RecordCampaign(ctx context.Context, c CampaignRecord) (string, error)
	DeleteCampaign(ctx context.Context, id string) error
}

// Target is where the workflows' webhooks answer: the instance's webhook
// base URL (production URLs are BASE/webhook/PATH).
type Target struct {
	WebhookBase string
}

// Outcome is what a run did.
type Outcome struct {
	Created  map[string]string // ref → n8n id (or campaign id) of each step done
	Adopted  []string          // refs whose create had taken effect and was found in n8n, not made again
	Skipped  int               // steps already done by an earlier attempt
	Campaign map[string]string // workflow file → campaign id
}

// StepError is a run stopped at one step.
type StepError struct {
	Step Step
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %d (%s %s): %v", e.Step.Seq, e.Step.Kind, e.Step.Ref, e.Err)
}
func (e *StepError) Unwrap() error { return e.Err }

// Apply runs the plan's steps in order, skipping those the journal holds
// as done (a resume) and adopting what a step of unknown outcome had made.
// The plan must be the run's own (RunIDs of its id), so a resume sends
// what the first attempt would have.
func Apply(ctx context.Context, pl *Plan, t Target, r Remote, j Journal) (Outcome, error) {
	out := Outcome{Created: map[string]string{}, Campaign: map[string]string{}}
	recs, err := j.Steps(ctx)
	if err != nil {
		return out, err
	}
	bySeq := map[int]Recorded{}
	for _, rc := range recs {
		bySeq[rc.Seq] = rc
	}
	creds := map[string]CredentialPlan{}
	for _, c := range pl.Credentials {
		creds[c.Slot] = c
	}
	wfs := map[string]WorkflowPlan{}
	for _, w := range pl.Workflows {
		wfs[w.File] = w
	}
	created := map[string]string{} // slot → credential id
	wfIDs := map[string]string{}   // file → workflow id
	for _, c := range pl.Credentials {
		if c.New == nil {
			created[c.Slot] = c.ID
		}
	}
	for _, w := range pl.Workflows {
		if w.Update != "" {
			wfIDs[w.File] = w.Update
		}
	}
	remember := func(s Step, id string) {
		out.Created[s.Ref+" "+s.Kind] = id
		switch s.Kind {
		case StepCreateCredential:
			created[strings.TrimPrefix(s.Ref, "credential:")] = id
		case StepCreateWorkflow:
			wfIDs[strings.TrimPrefix(s.Ref, "workflow:")] = id
		case StepRecordCampaign:
			out.Campaign[strings.TrimPrefix(s.Ref, "workflow:")] = id
		}
	}
	bodies := &boundBodies{made: map[string][]byte{}}
	for _, s := range pl.Steps {
		fp, err := fingerprint(s, pl, creds, wfs)
		if err != nil {
			return out, &StepError{s, err}
		}
		rc, seen := bySeq[s.Seq]
		if seen && (rc.Kind != s.Kind || rc.Ref != s.Ref || rc.Fingerprint != fp) {
			return out, &StepError{s, fmt.Errorf("the run recorded step %d as %s %s with other content: the plan changed since (values or blueprint); roll the run back instead", s.Seq, rc.Kind, rc.Ref)}
		}
		if seen && rc.Status == StepDone {
			remember(s, rc.N8nID)
			out.Skipped++
			continue
		}
		if seen && rc.Status == StepUndone {
			return out, &StepError{s, errors.New("the run was rolled back")}
		}
		// Unknown outcome (started, or failed: an error answer may still
		// have taken effect): look before creating again.
		if seen {
			id, found, err := look(ctx, s, creds, wfs, pl.Tags, r)
			if err != nil {
				return out, &StepError{s, err}
			}
			if found {
				if err := j.Done(ctx, s.Seq, id); err != nil {
					return out, &StepError{s, err}
				}
				out.Adopted = append(out.Adopted, s.Ref)
				remember(s, id)
				continue
			}
		}
		if err := j.Started(ctx, s, fp); err != nil {
			return out, &StepError{s, fmt.Errorf("recording the step before its call: %w", err)}
		}
		id, err := do(ctx, s, creds, wfs, bodies, created, wfIDs, pl, t, r, j)
		if err != nil {
			// With ctx: a process killed records nothing, and a resume then
			// finds the step started, its outcome unknown.
			if jerr := j.Failed(ctx, s.Seq, err.Error()); jerr != nil {
				err = fmt.Errorf("%w (and recording the failure: %v)", err, jerr)
			}
			return out, &StepError{s, err}
		}
		if err := j.Done(ctx, s.Seq, id); err != nil {
			return out, &StepError{s, fmt.Errorf("recording the step after its call: %w", err)}
		}
		remember(s, id)
	}
	return out, nil
}

// look finds what a create of unknown outcome made: exactly one match is
// adopted, several are refused (someone else made one too).
func look(ctx context.Context, s Step, creds map[string]CredentialPlan, wfs map[string]WorkflowPlan, tags []string, r Remote) (string, bool, error) {
	var ids []string
	var err error
	var what string
	switch s.Kind {
	case StepCreateCredential:
		c := creds[strings.TrimPrefix(s.Ref, "credential:")]
		what = fmt.Sprintf("credential %q (%s)", c.New.Name, c.New.Type)
		ids, err = r.FindCredentials(ctx, c.New.Name, c.New.Type)
		if errors.Is(err, ErrCannotLook) {
			return "", false, fmt.Errorf("the earlier attempt may have created %s and %v: check in n8n, delete it if there, then roll back or resume", what, err)
		}
	case StepCreateWorkflow:
		w := wfs[strings.TrimPrefix(s.Ref, "workflow:")]
		what = fmt.Sprintf("workflow %q", w.Name)
		ids, err = r.FindWorkflows(ctx, w.Name, tags)
	default:
		return "", false, nil // not a create: doing it again is harmless
	}
	if err != nil {
		return "", false, fmt.Errorf("looking in n8n for %s the earlier attempt may have created: %w", what, err)
	}
	switch len(ids) {
	case 0:
		return "", false, nil
	case 1:
		return ids[0], true, nil
	}
	return "", false, fmt.Errorf("n8n holds %d of %s (ids %s): not adopting any; delete the extra ones", len(ids), what, strings.Join(ids, ", "))
}

// boundBodies keeps each workflow's body once bound: its create sends and
// its campaign hashes the same bytes (its credentials are all created
// before it), and binding decodes and encodes the whole workflow.
type boundBodies struct{ made map[string][]byte }

func (b *boundBodies) of(file string, w WorkflowPlan, created map[string]string) ([]byte, error) {
	if body, ok := b.made[file]; ok {
		return body, nil
	}
	body, err := w.Body(created)
	if err == nil {
		b.made[file] = body
	}
	return body, err
}

func do(ctx context.Context, s Step, creds map[string]CredentialPlan, wfs map[string]WorkflowPlan, bodies *boundBodies, created, wfIDs map[string]string, pl *Plan, t Target, r Remote, j Journal) (string, error) {
	file := strings.TrimPrefix(s.Ref, "workflow:")
	switch s.Kind {
	case StepCreateCredential:
		c := creds[strings.TrimPrefix(s.Ref, "credential:")]
		return r.CreateCredential(ctx, *c.New)
	case StepCreateWorkflow:
		body, err := bodies.of(file, wfs[file], created)
		if err != nil {
			return "", err
		}
		return r.CreateWorkflow(ctx, body)
	case StepUpdateWorkflow:
		body, err := bodies.of(file, wfs[file], created)
		if err != nil {
			return "", err
		}
		return wfIDs[file], r.UpdateWorkflow(ctx, wfIDs[file], body)
	case StepTagWorkflow:
		return wfIDs[file], r.SetTags(ctx, wfIDs[file], pl.Tags)
	case StepActivateWorkflow:
		return wfIDs[file], r.Activate(ctx, wfIDs[file])
	case StepRecordCampaign:
		w := wfs[file]
		body, err := bodies.of(file, w, created)
		if err != nil {
			return "", err
		}
		return j.RecordCampaign(ctx, CampaignRecord{Name: w.Name, WorkflowID: wfIDs[file],
			WebhookURL: w.WebhookURL(t.WebhookBase), AppliedHash: AppliedHash(body), Active: w.Activate})
	}
	return "", fmt.Errorf("unknown step kind %q", s.Kind)
}

// WebhookURL is the production URL of the workflow's first webhook ("" if
// it has none).
func (w WorkflowPlan) WebhookURL(base string) string {
	if len(w.Webhooks) == 0 || base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/webhook/" + strings.TrimLeft(w.Webhooks[0].Path, "/")
}

// fingerprint is what a resumed step must still send: the masked preview
// (no secret goes into it), so a resume with other values is refused.
func fingerprint(s Step, pl *Plan, creds map[string]CredentialPlan, wfs map[string]WorkflowPlan) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", s.Kind, s.Ref)
	switch s.Kind {
	case StepCreateCredential:
		c := creds[strings.TrimPrefix(s.Ref, "credential:")]
		if c.New == nil {
			return "", fmt.Errorf("slot %s has no new credential to create", c.Slot)
		}
		fmt.Fprintf(h, "%s\n%s\n", c.New.Name, c.New.Type)
	default:
		w, ok := wfs[strings.TrimPrefix(s.Ref, "workflow:")]
		if !ok {
			return "", fmt.Errorf("the plan has no workflow %s", s.Ref)
		}
		h.Write(w.Preview)
		fmt.Fprintf(h, "\n%q\n", pl.Tags)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// AppliedHash is the content hash a campaign records of what was applied:
// the workflow normalised as a version stores it (so the workflow sent and
// the same workflow read back from n8n hash alike: see LiveHash), without
// its webhookIds (fresh on every first plan, they say nothing of what the
// workflow does).
func AppliedHash(body []byte) string {
	norm, err := blueprint.Normalise("workflow", body)
	if err != nil {
		norm = body // hashed as it is: it can only differ from a live one
	}
	doc, err := decodeJSON(norm)
	if err != nil {
		sum := sha256.Sum256(norm)
		return hex.EncodeToString(sum[:])
	}
	nodes, _ := doc["nodes"].([]any)
	for _, n := range nodes {
		if m, ok := n.(map[string]any); ok {
			delete(m, "webhookId")
		}
	}
	canon, _ := json.Marshal(doc) // maps marshal with sorted keys
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// LiveHash is AppliedHash of a workflow as n8n answers it (its published
// form): equal to the campaign's applied hash while nobody has edited the
// workflow in n8n since the run.
func LiveHash(workflow []byte) string { return AppliedHash(workflow) }

// RunIDs makes a run's webhookIds from its id, so the plan a resume makes
// is the plan the first attempt applied (same bodies, same fingerprints).
func RunIDs(runID int64) IDSource {
	n := 0
	return func() string {
		n++
		sum := sha256.Sum256([]byte(fmt.Sprintf("godmode provisioning run %d webhook %d", runID, n)))
		b := sum[:16]
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		h := hex.EncodeToString(b)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
}
