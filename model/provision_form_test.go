package model_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
)

// The wizard's form of a version: every variable but the slug, the secret
// ones said so by their names, and each credential slot with the fields
// of n8n's schema for its type (secret fields masked).
func TestProvisionFormListsVariablesAndSlotFields(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	f, err := w.console.ProvisionForm(w.ctx, w.super, "texas", "base-cold-email", 1)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]model.FormVariable{}
	for _, v := range f.Variables {
		vars[v.Name] = v
	}
	if _, ok := vars["YOUR_WORKSPACE_SLUG"]; ok {
		t.Error("YOUR_WORKSPACE_SLUG is asked for; godmode sets it")
	}
	for name, secret := range map[string]bool{"YOUR_APIFY_API_TOKEN": true, "YOUR_GOOGLE_CSE_API_KEY": true, "YOUR_RELEVANCE_AI_AUTH_TOKEN": true, "YOUR_COMPANY_NAME": false, "YOUR_SENDER_EMAIL": false} {
		v, ok := vars[name]
		if !ok || v.Secret != secret {
			t.Errorf("variable %s: listed %v, secret %v; want listed, secret %v", name, ok, v.Secret, secret)
		}
	}
	var pg *model.FormSlot
	for i, s := range f.Slots {
		if strings.HasPrefix(s.Slot, "YOUR_CREDENTIAL_") && strings.HasSuffix(s.Slot, "_ID") {
			if _, asVar := vars[s.Slot]; asVar {
				t.Errorf("slot %s is also asked as a variable", s.Slot)
			}
		}
		if s.Slot == "YOUR_CREDENTIAL_POSTGRES_ID" {
			pg = &f.Slots[i]
		}
	}
	if pg == nil || pg.Type != "postgres" || pg.Schema == nil {
		t.Fatalf("postgres slot: %+v", pg)
	}
	fields := map[string]bool{}
	for _, ff := range pg.Fields {
		fields[ff.Name] = ff.Secret
	}
	if secret, ok := fields["password"]; !ok || !secret {
		t.Errorf("postgres form: password listed %v secret %v; want a masked field", ok, secret)
	}
	if secret, ok := fields["host"]; !ok || secret {
		t.Errorf("postgres form: host listed %v secret %v; want a plain field", ok, secret)
	}
}

// Someone who is not a super admin gets no form, and the refusal is on the
// record.
func TestProvisionFormRefusedToANonSuperAdminIsAudited(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	u, err := w.store.CreateUser(w.ctx, "viewer@example.com", "", false)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.store.Actor(w.ctx, u, "SHA256:v")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.console.ProvisionForm(w.ctx, a, "texas", "base-cold-email", 1); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("form for a non-super admin: %v, want forbidden", err)
	}
	if _, err := w.console.ProvisionTarget(w.ctx, a, "texas"); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("target for a non-super admin: %v, want forbidden", err)
	}
	rows, err := w.store.Audit(w.ctx, model.AuditFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Action == model.ActionNameProvisionRead && r.Outcome == model.OutcomeFailed && r.ActorName == "viewer@example.com" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d refused provision reads on the record, want 2", n)
	}
}

// On an active workspace the wizard's first read carries what its last
// succeeded run applied: the version, the activation, the non-secret
// values; a secret one is named, its value never read back. Its preview
// is a re-apply beside what is live: nothing changed calls nothing.
func TestProvisionTargetOfAnActiveWorkspaceCarriesItsLastRun(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	vals := w.values("texas")
	res, err := w.provision(w.ctx, "texas", "texas")
	if err != nil {
		t.Fatal(err)
	}
	tg, err := w.console.ProvisionTarget(w.ctx, w.super, "texas")
	if err != nil {
		t.Fatal(err)
	}
	l := tg.Last
	if l == nil || l.Run != res.Run.ID || l.Blueprint != "base-cold-email" || l.Version != 1 || !l.Activate {
		t.Fatalf("last run of texas: %+v, want run %d of base-cold-email@v1, activating", l, res.Run.ID)
	}
	if got, want := l.Values["YOUR_COMPANY_NAME"], vals.Variables["YOUR_COMPANY_NAME"].V.Reveal(); got != want || want == "" {
		t.Errorf("YOUR_COMPANY_NAME of the last run: %q, want %q", got, want)
	}
	if _, ok := l.Values["YOUR_APIFY_API_TOKEN"]; ok || !slices.Contains(l.Secret, "YOUR_APIFY_API_TOKEN") {
		t.Errorf("the secret YOUR_APIFY_API_TOKEN: in the values %v, named secret %v", ok, l.Secret)
	}
	for _, s := range secretsOf("texas") {
		if strings.Contains(fmt.Sprint(l), s) {
			t.Errorf("the last run as read shows a secret value")
		}
	}
	pv, err := w.console.ProvisionPreview(w.ctx, w.super, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 1, Values: vals, Activate: true})
	if err != nil {
		t.Fatal(err)
	}
	if !pv.Reapply || len(pv.Plan.Steps) != 0 || len(pv.Live) != len(pv.Plan.Workflows) {
		t.Errorf("preview of the same values: re-apply %v, %d steps, %d live of %d workflows; want a re-apply of 0 steps beside every workflow",
			pv.Reapply, len(pv.Plan.Steps), len(pv.Live), len(pv.Plan.Workflows))
	}

	// A workspace awaiting setup has no last run; its preview is no re-apply.
	w.workspace("ohio")
	tg, err = w.console.ProvisionTarget(w.ctx, w.super, "ohio")
	if err != nil || tg.Last != nil {
		t.Errorf("ohio, awaiting setup: last run %+v, %v; want none", tg.Last, err)
	}
}

// An active workspace no run provisioned: the preview refuses as the
// re-apply would, before anything is offered.
func TestProvisionPreviewRefusesAnActiveWorkspaceNoRunProvisioned(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("adopted")
	ws, err := w.store.WorkspaceBySlug(w.ctx, "adopted")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.SetWorkspaceStatus(w.ctx, ws.ID, model.WorkspaceActive, ""); err != nil {
		t.Fatal(err)
	}
	tg, err := w.console.ProvisionTarget(w.ctx, w.super, "adopted")
	if err != nil || tg.Last != nil {
		t.Errorf("adopted: last run %+v, %v; want none", tg.Last, err)
	}
	_, err = w.console.ProvisionPreview(w.ctx, w.super, model.ProvisionRequest{Workspace: "adopted", Blueprint: "base-cold-email", Version: 1, Values: w.values("texas"), Activate: true})
	if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "no provisioning run created its workflows") {
		t.Errorf("preview of an active workspace no run provisioned: %v", err)
	}
}
