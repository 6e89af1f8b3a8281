package forensics

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/uitest"
)

// dataBackend serves one execution's data, as a campaign's.
type dataBackend struct {
	linkBackend
	raw []byte
}

func (b *dataBackend) ExecutionData(context.Context, model.Actor, int64, string) ([]byte, error) {
	return b.raw, nil
}

// deliver runs cmd and feeds its answers back, leaving spinner frames out.
func deliver(m *Model, cmd tea.Cmd) []tea.Msg {
	var got []tea.Msg
	queue := uitest.Run(cmd, 2*time.Second)
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		got = append(got, a)
		if _, ok := a.(spinner.TickMsg); ok {
			continue
		}
		queue = append(queue, uitest.Run(m.Update(a), 2*time.Second)...)
	}
	return got
}

// A search's match lands on its own value, not on the first that holds
// the text: 45 replies hold "ohio-roofing.com", the match is the fourth's
// sender, and the cursor is on that line, in the middle of the inspector.
func TestOpenAtLandsOnTheMatchsValue(t *testing.T) {
	m := New(&dataBackend{raw: readFixture(t, "execution-success-loop.json")}, Options{Actor: model.Actor{Name: "root", SuperAdmin: true},
		Theme: themes.MustLoad("dark")})
	m.SetSize(160, 43)
	got := deliver(m, m.OpenAt(Source{CampaignID: 1}, "12", Landing{Node: "Fetch Replies", Run: 0, Path: "data.main.0.3.json.from", Find: "ohio-roofing.com"}))
	s := ansi.Strip(m.View())
	for _, want := range []string{"Inspector · Fetch Replies", "path 3.json.from", `"from": "lead3@ohio-roofing.com"`} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if st := statusOf(got); !strings.HasPrefix(st, "45 values match \"ohio-roofing.com\"") {
		t.Errorf("status %q", st)
	}
	if v := m.view(); v == nil || v.cursor-v.top < m.docHeight()/2-1 {
		t.Errorf("the value is not in the middle of the inspector: cursor %d, top %d, height %d", v.cursor, v.top, m.docHeight())
	}
}
