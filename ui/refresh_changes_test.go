package ui

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

// A change set asks n8n again only for the executions pane whose campaign
// it changed: with many sessions open, a toggle elsewhere in the fleet
// must not make each of them call n8n.
func TestAChangeOfAnotherCampaignAsksN8nNothing(t *testing.T) {
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
	console := model.NewConsole(store, func(base, key string) model.N8n { return n8n.New(base, key, n8n.WithTimeout(2*time.Second)) },
		model.ConsoleOptions{Context: "demo"})
	ws, err := store.CreateWorkspace(ctx, "ohio", "Ohio Roofing", &inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, "")
	var camps []model.Campaign
	for _, name := range []string{"Ohio-Email-1", "Ohio-Email-2"} {
		wf, err := fake.AddWorkflow(n8n.Workflow{Name: name, Active: true, Connections: json.RawMessage(`{}`),
			Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
				Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: name, N8nWorkflowID: wf.ID, Status: model.CampaignActive})
		if err != nil {
			t.Fatal(err)
		}
		camps = append(camps, c)
	}
	u, err := store.CreateUser(ctx, "root@platform.io", "Root", true)
	if err != nil {
		t.Fatal(err)
	}
	super, err := store.Actor(ctx, u, "")
	if err != nil {
		t.Fatal(err)
	}
	session := console.As(super)
	defer session.Close()
	r := newRootOn(session, super, Options{Actor: super})
	sized(r, 160, 45)
	deliver(r, r.Init())
	if got := r.fleet.ShownCampaign(); got != camps[0].ID {
		t.Fatalf("the fleet shows campaign %d's executions, want %d:\n%s", got, camps[0].ID, plain(r.Render()))
	}
	// The set as the session gets it (the session's own channel has a
	// reader already: the subscription Init started).
	feed := console.Changes()
	change := func(c model.Campaign) {
		t.Helper()
		console.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: c.ID, WorkspaceID: &c.WorkspaceID})
		select {
		case s := <-feed:
			_, cmd := r.Update(changesMsg{set: s})
			deliver(r, cmd)
		case <-time.After(2 * time.Second):
			t.Fatal("no change set within 2s")
		}
	}
	before := fake.Requests()
	change(camps[1])
	if n := fake.Requests() - before; n != 0 {
		t.Errorf("a change of %s made %d n8n requests from a session showing %s, want none", camps[1].Name, n, camps[0].Name)
	}
	change(camps[0])
	if n := fake.Requests() - before; n != 1 {
		t.Errorf("a change of the campaign shown made %d n8n requests, want 1 (its executions again)", n)
	}
}
