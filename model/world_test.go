package model_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var masterKey, _ = base64.StdEncoding.DecodeString("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")

// world is one workspace on one fake n8n, with people of every kind.
type world struct {
	t       testing.TB
	ctx     context.Context
	store   *db.Store
	n8n     *n8ntest.Server
	console *model.Console
	ws      model.Workspace
	super   model.Actor
	viewer  model.Actor
	member  model.Actor
}

func newWorld(t testing.TB, opts ...n8ntest.Option) *world {
	t.Helper()
	kr, _ := db.NewKeyring(masterKey)
	w := &world{t: t, ctx: context.Background(), store: db.NewStore(dbtest.New(t), kr), n8n: n8ntest.New(opts...)}
	t.Cleanup(w.store.Close)
	t.Cleanup(w.n8n.Close)
	inst, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "ohio", BaseURL: w.n8n.URL, APIKey: w.n8n.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	if w.ws, err = w.store.CreateWorkspace(w.ctx, "ohio", "Ohio Roofing", &inst.ID); err != nil {
		t.Fatal(err)
	}
	w.store.SetWorkspaceStatus(w.ctx, w.ws.ID, model.WorkspaceActive, "")
	w.console = model.NewConsole(w.store, dial(), model.ConsoleOptions{Context: "test"})
	w.super = w.actor("root@example.com", true, "")
	w.viewer = w.actor("viewer@example.com", false, model.RoleViewer)
	w.member = w.actor("member@example.com", false, model.RoleMember)
	return w
}

// relaxedDial makes real n8n clients with the production client's bounds,
// for tests of ordering rather than of faults: a loaded machine (CI under
// -race) must not turn a slow answer into a failure they do not test.
func relaxedDial() model.Dialer {
	return func(base, key string) model.N8n { return n8n.New(base, key) }
}

// dial makes real n8n clients with short timeouts so fault tests are quick.
func dial() model.Dialer {
	return func(base, key string) model.N8n {
		return n8n.New(base, key, n8n.WithTimeout(2*time.Second), n8n.WithAttemptTimeout(500*time.Millisecond),
			n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 2, BaseDelay: 10 * time.Millisecond, MaxDelay: 20 * time.Millisecond}))
	}
}

func (w *world) actor(email string, super bool, role model.Role) model.Actor {
	u, err := w.store.CreateUser(w.ctx, email, email, super)
	if err != nil {
		w.t.Fatal(err)
	}
	if role != "" {
		w.store.SetMember(w.ctx, w.ws.ID, u.ID, role)
	}
	a, err := w.store.Actor(w.ctx, u, "SHA256:"+email)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// campaign makes a workflow with a schedule trigger in n8n and its campaign.
func (w *world) campaign(name string, active bool) model.Campaign {
	w.t.Helper()
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: name, Active: active, Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
	if err != nil {
		w.t.Fatal(err)
	}
	st := model.CampaignPaused
	if active {
		st = model.CampaignActive
	}
	c, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: name, N8nWorkflowID: wf.ID, Status: st})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) n8nActive(c model.Campaign) bool {
	wf, ok := w.n8n.Workflow(c.N8nWorkflowID)
	if !ok {
		w.t.Fatalf("workflow %s gone from the fake", c.N8nWorkflowID)
	}
	return wf.Active
}

func (w *world) reload(c model.Campaign) model.Campaign {
	got, err := w.store.Campaign(w.ctx, c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

func (w *world) auditRows(action string) []model.AuditEntry {
	all, err := w.store.Audit(w.ctx, model.AuditFilter{Limit: 10000})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []model.AuditEntry
	for _, e := range all {
		if action == "" || e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func names(cs []model.Campaign) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
