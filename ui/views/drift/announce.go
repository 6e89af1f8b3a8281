package drift

import (
	"fmt"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// Announce is the status line for findings sync has just recorded: each
// correction by name when there is one, else counts and where to look.
// more is how many further new findings were not read.
func Announce(fs []model.Finding, more int) (common.StatusMsg, bool) {
	var fixed, needs []model.Finding
	for _, f := range fs {
		if f.Corrected {
			fixed = append(fixed, f)
		} else if f.ResolvedAt == nil {
			needs = append(needs, f)
		}
	}
	switch {
	case len(fixed)+len(needs) == 0 && more == 0:
		return common.StatusMsg{}, false
	case len(fixed) == 1 && len(needs) == 0 && more == 0:
		f := fixed[0]
		return common.Note(fmt.Sprintf("sync corrected %s: %s", where(f), detail(f))), true
	case len(needs) == 1 && len(fixed) == 0 && more == 0:
		f := needs[0]
		if f.Kind == model.DriftOrphanWorkflow {
			return common.Problem(fmt.Sprintf("sync found a workflow no campaign owns on %s: %s (:unmanaged lists them)",
				f.InstanceName, Subject(f))), true
		}
		return common.Problem(fmt.Sprintf("sync found %s needs you: %s (:drift lists it)", where(f), detail(f))), true
	}
	msg := fmt.Sprintf("sync corrected %d and found %d needing you", len(fixed), len(needs))
	if more > 0 {
		msg = fmt.Sprintf("sync recorded %d findings (%d corrected, %d needing you, %d more)", len(fs)+more, len(fixed), len(needs), more)
	}
	msg += " (:drift lists them)"
	if len(needs) > 0 {
		return common.Problem(msg), true
	}
	return common.Note(msg), true
}

// where is workspace/subject, or instance/subject for a workflow no
// campaign owns (its workspace is only what its tag says).
func where(f model.Finding) string {
	owner := f.WorkspaceSlug
	if owner == "" || f.Kind == model.DriftOrphanWorkflow {
		owner = f.InstanceName
	}
	return owner + "/" + Subject(f)
}

func detail(f model.Finding) string {
	if f.Detail != "" {
		return f.Detail
	}
	return kindWord(f.Kind)
}
