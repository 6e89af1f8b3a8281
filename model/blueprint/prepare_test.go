package blueprint

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func source(t testing.TB, path string) Source {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Source{Name: filepath.Base(path), Data: data}
}

func refusals(t *testing.T, err error) []string {
	t.Helper()
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrRefused) {
		t.Fatalf("want a refusal, got %v", err)
	}
	var out []string
	for _, p := range re.Problems {
		out = append(out, p.String())
	}
	return out
}

func warnings(p Prepared) []string {
	var out []string
	for _, w := range p.Warnings {
		out = append(out, w.String())
	}
	return out
}

func mustContainLine(t *testing.T, lines []string, want string) {
	t.Helper()
	if !slices.Contains(lines, want) {
		t.Fatalf("missing %q in:\n%s", want, strings.Join(lines, "\n"))
	}
}

// Every real file imports without a crash; the one with duplicate node
// names is refused naming each duplicated node.
func TestEveryFixtureFilePrepares(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*/*.json")
	if len(paths) < 29 {
		t.Fatalf("only %d fixture files", len(paths))
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			got, err := Prepare([]Source{source(t, p)}, Options{})
			if strings.Contains(p, "scrapernode--2833") {
				lines := refusals(t, err)
				mustContainLine(t, lines, `file scrapernode--2833-smart-email-outreach-sequence-ai-powered-customizable.json, node "Extract Domain Name": duplicate node name: 2 nodes are named so (nodes[11], nodes[39]); n8n wires connections by name`)
				if len(lines) != 27 {
					t.Fatalf("SOURCES.md counts 27 duplicated names, refusal names %d:\n%s", len(lines), strings.Join(lines, "\n"))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range got.Workflows {
				var doc map[string]json.RawMessage
				if err := json.Unmarshal(w.JSON, &doc); err != nil {
					t.Fatal(err)
				}
				keys := slices.Sorted(func(yield func(string) bool) {
					for k := range doc {
						if !yield(k) {
							return
						}
					}
				})
				if !slices.Equal(keys, []string{"connections", "name", "nodes", "settings"}) {
					t.Fatalf("%s keeps %v", w.File, keys)
				}
			}
		})
	}
}

func TestRefusalsNameFileNodeAndLine(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"bad.json", "{\n  \"nodes\": [\n    {\"name\": \"A\",}\n  ]\n}", `file bad.json, line 3: invalid JSON: invalid character '}' looking for beginning of object key string`},
		{"str.json", `"a workflow"`, `file str.json: the workflow is not an object but a string`},
		{"arr.json", `[{"name":"x","nodes":[{"name":"A","type":"t","id":"1"}]}, 7]`, `file arr.json[1]: the workflow is not an object but a number`},
		{"none.json", `{"name":"x"}`, `file none.json: the workflow has no nodes`},
		{"empty.json", `{"name":"x","nodes":[]}`, `file empty.json: the workflow has no nodes (an empty array)`},
		{"dup.json", `{"name":"x","nodes":[{"name":"Gmail1","type":"t","id":"1"},{"name":"B","type":"t","id":"2"},{"name":"Gmail1","type":"t","id":"3"}]}`,
			`file dup.json, node "Gmail1": duplicate node name: 2 nodes are named so (nodes[0], nodes[2]); n8n wires connections by name`},
		{"notype.json", `{"name":"x","nodes":[{"name":"A","id":"1"}]}`, `file notype.json, node "A": the node has no type`},
		{"two.json", `{"name":"x","nodes":[{"name":"A","type":"t"}]} {}`, `file two.json, line 1: invalid JSON: more data after the first JSON value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Prepare([]Source{{Name: c.name, Data: []byte(c.data)}}, Options{})
			mustContainLine(t, refusals(t, err), c.want)
		})
	}
	// Two workflows of one name: diff and export tell workflows by name.
	one := `{"name":"Email 1","nodes":[{"name":"A","type":"t","id":"1"}]}`
	_, err := Prepare([]Source{{Name: "a.json", Data: []byte(one)}, {Name: "b.json", Data: []byte(one)}}, Options{})
	mustContainLine(t, refusals(t, err), `file b.json: workflow name "Email 1" is also the name of the workflow in a.json: a version's workflows need distinct names`)

	// One bad file refuses the whole import, the good one included.
	good := `{"name":"ok","nodes":[{"name":"A","type":"t","id":"1"}]}`
	p, err := Prepare([]Source{{Name: "good.json", Data: []byte(good)}, {Name: "none.json", Data: []byte(`{}`)}}, Options{})
	if err == nil || len(p.Workflows) != 0 {
		t.Fatalf("a bad file must refuse everything: %v %v", p, err)
	}
}

func TestWarningsNameFileAndNodeAndFieldsAreDropped(t *testing.T) {
	p, err := Prepare([]Source{
		source(t, "testdata/public/scrapernode--9393-automate-b2b-lead-generation-personalized-cold-emails-with-apollo-apify-gpt.json"),
		source(t, "testdata/public/scrapernode--467-send-sales-data-from-webhook-to-mautic.json"),
		source(t, "testdata/public/zie619--0453_Webhook_Code_Create_Webhook.json"),
		source(t, "testdata/public/scrapernode--4654-daily-insight-email-from-structured-web-data-with-firecrawl.json"),
		{Name: "settings.json", Data: []byte(`{"name":"s","nodes":[{"name":"A","type":"t","id":"1"}],"connections":{"A":{"main":[[{"node":"Gone","type":"main","index":0}]]}},"settings":{"executionOrder":"v1","maxExecutions":5}}`)},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := warnings(p)
	mustContainLine(t, w, `file scrapernode--9393-automate-b2b-lead-generation-personalized-cold-emails-with-apollo-apify-gpt.json: dropped top-level fields n8n's create call rejects: active, id, meta, pinData, tags, versionId`)
	mustContainLine(t, w, `file scrapernode--467-send-sales-data-from-webhook-to-mautic.json, node "Webhook": the node has no id (n8n gives it one on create)`)
	mustContainLine(t, w, `file scrapernode--467-send-sales-data-from-webhook-to-mautic.json: the workflow has no name; it is named "scrapernode--467-send-sales-data-from-webhook-to-mautic" after its file`)
	mustContainLine(t, w, `file scrapernode--467-send-sales-data-from-webhook-to-mautic.json, node "Mautic": credential mauticOAuth2Api is given by name only (a pre-1.0 export): the slot must be set when provisioning`)
	mustContainLine(t, w, `file settings.json: dropped settings n8n's create call rejects: maxExecutions`)
	mustContainLine(t, w, `file settings.json, node "A": connections lead to 1 node(s) that do not exist: "Gone"`)
	var zie, scrubbed bool
	for _, l := range w {
		zie = zie || strings.HasPrefix(l, `file zie619--0453_Webhook_Code_Create_Webhook.json: connections start from 12 node(s) that do not exist:`)
		scrubbed = scrubbed || strings.HasSuffix(l, `credentials is a string, not an object (a scrubbed export); dropped: the slot must be set when provisioning`) &&
			strings.HasPrefix(l, "file scrapernode--4654-")
	}
	if !zie || !scrubbed {
		t.Fatalf("zie619 rewiring %v, scrubbed credentials %v:\n%s", zie, scrubbed, strings.Join(w, "\n"))
	}
	for _, wf := range p.Workflows {
		if wf.File == "settings.json" && string(wf.JSON) != `{"connections":{"A":{"main":[[{"index":0,"node":"Gone","type":"main"}]]}},"name":"s","nodes":[{"id":"1","name":"A","parameters":{},"type":"t"}],"settings":{"executionOrder":"v1"}}` {
			t.Fatalf("normalised: %s", wf.JSON)
		}
	}
}

func TestShapes(t *testing.T) {
	one := `{"name":"w1","nodes":[{"name":"A","type":"t","id":"1","position":[1.50,2]}],"connections":{}}`
	for _, c := range []struct{ name, data string }{
		{"plain.json", one},
		{"wrapped.json", `{"workflow":` + one + `}`},
		{"array.json", `[` + one + `]`},
		{"data.json", `{"data":[` + one + `],"nextCursor":null}`},
		{"spaced.json", "{ \"connections\" : { }, \"nodes\":[{\"position\":[1.50,2],\"id\":\"1\",\"type\":\"t\",\"name\":\"A\"}], \"name\":\"w1\" }"},
	} {
		p, err := Prepare([]Source{{Name: c.name, Data: []byte(c.data)}}, Options{})
		if err != nil {
			t.Fatal(c.name, err)
		}
		// Key order and spacing do not change the hash; numbers stay as written.
		if len(p.Workflows) != 1 || string(p.Workflows[0].JSON) != `{"connections":{},"name":"w1","nodes":[{"id":"1","name":"A","parameters":{},"position":[1.50,2],"type":"t"}],"settings":{}}` {
			t.Fatalf("%s: %+v", c.name, p.Workflows)
		}
	}
	p, err := Prepare([]Source{source(t, "testdata/n8n/workflows-list-page.json")}, Options{})
	if err != nil || len(p.Workflows) != 2 {
		t.Fatalf("API list page: %v %+v", err, p.Workflows)
	}
}

func TestSameFilesSameHash(t *testing.T) {
	paths, _ := filepath.Glob("testdata/base/*.json")
	var src []Source
	for _, p := range paths {
		src = append(src, source(t, p))
	}
	a, err := Prepare(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Prepare(src, Options{})
	if a.Hash != b.Hash || len(a.Workflows) != 6 {
		t.Fatalf("%s vs %s, %d workflows", a.Hash, b.Hash, len(a.Workflows))
	}
	src[0].Data = []byte(strings.Replace(string(src[0].Data), "YOUR_TEST_EMAIL", "YOUR_TEST_EMAIL2", 1))
	c, _ := Prepare(src, Options{})
	if c.Hash == a.Hash {
		t.Fatal("a changed parameter must change the hash")
	}
}

func fakeAnalyze(secrets ...Secret) AnalyzeFunc {
	return func(files []File) Report { return Report{Secrets: secrets} }
}

func TestSecretRefusesUnlessAllowed(t *testing.T) {
	src := []Source{{Name: "hook.json", Data: []byte(`{"name":"h","nodes":[{"name":"HTTP Request","type":"t","id":"1"}]}`)}}
	s := Secret{File: "hook.json", Node: "HTTP Request", Path: "parameters.headerParameters.parameters[0].value", Rule: "generic-api-key", Masked: "sk-a…(51 chars)"}
	_, err := Prepare(src, Options{Analyze: fakeAnalyze(s)})
	mustContainLine(t, refusals(t, err), `file hook.json, node "HTTP Request": a secret (generic-api-key) at parameters.headerParameters.parameters[0].value: sk-a…(51 chars); remove it, or after review pass --allow-secret HTTP Request:parameters.headerParameters.parameters[0].value`)

	p, err := Prepare(src, Options{Analyze: fakeAnalyze(s), AllowSecrets: []string{"HTTP Request:parameters.headerParameters"}})
	if err != nil || len(p.Allowed) != 1 {
		t.Fatalf("allowed: %v %+v", err, p.Allowed)
	}
	_, err = Prepare(src, Options{Analyze: fakeAnalyze(s), AllowSecrets: []string{"HTTP Request:parameters.headerParameters", "Other:parameters.url"}})
	mustContainLine(t, refusals(t, err), `file (command line): --allow-secret Other:parameters.url matches no secret found (want NODE:FIELD as the refusal names it)`)
	_, err = Prepare(src, Options{Analyze: fakeAnalyze(s), AllowSecrets: []string{"HTTP Request:parameters.header"}})
	refusals(t, err) // a prefix that is not a whole path segment allows nothing
}
