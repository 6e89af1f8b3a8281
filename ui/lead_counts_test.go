package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// Leads land in florida's Email 1 from elsewhere (an import in another
// session): lead_counts NOTIFYs (00019; db's
// TestFleetReadsCarryLeadCountsAndTheirChangesAreAnnounced shows the
// payload, handed on here as the listener would, without the listener's
// other news), and this console's campaigns pane shows the new count
// without waiting for the poll.
func TestLeadsImportedElsewhereShowInTheFleetsCounts(t *testing.T) {
	t.Parallel()
	f := driftFixture(t)
	r, wait := liveRoot(t, f)
	camp := f.Campaign("florida", "Email 1")
	before := strings.Fields(strings.TrimRight(line(plain(r.Render()), " Email 1 "), "│┃ "))
	if len(before) == 0 || before[len(before)-1] != "40" {
		t.Fatalf("Email 1 does not start with 40 leads: %q", before)
	}
	leads := make([]model.Lead, 5)
	for i := range leads {
		leads[i] = model.Lead{Email: fmt.Sprintf("new%d@florida.example", i), CampaignID: &camp.ID}
	}
	if _, err := f.Store.UpsertLeads(context.Background(), camp.WorkspaceID, leads); err != nil {
		t.Fatal(err)
	}
	ws := camp.WorkspaceID
	f.Console.Publish(model.Change{Table: model.TableLeadCounts, Op: "update", ID: camp.ID, WorkspaceID: &ws})
	set := wait()
	if !set.Has(model.TableLeadCounts) || !set.HasWorkspace(camp.WorkspaceID) {
		t.Fatalf("the change set of an import elsewhere: %+v", set)
	}
	_, cmd := r.Update(changesMsg{set: set})
	deliver(r, cmd)
	row := strings.TrimRight(line(plain(r.Render()), " Email 1 "), "│┃ ")
	if !strings.HasSuffix(row, " 45") {
		t.Errorf("Email 1 after the import: %q, want 45 leads", row)
	}
}
