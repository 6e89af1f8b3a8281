package model_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// provWorld is one Postgres with the base blueprint in its vault and a
// super admin; each workspace gets its own fake n8n (2.x, which lists
// credentials) so listings compare per workspace.
type provWorld struct {
	t       *testing.T
	ctx     context.Context
	store   *killStore
	console *model.Console
	super   model.Actor
	n       int
}

// killStore is the real store; when killAt is set, kill is called right
// after the killAt-th campaign is recorded, as a process killed before the
// step's after-record.
type killStore struct {
	*db.Store
	killAt, seen int
	kill         func()
}

func (k *killStore) RecordProvisionedCampaign(ctx context.Context, c model.ProvisionedCampaign) (int64, error) {
	id, err := k.Store.RecordProvisionedCampaign(ctx, c)
	if k.killAt > 0 && err == nil {
		if k.seen++; k.seen == k.killAt {
			k.kill()
		}
	}
	return id, err
}

const baseDir = "blueprint/testdata/base"

func newProvWorld(t *testing.T) *provWorld {
	t.Helper()
	kr, _ := db.NewKeyring(masterKey)
	w := &provWorld{t: t, ctx: context.Background(), store: &killStore{Store: db.NewStore(dbtest.New(t), kr)}}
	t.Cleanup(w.store.Close)
	w.console = model.NewConsole(w.store, provDial(), model.ConsoleOptions{Context: "test"})
	u, err := w.store.CreateUser(w.ctx, "root@example.com", "root", true)
	if err != nil {
		t.Fatal(err)
	}
	if w.super, err = w.store.Actor(w.ctx, u, "SHA256:root"); err != nil {
		t.Fatal(err)
	}
	srcs, err := blueprint.ReadSources([]string{"genesis/testdata/base-optout"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.NewVault(w.store, detect.Analyze, nil).ImportBlueprint(w.ctx, w.super, "base-cold-email", srcs, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// provDial is quick to give up on a hung call (the timeout cases).
func provDial() model.Dialer {
	return func(base, key string) model.N8n {
		return n8n.New(base, key, n8n.WithTimeout(2*time.Second), n8n.WithAttemptTimeout(300*time.Millisecond),
			n8n.WithRetryPolicy(n8n.RetryPolicy{MaxAttempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 10 * time.Millisecond}))
	}
}

// workspace makes a workspace awaiting setup on its own fake n8n.
func (w *provWorld) workspace(slug string) *n8ntest.Server {
	w.t.Helper()
	f := n8ntest.New(n8ntest.WithMajor(2))
	w.t.Cleanup(f.Close)
	inst, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "n8n-" + slug, BaseURL: f.URL, APIKey: f.APIKey})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.CreateWorkspace(w.ctx, slug, "Workspace "+slug, &inst.ID); err != nil {
		w.t.Fatal(err)
	}
	return f
}

// secretsOf are the secret values the values files of who read.
func secretsOf(who string) []string {
	W := strings.ToUpper(who)
	var out []string
	for _, k := range []string{"APIFY_TOKEN", "CSE_KEY", "RELEVANCE_TOKEN", "PG_PASSWORD", "OPENAI_KEY"} {
		_ = W
		out = append(out, "SECRET-"+who+"-"+strings.ToLower(k))
	}
	tok, _ := os.ReadFile(filepath.Join("genesis/testdata", who+"-webhook-token.txt"))
	if s := strings.TrimSpace(string(tok)); s != "" {
		out = append(out, s)
	}
	return out
}

// values reads genesis' testdata values file of who (texas or ohio).
func (w *provWorld) values(who string) genesis.Values {
	w.t.Helper()
	W := strings.ToUpper(who)
	env := map[string]string{}
	for _, k := range []string{"APIFY_TOKEN", "CSE_KEY", "RELEVANCE_TOKEN", "PG_PASSWORD", "OPENAI_KEY"} {
		env[W+"_"+k] = "SECRET-" + who + "-" + strings.ToLower(k)
	}
	v, err := genesis.ReadValues("genesis/testdata/"+who+".toml", genesis.LoadOptions{Getenv: func(k string) (string, bool) { s, ok := env[k]; return s, ok }})
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func (w *provWorld) provision(ctx context.Context, slug, who string) (model.ProvisionResult, error) {
	return w.console.Provision(ctx, w.super, model.ProvisionRequest{Workspace: slug, Blueprint: "base-cold-email", Version: 1, Values: w.values(who), Activate: true})
}

// listing is everything of a workspace in n8n and Postgres, the slug and
// the instance's address replaced, so two workspaces' listings compare.
func (w *provWorld) listing(slug string, f *n8ntest.Server) []string {
	w.t.Helper()
	ctx := w.ctx
	c := f.Client()
	var out []string
	norm := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, f.URL, "BASE"), slug, "SLUG")
	}
	cursor := ""
	for {
		p, err := c.ListWorkflows(ctx, n8n.WorkflowFilter{}, cursor)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, wf := range p.Data {
			var tags []string
			for _, t := range wf.Tags {
				tags = append(tags, t.Name)
			}
			slices.Sort(tags)
			var hooks []string
			for _, h := range wf.WebhookNodes() {
				hooks = append(hooks, h.Method+" "+h.Path)
			}
			out = append(out, norm(fmt.Sprintf("n8n workflow %q active=%v tags=%v nodes=%d hooks=%v", wf.Name, wf.Active, tags, len(wf.Nodes), hooks)))
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			break
		}
	}
	tags, err := c.Tags(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, t := range tags {
		out = append(out, norm("n8n tag "+t.Name))
	}
	for _, cr := range f.Credentials() {
		out = append(out, norm(fmt.Sprintf("n8n credential %q %s", cr.Name, cr.Type)))
	}
	ws, err := w.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		w.t.Fatal(err)
	}
	out = append(out, "workspace "+string(ws.Status))
	camps, err := w.store.Campaigns(ctx, ws.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, cp := range camps {
		wf, ok := f.Workflow(cp.N8nWorkflowID)
		out = append(out, norm(fmt.Sprintf("campaign %q %s webhook=%s version=%v workflow-exists=%v same-name=%v",
			cp.Name, cp.Status, cp.WebhookURL, cp.BlueprintVersionID != nil, ok, ok && wf.Name == cp.Name)))
	}
	slices.Sort(out)
	return out
}

// Must show 1: the base blueprint provisions for two workspaces with no
// placeholder left in any created workflow, every credential slot bound to
// an id (those the run created exist in n8n), distinct webhook URLs, each
// on its campaign; a second apply with the same values changes nothing in
// n8n (no write request at all) and says so.
func TestProvisionBaseForTwoWorkspaces(t *testing.T) {
	w := newProvWorld(t)
	fakes := map[string]*n8ntest.Server{}
	urls := map[string]string{}
	for _, slug := range []string{"texas", "ohio"} {
		f := w.workspace(slug)
		fakes[slug] = f
		res, err := w.provision(w.ctx, slug, slug)
		if err != nil {
			t.Fatalf("%s: %v", slug, err)
		}
		if res.Run.Status != model.RunSucceeded {
			t.Fatalf("%s: run %d is %s", slug, res.Run.ID, res.Run.Status)
		}
		ws, _ := w.store.WorkspaceBySlug(w.ctx, slug)
		if ws.Status != model.WorkspaceActive {
			t.Errorf("%s: workspace is %s after the run, want active", slug, ws.Status)
		}
		made := map[string]bool{}
		for _, cr := range f.Credentials() {
			made[cr.ID] = true
		}
		given := map[string]bool{}
		for _, cv := range w.values(slug).Credentials {
			if cv.ID != "" {
				given[cv.ID] = true
			}
		}
		if len(made) != 4 {
			t.Errorf("%s: n8n holds %d credentials, want the 4 new ones of the values file", slug, len(made))
		}
		camps, _ := w.store.Campaigns(w.ctx, ws.ID)
		if len(camps) != 7 || f.WorkflowCount() != 7 {
			t.Fatalf("%s: %d campaigns and %d workflows, want 7 of each", slug, len(camps), f.WorkflowCount())
		}
		for _, cp := range camps {
			wf, ok := f.Workflow(cp.N8nWorkflowID)
			if !ok {
				t.Fatalf("%s: campaign %q names workflow %s, not in n8n", slug, cp.Name, cp.N8nWorkflowID)
			}
			raw, _ := json.Marshal(wf)
			if ms := detect.Placeholders(string(raw)); len(ms) > 0 {
				t.Errorf("%s %s: placeholders left: %v", slug, wf.Name, ms)
			}
			for _, n := range wf.Nodes {
				var creds map[string]struct{ ID string }
				_ = json.Unmarshal(n.Credentials, &creds)
				for typ, c := range creds {
					if c.ID == "" || (!made[c.ID] && !given[c.ID]) {
						t.Errorf("%s %s node %q: credential %s has id %q, neither created by the run nor given", slug, wf.Name, n.Name, typ, c.ID)
					}
				}
			}
			if hooks := wf.WebhookNodes(); len(hooks) > 0 {
				want := f.URL + "/webhook/" + hooks[0].Path
				if cp.WebhookURL != want {
					t.Errorf("%s %s: campaign webhook %q, want %q", slug, cp.Name, cp.WebhookURL, want)
				}
				if prev, dup := urls[strings.TrimPrefix(cp.WebhookURL, f.URL)]; dup {
					t.Errorf("%s %s: webhook path %s is also %s's", slug, cp.Name, cp.WebhookURL, prev)
				}
				urls[strings.TrimPrefix(cp.WebhookURL, f.URL)] = slug + " " + cp.Name
			}
			if cp.BlueprintVersionID == nil {
				t.Errorf("%s %s: campaign records no blueprint version", slug, cp.Name)
			}
		}
	}
	if len(urls) < 2 {
		t.Fatalf("only %d webhook URLs recorded", len(urls))
	}
	for _, slug := range []string{"texas", "ohio"} {
		f := fakes[slug]
		before, listing := f.Writes(), w.listing(slug, f)
		res, err := w.provision(w.ctx, slug, slug)
		if err != nil {
			t.Fatalf("%s, second apply: %v", slug, err)
		}
		if got := f.Writes() - before; got != 0 || !res.Unchanged {
			t.Errorf("%s, second apply: %d write requests to n8n, unchanged=%v; want 0 and true", slug, got, res.Unchanged)
		}
		if after := w.listing(slug, f); !slices.Equal(after, listing) {
			t.Errorf("%s, second apply changed the listing:\n%s\nto\n%s", slug, strings.Join(listing, "\n"), strings.Join(after, "\n"))
		}
	}
	w.noSecretsInPostgres(append(secretsOf("texas"), secretsOf("ohio")...))
}

// noSecretsInPostgres reads every text and jsonb column of the tables a
// run writes and looks for each secret value.
func (w *provWorld) noSecretsInPostgres(secrets []string) {
	w.t.Helper()
	pool := w.store.Pool()
	for _, table := range []string{"provisioning_runs", "provisioning_steps", "campaigns", "audit_log"} {
		rows, err := pool.Query(w.ctx, `SELECT column_name FROM information_schema.columns
			WHERE table_name = $1 AND data_type IN ('text', 'jsonb', 'json', 'character varying')`, table)
		if err != nil {
			w.t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var c string
			_ = rows.Scan(&c)
			cols = append(cols, fmt.Sprintf("coalesce(%q::text, '')", c))
		}
		rows.Close()
		var dump string
		if err := pool.QueryRow(w.ctx, fmt.Sprintf(`SELECT coalesce(string_agg(concat_ws(' ', %s), E'\n'), '') FROM %s`, strings.Join(cols, ", "), table)).Scan(&dump); err != nil {
			w.t.Fatal(err)
		}
		if len(dump) == 0 && table != "provisioning_runs" {
			w.t.Errorf("table %s dumped empty: the search would prove nothing", table)
		}
		for _, s := range secrets {
			if strings.Contains(dump, s) {
				w.t.Errorf("secret %q found in table %s", s, table)
			}
		}
	}
}
