package model_test

import (
	"encoding/json"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// Each instance's capabilities are learned by the sync cycle's probe and
// stored on it; an instance that answers differently from what is stored
// (here: a 2.x listing a waiting execution while the row says 1.x, as
// after an upgrade) is probed again and the row rewritten.
func TestSyncProbesAndRefreshesCapabilities(t *testing.T) {
	w := newWorld(t)
	s := w.syncer("runner-a", model.SyncOptions{})
	w.cycle(s)
	in, err := w.store.Instance(w.ctx, *w.ws.InstanceID)
	if err != nil || in.Capabilities == nil || in.Capabilities.Major != 1 || in.Capabilities.Publish || in.Capabilities.WaitingInLists {
		t.Fatalf("1.x instance after a cycle: %+v (%v)", in.Capabilities, err)
	}

	v2 := n8ntest.New(n8ntest.WithMajor(2))
	t.Cleanup(v2.Close)
	texas, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "texas", BaseURL: v2.URL, APIKey: v2.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	stale := n8n.Capabilities{Major: 1}
	if changed, err := w.store.SetInstanceCapabilities(w.ctx, texas.ID, stale); err != nil || !changed {
		t.Fatalf("storing stale capabilities: %v %v", changed, err)
	}
	wf, err := v2.AddWorkflow(n8n.Workflow{Name: "wait", Active: true, Connections: json.RawMessage(`{"Webhook":{"main":[[{"node":"Wait","type":"main","index":0}]]}}`),
		Nodes: []n8n.Node{
			{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, WebhookID: "w1", Parameters: json.RawMessage(`{"path":"tx-wait","httpMethod":"POST"}`)},
			{Name: "Wait", Type: "n8n-nodes-base.wait", TypeVersion: 1.1, WebhookID: "w2", Parameters: json.RawMessage(`{"amount":3,"unit":"days"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v2.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID, Status: n8n.StatusWaiting}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CycleInstance(w.ctx, texas.ID); err != nil {
		t.Fatal(err)
	}
	got, err := w.store.Instance(w.ctx, texas.ID)
	if err != nil || got.Capabilities == nil || got.Capabilities.Major != 2 || !got.Capabilities.Publish || !got.Capabilities.WaitingInLists || !got.Capabilities.ListCredentials {
		t.Fatalf("2.x instance after answering differently: %+v (%v)", got.Capabilities, err)
	}
	// Unchanged answers write nothing.
	if changed, err := w.store.SetInstanceCapabilities(w.ctx, texas.ID, *got.Capabilities); err != nil || changed {
		t.Errorf("storing the same capabilities again: changed %v (%v)", changed, err)
	}
}
