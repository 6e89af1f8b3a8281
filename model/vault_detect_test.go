package model_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// baseExpected is blueprint/testdata/base-expected.json, the lists the
// detector's own test checks too: what the base templates hold, read by
// hand.
type baseExpected struct {
	YourTokens      []string          `json:"your_tokens"`
	CredentialSlots []detect.CredSlot `json:"credential_slots"`
	LeadColumns     []string          `json:"lead_columns"`
}

type plantedExpected struct {
	Secrets []detect.Secret `json:"secrets"`
	Leaks   []string        `json:"leaks"`
}

func readGolden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("blueprint", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		for _, x := range w {
			if !slices.Contains(g, x) {
				t.Errorf("%s: missing %q", what, x)
			}
		}
		for _, x := range g {
			if !slices.Contains(w, x) {
				t.Errorf("%s: unexpected %q", what, x)
			}
		}
		t.Errorf("%s: %d entries, want %d", what, len(g), len(w))
	}
}

// Must-show 1 through the vault: the six base templates import with the
// real detector as one blueprint, and the version read back from the
// database lists every YOUR_* variable, every credential slot and the
// lead columns (as its default lead schema), and no secret.
func TestBaseColdEmailStoredWithEveryVariableSlotAndLeadColumn(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, detect.Analyze, nil)
	if _, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", baseSources(t), nil); err != nil {
		t.Fatal(err)
	}
	var want baseExpected
	readGolden(t, "base-expected.json", &want)

	bv, err := v.BlueprintVersion(w.ctx, w.super, "base-cold-email@1")
	if err != nil {
		t.Fatal(err)
	}
	shown := model.ShowBlueprintVersion("base-cold-email", bv)
	if len(shown.Workflows) != 6 {
		t.Fatalf("%d workflows stored", len(shown.Workflows))
	}
	var names []string
	for _, x := range shown.Report.Variables {
		if x.Kind != detect.KindYourToken {
			t.Errorf("a %s variable %s: the platform's templates use YOUR_* only", x.Kind, x.Name)
		}
		names = append(names, x.Name)
	}
	sameList(t, "YOUR_* variables (report)", names, want.YourTokens)
	var slots, wantSlots []string
	for _, c := range shown.Report.Credentials {
		slots = append(slots, c.File+"|"+c.Node+"|"+c.Type+"|"+c.Ref)
	}
	for _, c := range want.CredentialSlots {
		wantSlots = append(wantSlots, c.File+"|"+c.Node+"|"+c.Type+"|"+c.Ref)
	}
	sameList(t, "credential slots (report)", slots, wantSlots)
	sameList(t, "lead columns (report)", shown.Report.LeadColumns, want.LeadColumns)
	if len(shown.Report.Secrets) != 0 || len(shown.AllowedSecrets) != 0 {
		t.Errorf("secrets %+v, allowed %+v", shown.Report.Secrets, shown.AllowedSecrets)
	}

	// The version's own columns say the same.
	var vars []detect.Variable
	var credSlots []detect.CredSlot
	var lead struct{ Columns []string }
	for _, part := range []struct {
		raw json.RawMessage
		v   any
	}{{bv.Variables, &vars}, {bv.CredentialSlots, &credSlots}, {bv.LeadSchema, &lead}} {
		if err := json.Unmarshal(part.raw, part.v); err != nil {
			t.Fatalf("%s: %v", part.raw, err)
		}
	}
	names = nil
	for _, x := range vars {
		names = append(names, x.Name)
	}
	sameList(t, "YOUR_* variables (column)", names, want.YourTokens)
	slots = nil
	for _, c := range credSlots {
		slots = append(slots, c.File+"|"+c.Node+"|"+c.Type+"|"+c.Ref)
	}
	sameList(t, "credential slots (column)", slots, wantSlots)
	sameList(t, "default lead schema", lead.Columns, want.LeadColumns)
	sameList(t, "lead schema shown", shown.LeadSchema, want.LeadColumns)
}

// Every secret planted in the fixtures refuses its import through the
// vault, named by file, node and field with the value masked; nothing is
// stored, and neither the message nor the audit row carries the value.
func TestEveryPlantedSecretRefusesTheImport(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, detect.Analyze, nil)
	var golden plantedExpected
	readGolden(t, "planted-secrets-expected.json", &golden)
	paths := map[string]string{
		"planted-secrets.json":    "blueprint/detect/testdata/planted-secrets.json",
		"nishchith--Opt-Out.json": "blueprint/testdata/public/nishchith--Opt-Out.json",
	}
	byFile := map[string][]detect.Secret{}
	for _, s := range golden.Secrets {
		byFile[s.File] = append(byFile[s.File], s)
	}
	if len(byFile) != len(paths) || len(golden.Secrets) != 13 {
		t.Fatalf("golden list: %d secrets in %d files", len(golden.Secrets), len(byFile))
	}
	for file, want := range byFile {
		b, err := os.ReadFile(paths[file])
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.ImportBlueprint(w.ctx, w.super, "planted", []blueprint.Source{{Name: file, Data: b}}, nil)
		if !errors.Is(err, blueprint.ErrRefused) || !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("%s: %v", file, err)
		}
		msg := err.Error()
		for _, s := range want {
			named := `file ` + s.File + `, node "` + s.Node + `": a secret (`
			if s.Rule != "" {
				named += s.Rule + ")"
			}
			if !strings.Contains(msg, named) || !strings.Contains(msg, ") at "+s.Path+": "+s.Masked+"; ") {
				t.Errorf("%s: the refusal does not name %s / %s at %s masked %s:\n%s", file, s.Node, s.Rule, s.Path, s.Masked, msg)
			}
		}
		if n := strings.Count(msg, ": a secret ("); n != len(want) {
			t.Errorf("%s: %d secrets named, want %d:\n%s", file, n, len(want), msg)
		}
		rows := w.auditRows(model.AuditBlueprintImport)
		if len(rows) == 0 || rows[0].Outcome != model.OutcomeFailed || !strings.Contains(rows[0].Error, "a secret (") {
			t.Fatalf("%s: audit %+v", file, rows)
		}
		for _, leak := range golden.Leaks {
			if strings.Contains(msg, leak) || strings.Contains(rows[0].Error, leak) || strings.Contains(string(rows[0].After), leak) {
				t.Errorf("%s: the value %q… is in the message or the audit", file, leak)
			}
		}
	}
	if list, _ := v.Blueprints(w.ctx, w.super); len(list) != 0 {
		t.Errorf("a refused import stored %+v", list)
	}
}
