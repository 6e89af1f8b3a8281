package n8n_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// intakeValues is a values file for the genesis-intake blueprint: the
// campaign name goes into the Code node, the header credential guarding
// the Webhook node is created from it, its secret read from the
// environment (so the file itself holds none).
const intakeValues = `
[variables]
YOUR_CAMPAIGN_NAME = %q

[credentials.YOUR_CREDENTIAL_INTAKE_HEADER_ID]
type = "httpHeaderAuth"
name = %q
data = { name = "X-Intake-Key", value = "env:INTAKE_KEY" }
`

// Must show 3 against every target, as far as it is built: a blueprint of
// one Webhook + Code workflow (n8n/testdata/genesis-intake) provisions for
// two workspaces with --activate; every workflow is active in n8n; the two
// webhook URLs on the campaigns differ; a POST to each workspace's webhook
// (with its own header secret) makes an execution in that workspace's
// workflow only; rolling one workspace back leaves nothing of it in n8n:
// no workflow named or tagged for it, no credential the run created.
// Between the two, one workspace is re-applied with another campaign name
// (the value its Code node outputs): its workflow id and webhook URL stay,
// it stays active, and (real n8n) a POST then runs the new value.
func TestContractProvisionTwoWorkspaces(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		store, inst := tg.store(t)
		actor := superAdmin(t, store)
		src, err := blueprint.ReadSources([]string{"testdata/genesis-intake"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := model.NewVault(store, detect.Analyze, nil).ImportBlueprint(ctx, actor, "intake", src, nil); err != nil {
			t.Fatalf("import: %v", err)
		}
		dial := func(base, key string) model.N8n { return n8n.New(base, key) }
		console := model.NewConsole(store, dial, model.ConsoleOptions{Context: "contract"})

		// Slugs unique per run: a real n8n keeps what earlier runs left,
		// and webhook paths are global to it.
		type provisioned struct {
			slug, secret, workflowID, url, credID string
			wsID, runID                           int64
		}
		var wss []*provisioned
		for _, who := range []string{"a", "b"} {
			p := &provisioned{slug: fmt.Sprintf("gm%s%d%s", runID, tg.seq.Add(1), who), secret: "intake-" + who + "-" + randomSuffix()}
			ws, err := store.CreateWorkspace(ctx, p.slug, "Intake "+who, &inst.ID)
			if err != nil {
				t.Fatal(err)
			}
			p.wsID = ws.ID
			vals, err := genesis.ParseValues(p.slug+".toml", fmt.Appendf(nil, intakeValues, "spring "+p.slug, "intake header "+p.slug),
				genesis.LoadOptions{Getenv: func(k string) (string, bool) { return p.secret, k == "INTAKE_KEY" }})
			if err != nil {
				t.Fatal(err)
			}
			res, err := console.Provision(ctx, actor, model.ProvisionRequest{Workspace: p.slug, Blueprint: "intake", Version: 1, Values: vals, Activate: true})
			if res.Run.ID != 0 {
				p.runID = res.Run.ID
				wss = append(wss, p)
				// Leaves nothing behind on a real n8n, whatever failed.
				t.Cleanup(func() {
					if p.runID != 0 {
						if _, err := console.RollbackRun(context.Background(), actor, p.runID, &vals); err != nil {
							t.Errorf("cleanup: rolling back %s: %v", p.slug, err)
						}
					}
				})
			}
			if err != nil {
				t.Fatalf("provisioning %s: %v", p.slug, err)
			}
			if res.Run.Status != model.RunSucceeded {
				t.Fatalf("%s: run %d is %s (%s)", p.slug, res.Run.ID, res.Run.Status, res.Run.Error)
			}
			camps, err := store.Campaigns(ctx, ws.ID)
			if err != nil || len(camps) != 1 {
				t.Fatalf("%s: campaigns %+v, %v; want one", p.slug, camps, err)
			}
			p.workflowID, p.url = camps[0].N8nWorkflowID, camps[0].WebhookURL
			steps, err := store.RunSteps(ctx, p.runID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range steps {
				if s.Kind == genesis.StepCreateCredential && s.Status == "done" {
					p.credID = s.N8nID
				}
			}
			if p.credID == "" {
				t.Fatalf("%s: no credential created by the run: %+v", p.slug, steps)
			}
		}

		for _, p := range wss {
			wf, err := tg.client.GetWorkflow(ctx, p.workflowID)
			if err != nil {
				t.Fatalf("%s: workflow %s: %v", p.slug, p.workflowID, err)
			}
			if !wf.Active {
				t.Errorf("%s: workflow %q is not active in n8n", p.slug, wf.Name)
			}
			hooks := wf.WebhookNodes()
			if len(hooks) != 1 || p.url != hooks[0].WebhookURL(tg.url) || !strings.Contains(p.url, "/webhook/"+p.slug+"/") {
				t.Fatalf("%s: campaign webhook %q, n8n's webhook nodes %+v: want one, under %s/", p.slug, p.url, hooks, p.slug)
			}
			if err := tg.client.WaitRegistered(ctx, hooks[0], 0); err != nil {
				t.Fatalf("%s: webhook registration: %v", p.slug, err)
			}
		}
		a, b := wss[0], wss[1]
		if a.url == b.url {
			t.Fatalf("both workspaces' campaigns have webhook %s", a.url)
		}

		// Each workspace's POST (with its own secret) runs its workflow
		// only; the other's secret is refused at the other's webhook.
		if status, body := post(t, a.url, map[string]string{"X-Intake-Key": b.secret}); status != 403 {
			t.Errorf("%s's webhook with %s's secret: %d %q, want 403", a.slug, b.slug, status, body)
		}
		for i, p := range wss {
			if status, body := post(t, p.url, map[string]string{"X-Intake-Key": p.secret}); status != 200 {
				t.Fatalf("%s: POST %s: %d %q", p.slug, p.url, status, body)
			}
			ex := executionsOf(t, tg, p.workflowID, 1)[0]
			var data []byte
			eventually(t, 30*time.Second, p.slug+"'s execution finishes", func() (bool, error) {
				e, err := tg.client.GetExecutionInfo(ctx, ex.ID)
				if err != nil || e.StoppedAt == nil {
					return false, err
				}
				if e.Status != n8n.StatusSuccess {
					return false, fmt.Errorf("execution %s of %s is %s", e.ID, p.slug, e.Status)
				}
				data, err = tg.client.GetExecution(ctx, ex.ID, true)
				return true, err
			})
			// A real n8n runs the Code node with this workspace's rendered
			// value; the fake runs no JavaScript (it only acts out throws),
			// so there the node's output is not looked at.
			if tg.fake == nil {
				if got := codeOutput(t, data, "Tag Lead"); got["campaign"] != "spring "+p.slug || got["email"] != "lead@example.com" {
					t.Errorf("%s: the Code node gave %v, want campaign %q and the posted email", p.slug, got, "spring "+p.slug)
				}
			}
			for j, q := range wss {
				got, err := tg.client.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: q.workflowID}, "")
				if err != nil {
					t.Fatal(err)
				}
				if want := boolInt(j <= i); len(got.Data) != want {
					t.Errorf("after POSTing to %s: %s's workflow has %d executions", p.slug, q.slug, len(got.Data))
				}
			}
		}

		// Re-apply b with another campaign name: updated in place.
		bvals, err := genesis.ParseValues(b.slug+".toml", fmt.Appendf(nil, intakeValues, "summer "+b.slug, "intake header "+b.slug),
			genesis.LoadOptions{Getenv: func(k string) (string, bool) { return b.secret, k == "INTAKE_KEY" }})
		if err != nil {
			t.Fatal(err)
		}
		res, err := console.Provision(ctx, actor, model.ProvisionRequest{Workspace: b.slug, Blueprint: "intake", Version: 1, Values: bvals, Activate: true})
		if err != nil || res.Unchanged || res.Run.Status != model.RunSucceeded {
			t.Fatalf("re-applying %s: %v (unchanged %v, run %s)", b.slug, err, res.Unchanged, res.Run.Status)
		}
		var kinds []string
		for _, s := range res.Plan.Steps {
			kinds = append(kinds, s.Kind)
		}
		if strings.Join(kinds, " ") != genesis.StepUpdateWorkflow+" "+genesis.StepRecordCampaign {
			t.Errorf("re-apply of %s made steps %v, want one update and its campaign record", b.slug, kinds)
		}
		camps, err := store.Campaigns(ctx, b.wsID)
		if err != nil || len(camps) != 1 || camps[0].N8nWorkflowID != b.workflowID || camps[0].WebhookURL != b.url {
			t.Fatalf("%s after the re-apply: campaigns %+v, %v; want workflow %s at %s", b.slug, camps, err, b.workflowID, b.url)
		}
		wf, err := tg.client.GetWorkflow(ctx, b.workflowID)
		if err != nil || !wf.Active {
			t.Fatalf("%s's workflow after the re-apply: active=%v, %v", b.slug, wf.Active, err)
		}
		if hooks := wf.Published().WebhookNodes(); len(hooks) != 1 || hooks[0].WebhookURL(tg.url) != b.url {
			t.Fatalf("%s's webhook after the re-apply: %+v, want %s", b.slug, hooks, b.url)
		}
		// On 2.41.1 the first call right after a PUT may still run the
		// version before (n8n/doc.go): POST until the new value runs.
		posts := 1 // the POST above
		eventually(t, 30*time.Second, b.slug+" runs the re-applied value", func() (bool, error) {
			if status, body := post(t, b.url, map[string]string{"X-Intake-Key": b.secret}); status != 200 {
				return false, fmt.Errorf("POST %s after the re-apply: %d %q", b.url, status, body)
			}
			posts++
			ex := executionsOf(t, tg, b.workflowID, posts)[0]
			var data []byte
			var e n8n.Execution
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
				if e, err = tg.client.GetExecutionInfo(ctx, ex.ID); err != nil {
					return false, err
				}
				if e.StoppedAt != nil {
					break
				}
				if time.Now().After(deadline) {
					return false, fmt.Errorf("execution %s does not finish", ex.ID)
				}
			}
			if e.Status != n8n.StatusSuccess {
				return false, fmt.Errorf("execution %s of %s is %s", e.ID, b.slug, e.Status)
			}
			if tg.fake != nil {
				return true, nil // the fake runs no JavaScript
			}
			if data, err = tg.client.GetExecution(ctx, ex.ID, true); err != nil {
				return false, err
			}
			got := codeOutput(t, data, "Tag Lead")["campaign"]
			t.Logf("%s: POST %d after the re-apply ran campaign %v", b.slug, posts-1, got)
			return got == "summer "+b.slug, nil
		})

		// Roll a back: nothing of it is left in n8n.
		if _, err := console.RollbackRun(ctx, actor, a.runID, nil); err != nil {
			t.Fatalf("rolling back %s: %v", a.slug, err)
		}
		a.runID = 0
		for wf, err := range tg.client.Workflows(ctx, n8n.WorkflowFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			for _, tag := range wf.Tags {
				if tag.Name == genesis.WorkspaceTagPrefix+a.slug {
					t.Errorf("workflow %s %q still tagged %s after the rollback", wf.ID, wf.Name, tag.Name)
				}
			}
			if strings.HasPrefix(wf.Name, a.slug) || wf.ID == a.workflowID {
				t.Errorf("workflow %s %q of %s is still in n8n after the rollback", wf.ID, wf.Name, a.slug)
			}
		}
		// 1.x lists no credentials; deleting again is what both majors
		// answer for: not found once the rollback deleted it.
		if err := tg.client.DeleteCredential(ctx, a.credID); !errors.Is(err, n8n.ErrNotFound) {
			t.Errorf("credential %s of %s after the rollback: delete answered %v, want not found", a.credID, a.slug, err)
		}
		if wf, err := tg.client.GetWorkflow(ctx, b.workflowID); err != nil || !wf.Active {
			t.Errorf("%s's workflow after %s's rollback: active=%v, %v", b.slug, a.slug, wf.Active, err)
		}
		if status, _ := post(t, b.url, map[string]string{"X-Intake-Key": b.secret}); status != 200 {
			t.Errorf("%s's webhook after %s's rollback answered %d", b.slug, a.slug, status)
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// codeOutput is the first item node gave in an execution read with its
// data.
func codeOutput(t *testing.T, raw []byte, node string) map[string]any {
	t.Helper()
	var e struct {
		Data struct {
			ResultData struct {
				RunData map[string][]struct {
					Data struct {
						Main [][]struct {
							JSON map[string]any `json:"json"`
						} `json:"main"`
					} `json:"data"`
				} `json:"runData"`
			} `json:"resultData"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("execution data: %v", err)
	}
	runs := e.Data.ResultData.RunData[node]
	if len(runs) == 0 || len(runs[0].Data.Main) == 0 || len(runs[0].Data.Main[0]) == 0 {
		t.Fatalf("node %q gave no output in the execution (%d bytes)", node, len(raw))
	}
	return runs[0].Data.Main[0][0].JSON
}
