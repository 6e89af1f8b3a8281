package genesis

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// texasRecorded is what the texas run of the base blueprint records, and
// the version it applied.
func texasRecorded(t *testing.T) (Version, Values, RecordedValues) {
	t.Helper()
	v := importVersion(t, "testdata/base-optout", "base-cold-email", 1)
	env := baseEnv("texas")
	vals, err := ReadValues("testdata/texas.toml", LoadOptions{Getenv: func(k string) (string, bool) { s, ok := env[k]; return s, ok }})
	if err != nil {
		t.Fatal(err)
	}
	return v, vals, RecordValues(vals)
}

// The record of a run holds the plain values and only the names of the
// secret ones (env: and file: in the values file), and no new
// credential's data.
func TestRecordKeepsNoSecret(t *testing.T) {
	_, vals, r := texasRecorded(t)
	wantSecret := "YOUR_APIFY_API_TOKEN YOUR_GOOGLE_CSE_API_KEY YOUR_RELEVANCE_AI_AUTH_TOKEN YOUR_WEBHOOK_TOKEN"
	if got := strings.Join(r.Secret, " "); got != wantSecret {
		t.Errorf("secret names %q, want %q", got, wantSecret)
	}
	for _, n := range r.Secret {
		if _, ok := r.Values[n]; ok {
			t.Errorf("secret %s has a recorded value", n)
		}
	}
	if r.Values["YOUR_COMPANY_NAME"] != `Texas "Lone Star" O'Brien & Sons` {
		t.Errorf("YOUR_COMPANY_NAME recorded as %q", r.Values["YOUR_COMPANY_NAME"])
	}
	if len(r.Values)+len(r.Secret) != len(vals.Variables) {
		t.Errorf("%d values and %d secret names for %d variables", len(r.Values), len(r.Secret), len(vals.Variables))
	}
	if r.CredentialIDs["YOUR_CREDENTIAL_GMAIL_ID"] != "gmail-texas" || len(r.CredentialIDs) != 3 {
		t.Errorf("credential ids %v, want the 3 given by id", r.CredentialIDs)
	}
	all := strings.Join(append(mapValues(r.Values), mapValues(r.CredentialIDs)...), "\n")
	for _, s := range append(mapValues(baseEnv("texas")), "whtok-texas-SECRET") {
		if strings.Contains(all, s) {
			t.Errorf("the record holds secret %q", s)
		}
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// An owner's change builds the values of a re-apply the planner takes:
// every variable from the record, the changed one from --set, credentials
// from the recorded ids and the earlier run's creates.
func TestComposeValuesPlansWithTheChange(t *testing.T) {
	v, _, r := texasRecorded(t)
	r.Secret = nil // as if the values file had no secret variable
	for _, n := range []string{"YOUR_APIFY_API_TOKEN", "YOUR_GOOGLE_CSE_API_KEY", "YOUR_RELEVANCE_AI_AUTH_TOKEN", "YOUR_WEBHOOK_TOKEN"} {
		r.Values[n] = "plain-" + strings.ToLower(n[5:])
	}
	created := map[string]string{"YOUR_CREDENTIAL_POSTGRES_ID": "c1", "YOUR_CREDENTIAL_OPENAI_ID": "c2",
		"YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "c3", "YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "c4"}
	vals, err := ComposeValues(Changed{Version: v, Run: 7, Last: r, Editable: []string{"YOUR_NAME", "YOUR_CALENDLY_LINK_1"},
		Created: created, Changes: map[string]string{"YOUR_NAME": "Alex of texas"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := vals.Variables["YOUR_NAME"].V.Reveal(); got != "Alex of texas" {
		t.Errorf("YOUR_NAME = %q", got)
	}
	if got := vals.Variables["YOUR_COMPANY_NAME"].V.Reveal(); got != r.Values["YOUR_COMPANY_NAME"] {
		t.Errorf("YOUR_COMPANY_NAME = %q, want the recorded value", got)
	}
	_, c := newFake(t)
	pl, err := MakePlan(context.Background(), Input{Version: v, Workspace: Workspace{Slug: "texas", Credentials: created}, Values: vals},
		Ports{Webhooks: fakeHooks{c}, Schemas: c, IDs: seqIDs("aaaaaaaa")})
	if err != nil {
		t.Fatalf("the composed values do not plan: %v", err)
	}
	var rendered strings.Builder
	for _, w := range pl.Workflows {
		rendered.Write(w.Preview)
	}
	if !strings.Contains(rendered.String(), "Alex of texas") || strings.Contains(rendered.String(), "Sam of texas") {
		t.Errorf("the plan does not carry the change (or still the old name)")
	}
	for _, cp := range pl.Credentials {
		if cp.ID == "" {
			t.Errorf("slot %s unresolved in the plan", cp.Slot)
		}
	}
}

func composeErr(t *testing.T, in Changed) string {
	t.Helper()
	_, err := ComposeValues(in)
	var ce ChangeErrors
	if !errors.As(err, &ce) {
		t.Fatalf("want a ChangeErrors refusal, got %v", err)
	}
	return err.Error()
}

func TestComposeValuesRefusals(t *testing.T) {
	v, _, r := texasRecorded(t)
	created := map[string]string{"YOUR_CREDENTIAL_POSTGRES_ID": "c1", "YOUR_CREDENTIAL_OPENAI_ID": "c2",
		"YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "c3", "YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "c4"}
	base := func(changes map[string]string) Changed {
		return Changed{Version: v, Run: 7, Last: r, Editable: []string{"YOUR_NAME"}, Created: created, Changes: changes}
	}
	cases := []struct {
		name    string
		in      Changed
		want    string
		notWant string
	}{
		{"not editable", base(map[string]string{"YOUR_COMPANY_NAME": "x"}),
			"YOUR_COMPANY_NAME: is not admin_editable in blueprint base-cold-email", ""},
		{"unknown, nearest named", base(map[string]string{"YOUR_NAEM": "x"}),
			"YOUR_NAEM: blueprint base-cold-email@v1 has no variable YOUR_NAEM (did you mean YOUR_NAME?)", ""},
		{"the slug", base(map[string]string{BuiltinSlug: "x"}), BuiltinSlug + ": set by godmode", ""},
		{"nothing", base(nil), "nothing to change", ""},
		{"a secret the record cannot give", base(map[string]string{"YOUR_NAME": "x"}),
			"YOUR_APIFY_API_TOKEN: was given as a secret in run 7, and a secret's value is never kept: a super admin re-applies with the values file", ""},
		{"too long", base(map[string]string{"YOUR_NAME": strings.Repeat("x", MaxChangeBytes+1)}), "YOUR_NAME: the value is 16385 bytes", ""},
	}
	noCreated := base(map[string]string{"YOUR_NAME": "x"})
	noCreated.Created = nil
	empty := base(map[string]string{"YOUR_NAME": "x"})
	empty.Last = RecordedValues{}
	cases = append(cases, struct {
		name    string
		in      Changed
		want    string
		notWant string
	}{"a run that kept no values", empty, "run 7: recorded no values (it ran before runs kept them): a super admin re-applies with the values file", "YOUR_COMPANY_NAME"})
	cases = append(cases, struct {
		name    string
		in      Changed
		want    string
		notWant string
	}{"a credential the record cannot give", noCreated,
		"YOUR_CREDENTIAL_OPENAI_ID: credential slot not resolved by run 7's record (neither an id given nor a credential an earlier run created): a super admin re-applies with the values file",
		"YOUR_CREDENTIAL_GMAIL_ID"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := composeErr(t, c.in)
			if !strings.Contains(got, c.want) {
				t.Errorf("refusal %q\ndoes not say %q", got, c.want)
			}
			if c.notWant != "" && strings.Contains(got, c.notWant) {
				t.Errorf("refusal %q names %s, which the record resolves", got, c.notWant)
			}
			for _, s := range mapValues(baseEnv("texas")) {
				if strings.Contains(got, s) {
					t.Errorf("refusal shows secret %q", s)
				}
			}
		})
	}
}

// A variable last given as a secret and changed by an owner stays secret
// (so its new value is not recorded either).
func TestComposeValuesKeepsAChangedSecretSecret(t *testing.T) {
	v, _, r := texasRecorded(t)
	r.Secret = []string{"YOUR_WEBHOOK_TOKEN"}
	for _, n := range []string{"YOUR_APIFY_API_TOKEN", "YOUR_GOOGLE_CSE_API_KEY", "YOUR_RELEVANCE_AI_AUTH_TOKEN"} {
		r.Values[n] = "plain"
	}
	created := map[string]string{"YOUR_CREDENTIAL_POSTGRES_ID": "c1", "YOUR_CREDENTIAL_OPENAI_ID": "c2",
		"YOUR_CREDENTIAL_GOOGLE_CSE_QUERY_ID": "c3", "YOUR_CREDENTIAL_GOOGLE_CSE_HEADER_ID": "c4"}
	vals, err := ComposeValues(Changed{Version: v, Run: 7, Last: r, Editable: []string{"YOUR_WEBHOOK_TOKEN"}, Created: created,
		Changes: map[string]string{"YOUR_WEBHOOK_TOKEN": "new-token-value"}})
	if err != nil {
		t.Fatal(err)
	}
	if !vals.Variables["YOUR_WEBHOOK_TOKEN"].Secret {
		t.Error("the changed secret is no longer secret")
	}
	if rec := RecordValues(vals); rec.Values["YOUR_WEBHOOK_TOKEN"] != "" {
		t.Error("the changed secret would be recorded")
	}
}
