package leads

import (
	"context"
	"encoding/json"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

// Backend is what the screen reads: model.ActorConsole implements it.
type Backend interface {
	LeadsHead(ctx context.Context, slug string, f model.LeadFilter) (model.LeadsHead, error)
	LeadsPage(ctx context.Context, workspaceID int64, f model.LeadFilter, p model.LeadPageRequest) ([]model.Lead, error)
}

// readTimeout bounds each read: a page is one index range, a head a few
// small reads and a count capped at model.LeadCountCap.
const readTimeout = 15 * time.Second

// row is a lead as drawn: cleaned of control characters once, when its
// page arrives, so a frame only cuts strings to width.
type row struct {
	id                      int64
	email, status, campaign string
	cells                   map[string]string // metadata key → cell text
}

// rowOf turns a lead into cells: strings as they are, anything else as
// its JSON text.
func rowOf(l model.Lead, campaigns map[int64]string) row {
	r := row{id: l.ID, email: safetext.Line(l.Email), status: safetext.Line(l.Status)}
	if l.CampaignID != nil {
		r.campaign = safetext.Line(campaigns[*l.CampaignID])
	}
	var md map[string]json.RawMessage
	if json.Unmarshal(l.Metadata, &md) == nil && len(md) > 0 {
		r.cells = make(map[string]string, len(md))
		for k, v := range md {
			r.cells[k] = safetext.Line(model.LeadValueText(v))
		}
	}
	return r
}

// Where a page goes in the window.
type placement int

const (
	replaceFirst  placement = iota // the first page (open, g, a new filter)
	replaceLast                    // the last page (G)
	appendAfter                    // the page after the window
	prependBefore                  // the page before the window
	refresh                        // the window read again from its first id
)

// headMsg is the head of a query and its first (or last) page.
type headMsg struct {
	query uint64
	head  model.LeadsHead
	rows  []row
	err   error
}

// pageMsg is one page for the window. anchor is the id the window had at
// the edge the page joins when it was asked for: a page that no longer
// fits (the window moved) is dropped.
type pageMsg struct {
	query, window uint64
	place         placement
	anchor        int64
	rows          []row
	err           error
}

// loadHead reads the head of slug's leads under f and, unless page is
// nil, the page the window starts on.
func loadHead(b Backend, query uint64, slug string, f model.LeadFilter, page *model.LeadPageRequest) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		h, err := b.LeadsHead(ctx, slug, f)
		if err != nil {
			return headMsg{query: query, err: err}
		}
		if page == nil {
			return headMsg{query: query, head: h}
		}
		ls, err := b.LeadsPage(ctx, h.WorkspaceID, f, *page)
		return headMsg{query: query, head: h, rows: rowsOf(ls, h.Campaigns), err: err}
	}
}

func loadPage(b Backend, msg pageMsg, wsID int64, f model.LeadFilter, req model.LeadPageRequest, campaigns map[int64]string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		ls, err := b.LeadsPage(ctx, wsID, f, req)
		msg.rows, msg.err = rowsOf(ls, campaigns), err
		return msg
	}
}

func rowsOf(ls []model.Lead, campaigns map[int64]string) []row {
	out := make([]row, len(ls))
	for i, l := range ls {
		out[i] = rowOf(l, campaigns)
	}
	return out
}
