package blueprint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func prepared(t *testing.T, files map[string]string) []json.RawMessage {
	t.Helper()
	var src []Source
	for _, name := range sortedKeys(files) {
		src = append(src, Source{Name: name, Data: []byte(files[name])})
	}
	p, err := Prepare(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []json.RawMessage
	for _, w := range p.Workflows {
		out = append(out, w.JSON)
	}
	return out
}

// A workflow renamed (as a capture names it after the workspace) is the
// same workflow: the diff says so and shows what changed inside it, rather
// than one workflow removed and another added. Workflows that share too
// few nodes stay removed and added.
func TestCompareFollowsARenamedWorkflow(t *testing.T) {
	v1 := prepared(t, map[string]string{
		"a.json": `{"name":"Email 1","nodes":[{"name":"Gmail","type":"gmail","id":"1","parameters":{"sendTo":"x"}},{"name":"Wait","type":"wait","id":"2"},{"name":"Code","type":"code","id":"3"},{"name":"If","type":"if","id":"4"},{"name":"Set","type":"set","id":"5"}]}`,
		"b.json": `{"name":"Opt-Out","nodes":[{"name":"Webhook","type":"webhook","id":"1"},{"name":"Respond","type":"respond","id":"2"}]}`,
	})
	v2 := prepared(t, map[string]string{
		"a.json": `{"name":"YOUR_WORKSPACE_SLUG · Email 1","nodes":[{"name":"Gmail","type":"gmail","id":"1","parameters":{"sendTo":"YOUR_SENDER_EMAIL"}},{"name":"Wait","type":"wait","id":"2"},{"name":"Code","type":"code","id":"3"},{"name":"If","type":"if","id":"4"},{"name":"Set","type":"set","id":"5"}]}`,
		"b.json": `{"name":"Opt-Out 2","nodes":[{"name":"Webhook","type":"webhook","id":"1"},{"name":"Other","type":"respond","id":"2"}]}`,
	})
	d, err := Compare(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(d)
	want := `{"workflows_added":["Opt-Out 2"],"workflows_removed":["Opt-Out"],"changed":[{"workflow":"YOUR_WORKSPACE_SLUG · Email 1","renamed_from":"Email 1","nodes":[{"node":"Gmail","paths":[{"path":"parameters.sendTo","from":"\"x\"","to":"\"YOUR_SENDER_EMAIL\""}]}]}]}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestCompareIsNodeLevel(t *testing.T) {
	v1 := prepared(t, map[string]string{
		"a.json": `{"name":"Email 1","nodes":[{"name":"Gmail","type":"gmail","id":"1","position":[0,0],"parameters":{"sendTo":"YOUR_SENDER_EMAIL","options":{"x":1}}},{"name":"Old","type":"t","id":"2"}]}`,
		"b.json": `{"name":"Opt-Out","nodes":[{"name":"Webhook","type":"webhook","id":"1"}]}`,
	})
	v2 := prepared(t, map[string]string{
		"a.json": `{"name":"Email 1","nodes":[{"name":"Gmail","type":"gmail","id":"1","position":[9,9],"parameters":{"sendTo":"ohio@example.com","options":{"x":1}}},{"name":"New","type":"t","id":"3"}]}`,
		"c.json": `{"name":"Reply Tracker","nodes":[{"name":"Gmail Trigger","type":"gmailTrigger","id":"1"}]}`,
	})
	d, err := Compare(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(d)
	want := `{"workflows_added":["Reply Tracker"],"workflows_removed":["Opt-Out"],"changed":[{"workflow":"Email 1","nodes_added":["New"],"nodes_removed":["Old"],"nodes":[{"node":"Gmail","paths":[{"path":"parameters.sendTo","from":"\"YOUR_SENDER_EMAIL\"","to":"\"ohio@example.com\""}]}]}]}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	same, _ := Compare(v1, v1)
	if !same.Empty() {
		t.Fatalf("a version differs from itself: %+v", same)
	}
}

func TestExportSafeNamesAndNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	ws := prepared(t, map[string]string{
		"a.json": `{"name":"../../etc/passwd","nodes":[{"name":"A","type":"t","id":"1"}]}`,
		"b.json": `{"name":"B","nodes":[{"name":"A","type":"t","id":"1"}]}`,
	})
	names := []string{"../../etc/passwd", "B"}
	written, err := Export(dir, []string{"", ""}, names, ws, false)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(written[0]) != "_._.._etc_passwd.json" || filepath.Dir(written[0]) != dir || filepath.Base(written[1]) != "B.json" {
		t.Fatalf("written %v", written)
	}
	before, _ := os.ReadFile(written[1])
	if _, err := Export(dir, []string{"", ""}, names, ws, false); err == nil || !strings.Contains(err.Error(), "already holds _._.._etc_passwd.json, B.json: nothing written (--force overwrites)") {
		t.Fatalf("overwrite: %v", err)
	}
	if _, err := Export(dir, []string{"", ""}, names, ws, true); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(written[1])
	// The exported file imports back to the same content.
	back, err := Prepare([]Source{{Name: "B.json", Data: after}}, Options{})
	if err != nil || string(back.Workflows[0].JSON) != string(ws[1]) || string(before) != string(after) {
		t.Fatalf("round trip: %v\n%+v\n%s", err, back.Workflows, ws[1])
	}
}

func TestCompareShowsWhereALongStringChanged(t *testing.T) {
	code := strings.Repeat("const a = 1;\n", 20)
	v1 := prepared(t, map[string]string{"a.json": `{"name":"W","nodes":[{"name":"Code","type":"code","id":"1","parameters":{"jsCode":` + quote(code+"ws = 'YOUR_WORKSPACE_ID';\n"+code) + `}}]}`})
	v2 := prepared(t, map[string]string{"a.json": `{"name":"W","nodes":[{"name":"Code","type":"code","id":"1","parameters":{"jsCode":` + quote(code+"ws = 'YOUR_WORKSPACE_SLUG';\n"+code) + `}}]}`})
	d, _ := Compare(v1, v2)
	p := d.Changed[0].Nodes[0].Paths[0]
	if p.Path != "parameters.jsCode" || p.From != `…"1;\nws = 'YOUR_WORKSPACE_ID';\nconst a = 1;\nconst a "…` || p.To != `…"1;\nws = 'YOUR_WORKSPACE_SLUG';\nconst a = 1;\nconst a "…` {
		t.Fatalf("%+v", p)
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
