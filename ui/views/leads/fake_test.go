package leads

import (
	"context"
	"fmt"
	"sync"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
)

// fakeLeads serves a workspace of n leads with ids 1..n, made from their
// id when asked (a million leads cost no memory), ten metadata keys each.
type fakeLeads struct {
	n     int64
	mu    sync.Mutex
	pages []model.LeadPageRequest
}

var fakeKeys = []string{"industry", "score", "city", "state", "title", "company", "phone", "website", "employees", "source"}

func (f *fakeLeads) LeadsHead(ctx context.Context, slug string, flt model.LeadFilter) (model.LeadsHead, error) {
	h := model.LeadsHead{WorkspaceID: 7, Workspace: slug, Keys: fakeKeys, Total: f.n, Campaigns: map[int64]string{1: "Email 1"}}
	if len(flt.Terms) > 0 { // the fake filters nothing: every lead matches
		h.Filtered = true
		h.Matching, h.Capped = int(min(f.n, model.LeadCountCap)), f.n > model.LeadCountCap
	}
	return h, nil
}

func (f *fakeLeads) lead(id int64) model.Lead {
	md := fmt.Sprintf(`{"industry":"Industry %d","score":%d,"city":"City %d","state":"ST","title":"Owner","company":"Company %d","phone":"+1 555 %07d","website":"https://c%d.example.com","employees":%d,"source":"import"}`,
		id%40, id%100, id%500, id, id, id, id%1000)
	return model.Lead{ID: id, WorkspaceID: 7, Email: fmt.Sprintf("lead%d@example.com", id), Status: model.LeadNew, Metadata: []byte(md)}
}

func (f *fakeLeads) LeadsPage(ctx context.Context, wsID int64, flt model.LeadFilter, p model.LeadPageRequest) ([]model.Lead, error) {
	f.mu.Lock()
	f.pages = append(f.pages, p)
	f.mu.Unlock()
	limit := int64(p.Limit)
	var from, to int64 // ids [from, to)
	switch {
	case p.Before > 0:
		from, to = max(1, p.Before-limit), p.Before
	case p.Last:
		from, to = max(1, f.n-limit+1), f.n+1
	default:
		from, to = p.After+1, min(f.n+1, p.After+1+limit)
	}
	out := []model.Lead{}
	for id := from; id < to; id++ {
		out = append(out, f.lead(id))
	}
	return out, nil
}

// drive feeds msg to the screen and runs what it starts, as the program
// would, dropping spinner frames (timers).
func drive(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			drive(m, c)
		}
	default:
		drive(m, m.Update(msg))
	}
}
