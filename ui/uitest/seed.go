package uitest

import (
	"errors"
	"fmt"
	"time"

	"github.com/godmode-console/godmode/model"
)

// Epoch is the fixed "now" of tests and goldens.
var Epoch = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// FixedClock always answers Epoch.
func FixedClock() time.Time { return Epoch }

var (
	slugs = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka",
		"tyrell", "cyberdyne", "soylent", "aperture", "oscorp", "massive", "vandelay", "prestige"}
	cities = []string{"Ohio", "Texas", "Berlin", "Lyon", "Osaka", "Lagos", "Quito", "Perth"}
	steps  = []string{"Email 1", "Follow-up", "Reply tracker", "Warm-up", "Break-up"}
)

// Seeded returns a backend holding a deterministic fleet: workspaces spread
// over three n8n instances, campaigns spread over the workspaces with a
// mix of statuses, and a few executions per campaign. The same arguments
// always give the same data.
func Seeded(now func() time.Time, workspaces, campaigns int) *Backend {
	b := New(now)
	t0 := now()
	ok, down := true, false
	instIDs := []int64{1, 2, 3}
	b.AddInstance(model.Instance{ID: 1, Name: "n8n-eu-1", BaseURL: "https://eu-1.n8n.example.com", Healthy: &ok, LastLatency: 84 * time.Millisecond, LastCheckedAt: ptr(t0.Add(-4 * time.Second))})
	b.AddInstance(model.Instance{ID: 2, Name: "n8n-us-1", BaseURL: "https://us-1.n8n.example.com", Healthy: &ok, LastLatency: 212 * time.Millisecond, LastCheckedAt: ptr(t0.Add(-4 * time.Second))})
	b.AddInstance(model.Instance{ID: 3, Name: "n8n-ap-1", BaseURL: "https://ap-1.n8n.example.com", Healthy: &down, LastLatency: 5 * time.Second, LastError: "GET /api/v1/workflows: context deadline exceeded", LastCheckedAt: ptr(t0.Add(-35 * time.Second))})

	for i := range workspaces {
		slug := slugs[i%len(slugs)]
		if i >= len(slugs) {
			slug = fmt.Sprintf("%s-%d", slug, i/len(slugs)+1)
		}
		st := model.WorkspaceActive
		switch i % 7 {
		case 3:
			st = model.WorkspaceSuspended
		case 5:
			st = model.WorkspaceAwaitingSetup
		}
		w := model.Workspace{ID: int64(i + 1), Slug: slug, Name: slug, Status: st, InstanceID: &instIDs[i%3], CreatedAt: t0.Add(-time.Duration(400-i) * time.Hour)}
		if st == model.WorkspaceSuspended {
			w.FreezeReason = "bounce rate over 8%"
			w.FrozenAt = ptr(t0.Add(-26 * time.Hour))
		}
		b.AddWorkspace(w)
	}
	if workspaces == 0 {
		return b
	}
	execID := 9000
	for i := range campaigns {
		ws := int64(i%workspaces + 1)
		id := int64(i + 1)
		st := model.CampaignActive
		switch {
		case i%5 == 1:
			st = model.CampaignPaused
		case i%13 == 7:
			st = model.CampaignError
		case i%17 == 9:
			st = model.CampaignArchived
		}
		fails := 0
		lastStatus := "success"
		if i%4 == 2 {
			fails = i%9 + 1
			lastStatus = "error"
		}
		lastAt := t0.Add(-time.Duration(i%50+1) * time.Minute)
		c := model.Campaign{
			ID: id, WorkspaceID: ws, InstanceID: instIDs[(ws-1)%3],
			Name:          fmt.Sprintf("%s %s #%d", cities[i%len(cities)], steps[i%len(steps)], i/len(steps)+1),
			N8nWorkflowID: fmt.Sprintf("wf%05dAbCd", i+1), Status: st, Version: 1,
			LastExecID: fmt.Sprint(execID + i*3), LastExecStatus: lastStatus, LastExecAt: &lastAt,
			Failures24h: fails,
		}
		if st == model.CampaignError {
			c.LastError = "workflow not found in n8n (404)"
		}
		b.AddCampaign(c)
		for k := range 3 {
			start := lastAt.Add(-time.Duration(k) * 15 * time.Minute)
			stop := start.Add(time.Duration(800+(i*37+k*91)%4000) * time.Millisecond)
			e := model.Execution{
				ID: fmt.Sprint(execID + i*3 - k), WorkflowID: c.N8nWorkflowID, CampaignID: id,
				Status: "success", Mode: "trigger", StartedAt: start, StoppedAt: &stop,
			}
			if k == 0 {
				e.Status = lastStatus
			}
			if k == 1 && fails > 0 {
				e.Status, e.Mode = "error", "webhook"
			}
			if k == 0 && fails > 0 && i%8 == 2 {
				e.Mode, e.RetryOf = "retry", fmt.Sprint(execID+i*3-1)
			}
			b.AddExecution(e)
		}
	}
	alice := int64(1)
	b.AddAudit(model.AuditEntry{At: t0.Add(-2 * time.Hour), ActorUserID: &alice, ActorName: "alice@platform.io", Action: "toggle", WorkspaceID: ptr(int64(1)), CampaignID: ptr(int64(1)), Outcome: model.OutcomeOK, Before: []byte(`{"status":"paused"}`), After: []byte(`{"status":"active"}`)})
	b.AddAudit(model.AuditEntry{At: t0.Add(-90 * time.Minute), ActorName: "sync", Action: "drift_correct", WorkspaceID: ptr(int64(2)), CampaignID: ptr(int64(2)), Outcome: model.OutcomeOK})
	b.AddAudit(model.AuditEntry{At: t0.Add(-30 * time.Minute), ActorUserID: &alice, ActorName: "alice@platform.io", Action: "toggle", WorkspaceID: ptr(int64(3)), CampaignID: ptr(int64(3)), Outcome: model.OutcomeFailed, Error: "n8n answered 500: Internal Server Error"})
	return b
}

func ptr[T any](v T) *T { return &v }

// ErrN8n500 and ErrTimeout are the failures tests make n8n answer with.
var (
	ErrN8n500  = errors.New(`n8n answered 500 Internal Server Error on POST /api/v1/workflows/wf00001AbCd/deactivate`)
	ErrTimeout = errors.New(`n8n did not answer POST /api/v1/workflows/wf00001AbCd/deactivate within 10s`)
)
