package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
	"github.com/godmode-console/godmode/themes"
)

// BenchmarkFiftySessions is one process serving 50 people (issue 11, must
// show 3): 50 Roots over ONE real model.Console (throwaway Postgres, the
// fake n8n, a real NOTIFY listener), each driven as Bubble Tea would drive
// it (keys through Update, the commands it returns run and their messages
// fed back, View after each), scrolling to a campaign of its own and
// watching its executions (half of them the same one); then five of them
// toggle, one after the other.
// It reports the heap per session once all are up and drawn, the slowest
// Update+View, and the n8n requests per toggle across all sessions next to
// the same toggles made with one session open.
//
//	go test ./ui/ -run '^$' -bench FiftySessions -benchtime 2x
func BenchmarkFiftySessions(b *testing.B) {
	f := newBenchFleet(b)
	const sessions, toggles = 50, 5
	var mem, stack, slowest, slowestCPU, p99, perToggle, perToggleAlone float64
	b.ResetTimer()
	for range b.N {
		// The same toggles with one session open, for the comparison.
		alone := f.open(1)
		alone.quiesce(b)
		alone.each(func(i int, s *benchSession) { s.scrollTo(0) })
		alone.quiesce(b)
		reqs := f.n8n.Requests()
		for range toggles {
			alone.toggle(b, alone.s[0])
		}
		perToggleAlone = float64(f.n8n.Requests()-reqs) / toggles
		alone.close()

		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p := f.open(sessions)
		p.quiesce(b)
		// Half watch the campaign everyone watches (tenant-0's first), the
		// others one of their own.
		p.each(func(i int, s *benchSession) {
			if i%2 == 0 {
				s.scrollTo(0)
			} else {
				s.scrollTo(i)
			}
		})
		p.quiesce(b)
		runtime.GC()
		runtime.ReadMemStats(&after)
		mem = float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / sessions
		stack = float64(int64(after.StackInuse)-int64(before.StackInuse)) / sessions
		reqs = f.n8n.Requests()
		// The watched campaign, then four of the others' own, in four
		// workspaces.
		for _, who := range [toggles]int{0, 13, 27, 39, 45} {
			p.toggle(b, p.s[who])
		}
		perToggle = float64(f.n8n.Requests()-reqs) / toggles
		slowest = max(slowest, p.slowest())
		p.close()
		p99 = max(p99, p.p99())
		slowestCPU = max(slowestCPU, p.slowestCPU())
	}
	b.StopTimer()
	b.ReportMetric(mem/1e6, "MB/session")
	b.ReportMetric(stack/1e3, "kB-stacks/session")
	b.ReportMetric(slowest/1e6, "ms/slowest-frame")
	b.ReportMetric(p99/1e6, "ms/p99-frame")
	if slowestCPU > 0 {
		b.ReportMetric(slowestCPU/1e6, "ms-cpu/slowest-frame")
	}
	b.ReportMetric(perToggle, "n8n-req/toggle")
	b.ReportMetric(perToggleAlone, "n8n-req/toggle-1-session")
}

// benchFleet is a believable fleet: 5 workspaces of 10 campaigns, each
// with 20 executions, on one fake n8n, with the listener feeding the
// console as `godmode serve` does.
type benchFleet struct {
	console *model.Console
	n8n     *n8ntest.Server
	super   model.Actor
	theme   *themes.Theme
}

const benchWorkspaces, benchCampaigns, benchExecutions = 5, 10, 20

