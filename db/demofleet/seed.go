package demofleet

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// Options say what to seed.
type Options struct {
	// Now is the fleet's present: executions ran in the hours before it,
	// and the fake n8n servers read their clock from it.
	Now time.Time
	// SuperEmail is the super admin created first.
	SuperEmail string
	// N8nMajor is the n8n the fakes behave like: 2 for 2.x, 1.x otherwise.
	N8nMajor int
	// Majors overrides N8nMajor for the instances it names.
	Majors map[string]int
	// Workspaces seeds only the first N of Workspaces (0: all of them), for
	// tests that need a smaller fleet built the same way.
	Workspaces int
	// NoLarge leaves out the 5000-item execution of texas' Research Report
	// (slow to simulate), for tests that do not open it.
	NoLarge bool
}

// Fleet is what Seed made.
type Fleet struct {
	// Servers are the fake n8n instances by name; Instances their ids.
	Servers   map[string]*n8ntest.Server
	Instances map[string]int64
	// Super is the super admin; Members holds every workspace's users by
	// slug and role (owner.SLUG@SLUG.example.com and so on).
	Super   model.User
	Members map[string]map[model.Role]model.User
	// Blueprint is the demo blueprint's version in the vault, every
	// campaign's workflow rendered from it.
	Blueprint model.BlueprintVersion
	// Guarded is its second version, webhooks behind header auth.
	Guarded   model.BlueprintVersion
	drifty    []string // workflows of the drifting workspace, on its instance
	runs      []campaignRuns
	templates []blueprint.Source // the blueprint's workflows, by template
}

// campaignRuns are one campaign's executions, made in n8n once every
// campaign of its instance is seeded: n8n numbers executions as they
// start, so on each instance ids must follow start times across campaigns
// (the sync reads newest first and stops at its window; backdated low ids
// would be missed, and with them the campaigns' 24-hour failures).
type campaignRuns struct {
	camp  model.Campaign
	srv   *n8ntest.Server
	specs []n8ntest.ExecutionSpec
	gone  bool // the workflow is deleted inside n8n once its executions exist
}

// DownInstance is the demo's one n8n that has gone down: with thousands
// of instances some always are, and a person trying the demo sees that it
// marks only its own workspace (georgia).
const DownInstance = "n8n-georgia"

// LargeWorkspace and LargeCampaign hold the large execution: thousands of
// items with binary data, failing on its last node.
const (
	LargeWorkspace = "texas"
	LargeCampaign  = "Research Report"
)

// TakeDown makes the instance drop every connection from now on.
func (f *Fleet) TakeDown(name string) {
	if srv := f.Servers[name]; srv != nil {
		srv.CloseNext(math.MaxInt32)
	}
}

// The drift the demo makes happens in one workspace only (oregon), so a
// person (or a test) working elsewhere is never surprised by it.
const (
	DriftWorkspace = "oregon"
	DriftEvery     = 25 * time.Second
)

// DriftNow flips one of oregon's workflows inside its n8n every period,
// behind godmode's back, until the returned func is called.
func (f *Fleet) DriftNow(ctx context.Context, every time.Duration) func() {
	ctx, cancel := context.WithCancel(ctx)
	srv := f.Servers["n8n-"+DriftWorkspace]
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if len(f.drifty) == 0 || srv == nil {
				return
			}
			id := f.drifty[i%len(f.drifty)]
			if wf, ok := srv.Workflow(id); ok {
				_ = srv.SetActive(id, !wf.Active)
			}
		}
	}()
	return cancel
}

// Close stops the fake n8n servers.
func (f *Fleet) Close() {
	for _, s := range f.Servers {
		s.Close()
	}
}

