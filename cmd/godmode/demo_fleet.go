package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// The demo fleet: the real platform's shape (one shared legacy n8n holding
// the oldest clients, one n8n per newer tenant), every workspace status,
// every campaign status, and executions whose failures look like the real
// fixtures. It is the same every time, so screens can be compared.

type demoWorkspace struct {
	slug, name string
	instance   string // "" : not on any n8n yet
	status     model.WorkspaceStatus
	reason     string
}

var demoWorkspaces = []demoWorkspace{
	{"ohio", "Ohio Roofing Co.", "legacy-shared", model.WorkspaceActive, ""},
	{"kentucky", "Kentucky Solar", "legacy-shared", model.WorkspaceActive, ""},
	{"indiana", "Indiana HVAC Pros", "legacy-shared", model.WorkspaceActive, ""},
	{"texas", "Texas Legal Group", "n8n-texas", model.WorkspaceActive, ""},
	{"florida", "Florida Pools", "n8n-florida", model.WorkspaceActive, ""},
	{"georgia", "Georgia Dental", "n8n-georgia", model.WorkspaceActive, ""},
	{"arizona", "Arizona Movers", "n8n-arizona", model.WorkspaceActive, ""},
	{"oregon", "Oregon Coffee Roasters", "n8n-oregon", model.WorkspaceActive, ""},
	{"vermont", "Vermont Maple Supply", "n8n-vermont", model.WorkspaceActive, ""},
	{"nevada", "Nevada Event Staffing", "n8n-nevada", model.WorkspaceSuspended, "invoice 2026-10 unpaid"},
	{"maine", "Maine Lobster Direct", "n8n-maine", model.WorkspaceError, ""},
	{"utah", "Utah Ski Rentals", "n8n-utah", model.WorkspaceProvisioning, ""},
	{"idaho", "Idaho Landscaping", "", model.WorkspaceAwaitingSetup, ""},
	{"alaska", "Alaska Charters", "", model.WorkspaceAwaitingSetup, ""},
}

// demoCampaign is one of the platform's workflow templates.
type demoCampaign struct {
	name  string
	nodes func(path string) []n8n.Node
	conns string
	fail  n8ntest.ExecutionSpec // how its failures look
	waits bool                  // its runs stop at a Wait node
}

func node(name, typ string, x float64, params string) n8n.Node {
	return n8n.Node{Name: name, Type: typ, TypeVersion: 1, Position: []float64{x, 0}, Parameters: json.RawMessage(params)}
}

func webhook(path string) n8n.Node {
	n := node("Webhook", n8n.WebhookNodeType, 0, fmt.Sprintf(`{"path":%q,"httpMethod":"POST"}`, path))
	n.WebhookID = path
	return n
}

func chain(names ...string) string {
	b, _ := json.Marshal(links(names...))
	return string(b)
}

func links(names ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(names); i++ {
		m[names[i]] = map[string]any{"main": [][]map[string]any{{to(names[i+1])}}}
	}
	return m
}

func to(node string) map[string]any { return map[string]any{"node": node, "type": "main", "index": 0} }

// loop is names in a chain ending at a "Loop Over Items" node whose loop
// output runs body and comes back, and whose done output runs after.
func loop(names []string, body string, after string) string {
	m := links(append(names, "Loop Over Items")...)
	done := []map[string]any{}
	if after != "" {
		done = append(done, to(after))
	}
	m["Loop Over Items"] = map[string]any{"main": [][]map[string]any{done, {to(body)}}}
	m[body] = map[string]any{"main": [][]map[string]any{{to("Loop Over Items")}}}
	b, _ := json.Marshal(m)
	return string(b)
}

