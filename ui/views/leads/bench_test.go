package leads

import (
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/themes"
)

// BenchmarkLeadsFrame is one frame of the :leads screen over 1,000,000
// leads at 200x60: a key press' Update and the View after it. The keys
// walk down the million (j, and pgdn every tenth key) and jump back (g)
// so the window keeps moving by keyset; a page the key asks for is read
// off the clock (in the program it is a tea.Cmd on its own goroutine), and
// its arrival (Update + View) is a frame of its own, on the clock.
//
//	go test ./ui/views/leads -run '^$' -bench LeadsFrame -benchtime 20000x
func BenchmarkLeadsFrame(b *testing.B) {
	f := &fakeLeads{n: 1_000_000}
	m := New(f, themes.MustLoad("dark"))
	m.SetSize(200, 60)
	drive(m, m.Open(Open{Slug: "ohio"}))
	down := tea.KeyPressMsg{Code: 'j', Text: "j"}
	pgdn := tea.KeyPressMsg{Code: tea.KeyPgDown}
	top := tea.KeyPressMsg{Code: 'g', Text: "g"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := down
		switch {
		case i%5000 == 4999:
			k = top
		case i%10 == 9:
			k = pgdn
		}
		cmd := m.Update(k)
		_ = m.View()
		if cmd != nil {
			b.StopTimer()
			var msgs []tea.Msg
			collect(cmd, &msgs)
			b.StartTimer()
			for _, msg := range msgs {
				m.Update(msg)
				_ = m.View()
			}
		}
	}
	b.StopTimer()
	if m.rows == nil || len(m.rows) > WindowPages*PageSize {
		b.Fatalf("window of %d rows", len(m.rows))
	}
}

// collect runs cmd and keeps the messages it yields, spinner frames aside.
func collect(cmd tea.Cmd, out *[]tea.Msg) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			collect(c, out)
		}
	default:
		*out = append(*out, msg)
	}
}
