package provision

import (
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// A re-apply's form starts from the last run: its non-secret values
// filled in; a secret one (said so by the form or by the run) left empty,
// to be typed again; a slot the run was given by id offered with that id,
// one a run created kept.
func TestReapplyFormStartsFromTheLastRunSecretsEmpty(t *testing.T) {
	w := New(nil, model.Actor{}, themes.MustLoad("dark"))
	w.slug = "idaho"
	w.last = &model.ProvisionLast{Run: 3, Blueprint: "bp", Version: 2,
		Values: map[string]string{"YOUR_SENDER": "a@b.c", "YOUR_TOKEN": "was-recorded?", "YOUR_KEY": "x"}, Secret: []string{"YOUR_KEY"},
		CredentialIDs: map[string]string{"YOUR_CREDENTIAL_PG_ID": "pg-7"}}
	w.takeForm(model.ProvisionForm{Blueprint: "bp", Version: 2,
		Variables: []model.FormVariable{{Name: "YOUR_SENDER"}, {Name: "YOUR_TOKEN", Secret: true}, {Name: "YOUR_KEY"}},
		Slots:     []model.FormSlot{{Slot: "YOUR_CREDENTIAL_PG_ID", Type: "postgres"}, {Slot: "YOUR_CREDENTIAL_AUTH_ID", Prior: "c-1"}}})
	for name, want := range map[string]string{"YOUR_SENDER": "a@b.c", "YOUR_TOKEN": "", "YOUR_KEY": ""} {
		if got := *w.vars[name]; got != want {
			t.Errorf("%s prefilled %q, want %q", name, got, want)
		}
	}
	if s := w.slots[0]; s.mode != modeExisting || s.id != "pg-7" {
		t.Errorf("slot given by id last run: mode %s id %q, want existing pg-7", s.mode, s.id)
	}
	if s := w.slots[1]; s.mode != modePrior {
		t.Errorf("slot a run created: mode %s, want kept (prior)", s.mode)
	}
}