// Seed fills an empty database and fresh fake n8n servers.
func Seed(ctx context.Context, store *db.Store, opt Options) (*Fleet, error) {
	f, err := seed(ctx, store, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func seed(ctx context.Context, store *db.Store, opt Options) (*Fleet, error) {
	rng := rand.New(rand.NewPCG(2026, 11))
	f := &Fleet{Servers: map[string]*n8ntest.Server{}, Instances: map[string]int64{}, Members: map[string]map[model.Role]model.User{}}
	wss := Workspaces
	if opt.Workspaces > 0 && opt.Workspaces < len(wss) {
		wss = wss[:opt.Workspaces]
	}
	major := 1
	if opt.N8nMajor == 2 {
		major = 2
	}
	now := opt.Now
	full := len(wss) == len(Workspaces)
	for _, w := range append(slices.Clone(wss), NewClient) { // a clone: wss shares Workspaces' array
		if w.Instance == "" || f.Instances[w.Instance] != 0 || w.Slug == NewClient.Slug && !full {
			continue
		}
		m := major
		if v, ok := opt.Majors[w.Instance]; ok {
			m = v
		}
		if err := addInstance(ctx, store, f, w.Instance, m, now); err != nil {
			return f, err
		}
	}
	super, err := store.CreateUser(ctx, opt.SuperEmail, "Super Admin", true)
	if err != nil {
		return f, err
	}
	f.Super = super
	if err := importBlueprint(ctx, store, f); err != nil {
		return f, fmt.Errorf("importing the demo blueprint: %w", err)
	}
	for wi, w := range wss {
		var inst *int64
		if id, ok := f.Instances[w.Instance]; ok {
			inst = &id
		}
		ws, err := store.CreateWorkspace(ctx, w.Slug, w.Name, inst)
		if err != nil {
			return f, err
		}
		if inst != nil && w.Status != model.WorkspaceAwaitingSetup { // one awaiting setup has nothing yet
			if err := seedCampaigns(ctx, store, f, f.Servers[w.Instance], ws, wi, rng, opt); err != nil {
				return f, fmt.Errorf("seeding %s: %w", w.Slug, err)
			}
		}
		if w.Status != model.WorkspaceAwaitingSetup {
			if _, err := store.SetWorkspaceStatus(ctx, ws.ID, w.Status, w.Reason); err != nil {
				return f, err
			}
		}
		f.Members[w.Slug] = map[model.Role]model.User{}
		for _, role := range model.Roles {
			u, err := store.CreateUser(ctx, fmt.Sprintf("%s.%s@%s.example.com", role, w.Slug, w.Slug), "", false)
			if err != nil {
				return f, err
			}
			if err := store.SetMember(ctx, ws.ID, u.ID, role); err != nil {
				return f, err
			}
			f.Members[w.Slug][role] = u
		}
	}
	if err := addRuns(ctx, store, f.runs, opt.Now); err != nil {
		return f, err
	}
	if !full {
		return f, nil
	}
	return f, seedNewClient(f, now)
}

func addInstance(ctx context.Context, store *db.Store, f *Fleet, name string, major int, now time.Time) error {
	// Ids follow the instance's name, so the fleet is the same every run.
	h := fnv.New64a()
	h.Write([]byte(name))
	srv := n8ntest.New(n8ntest.WithClock(func() time.Time { return now }), n8ntest.WithMajor(major), n8ntest.WithIDSeed(h.Sum64()))
	f.Servers[name] = srv
	in, err := store.AddInstance(ctx, db.NewInstance{Name: name, BaseURL: srv.URL, WebhookBaseURL: srv.URL, APIKey: srv.APIKey})
	if err != nil {
		return err
	}
	f.Instances[name] = in.ID
	return nil
}

// importBlueprint puts the demo blueprint in the vault as an operator
// would (checked, detected, audited as the super admin's import).
func importBlueprint(ctx context.Context, store *db.Store, f *Fleet) error {
	actor, err := store.Actor(ctx, f.Super, "")
	if err != nil {
		return err
	}
	var srcs []blueprint.Source
	for _, t := range Templates {
		b, err := json.Marshal(t.Workflow())
		if err != nil {
			return err
		}
		srcs = append(srcs, blueprint.Source{Name: t.Name + ".json", Data: b})
	}
	got, err := model.NewVault(store, detect.Analyze, nil).ImportBlueprint(ctx, actor, BlueprintName, srcs, nil)
	if err != nil {
		return err
	}
	f.Blueprint = got.Version
	for i, w := range got.Prepared.Workflows {
		f.templates = append(f.templates, blueprint.Source{Name: srcs[i].Name, Data: w.JSON})
	}
	// The second version is what the wizard provisions: a credential to
	// create (a secret typed in), on top of the variables.
	var guarded []blueprint.Source
	for _, t := range Templates {
		b, err := json.Marshal(t.GuardedWorkflow())
		if err != nil {
			return err
		}
		guarded = append(guarded, blueprint.Source{Name: t.Name + ".json", Data: b})
	}
	v2, err := model.NewVault(store, detect.Analyze, nil).ImportBlueprint(ctx, actor, BlueprintName, guarded, nil)
	if err != nil {
		return fmt.Errorf("its second version: %w", err)
	}
	f.Guarded = v2.Version
	return nil
}

// Render is the demo blueprint's workflows with a workspace's own values
// in place of its tokens, one per template, inactive: what the platform
// provisions for it.
func (f *Fleet) Render(w Workspace) ([]n8n.Workflow, error) { return render(f.templates, w) }

// render replaces the tokens on the JSON tree (a Token's Value is what is
// found, its Name what takes its place: here the token, then the value).
func render(srcs []blueprint.Source, w Workspace) ([]n8n.Workflow, error) {
	p, err := blueprint.Prepare(srcs, blueprint.Options{Tokens: []blueprint.Token{
		{Value: TokenSlug, Name: w.Slug}, {Value: TokenLeads, Name: LeadsTable(w.Slug)}, {Value: TokenSender, Name: w.Sender}}})
	if err != nil {
		return nil, err
	}
	out := make([]n8n.Workflow, len(p.Workflows))
	for i, rw := range p.Workflows {
		if err := json.Unmarshal(rw.JSON, &out[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", rw.File, err)
		}
	}
	return out, nil
}

// seedNewClient makes NewClient's workflows in its n8n, tagged for the
// workspace it does not have yet, with the runs they made before godmode
// knew them: one failure today on the active one.
func seedNewClient(f *Fleet, now time.Time) error {
	srv := f.Servers[NewClient.Instance]
	all, err := f.Render(NewClient)
	if err != nil {
		return err
	}
	tag, err := srv.AddTag(model.WorkspaceTagPrefix + NewClient.Slug)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2026, 12)) // its own: the fleet's draws stay as they were
	var specs []n8ntest.ExecutionSpec
	for i, name := range NewClientCampaigns {
		ti := slices.IndexFunc(Templates, func(t Template) bool { return t.Name == name })
		tpl, wf := Templates[ti], all[ti]
		wf.Active = i == 0
		made, err := srv.AddWorkflow(wf)
		if err != nil {
			return err
		}
		if err := srv.TagWorkflow(made.ID, tag.ID); err != nil {
			return err
		}
		for _, r := range newClientRuns[i] {
			spec := n8ntest.ExecutionSpec{WorkflowID: made.ID, StartedAt: now.Add(-r.ago), Mode: "webhook", Items: []map[string]any{lead(rng)}}
			if r.fails {
				spec.Status, spec.FailAt, spec.Message, spec.HTTPCode = n8n.StatusError, tpl.Fail.FailAt, tpl.Fail.Message, tpl.Fail.HTTPCode
			}
			specs = append(specs, spec)
		}
	}
	// n8n numbers executions as they start, across workflows.
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].StartedAt.Before(specs[j].StartedAt) })
	for _, spec := range specs {
		if _, err := srv.AddExecution(spec); err != nil {
			return fmt.Errorf("%s: %w", NewClient.Slug, err)
		}
	}
	return nil
}

