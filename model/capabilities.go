package model

import (
	"context"

	"github.com/godmode-console/godmode/n8n"
)

// refreshCapabilities probes what the instance can do when nothing is
// stored yet, or when the instance answered differently from what is
// stored (a waiting execution listed by an instance said not to list
// them), and stores a changed answer. It runs after the cycle's listing
// succeeded; a failed probe changes nothing (the cycle's own calls report
// the instance's health) and one cut off by the runner stopping is not
// logged. It returns how many requests it sent (a probe is probeRequests).
func (s *Syncer) refreshCapabilities(ctx context.Context, cl N8n, in Instance, seen []n8n.Execution) (Instance, int) {
	if in.Capabilities != nil && !contradicts(*in.Capabilities, seen) {
		return in, 0
	}
	if ctx.Err() != nil {
		return in, 0
	}
	caps, err := cl.ProbeCapabilities(ctx)
	if err != nil && ctx.Err() != nil {
		return in, probeRequests
	}
	if err != nil {
		s.opt.Log.Warn("probing n8n capabilities failed", "instance", in.Name, "err", err)
		return in, probeRequests
	}
	changed, err := s.store.SetInstanceCapabilities(ctx, in.ID, caps)
	if err != nil {
		s.opt.Log.Error("n8n capabilities not stored", "instance", in.Name, "err", err)
		return in, probeRequests
	}
	if changed {
		s.opt.Log.Info("n8n capabilities", "instance", in.Name, "major", caps.Major, "publish", caps.Publish,
			"list_credentials", caps.ListCredentials, "waiting_in_lists", caps.WaitingInLists)
	}
	in.Capabilities = &caps
	return in, probeRequests
}

// probeRequests is what n8n.Client.ProbeCapabilities sends.
const probeRequests = 2

// contradicts reports whether executions a list returned show the stored
// capabilities are out of date.
func contradicts(c n8n.Capabilities, listed []n8n.Execution) bool {
	if c.WaitingInLists {
		return false
	}
	for _, e := range listed {
		if e.Status == n8n.StatusWaiting {
			return true
		}
	}
	return false
}
