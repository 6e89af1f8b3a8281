package model_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// The detected lead columns are the version's default lead schema; a
// super admin edits it (added at the end, removed where they are), every
// attempt audited, names checked, and show says it was edited.
func TestLeadSchemaStartsDetectedAndIsEditable(t *testing.T) {
	w := newWorld(t)
	v := model.NewVault(w.store, detect.Analyze, nil)
	if _, err := v.ImportBlueprint(w.ctx, w.super, "base-cold-email", baseSources(t), nil); err != nil {
		t.Fatal(err)
	}
	var want baseExpected
	readGolden(t, "base-expected.json", &want)
	bv, _ := v.BlueprintVersion(w.ctx, w.super, "base-cold-email")
	if got := model.LeadSchema(bv); !slices.Equal(got, want.LeadColumns) || bv.LeadSchemaEditedAt != nil {
		t.Fatalf("default schema %v (edited %v), want the detected %v", got, bv.LeadSchemaEditedAt, want.LeadColumns)
	}
	shown := strings.Join(model.ShowBlueprintVersion("base-cold-email", bv).Lines(), "\n")
	if !strings.Contains(shown, "\nlead schema (22 columns, the detected lead columns):\n  Email #1 Sent                    (SQL must quote it: not a plain identifier") ||
		!strings.Contains(shown, "\n  analyze                          (SQL must quote it: a reserved SQL key word)\n") || !strings.Contains(shown, "\n  email_1_body\n") {
		t.Fatalf("show:\n%s", shown)
	}

	if _, err := v.EditLeadSchema(w.ctx, w.member, "base-cold-email", []string{"company_domain"}, nil); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("a member edited the lead schema: %v", err)
	}
	for _, c := range []struct {
		add, remove []string
		want        string
	}{
		{[]string{"Company Domain"}, nil, `--add "Company Domain": not a plain identifier (a lowercase letter or _, then lowercase letters, digits and _, at most 63)`},
		{[]string{"order"}, nil, `--add "order": a reserved SQL key word`},
		{[]string{"9lives"}, nil, `--add "9lives": not a plain identifier`},
		{[]string{strings.Repeat("x", 64)}, nil, `not a plain identifier`},
		{[]string{"email_1_body"}, nil, `--add "email_1_body": the lead schema has that column already`},
		{nil, []string{"nosuch"}, `--remove "nosuch": no such column in the lead schema`},
		{[]string{"ok_column"}, []string{"nosuch"}, `--remove "nosuch"`},
		{nil, nil, "nothing to change"},
	} {
		_, err := v.EditLeadSchema(w.ctx, w.super, "base-cold-email@1", c.add, c.remove)
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("add %v remove %v: %v, want %q", c.add, c.remove, err, c.want)
		}
	}
	if bv, _ = v.BlueprintVersion(w.ctx, w.super, "base-cold-email@1"); !slices.Equal(model.LeadSchema(bv), want.LeadColumns) {
		t.Fatalf("a refused edit changed the schema: %v", model.LeadSchema(bv))
	}

	edited, err := v.EditLeadSchema(w.ctx, w.super, "base-cold-email@1", []string{"company_domain", "_score"}, []string{"token", "Email #1 Sent"})
	if err != nil {
		t.Fatal(err)
	}
	wantCols := slices.DeleteFunc(slices.Clone(want.LeadColumns), func(c string) bool { return c == "token" || c == "Email #1 Sent" })
	wantCols = append(wantCols, "company_domain", "_score")
	bv, _ = v.BlueprintVersion(w.ctx, w.super, "base-cold-email@1")
	if got := model.LeadSchema(bv); !slices.Equal(got, wantCols) || !slices.Equal(model.LeadSchema(edited), wantCols) {
		t.Fatalf("edited schema %v, want %v", got, wantCols)
	}
	if bv.LeadSchemaEditedAt == nil || bv.LeadSchemaEditedBy == nil || *bv.LeadSchemaEditedBy != w.super.UserID {
		t.Errorf("edited by %v at %v", bv.LeadSchemaEditedBy, bv.LeadSchemaEditedAt)
	}
	// The detector's own finding is kept as it was.
	if r := model.ShowBlueprintVersion("base-cold-email", bv); !slices.Equal(r.Report.LeadColumns, want.LeadColumns) ||
		!strings.Contains(strings.Join(r.Lines(), "\n"), "\nlead schema (22 columns, edited "+r.LeadSchemaEditedAt+"):\n") {
		t.Errorf("show after the edit:\n%s", strings.Join(r.Lines(), "\n"))
	}

	rows := w.auditRows(model.AuditBlueprintLeadSchema)
	if len(rows) != 10 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != w.super.Name ||
		!strings.Contains(string(rows[0].Before), `"token"`) || strings.Contains(string(rows[0].After), `"token"]`) ||
		!strings.Contains(string(rows[0].After), `"company_domain", "_score"]`) {
		t.Fatalf("audit: %d rows, newest %+v", len(rows), rows[0])
	}
	if rows[9].ActorName != w.member.Name || rows[9].Outcome != model.OutcomeFailed || rows[1].Outcome != model.OutcomeFailed {
		t.Errorf("refusals not audited: %+v %+v", rows[9], rows[1])
	}

	// Two edits at once: the one made on a schema that has changed since
	// is refused, not lost.
	if _, err := w.store.SetBlueprintLeadSchema(w.ctx, bv.ID, want.LeadColumns, []string{"id"}, nil); !errors.Is(err, model.ErrConflict) {
		t.Errorf("a stale edit: %v", err)
	}
}