// newClientRuns are NewClient's executions by campaign, oldest first (n8n
// numbers them as they start).
var newClientRuns = [][]struct {
	ago   time.Duration
	fails bool
}{
	{{30 * time.Hour, false}, {9 * time.Hour, true}, {2 * time.Hour, false}},
	{{75 * time.Hour, false}, {51 * time.Hour, false}},
}

// addRuns makes every campaign's executions, in start order on each
// instance, and records each campaign's summary; then the workflows of
// the campaigns in error are deleted inside n8n, which is what sync would
// find.
func addRuns(ctx context.Context, store *db.Store, runs []campaignRuns, now time.Time) error {
	type run struct {
		campaign int // index in runs
		spec     n8ntest.ExecutionSpec
	}
	var order []*n8ntest.Server
	by := map[*n8ntest.Server][]run{}
	for i, r := range runs {
		if _, ok := by[r.srv]; !ok {
			order = append(order, r.srv)
		}
		for _, s := range r.specs {
			by[r.srv] = append(by[r.srv], run{i, s})
		}
	}
	sums := make([]db.ExecutionSummary, len(runs))
	for _, srv := range order {
		rs := by[srv]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].spec.StartedAt.Before(rs[j].spec.StartedAt) })
		for _, r := range rs {
			e, err := srv.AddExecution(r.spec)
			if err != nil {
				return fmt.Errorf("%s: %w", runs[r.campaign].camp.Name, err)
			}
			sum := &sums[r.campaign]
			sum.LastID, sum.LastStatus = e.ID, string(e.Status)
			t := e.StartedAt
			sum.LastAt = &t
			if (e.Status == n8n.StatusError || e.Status == n8n.StatusCrashed) && now.Sub(e.StartedAt) < 24*time.Hour {
				sum.Failures24h++
			}
		}
	}
	for i, r := range runs {
		if r.gone {
			wf := r.camp.N8nWorkflowID
			if err := r.srv.Delete(wf); err != nil {
				return err
			}
			if _, err := store.Settle(ctx, r.camp.ID, model.CampaignError, fmt.Sprintf("workflow %s no longer exists in n8n", wf)); err != nil {
				return err
			}
		}
		if err := store.SetExecutionSummary(ctx, r.camp.ID, sums[i]); err != nil {
			return err
		}
	}
	return nil
}