func newBenchFleet(b *testing.B) *benchFleet {
	b.Helper()
	ctx := context.Background()
	key, _ := base64.StdEncoding.DecodeString("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	kr, _ := db.NewKeyring(key)
	store := db.NewStore(dbtest.New(b), kr)
	b.Cleanup(store.Close)
	fake := n8ntest.New()
	b.Cleanup(fake.Close)
	inst, err := store.AddInstance(ctx, db.NewInstance{Name: "n8n-one", BaseURL: fake.URL, APIKey: fake.APIKey})
	if err != nil {
		b.Fatal(err)
	}
	console := model.NewConsole(store, func(base, key string) model.N8n {
		return n8n.New(base, key, n8n.WithTimeout(5*time.Second))
	}, model.ConsoleOptions{Context: "bench"})
	root, err := store.CreateUser(ctx, "root@platform.io", "Root", true)
	if err != nil {
		b.Fatal(err)
	}
	super, err := store.Actor(ctx, root, "")
	if err != nil {
		b.Fatal(err)
	}
	for w := range benchWorkspaces {
		ws, err := store.CreateWorkspace(ctx, fmt.Sprintf("tenant-%d", w), fmt.Sprintf("Tenant %d Roofing", w), &inst.ID)
		if err != nil {
			b.Fatal(err)
		}
		store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, "")
		for c := range benchCampaigns {
			name := fmt.Sprintf("T%d-Email-%02d", w, c)
			wf, err := fake.AddWorkflow(n8n.Workflow{Name: name, Active: true, Connections: json.RawMessage(`{}`),
				Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
					Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)}}})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: name, N8nWorkflowID: wf.ID, Status: model.CampaignActive}); err != nil {
				b.Fatal(err)
			}
			for e := range benchExecutions {
				spec := n8ntest.ExecutionSpec{WorkflowID: wf.ID}
				if e%7 == 3 {
					spec.Status = n8n.Status("crashed") // a run that failed, for the errors filter
				}
				if _, err := fake.AddExecution(spec); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	lctx, cancel := context.WithCancel(ctx)
	l := db.NewListener(store.Pool(), console.Publish, db.ListenOptions{})
	done := make(chan struct{})
	go func() { defer close(done); l.Run(lctx) }()
	b.Cleanup(func() { cancel(); <-done })
	// The listener announces itself with a resync: wait for it, so that
	// it is up before any session toggles.
	select {
	case <-console.Changes():
	case <-time.After(10 * time.Second):
		b.Fatal("the listener did not connect within 10s")
	}
	return &benchFleet{console: console, n8n: fake, super: super, theme: themes.MustLoad("dark")}
}

// benchProcess is the sessions open at once.
type benchProcess struct {
	s        []*benchSession
	inflight atomic.Int64 // commands running and messages not yet handled
	frames   sync.Mutex
	done     chan struct{}
	wg       sync.WaitGroup
}

// benchSession is one person's console, driven by its own goroutine: Root
// is used from that goroutine only, as in a Bubble Tea program.
type benchSession struct {
	p       *benchProcess
	ac      *model.ActorConsole
	r       *Root
	msgs    chan benchMsg
	changes atomic.Int64 // change sets handled
	slow    atomic.Int64 // the slowest Update+View, ns
	frames  []int64      // each Update+View, ns (the driver's; read after close)
	slowCPU int64        // the most CPU one Update+View used, ns (likewise)
}

type benchMsg struct {
	msg  tea.Msg
	done func()
}

// benchWaiter is how long a command may run before it counts as waiting
// (a poll tick, a toggle's watchdog, the change feed) rather than working:
// quiesce does not wait for those.
const benchWaiter = time.Second

func (f *benchFleet) open(n int) *benchProcess {
	p := &benchProcess{done: make(chan struct{})}
	for range n {
		ac := f.console.As(f.super)
		// Polls only when a change set asks: the n8n requests counted are
		// those the toggles cause, not the clock's.
		r := New(ac, Options{Actor: f.super, Context: "bench", Theme: f.theme, PollInterval: time.Hour})
		s := &benchSession{p: p, ac: ac, r: r, msgs: make(chan benchMsg, 64), frames: make([]int64, 0, 1000)}
		p.s = append(p.s, s)
		p.wg.Go(s.drive)
		s.send(tea.WindowSizeMsg{Width: 160, Height: 45})
		s.run(r.Init())
	}
	return p
}

func (p *benchProcess) each(fn func(int, *benchSession)) {
	var wg sync.WaitGroup
	for i, s := range p.s {
		wg.Go(func() { fn(i, s) })
	}
	wg.Wait()
}

func (s *benchSession) drive() {
	// The driver keeps its thread, so the thread's CPU time is its frames'.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for {
		select {
		case m := <-s.msgs:
			// One frame at a time across the sessions: on the two cores this
			// runs on, 50 frames at the same instant would measure the
			// scheduler's queue, not what a frame costs.
			s.p.frames.Lock()
			cpu0, cpuOK := threadCPU()
			start := time.Now()
			_, cmd := s.r.Update(m.msg)
			_ = s.r.View()
			d := int64(time.Since(start))
			cpu1, _ := threadCPU()
			s.p.frames.Unlock()
			if d > s.slow.Load() {
				s.slow.Store(d)
			}
			if c := int64(cpu1 - cpu0); cpuOK && c > s.slowCPU {
				s.slowCPU = c
			}
			if len(s.frames) < cap(s.frames) {
				s.frames = append(s.frames, d)
			}
			s.run(cmd)
			if _, ok := m.msg.(changesMsg); ok {
				s.changes.Add(1)
			}
			m.done()
		case <-s.p.done:
			return
		}
	}
}