var demoCampaigns = []demoCampaign{
	{name: "Email 1", nodes: emailNodes, conns: chain("Webhook", "Enrich Lead", "Email Sender"),
		fail: n8ntest.ExecutionSpec{FailAt: "Email Sender", Message: "SMTP 550: mailbox unavailable for bounce@target.com [line 2]"}},
	{name: "Email 2", nodes: emailNodes, conns: chain("Webhook", "Enrich Lead", "Email Sender"),
		fail: n8ntest.ExecutionSpec{FailAt: "Email Sender", Message: "SMTP 550: mailbox unavailable for bounce@target.com [line 2]"}},
	{name: "Email 3", nodes: emailNodes, conns: chain("Webhook", "Enrich Lead", "Email Sender"),
		fail: n8ntest.ExecutionSpec{FailAt: "Email Sender", Message: "SMTP 421: too many connections from your IP [line 2]"}},
	{name: "Research Report", nodes: researchNodes, conns: loop([]string{"Webhook", "Prepare Lead", "Attach Brochures"}, "OpenAI Agent", ""),
		fail: n8ntest.ExecutionSpec{FailAt: "OpenAI Agent", HTTPCode: "429", Message: "The service is receiving too many requests from you", Binary: true}},
	{name: "Email Preparation", nodes: prepNodes, conns: loop([]string{"Webhook"}, "Classify", ""),
		fail: n8ntest.ExecutionSpec{FailAt: "Classify", Message: "Cannot read properties of undefined (reading 'industry') [line 4]"}},
	{name: "Reply Tracker", nodes: replyNodes, conns: loop([]string{"Webhook"}, "Check Inbox", "Replied?"),
		fail: n8ntest.ExecutionSpec{FailAt: "Check Inbox", HTTPCode: "401", Message: "Authorization failed - please check your credentials"}},
	{name: "Follow-up Wait", nodes: waitNodes, conns: chain("Webhook", "Wait 3 Days", "Done"),
		fail: n8ntest.ExecutionSpec{FailAt: "Wait 3 Days", Message: "The resume URL expired before the lead replied"}, waits: true},
	{name: "Opt-Out", nodes: optOutNodes, conns: chain("Webhook", "Mark Opted Out"),
		fail: n8ntest.ExecutionSpec{FailAt: "Mark Opted Out", Message: "duplicate key value violates unique constraint \"leads_email_norm_key\""}},
}

func emailNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Enrich Lead", "n8n-nodes-base.code", 220, `{"jsCode":"return $input.all().map(i => ({json: {...i.json, first_name: i.json.full_name.split(' ')[0]}}));"}`),
		node("Email Sender", "n8n-nodes-base.code", 440, `{"jsCode":"for (const item of $input.all()) {\n  if (item.json.email_address.startsWith('bounce@')) throw new Error('SMTP 550: mailbox unavailable for ' + item.json.email_address);\n}\nreturn $input.all();"}`)}
}

func researchNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Prepare Lead", "n8n-nodes-base.code", 220, `{"jsCode":"return $input.all();"}`),
		node("Attach Brochures", "n8n-nodes-base.code", 440, `{"jsCode":"return $input.all();"}`),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 660, `{"batchSize":50}`),
		node("OpenAI Agent", "n8n-nodes-base.httpRequest", 880, `{"method":"POST","url":"https://api.openai.com/v1/chat/completions"}`)}
}

func prepNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 220, `{"batchSize":1}`),
		node("Classify", "n8n-nodes-base.code", 440, `{"jsCode":"// Segment each lead by industry for the email copy.\nreturn $input.all().map(i => {\n  const lead = i.json.lead;\n  const segment = lead.industry.toLowerCase();\n  return {json: {...i.json, segment}};\n});"}`)}
}

func replyNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Loop Over Items", "n8n-nodes-base.splitInBatches", 220, `{"batchSize":1}`),
		node("Check Inbox", "n8n-nodes-base.httpRequest", 440, `{"url":"https://gmail.googleapis.com/gmail/v1/users/me/messages"}`),
		node("Replied?", "n8n-nodes-base.if", 660, `{}`)}
}

func waitNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path),
		node("Wait 3 Days", "n8n-nodes-base.wait", 220, `{"amount":3,"unit":"days"}`),
		node("Done", "n8n-nodes-base.noOp", 440, `{}`)}
}

func optOutNodes(path string) []n8n.Node {
	return []n8n.Node{webhook(path), node("Mark Opted Out", "n8n-nodes-base.postgres", 220, `{"operation":"update","table":"leads"}`)}
}

// demoFleet is what seedDemo made, for the console's wiring.
type demoFleet struct {
	servers map[string]*n8ntest.Server
	super   model.User
	drifty  []string // workflows of the drifting workspace, on its instance
}

// demoDownInstance is the demo's one n8n that has gone down: with
// thousands of instances some always are, and a person trying the demo
// sees that it marks only its own workspace (georgia).
const demoDownInstance = "n8n-georgia"