func seedCampaigns(ctx context.Context, store *db.Store, f *Fleet, srv *n8ntest.Server, ws model.Workspace, wi int, rng *rand.Rand, opt Options) error {
	now := opt.Now
	frozen := Workspaces[wi].Status == model.WorkspaceSuspended
	rendered, err := f.Render(Workspaces[wi])
	if err != nil {
		return err
	}
	var camps []model.Campaign
	for ci, tpl := range Templates {
		path := fmt.Sprintf("%s-%s", ws.Slug, Slugify(tpl.Name))
		status := model.CampaignActive
		switch {
		case frozen:
			status = model.CampaignPaused
		case (wi+ci)%5 == 3:
			status = model.CampaignPaused
		case (wi+ci)%11 == 7:
			status = model.CampaignArchived
		case (wi*3+ci)%13 == 5:
			status = model.CampaignError
		}
		wf := rendered[ci]
		wf.Active = status == model.CampaignActive
		wf, err := srv.AddWorkflow(wf)
		if err != nil {
			return err
		}
		camp, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: tpl.Name, N8nWorkflowID: wf.ID,
			Status: status, WebhookURL: srv.URL + "/webhook/" + path})
		if err != nil {
			return err
		}
		camps = append(camps, camp)
		if frozen && (wi+ci)%5 != 3 {
			if err := store.MarkForResume(ctx, camp.ID, true); err != nil {
				return err
			}
		}
		large := ws.Slug == LargeWorkspace && tpl.Name == LargeCampaign
		f.runs = append(f.runs, campaignRuns{camp: camp, srv: srv, gone: status == model.CampaignError,
			specs: executionSpecs(wf.ID, tpl, large, opt.NoLarge, rng, now)})
		if ws.Slug == DriftWorkspace && (status == model.CampaignActive || status == model.CampaignPaused) {
			f.drifty = append(f.drifty, wf.ID)
		}
	}
	if err := seedLeads(ctx, store, ws, wi, camps); err != nil {
		return fmt.Errorf("leads: %w", err)
	}
	return seedUnmanaged(srv, ws)
}

