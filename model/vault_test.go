package model_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

func baseSources(t *testing.T) []blueprint.Source {
	t.Helper()
	paths, _ := filepath.Glob("blueprint/testdata/base/*.json")
	var out []blueprint.Source
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blueprint.Source{Name: filepath.Base(p), Data: b})
	}
	if len(out) != 6 {
		t.Fatalf("%d base files", len(out))
	}
	return out
}

func TestImportStoresAVersionOnlyWhenContentChanges(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, nil, nil)
	src := baseSources(t)
	r1, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", src, nil)
	if err != nil || !r1.Created || r1.Version.Version != 1 {
		t.Fatalf("first import: %+v %v", r1.Version, err)
	}
	var files []string
	json.Unmarshal(r1.Version.Files, &files)
	if strings.Join(files, ",") != "Email 1.json,Email 2.json,Email 3.json,Email Preparation.json,Reply Tracker.json,Research Report.json" {
		t.Fatalf("files %v", files)
	}
	r2, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", src, nil)
	if err != nil || r2.Created || r2.Version.Version != 1 {
		t.Fatalf("re-import made a version: %+v %v", r2.Version, err)
	}
	src[4].Data = []byte(strings.Replace(string(src[4].Data), `"name": "Reply Tracker"`, `"name": "Reply Tracker 2"`, 1))
	r3, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", src, nil)
	if err != nil || !r3.Created || r3.Version.Version != 2 {
		t.Fatalf("changed import: %+v %v", r3.Version, err)
	}
	d, err := v.DiffBlueprints(w.ctx, w.super, "base-cold-email@1", "base-cold-email@2")
	if err != nil || len(d.WorkflowsAdded)+len(d.WorkflowsRemoved) != 0 || len(d.Changed) != 1 ||
		d.Changed[0].Workflow != "Reply Tracker 2" || d.Changed[0].RenamedFrom != "Reply Tracker" || len(d.Changed[0].Nodes) != 0 {
		t.Fatalf("diff %+v %v", d, err)
	}
	rows := w.auditRows(model.AuditBlueprintImport)
	if len(rows) != 3 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != w.super.Name {
		t.Fatalf("audit %+v", rows)
	}
}

func TestImportRefusalsStoreNothingAndAreAudited(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, nil, nil)
	if _, err := v.ImportBlueprint(w.ctx, w.member, "base-cold-email", baseSources(t), nil); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a member imported: %v", err)
	}
	bad := append(baseSources(t), blueprint.Source{Name: "broken.json", Data: []byte(`{"name":"x","nodes":[]}`)})
	_, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", bad, nil)
	if !errors.Is(err, model.ErrInvalid) || !errors.Is(err, blueprint.ErrRefused) || !strings.Contains(err.Error(), "file broken.json: the workflow has no nodes (an empty array)") {
		t.Fatalf("bad file: %v", err)
	}
	if list, _ := v.Blueprints(w.ctx, w.super); len(list) != 0 {
		t.Fatalf("a refused import stored %+v", list)
	}
	rows := w.auditRows(model.AuditBlueprintImport)
	if len(rows) != 2 || rows[1].ActorName != w.member.Name || rows[1].Outcome != model.OutcomeFailed ||
		rows[0].Outcome != model.OutcomeFailed || !strings.Contains(rows[0].Error, "file broken.json: the workflow has no nodes") {
		t.Fatalf("audit %+v", rows)
	}
	if _, err := v.Blueprints(w.ctx, w.viewer); !errors.Is(err, model.ErrForbidden) || len(w.auditRows(model.AuditBlueprintRead)) != 1 {
		t.Fatalf("a viewer listed blueprints: %v", err)
	}
}

func TestSecretRefusalKeepsTheValueOutOfTheAudit(t *testing.T) {
	w := newWorld(t)
	secret := blueprint.Secret{File: "Email 1.json", Node: "Gmail", Path: "parameters.sendTo", Rule: "jwt", Masked: "eyJh…(120 chars)"}
	v := model.NewVault(w.store, func([]blueprint.File) blueprint.Report { return blueprint.Report{Secrets: []blueprint.Secret{secret}} }, nil)
	_, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", baseSources(t), nil)
	if err == nil || !strings.Contains(err.Error(), `file Email 1.json, node "Gmail": a secret (jwt) at parameters.sendTo: eyJh…(120 chars)`) {
		t.Fatalf("secret: %v", err)
	}
	rows := w.auditRows(model.AuditBlueprintImport)
	if len(rows) != 1 || strings.Contains(rows[0].Error, "eyJh") || !strings.Contains(rows[0].Error, `node "Gmail": a secret (jwt) at parameters.sendTo`) {
		t.Fatalf("audit %+v", rows)
	}
	r, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", baseSources(t), []string{"Gmail:parameters.sendTo"})
	if err != nil || !strings.Contains(string(r.Version.AllowedSecrets), `"Node": "Gmail"`) {
		t.Fatalf("allowed: %v %s", err, r.Version.AllowedSecrets)
	}
	rows = w.auditRows(model.AuditBlueprintImport)
	if !strings.Contains(string(rows[0].After), `"allowed_secrets": [{"file": "Email 1.json", "node": "Gmail", "path": "parameters.sendTo", "rule": "jwt"}]`) || strings.Contains(string(rows[0].After), "eyJh") {
		t.Fatalf("audit after %s", rows[0].After)
	}
}

// Every real fixture file imports as a blueprint of its own, with the real
// detector: the one with duplicate node names is refused, and so is the
// one carrying a secret until the secret is allowed after review; and
// importing a file again makes no new version.
func TestEveryFixtureImportsOnceOnly(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, detect.Analyze, nil)
	paths, _ := filepath.Glob("blueprint/testdata/*/*.json")
	if len(paths) < 30 {
		t.Fatalf("%d fixture files", len(paths))
	}
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		src := []blueprint.Source{{Name: filepath.Base(p), Data: b}}
		name := fmt.Sprintf("fixture-%d", i)
		var allow []string
		first, err := v.ImportBlueprint(w.ctx, w.super, name, src, nil)
		switch {
		case strings.Contains(p, "scrapernode--2833"):
			if !errors.Is(err, blueprint.ErrRefused) || !strings.Contains(err.Error(), "duplicate node name") {
				t.Errorf("%s: %v", p, err)
			}
			continue
		case strings.Contains(p, "nishchith--Opt-Out"):
			if !errors.Is(err, blueprint.ErrRefused) || !strings.Contains(err.Error(), `node "HTTP Request": a secret (`) {
				t.Fatalf("%s: %v", p, err)
			}
			allow = []string{"HTTP Request:parameters.headerParameters.parameters[0].value"}
			first, err = v.ImportBlueprint(w.ctx, w.super, name, src, allow)
		}
		if err != nil || !first.Created {
			t.Fatalf("%s: %v", p, err)
		}
		again, err := v.ImportBlueprint(w.ctx, w.super, name, src, allow)
		if err != nil || again.Created || again.Version.Version != 1 {
			t.Errorf("%s: re-import %+v %v", p, again.Version, err)
		}
	}
}