// takeDown makes the instance drop every connection from now on.
func (f *demoFleet) takeDown(name string) {
	if srv := f.servers[name]; srv != nil {
		srv.CloseNext(math.MaxInt32)
	}
}

// The drift the demo makes happens in one workspace only (oregon), so a
// person (or a test) working elsewhere is never surprised by it.
const (
	demoDriftWorkspace = "oregon"
	demoDriftEvery     = 25 * time.Second
)

// driftNow flips one of oregon's workflows inside its n8n every period,
// until the returned func is called.
func (f *demoFleet) driftNow(ctx context.Context, every time.Duration) func() {
	ctx, cancel := context.WithCancel(ctx)
	srv := f.servers["n8n-"+demoDriftWorkspace]
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
				srv.SetActive(id, !wf.Active)
			}
		}
	}()
	return cancel
}

func (f *demoFleet) close() {
	for _, s := range f.servers {
		s.Close()
	}
}

// seedDemo fills an empty database and fresh fake n8n servers.
func seedDemo(ctx context.Context, store *db.Store, now time.Time, superEmail string) (*demoFleet, error) {
	rng := rand.New(rand.NewPCG(2026, 11))
	f := &demoFleet{servers: map[string]*n8ntest.Server{}}
	instIDs := map[string]int64{}
	for _, w := range demoWorkspaces {
		if w.instance == "" || instIDs[w.instance] != 0 {
			continue
		}
		srv := n8ntest.New(n8ntest.WithClock(func() time.Time { return now }), n8ntest.WithMajor(demoN8nMajor()))
		f.servers[w.instance] = srv
		in, err := store.AddInstance(ctx, db.NewInstance{Name: w.instance, BaseURL: srv.URL, WebhookBaseURL: srv.URL, APIKey: srv.APIKey})
		if err != nil {
			f.close()
			return nil, err
		}
		instIDs[w.instance] = in.ID
	}
	super, err := store.CreateUser(ctx, superEmail, "Super Admin", true)
	if err != nil {
		f.close()
		return nil, err
	}
	f.super = super
	for wi, w := range demoWorkspaces {
		var inst *int64
		if id, ok := instIDs[w.instance]; ok {
			inst = &id
		}
		ws, err := store.CreateWorkspace(ctx, w.slug, w.name, inst)
		if err != nil {
			f.close()
			return nil, err
		}
		if inst != nil {
			if err := seedCampaigns(ctx, store, f, f.servers[w.instance], ws, wi, rng, now); err != nil {
				f.close()
				return nil, fmt.Errorf("seeding %s: %w", w.slug, err)
			}
		}
		if w.status != model.WorkspaceAwaitingSetup {
			if _, err := store.SetWorkspaceStatus(ctx, ws.ID, w.status, w.reason); err != nil {
				f.close()
				return nil, err
			}
		}
		for i, role := range model.Roles {
			u, err := store.CreateUser(ctx, fmt.Sprintf("%s.%s@%s.example.com", role, w.slug, w.slug), "", false)
			if err == nil {
				store.SetMember(ctx, ws.ID, u.ID, model.Roles[i])
			}
		}
	}
	return f, nil
}

func seedCampaigns(ctx context.Context, store *db.Store, f *demoFleet, srv *n8ntest.Server, ws model.Workspace, wi int, rng *rand.Rand, now time.Time) error {
	frozen := demoWorkspaces[wi].status == model.WorkspaceSuspended
	for ci, tpl := range demoCampaigns {
		path := fmt.Sprintf("%s-%s", ws.Slug, slugify(tpl.name))
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
		wf, err := srv.AddWorkflow(n8n.Workflow{Name: ws.Slug + " · " + tpl.name, Nodes: tpl.nodes(path),
			Connections: json.RawMessage(tpl.conns), Active: status == model.CampaignActive})
		if err != nil {
			return err
		}
		camp, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: tpl.name, N8nWorkflowID: wf.ID,
			Status: status, WebhookURL: srv.URL + "/webhook/" + path})
		if err != nil {
			return err
		}
		if frozen && (wi+ci)%5 != 3 {
			store.MarkForResume(ctx, camp.ID, true)
		}
		sum, err := seedExecutions(srv, wf.ID, tpl, ws.Slug == "texas" && tpl.name == "Research Report", rng, now)
		if err != nil {
			return fmt.Errorf("%s: %w", tpl.name, err)
		}
		if status == model.CampaignError {
			// The workflow was deleted inside n8n: what sync would find.
			srv.Delete(wf.ID)
			store.Settle(ctx, camp.ID, model.CampaignError, fmt.Sprintf("workflow %s no longer exists in n8n", wf.ID))
		}
		if err := store.SetExecutionSummary(ctx, camp.ID, sum); err != nil {
			return err
		}
		if ws.Slug == demoDriftWorkspace && (status == model.CampaignActive || status == model.CampaignPaused) {
			f.drifty = append(f.drifty, wf.ID)
		}
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
	path := ws.Slug + "-manual-" + slugify(name)
	wf, err := srv.AddWorkflow(n8n.Workflow{Name: name, Nodes: emailNodes(path), Connections: json.RawMessage(chain("Webhook", "Enrich Lead", "Email Sender")), Active: true})
	if err != nil {
		return err
	}
	tag, err := srv.AddTag(model.WorkspaceTagPrefix + ws.Slug)
	if err != nil {
		return err
	}
	return srv.TagWorkflow(wf.ID, tag.ID)
}

