package model_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// editableRows are the audit rows of admin_editable changes, oldest first.
func (w *provWorld) auditOf(action string) []model.AuditEntry {
	w.t.Helper()
	rows, err := w.store.Audit(w.ctx, model.AuditFilter{Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []model.AuditEntry
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Action == action {
			out = append(out, rows[i])
		}
	}
	return out
}

func (w *provWorld) vault() *model.Vault { return model.NewVault(w.store, detect.Analyze, nil) }

func (w *provWorld) editable() []string {
	w.t.Helper()
	ed, err := w.store.BlueprintEditable(w.ctx, "base-cold-email")
	if err != nil {
		w.t.Fatal(err)
	}
	return ed.AdminEditable
}

// A super admin marks variables admin_editable and unmarks them; each
// change is one audit row with the list before and after, and who.
func TestBlueprintEditableMarksAndAudits(t *testing.T) {
	w := newProvWorld(t)
	v := w.vault()
	if got := w.editable(); len(got) != 0 {
		t.Fatalf("a new blueprint marks %v", got)
	}
	ed, err := v.SetEditable(w.ctx, w.super, "base-cold-email", []string{"YOUR_NAME", "YOUR_CALENDLY_LINK_1"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"YOUR_CALENDLY_LINK_1", "YOUR_NAME"}; !slices.Equal(ed.AdminEditable, want) || !slices.Equal(w.editable(), want) {
		t.Errorf("marked %v, stored %v, want %v", ed.AdminEditable, w.editable(), want)
	}
	if ed.AdminEditableEditedBy == nil || *ed.AdminEditableEditedBy != w.super.UserID || ed.AdminEditableEditedAt == nil {
		t.Errorf("who and when not kept: %+v", ed)
	}
	if _, err := v.SetEditable(w.ctx, w.super, "base-cold-email", []string{"YOUR_NAME"}, true); err != nil {
		t.Fatal(err)
	}
	if got := w.editable(); !slices.Equal(got, []string{"YOUR_CALENDLY_LINK_1"}) {
		t.Errorf("after --off: %v", got)
	}
	rows := w.auditOf(model.AuditBlueprintEditable)
	if len(rows) != 2 {
		t.Fatalf("%d audit rows, want 2", len(rows))
	}
	type list struct {
		AdminEditable []string `json:"admin_editable"`
	}
	var before0, before1, after1 list
	_ = json.Unmarshal(rows[0].Before, &before0)
	_ = json.Unmarshal(rows[1].Before, &before1)
	_ = json.Unmarshal(rows[1].After, &after1)
	if rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != w.super.Name || before0.AdminEditable == nil || len(before0.AdminEditable) != 0 ||
		!slices.Equal(before1.AdminEditable, []string{"YOUR_CALENDLY_LINK_1", "YOUR_NAME"}) || !slices.Equal(after1.AdminEditable, []string{"YOUR_CALENDLY_LINK_1"}) {
		t.Errorf("audit rows:\n%+v\n%+v", rows[0], rows[1])
	}
}

// Every refusal names the variable and why, leaves the list as it was,
// and is on the record.
func TestBlueprintEditableRefusals(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	// A run gives YOUR_SENDER_EMAIL as a secret, though nothing in its
	// name says so.
	vals := w.values("texas")
	sender := vals.Variables["YOUR_SENDER_EMAIL"]
	sender.Secret = true
	vals.Variables["YOUR_SENDER_EMAIL"] = sender
	if _, err := w.console.Provision(w.ctx, w.super, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 1, Values: vals}); err != nil {
		t.Fatal(err)
	}
	v := w.vault()
	if _, err := v.SetEditable(w.ctx, w.super, "base-cold-email", []string{"YOUR_NAME"}, false); err != nil {
		t.Fatal(err)
	}
	u, _ := w.store.CreateUser(w.ctx, "owner@texas.example.com", "Owner", false)
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	_ = w.store.SetMember(w.ctx, ws.ID, u.ID, model.RoleOwner)
	owner, _ := w.store.Actor(w.ctx, u, "SHA256:owner")
	cases := []struct {
		name  string
		actor model.Actor
		bp    string
		vars  []string
		off   bool
		want  string
	}{
		{"an owner", owner, "base-cold-email", []string{"YOUR_CALENDLY_LINK_1"}, false, "forbidden: edit_blueprint is for super admins only"},
		{"unknown, nearest named", w.super, "base-cold-email", []string{"YOUR_NAEM"}, false, "no version has a variable YOUR_NAEM (did you mean YOUR_NAME?)"},
		{"the slug", w.super, "base-cold-email", []string{"YOUR_WORKSPACE_SLUG"}, false, "YOUR_WORKSPACE_SLUG is set by godmode to the workspace's slug"},
		{"only in credential ids", w.super, "base-cold-email", []string{"YOUR_CREDENTIAL_GMAIL_ID"}, false, "YOUR_CREDENTIAL_GMAIL_ID is only a credential slot's reference in version 1"},
		{"named like a secret", w.super, "base-cold-email", []string{"YOUR_GOOGLE_CSE_API_KEY"}, false, "YOUR_GOOGLE_CSE_API_KEY is named like a secret"},
		{"given as a secret by a run", w.super, "base-cold-email", []string{"YOUR_SENDER_EMAIL"}, false, "YOUR_SENDER_EMAIL was given as a secret by a run of this blueprint"},
		{"already", w.super, "base-cold-email", []string{"YOUR_NAME"}, false, "YOUR_NAME is admin_editable already"},
		{"off, not marked", w.super, "base-cold-email", []string{"YOUR_CALENDLY_LINK_1"}, true, "YOUR_CALENDLY_LINK_1 is not admin_editable"},
		{"no variable", w.super, "base-cold-email", nil, false, "name the variables"},
		{"no blueprint", w.super, "no-such", []string{"YOUR_NAME"}, false, "not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.auditOf(model.AuditBlueprintEditable))
			_, err := v.SetEditable(w.ctx, c.actor, c.bp, c.vars, c.off)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, c.want)
			}
			if c.actor.UserID == owner.UserID && !errors.Is(err, model.ErrForbidden) {
				t.Errorf("the owner's refusal does not wrap ErrForbidden: %v", err)
			}
			rows := w.auditOf(model.AuditBlueprintEditable)
			if len(rows) != before+1 || rows[len(rows)-1].Outcome != model.OutcomeFailed || rows[len(rows)-1].ActorName != c.actor.Name {
				t.Errorf("want one more failed row by %s; rows %d -> %d", c.actor.Name, before, len(rows))
			}
			if got := w.editable(); !slices.Equal(got, []string{"YOUR_NAME"}) {
				t.Errorf("the list changed to %v", got)
			}
		})
	}
	// Refusals are named together; nothing of a mixed request is kept.
	_, err := v.SetEditable(w.ctx, w.super, "base-cold-email", []string{"YOUR_CALENDLY_LINK_1", "YOUR_WEBHOOK_TOKEN"}, false)
	if err == nil || !strings.Contains(err.Error(), "YOUR_WEBHOOK_TOKEN is named like a secret") || !slices.Equal(w.editable(), []string{"YOUR_NAME"}) {
		t.Errorf("mixed request: %v, list %v", err, w.editable())
	}
}
