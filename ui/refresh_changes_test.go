package ui

import (
	"testing"

	"github.com/godmode-console/godmode/model"
)

// A change set asks n8n again only for the executions pane whose campaign
// it changed: with many sessions open, a toggle elsewhere in the fleet
// must not make each of them call n8n.
func TestAChangeOfAnotherCampaignAsksN8nNothing(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	r, wait := liveRoot(t, f)
	shown := f.CampaignByID(r.fleet.ShownCampaign())
	if shown.WorkspaceID != f.Workspace("florida").ID {
		t.Fatalf("the fleet opens on %s, want one of florida's campaigns", shown.Name)
	}
	var other model.Campaign
	for _, name := range []string{"Email 1", "Email 2", "Email Preparation"} {
		if c := f.Campaign("florida", name); c.ID != shown.ID {
			other = c
			break
		}
	}
	fake := f.N8n("florida")
	change := func(c model.Campaign) {
		t.Helper()
		f.Console.Publish(model.Change{Table: model.TableCampaigns, Op: "update", ID: c.ID, WorkspaceID: &c.WorkspaceID})
		_, cmd := r.Update(changesMsg{set: wait()})
		deliver(r, cmd)
	}
	before := fake.Requests()
	change(other)
	if n := fake.Requests() - before; n != 0 {
		t.Errorf("a change of %s made %d n8n requests from a session showing %s, want none", other.Name, n, shown.Name)
	}
	change(shown)
	if n := fake.Requests() - before; n != 1 {
		t.Errorf("a change of the campaign shown made %d n8n requests, want 1 (its executions again)", n)
	}
}