// seedUnmanaged adds workflows nobody recorded as campaigns: someone built
// them inside n8n by hand. Sync lists them as unmanaged, under the
// workspace their tag names.
func seedUnmanaged(srv *n8ntest.Server, ws model.Workspace) error {
	var name string
	switch ws.Slug {
	case "texas":
		name = "texas · Copy of Email 1 (test)"
	case "ohio":
		name = "Ohio holiday blast (manual)"
	default:
		return nil
	}
	// A copy made by hand carries the workspace's own values.
	path := ws.Slug + "-manual-" + Slugify(name)
	b, err := json.Marshal(n8n.Workflow{Name: name, Nodes: emailNodes(path), Connections: json.RawMessage(chain("Webhook", "Enrich Lead", "Email Sender"))})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(Workspaces, func(w Workspace) bool { return w.Slug == ws.Slug })
	made, err := render([]blueprint.Source{{Name: name + ".json", Data: b}}, Workspaces[i])
	if err != nil {
		return err
	}
	wf := made[0]
	wf.Active = true
	if wf, err = srv.AddWorkflow(wf); err != nil {
		return err
	}
	tag, err := srv.AddTag(model.WorkspaceTagPrefix + ws.Slug)
	if err != nil {
		return err
	}
	return srv.TagWorkflow(wf.ID, tag.ID)
}

// executionSpecs are a campaign's history: mostly successes, some
// failures shaped like the real ones, and for one campaign a large
// execution (thousands of items with binary data) that fails, left out
// when noLarge (its leads are drawn all the same, so the rest of the fleet
// is the same either way).
func executionSpecs(wfID string, tpl Template, large, noLarge bool, rng *rand.Rand, now time.Time) []n8ntest.ExecutionSpec {
	n := 4 + rng.IntN(9)
	start := now.Add(-time.Duration(n) * 4 * time.Hour)
	var out []n8ntest.ExecutionSpec
	for i := range n {
		at := start.Add(time.Duration(i)*4*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
		spec := n8ntest.ExecutionSpec{WorkflowID: wfID, StartedAt: at, Mode: "webhook",
			Items: []map[string]any{lead(rng)}}
		if tpl.Waits {
			spec.Status = n8n.StatusWaiting
		}
		if tpl.Fail.Binary {
			spec.Items = append(spec.Items, lead(rng), lead(rng))
		}
		if rng.IntN(4) == 0 || i == n-1 && rng.IntN(2) == 0 {
			spec.Status, spec.FailAt, spec.Message, spec.HTTPCode, spec.Binary = n8n.StatusError, tpl.Fail.FailAt, tpl.Fail.Message, tpl.Fail.HTTPCode, tpl.Fail.Binary
		}
		if large && i == n-1 {
			items := make([]map[string]any, 5000)
			for j := range items {
				items[j] = lead(rng)
			}
			if !noLarge {
				spec.Status, spec.FailAt, spec.Message, spec.HTTPCode, spec.Binary = n8n.StatusError, tpl.Fail.FailAt, tpl.Fail.Message, tpl.Fail.HTTPCode, true
				spec.Items = items
			}
		}
		out = append(out, spec)
	}
	return out
}

var (
	firstNames = []string{"Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jon"}
	lastNames  = []string{"Alvarez", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Hughes"}
	industries = []string{"Roofing", "Solar", "HVAC", "Legal", "Dental", "Logistics"}
)

func lead(rng *rand.Rand) map[string]any {
	f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
	email := fmt.Sprintf("%s.%s@%s-co.com", f, l, industries[rng.IntN(len(industries))])
	if rng.IntN(6) == 0 {
		email = "bounce@target.com"
	}
	return map[string]any{"full_name": f + " " + l, "email_address": email, "industry": industries[rng.IntN(len(industries))],
		"organization_name": l + " & Sons", "linkedin_url": "https://www.linkedin.com/in/" + f + "-" + l}
}

// Slugify is s in lower case with every run of other characters turned
// into one dash: how the fleet names webhook paths.
func Slugify(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+32)
		default:
			if len(out) > 0 && out[len(out)-1] != '-' {
				out = append(out, '-')
			}
		}
	}
	return string(out)
}
