package db_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
)

// changes collects what a listener hands on.
type changes struct {
	ch     chan model.Change
	mu     sync.Mutex
	states []db.ListenState
}

func newChanges() *changes { return &changes{ch: make(chan model.Change, 1000)} }

func (c *changes) add(ch model.Change) { c.ch <- ch }

func (c *changes) state(s db.ListenState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states = append(c.states, s)
}

func (c *changes) States() []db.ListenState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]db.ListenState(nil), c.states...)
}

// next waits for the first change that matches.
func (c *changes) next(t *testing.T, what string, match func(model.Change) bool) model.Change {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ch := <-c.ch:
			if match(ch) {
				return ch
			}
		case <-deadline:
			t.Fatalf("no %s within 10s", what)
		}
	}
}

func isResync(c model.Change) bool { return c.Op == model.OpResync }

func run(t *testing.T, l *db.Listener) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run ended with %v, want context.Canceled", err)
		}
	})
}

func TestListenerHandsOnEveryTriggersChange(t *testing.T) {
	s, ctx := newStore(t)
	got := newChanges()
	run(t, db.NewListener(s.Pool(), got.add, db.ListenOptions{OnState: got.state}))
	got.next(t, "resync on connecting", isResync)

	inst, ws := fleet(t, s, ctx)
	c := got.next(t, "workspace notification", func(c model.Change) bool { return c.Table == model.TableWorkspaces })
	if c.ID != ws.ID || c.WorkspaceID == nil || *c.WorkspaceID != ws.ID || c.Op != "insert" {
		t.Errorf("workspace change %+v, want insert of %d", c, ws.ID)
	}
	camp, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	c = got.next(t, "campaign notification", func(c model.Change) bool { return c.Table == model.TableCampaigns })
	if c.ID != camp.ID || c.WorkspaceID == nil || *c.WorkspaceID != ws.ID {
		t.Errorf("campaign change %+v, want campaign %d of workspace %d", c, camp.ID, ws.ID)
	}
	insertFinding(t, s, finding{kind: model.DriftStateMismatch, instance: inst.ID, ws: &ws.ID, camp: &camp.ID, wfID: camp.N8nWorkflowID,
		detail: "active in n8n, was paused", corrected: true})
	c = got.next(t, "finding notification", func(c model.Change) bool { return c.Table == model.TableSyncFindings })
	if c.Op != "insert" || c.ID == 0 {
		t.Errorf("finding change %+v, want an insert with the row's id", c)
	}
	// Someone NOTIFYing by hand is not trusted: it becomes a resync.
	if _, err := s.Pool().Exec(ctx, `SELECT pg_notify('godmode', 'hello')`); err != nil {
		t.Fatal(err)
	}
	got.next(t, "resync for a foreign payload", isResync)
	if st := got.States(); len(st) != 1 || !st[0].Connected {
		t.Errorf("states %+v, want one: connected", st)
	}
}

func TestListenerReconnectsWhenItsBackendIsKilled(t *testing.T) {
	s, ctx := newStore(t)
	_, ws := fleet(t, s, ctx)
	got := newChanges()
	run(t, db.NewListener(s.Pool(), got.add, db.ListenOptions{MinBackoff: 20 * time.Millisecond, OnState: got.state}))
	got.next(t, "resync on connecting", isResync)

	var killed int
	err := s.Pool().QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, db.ListenApplicationName).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d listener backends (%v), want 1", killed, err)
	}
	// Notifications sent now are lost; the resync after reconnecting says so.
	got.next(t, "resync after reconnecting", isResync)
	if _, err := s.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceSuspended, "bounce rate"); err != nil {
		t.Fatal(err)
	}
	c := got.next(t, "a change after reconnecting", func(c model.Change) bool { return c.Table == model.TableWorkspaces })
	if c.ID != ws.ID || c.Op != "update" {
		t.Errorf("change %+v, want update of workspace %d", c, ws.ID)
	}
	st := got.States()
	if len(st) != 3 || !st[0].Connected || st[1].Connected || !st[2].Connected {
		t.Fatalf("states %+v, want connected, lost, connected", st)
	}
	if st[1].Err == nil || !strings.Contains(st[1].Err.Error(), "connection lost") || st[1].RetryIn != 20*time.Millisecond {
		t.Errorf("loss reported as %+v, want the reason and a first retry after 20ms", st[1])
	}
}

func TestListenerBacksOffWhilePostgresIsDownAndComesBack(t *testing.T) {
	dbURL := dbtest.URL(t)
	px := newProxy(t, dbURL)
	got := newChanges()
	l, err := db.NewListenerURL(px.url, got.add, db.ListenOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, OnState: got.state})
	if err != nil {
		t.Fatal(err)
	}
	run(t, l)
	got.next(t, "resync on connecting", isResync)

	px.down()
	// Wait for enough failed attempts to see the backoff reach its cap.
	deadline := time.Now().Add(10 * time.Second)
	for len(got.States()) < 7 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	st := got.States()
	if len(st) < 7 {
		t.Fatalf("only %d states while Postgres was down: %+v", len(st), st)
	}
	want := []time.Duration{10, 20, 40, 80, 80, 80}
	for i, w := range want {
		s := st[i+1]
		if s.Connected || s.Attempt != i+1 || s.RetryIn != w*time.Millisecond || s.Err == nil {
			t.Errorf("down state %d: %+v, want attempt %d retrying in %dms with a reason", i, s, i+1, w)
		}
	}
	if strings.Contains(st[2].Err.Error(), "\n") {
		t.Errorf("error is not one line: %q", st[2].Err)
	}

	px.up()
	got.next(t, "resync once Postgres is back", isResync)
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `SELECT pg_notify('godmode', '{"table":"campaigns","op":"update","id":7,"workspace_id":3}')`); err != nil {
		t.Fatal(err)
	}
	c := got.next(t, "a change once Postgres is back", func(c model.Change) bool { return c.Table == model.TableCampaigns })
	if c.ID != 7 || c.WorkspaceID == nil || *c.WorkspaceID != 3 {
		t.Errorf("change %+v, want campaign 7 of workspace 3", c)
	}
}

// proxy stands between the listener and Postgres on a unix socket of its
// own, so a test can take "Postgres" down and bring it back.
type proxy struct {
	t      *testing.T
	dir    string
	target string
	url    string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newProxy(t *testing.T, dbURL string) *proxy {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	// A short directory: unix socket paths are limited to ~100 bytes.
	dir, err := os.MkdirTemp("", "gmpx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := ".s.PGSQL." + strconv.Itoa(int(cfg.Port))
	p := &proxy{t: t, dir: dir, target: filepath.Join(cfg.Host, sock),
		url: strings.Replace(dbURL, "host="+url.QueryEscape(cfg.Host), "host="+url.QueryEscape(dir), 1)}
	if p.url == dbURL {
		t.Fatalf("cannot point %s at the proxy", dbURL)
	}
	p.up()
	t.Cleanup(p.down)
	return p
}

func (p *proxy) up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	path := filepath.Join(p.dir, filepath.Base(p.target))
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		p.t.Fatal(err)
	}
	p.ln = ln
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("unix", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// down refuses new connections and cuts the open ones.
func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
