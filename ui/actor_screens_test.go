package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// twoTenantConsole is the real model over a throwaway Postgres and a fake
// n8n with two tenants, ohio and texas, each with a campaign, an audit row
// and an unmanaged workflow; it returns the console and a member of ohio.
func twoTenantConsole(t *testing.T) (*model.Console, model.Actor) {
	t.Helper()
	ctx := context.Background()
	key, _ := base64.StdEncoding.DecodeString("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	kr, _ := db.NewKeyring(key)
	store := db.NewStore(dbtest.New(t), kr)
	t.Cleanup(store.Close)
	fake := n8ntest.New()
	t.Cleanup(fake.Close)
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "n8n-one", BaseURL: fake.URL, APIKey: fake.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	console := model.NewConsole(store, func(base, key string) model.N8n {
		return n8n.New(base, key, n8n.WithTimeout(2*time.Second))
	}, model.ConsoleOptions{Context: "demo"})
	root, err := store.CreateUser(ctx, "root@platform.io", "Root", true)
	if err != nil {
		t.Fatal(err)
	}
	super, err := store.Actor(ctx, root, "")
	if err != nil {
		t.Fatal(err)
	}
	mem, err := store.CreateUser(ctx, "ann@ohio.io", "Ann", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []struct{ slug, name, camp string }{
		{"ohio", "Ohio Roofing", "Ohio-Email-1"},
		{"texas", "Texas Secret Roofing", "Texas-Secret-Launch"},
	} {
		ws, err := store.CreateWorkspace(ctx, tenant.slug, tenant.name, &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, "")
		wf, err := fake.AddWorkflow(n8n.Workflow{Name: tenant.camp, Active: true, Connections: json.RawMessage(`{}`),
			Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
				Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
		if err != nil {
			t.Fatal(err)
		}
		camp, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: tenant.camp, N8nWorkflowID: wf.ID, Status: model.CampaignActive})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID}); err != nil {
			t.Fatal(err)
		}
		if r := console.Toggle(ctx, super, camp.ID, model.CampaignPaused); r.Err != nil {
			t.Fatal(r.Err)
		}
		if _, err := store.Pool().Exec(ctx, `INSERT INTO sync_findings (kind, instance_id, workspace_id, workflow_id, workflow_name, detail, corrected)
			VALUES ('orphan_workflow', $1, $2, $3, $4, 'owned by no campaign', false)`,
			inst.ID, ws.ID, "wf-"+tenant.slug, tenant.name+" stray"); err != nil {
			t.Fatal(err)
		}
		if tenant.slug == "ohio" {
			store.SetMember(ctx, ws.ID, mem.ID, model.RoleMember)
		}
	}
	member, err := store.Actor(ctx, mem, "")
	if err != nil {
		t.Fatal(err)
	}
	return console, member
}

// A member of ohio opens the console (as cmd/godmode does: the console as
// that actor): no screen they can reach names texas or anything of it.
func TestScreensOfAMemberShowNothingOfAnotherTenant(t *testing.T) {
	t.Parallel()
	console, member := twoTenantConsole(t)
	r := newRootOn(console.As(member), member, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	secret := []string{"texas", "Texas", "Secret"}
	check := func(where string, want ...string) {
		t.Helper()
		s := plain(r.Render())
		mustContain(t, s, want...)
		for _, bad := range secret {
			if strings.Contains(s, bad) {
				t.Errorf("%s shows %q to a member of ohio:\n%s", where, bad, s)
			}
		}
	}
	check("the fleet", "Workspaces [1]", "ohio", "Ohio-Email-1", "drift 1")
	keys(r, ":", "audit", "enter")
	check(":audit", "Audit trail", "toggle")
	keys(r, ":", "drift", "enter")
	check(":drift", "Ohio Roofing stray")
}

// The palette offers a member only what they may open (k9s style): the
// instances and the unmanaged workflows span every tenant, so they are
// neither listed, completed nor run, and typing them says why.
func TestPaletteOffersAMemberNoSuperAdminView(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	r := newRoot(f.As(f.Member("florida", model.RoleMember)), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	for _, name := range r.commandNames() {
		if name == "instances" || name == "unmanaged" || name == "orphans" || name == "inst" {
			t.Errorf("the palette completes :%s for a member", name)
		}
	}
	keys(r, "?")
	mustContain(t, plain(r.Render()), "Commands", ":audit")
	if s := plain(r.Render()); strings.Contains(s, ":instances") || strings.Contains(s, ":unmanaged") {
		t.Errorf("help offers a member a super admin's view:\n%s", s)
	}
	keys(r, "esc")
	for _, typed := range []string{"instances", "n8n", "unmanaged"} {
		keys(r, ":", typed, "enter")
		s := plain(r.Render())
		if strings.Contains(s, "n8n instances [") || strings.Contains(s, "Unmanaged") {
			t.Errorf(":%s opened a super admin's view for a member:\n%s", typed, s)
		}
		mustContain(t, s, "is for super admins only")
	}
	// A super admin's palette is unchanged.
	r = newRoot(f.AsSuper(), Options{})
	if !slices.Contains(r.commandNames(), "instances") || !slices.Contains(r.commandNames(), "unmanaged") {
		t.Errorf("a super admin's palette lacks :instances or :unmanaged: %v", r.commandNames())
	}
}
