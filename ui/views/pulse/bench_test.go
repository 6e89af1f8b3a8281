package pulse

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

// fleetPulse is the pulse of a fleet of n campaigns, ten per workspace,
// each running every hour and failing now and then, with 20 failure
// groups: the shape the pulse read returns at that size (it holds no
// campaign rows, so the campaigns count through the workspaces).
func fleetPulse(n int) model.Pulse {
	p := model.Pulse{At: epoch, Fleet: model.PulseRow{Failures: make([]int, 24), Runs: make([]int, 24)},
		Backlog: model.PulseBacklog{Budget: 50, Pending: 1200, OldestSince: epoch.Add(-6 * time.Minute)}}
	for w := range n / 10 {
		r := model.PulseRow{WorkspaceID: int64(w + 1), Workspace: fmt.Sprintf("client-%04d", w),
			Hour: model.PulseCounts{OK: 10 - w%3, Error: w % 3}, Day: model.PulseCounts{OK: 240 - w%17, Error: w % 17, Soft: w % 5, Waiting: w % 2, Crashed: w % 7 / 6},
			Failures: make([]int, 24), Runs: make([]int, 24)}
		for h := range 24 {
			r.Runs[h] = 10
			r.Failures[h] = (w + h) % 4
			p.Fleet.Runs[h] += r.Runs[h]
			p.Fleet.Failures[h] += r.Failures[h]
		}
		p.Fleet.Hour.OK += r.Hour.OK
		p.Fleet.Hour.Error += r.Hour.Error
		p.Fleet.Day.OK += r.Day.OK
		p.Fleet.Day.Error += r.Day.Error
		p.Workspaces = append(p.Workspaces, r)
	}
	for g := range 20 {
		p.Groups = append(p.Groups, model.FailureGroup{Key: fmt.Sprintf("g%d", g), NodeType: "n8n-nodes-base.httpRequest",
			Class: fmt.Sprintf("HTTP %d", 400+g), Message: "The service is receiving too many requests from you",
			Executions: 1000 - g*40, Workspaces: 100 - g*4, Latest: epoch.Add(-time.Duration(g) * time.Minute)})
	}
	return p
}

// BenchmarkPulseFrame times one frame of :pulse, an update then View(),
// at 100 and 10,000 campaigns: "key" is a cursor move in the workspaces
// pane (the cursor mid-list), "refresh" the poll's new read arriving
// (rows rebuilt, sparklines drawn, then the frame). The view draws only
// the rows on screen, so a key costs the same at any size; a refresh is
// linear in the workspaces.
func BenchmarkPulseFrame(b *testing.B) {
	for _, n := range []int{100, 10000} {
		for _, size := range [][2]int{{160, 42}, {80, 21}} {
			p := fleetPulse(n)
			setup := func(b *testing.B) *Model {
				m := newScreen(b, &fake{pulse: p}, size[0], size[1])
				run(m, m.Init())
				m.Update(press("tab"))
				for range len(p.Workspaces) / 2 {
					m.Update(press("down"))
				}
				if !strings.Contains(m.View(), "client-") {
					b.Fatal("no workspace drawn")
				}
				return m
			}
			name := fmt.Sprintf("%d/%dx%d", n, size[0], size[1])
			b.Run(name+"/key", func(b *testing.B) {
				m := setup(b)
				keys := []string{"down", "k"}
				b.ReportAllocs()
				b.ResetTimer()
				i := 0
				for b.Loop() {
					m.Update(press(keys[i%2]))
					_ = m.View()
					i++
				}
			})
			b.Run(name+"/refresh", func(b *testing.B) {
				m := setup(b)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					m.seq++
					m.Update(loadedMsg{seq: m.seq, pulse: p})
					_ = m.View()
				}
			})
		}
	}
}