// send queues a message (a key, a resize) as the terminal would.
func (s *benchSession) send(msg tea.Msg) {
	s.p.inflight.Add(1)
	select {
	case s.msgs <- benchMsg{msg: msg, done: func() { s.p.inflight.Add(-1) }}:
	case <-s.p.done:
		s.p.inflight.Add(-1)
	}
}

// run runs a command as the program does, in its own goroutine, and
// queues its message; a batch's commands run each on their own.
func (s *benchSession) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	p := s.p
	p.inflight.Add(1)
	var once sync.Once
	settle := func() { once.Do(func() { p.inflight.Add(-1) }) }
	waiting := time.AfterFunc(benchWaiter, settle)
	go func() {
		msg := cmd()
		waiting.Stop()
		switch msg := msg.(type) {
		case nil:
			settle()
		case tea.BatchMsg:
			for _, c := range msg {
				s.run(c)
			}
			settle()
		case spinner.TickMsg:
			settle() // the spinner's frames would keep it busy forever
		default:
			select {
			case s.msgs <- benchMsg{msg: msg, done: settle}:
			case <-p.done:
				settle()
			}
		}
	}()
}

func (s *benchSession) key(k tea.KeyPressMsg) { s.send(k) }

var (
	keyDown  = tea.KeyPressMsg{Code: 'j', Text: "j"}
	keyTab   = tea.KeyPressMsg{Code: tea.KeyTab}
	keyBack  = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	keySpace = tea.KeyPressMsg{Code: ' ', Text: " "}
)

// scrollTo walks session i to a campaign of its own, as a person would:
// down the workspaces, into the campaigns, through the executions and back.
func (s *benchSession) scrollTo(i int) {
	for range i % benchWorkspaces {
		s.key(keyDown)
		s.settle()
	}
	s.key(keyTab)
	for range (i / benchWorkspaces) % benchCampaigns {
		s.key(keyDown)
		s.settle()
	}
	s.key(keyTab)
	for range 8 {
		s.key(keyDown)
	}
	s.key(keyBack)
	s.settle()
}

// settle waits a little for the session's loads: keys typed faster than
// the campaigns load would select in a pane still empty.
func (s *benchSession) settle() { time.Sleep(30 * time.Millisecond) }

// quiesce waits until no command works and no message waits.
func (p *benchProcess) quiesce(b *testing.B) {
	b.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for p.inflight.Load() > 0 {
		if time.Now().After(deadline) {
			b.Fatalf("the sessions did not settle within 30s (%d commands busy)", p.inflight.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// toggle has s switch its campaign and waits until every session has
// handled the change set that follows and whatever it asked for.
func (p *benchProcess) toggle(b *testing.B, s *benchSession) {
	b.Helper()
	seen := make([]int64, len(p.s))
	for i, o := range p.s {
		seen[i] = o.changes.Load()
	}
	s.key(keySpace)
	deadline := time.Now().Add(30 * time.Second)
	for i, o := range p.s {
		for o.changes.Load() == seen[i] {
			if time.Now().After(deadline) {
				b.Fatalf("session %d saw no change set within 30s of the toggle", i)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	p.quiesce(b)
}

// p99 is the 99th percentile of the frames (after close).
func (p *benchProcess) p99() float64 {
	var all []int64
	for _, s := range p.s {
		all = append(all, s.frames...)
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	return float64(all[len(all)*99/100])
}

func (p *benchProcess) slowestCPU() float64 {
	var m int64
	for _, s := range p.s {
		m = max(m, s.slowCPU)
	}
	return float64(m)
}

func (p *benchProcess) slowest() float64 {
	var m int64
	for _, s := range p.s {
		m = max(m, s.slow.Load())
	}
	return float64(m)
}

// close ends the sessions as a server does at disconnect.
func (p *benchProcess) close() {
	for _, s := range p.s {
		s.ac.Close()
	}
	close(p.done)
	p.wg.Wait()
}
