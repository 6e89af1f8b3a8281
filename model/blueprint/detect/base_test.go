package detect

import (
	"fmt"
	"testing"
)

// The platform's six templates' tokens, slots and lead columns, read by
// hand, are in ../testdata/base-expected.json (the vault's and the CLI's
// tests check the stored and the shown version against the same lists).

func TestBaseColdEmailVariablesAreEveryYourToken(t *testing.T) {
	r := Analyze(loadDir(t, "base-cold-email"))
	var want baseExpected
	readGolden(t, "base-expected.json", &want)
	var got []string
	for _, v := range r.Variables {
		if v.Kind != KindYourToken {
			t.Errorf("unexpected %s variable %s (the platform's templates use YOUR_* only)", v.Kind, v.Name)
			continue
		}
		if len(v.Where) == 0 {
			t.Errorf("%s has no place", v.Name)
		}
		got = append(got, v.Name)
	}
	diffStrings(t, "YOUR_* variables", got, want.YourTokens)
}

func TestBaseColdEmailCredentialSlots(t *testing.T) {
	r := Analyze(loadDir(t, "base-cold-email"))
	var want baseExpected
	readGolden(t, "base-expected.json", &want)
	slot := func(c CredSlot) string { return fmt.Sprintf("%s|%s|%s|%s", c.File, c.Node, c.Type, c.Ref) }
	var got, wantSlots []string
	for _, c := range r.Credentials {
		got = append(got, slot(c))
	}
	for _, c := range want.CredentialSlots {
		wantSlots = append(wantSlots, slot(c))
	}
	diffStrings(t, "credential slots", got, wantSlots)
	// A credential id placeholder is also a variable, found at the id field.
	for _, v := range r.Variables {
		if v.Name != "YOUR_CREDENTIAL_ANTHROPIC_ID" {
			continue
		}
		want := Place{File: "Email Preparation.json", Node: "Draft Emails 1,2,3", Path: "credentials.anthropicApi.id"}
		if len(v.Where) != 1 || v.Where[0] != want {
			t.Errorf("YOUR_CREDENTIAL_ANTHROPIC_ID at %+v, want [%+v]", v.Where, want)
		}
	}
}

func TestBaseColdEmailLeadColumnsAndNoSecret(t *testing.T) {
	r := Analyze(loadDir(t, "base-cold-email"))
	var want baseExpected
	readGolden(t, "base-expected.json", &want)
	diffStrings(t, "lead columns", r.LeadColumns, want.LeadColumns)
	for _, s := range r.Secrets {
		t.Errorf("secret reported in the platform's templates: %+v", s)
	}
	if len(r.Skipped) != 0 {
		t.Errorf("skipped: %+v", r.Skipped)
	}
	var kinds []string
	for _, tr := range r.Triggers {
		kinds = append(kinds, tr.File+"|"+tr.Kind)
	}
	diffStrings(t, "triggers", kinds, []string{
		"Email 1.json|schedule", "Email 2.json|schedule", "Email 3.json|schedule",
		"Email Preparation.json|schedule", "Reply Tracker.json|gmail", "Research Report.json|schedule",
	})
}
