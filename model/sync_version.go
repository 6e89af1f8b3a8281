package model

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// AppliedVersion is what provisioning applied to one campaign's workflow:
// the content hash of the workflow as n8n answered it after the run, and
// the blueprint version it came from.
type AppliedVersion struct {
	CampaignID int64
	Hash       string
	Blueprint  string
	Version    int
}

// AppliedVersionStore is the read sync needs for version_mismatch; a store
// without it (an older fake) makes no such finding.
type AppliedVersionStore interface {
	// InstanceAppliedVersions are campaign id → what was applied, for the
	// campaigns of an instance that have an applied hash (adopted and
	// seeded ones have none).
	InstanceAppliedVersions(ctx context.Context, instanceID int64) (map[int64]AppliedVersion, error)
}

func (s *Syncer) appliedVersions(ctx context.Context, instanceID int64) (map[int64]AppliedVersion, error) {
	as, ok := s.store.(AppliedVersionStore)
	if !ok {
		return nil, nil
	}
	return as.InstanceAppliedVersions(ctx, instanceID)
}

// versionDrift flags a provisioned workflow whose live form no longer
// hashes to what its run applied: someone edited it in n8n. Sync never
// corrects it: n8n holds the edit, and only a person knows whether it is
// to be kept (captured into a new version) or replaced (re-applied).
func versionDrift(c Campaign, wf *n8n.Workflow, av AppliedVersion, slug string, find func(DriftKind, bool, string) Finding) (Finding, bool) {
	if av.Hash == "" {
		return Finding{}, false
	}
	pub := wf.Published()
	what := ""
	if liveHash(pub) != av.Hash {
		what = "its live workflow differs from what provisioning applied"
	} else if len(wf.ActiveVersion) > 0 && string(wf.ActiveVersion) != "null" && liveHash(*wf) != av.Hash {
		// n8n 2.x: what runs is still as applied, but a saved draft is
		// not, and publishing it would make it live.
		what = "a draft saved in n8n (2.x, not yet published) differs from what provisioning applied; what runs is still as applied"
	}
	if what == "" {
		return Finding{}, false
	}
	ref, arg := "its blueprint version", "NAME@V"
	if av.Blueprint != "" {
		ref = fmt.Sprintf("%s@v%d", av.Blueprint, av.Version)
		arg = ref
	}
	return find(DriftVersionMismatch, false, fmt.Sprintf(
		"workflow %s (%s) was edited in n8n since it was provisioned from %s: %s; sync leaves it as it is: re-apply with `godmode provision --workspace %s --blueprint %s --values FILE --apply`, or accept the edit by capturing it into a new version (`godmode blueprint capture NAME --workspace %s`)",
		wf.Name, wf.ID, ref, what, slug, arg, slug)), true
}

func liveHash(wf n8n.Workflow) string {
	b, err := json.Marshal(wf)
	if err != nil {
		return ""
	}
	return genesis.LiveHash(b)
}