// seedExecutions makes a campaign's history: mostly successes, some
// failures shaped like the real ones, a retry, and for one campaign a large
// execution (thousands of items with binary data) that fails.
func seedExecutions(srv *n8ntest.Server, wfID string, tpl demoCampaign, large bool, rng *rand.Rand, now time.Time) (db.ExecutionSummary, error) {
	var sum db.ExecutionSummary
	n := 4 + rng.IntN(9)
	start := now.Add(-time.Duration(n) * 4 * time.Hour)
	for i := range n {
		at := start.Add(time.Duration(i)*4*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
		spec := n8ntest.ExecutionSpec{WorkflowID: wfID, StartedAt: at, Mode: "webhook",
			Items: []map[string]any{demoLead(rng)}}
		if tpl.waits {
			spec.Status = n8n.StatusWaiting
		}
		if tpl.fail.Binary {
			spec.Items = append(spec.Items, demoLead(rng), demoLead(rng))
		}
		if rng.IntN(4) == 0 || i == n-1 && rng.IntN(2) == 0 {
			spec.Status, spec.FailAt, spec.Message, spec.HTTPCode, spec.Binary = n8n.StatusError, tpl.fail.FailAt, tpl.fail.Message, tpl.fail.HTTPCode, tpl.fail.Binary
		}
		if large && i == n-1 {
			spec.Status, spec.FailAt, spec.Message, spec.HTTPCode, spec.Binary = n8n.StatusError, tpl.fail.FailAt, tpl.fail.Message, tpl.fail.HTTPCode, true
			spec.Items = make([]map[string]any, 5000)
			for j := range spec.Items {
				spec.Items[j] = demoLead(rng)
			}
		}
		e, err := srv.AddExecution(spec)
		if err != nil {
			return sum, err
		}
		sum.LastID, sum.LastStatus = e.ID, string(e.Status)
		t := e.StartedAt
		sum.LastAt = &t
		if (e.Status == n8n.StatusError || e.Status == n8n.StatusCrashed) && now.Sub(e.StartedAt) < 24*time.Hour {
			sum.Failures24h++
		}
	}
	return sum, nil
}

var (
	firstNames = []string{"Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jon"}
	lastNames  = []string{"Alvarez", "Brooks", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Hughes"}
	industries = []string{"Roofing", "Solar", "HVAC", "Legal", "Dental", "Logistics"}
)

func demoLead(rng *rand.Rand) map[string]any {
	f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
	email := fmt.Sprintf("%s.%s@%s-co.com", f, l, industries[rng.IntN(len(industries))])
	if rng.IntN(6) == 0 {
		email = "bounce@target.com"
	}
	return map[string]any{"full_name": f + " " + l, "email_address": email, "industry": industries[rng.IntN(len(industries))],
		"organization_name": l + " & Sons", "linkedin_url": "https://www.linkedin.com/in/" + f + "-" + l}
}

func slugify(s string) string {
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

// demoN8nMajor is the n8n major the demo's fake instances behave like:
// GODMODE_DEMO_N8N_MAJOR=2 for 2.x (the tmux tests run the demo on both),
// 1.x otherwise.
func demoN8nMajor() int {
	if os.Getenv("GODMODE_DEMO_N8N_MAJOR") == "2" {
		return 2
	}
	return 1
}
