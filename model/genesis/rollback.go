package genesis

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Rollback undoes, newest first, what the run's steps made: campaigns
// are deleted from Postgres, workflows and credentials from n8n. A step of
// unknown outcome (started, or failed) looks in n8n for what it may have
// made, with the same name and tags, and deletes that. Tagging and
// activating need no undoing: deleting the workflow undoes them, and the
// plan's tags that no workflow carries any more are deleted last (a tag of
// that name that existed unused before the run goes too). Each
// step undone is recorded, so a rollback stopped halfway can be run again.
// The plan gives names and tags to look for; it is the run's own plan.
func Rollback(ctx context.Context, pl *Plan, r Remote, j Journal) (int, error) {
	recs, err := j.Steps(ctx)
	if err != nil {
		return 0, err
	}
	if err := touchedExisting(recs); err != nil {
		return 0, err
	}
	sort.Slice(recs, func(a, b int) bool { return recs[a].Seq > recs[b].Seq })
	creds := map[string]CredentialPlan{}
	wfs := map[string]WorkflowPlan{}
	if pl != nil {
		for _, c := range pl.Credentials {
			creds[c.Slot] = c
		}
		for _, w := range pl.Workflows {
			wfs[w.File] = w
		}
	}
	undone := 0
	for _, rc := range recs {
		if rc.Status == StepUndone {
			continue
		}
		s := Step{Seq: rc.Seq, Kind: rc.Kind, Ref: rc.Ref}
		id := rc.N8nID
		if rc.Status != StepDone {
			switch rc.Kind {
			case StepCreateCredential, StepCreateWorkflow:
				if pl == nil {
					return undone, &StepError{s, fmt.Errorf("its outcome is unknown and there is no plan to say what to look for")}
				}
				found, ok, err := look(ctx, s, creds, wfs, pl.Tags, r)
				if err != nil {
					return undone, &StepError{s, err}
				}
				id = ""
				if ok {
					id = found
				}
			case StepRecordCampaign:
				// The campaign may have been written: the journal's
				// record is idempotent, so asking again finds it.
				w := wfs[strings.TrimPrefix(rc.Ref, "workflow:")]
				id = ""
				if wfID := workflowOf(recs, rc.Ref); wfID != "" && w.Name != "" {
					if id, err = j.RecordCampaign(ctx, CampaignRecord{Name: w.Name, WorkflowID: wfID}); err != nil {
						return undone, &StepError{s, err}
					}
				}
			default:
				id = ""
			}
		}
		if id != "" {
			var err error
			switch rc.Kind {
			case StepCreateCredential:
				err = r.DeleteCredential(ctx, id)
			case StepCreateWorkflow:
				err = r.DeleteWorkflow(ctx, id)
			case StepRecordCampaign:
				err = j.DeleteCampaign(ctx, id)
			}
			if err != nil {
				return undone, &StepError{s, fmt.Errorf("undoing it: %w", err)}
			}
		}
		if err := j.Undone(ctx, rc.Seq); err != nil {
			return undone, &StepError{s, err}
		}
		undone++
	}
	// The tags the run gave, once none of its workflows carries them: the
	// blueprint's tag stays while another workspace's workflows have it.
	if pl != nil {
		if err := r.DeleteUnusedTags(ctx, pl.Tags); err != nil {
			return undone, fmt.Errorf("deleting the run's tags: %w", err)
		}
	}
	return undone, nil
}

// workflowOf is the workflow id the run's create step for ref recorded.
func workflowOf(recs []Recorded, ref string) string {
	for _, rc := range recs {
		if rc.Kind == StepCreateWorkflow && rc.Ref == ref && rc.Status == StepDone {
			return rc.N8nID
		}
	}
	return ""
}

// ErrUpdatedInPlace is a rollback refused because the run (a re-apply)
// changed workflows it did not create.
var ErrUpdatedInPlace = errors.New("the run updated workflows in place")

// touchedExisting refuses the rollback of a run that updated, tagged or
// recorded workflows an earlier run created: their previous bodies are not
// kept (they may hold secret values, which must not be stored in
// Postgres), so they cannot be put back, and undoing their campaign
// record would delete a live workflow's campaign. Re-applying the previous
// version with its values file puts them back.
func touchedExisting(recs []Recorded) error {
	created := map[string]bool{}
	for _, rc := range recs {
		if rc.Kind == StepCreateWorkflow {
			created[rc.Ref] = true
		}
	}
	var refs []string
	for _, rc := range recs {
		if rc.Status == StepUndone || !strings.HasPrefix(rc.Ref, "workflow:") || created[rc.Ref] || contains(refs, rc.Ref) {
			continue
		}
		refs = append(refs, rc.Ref)
	}
	if len(refs) == 0 {
		return nil
	}
	return fmt.Errorf("%w (%s): their previous content is not kept (it may hold secret values, which are not stored), so a rollback cannot restore it; re-apply the previous version with its values file instead", ErrUpdatedInPlace, strings.Join(refs, ", "))
}
