package uitest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// AddCampaigns gives workspace slug n more campaigns ("Campaign 001" …),
// each an active workflow in its n8n, recorded as production records an
// adopted workflow.
func (f *Fleet) AddCampaigns(slug string, n int) {
	f.t.Helper()
	ctx := context.Background()
	srv, ws := f.N8n(slug), f.Workspace(slug)
	tpl := demofleet.Templates[0]
	for i := range n {
		name := fmt.Sprintf("Campaign %03d", i+1)
		path := slug + "-" + demofleet.Slugify(name)
		wf, err := srv.AddWorkflow(n8n.Workflow{Name: slug + " · " + name, Nodes: tpl.Nodes(path), Connections: json.RawMessage(tpl.Connections), Active: true})
		if err != nil {
			f.t.Fatal(err)
		}
		if _, err := f.Store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: name, N8nWorkflowID: wf.ID,
			Status: model.CampaignActive, WebhookURL: srv.URL + "/webhook/" + path}); err != nil {
			f.t.Fatal(err)
		}
	}
}
