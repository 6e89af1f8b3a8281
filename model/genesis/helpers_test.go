package genesis

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// importVersion runs the vault's import pipeline on a folder and reads the
// result back the way a stored version is read, so a plan is made from
// what the vault really keeps.
func importVersion(t testing.TB, dir, name string, number int) Version {
	t.Helper()
	srcs, err := blueprint.ReadSources([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	p, err := blueprint.Prepare(srcs, blueprint.Options{Analyze: detect.Analyze})
	if err != nil {
		t.Fatal(err)
	}
	ws := make([]json.RawMessage, len(p.Workflows))
	files := make([]string, len(p.Workflows))
	for i, w := range p.Workflows {
		ws[i], files[i] = w.JSON, w.File
	}
	wj, _ := json.Marshal(ws)
	fj, _ := json.Marshal(files)
	rj, _ := json.Marshal(p.Report)
	v, err := VersionFromStored(name, number, p.Hash, wj, fj, rj)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fakeHooks lists the fake n8n's webhook paths through the client, as the
// model's adapter will.
type fakeHooks struct{ c *n8n.Client }

func (f fakeHooks) TakenWebhooks(ctx context.Context) ([]TakenWebhook, error) {
	var out []TakenWebhook
	cursor := ""
	for {
		page, err := f.c.ListWorkflows(ctx, n8n.WorkflowFilter{}, cursor)
		if err != nil {
			return nil, err
		}
		for _, w := range page.Data {
			for _, n := range w.Nodes {
				if ms, path, ok := WebhookOf(n.Type, n.Parameters); ok {
					out = append(out, TakenWebhook{WorkflowID: w.ID, WorkflowName: w.Name, Node: n.Name, Methods: ms, Path: path})
				}
			}
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			return out, nil
		}
		cursor = *page.NextCursor
	}
}

// seqIDs is a deterministic webhookId source.
func seqIDs(prefix string) IDSource {
	n := 0
	return func() string {
		n++
		return prefix + "-0000-4000-8000-" + fmtN(n)
	}
}

func fmtN(n int) string {
	s := "000000000000"
	d := []byte(s)
	for i := len(d) - 1; n > 0 && i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d)
}

func newFake(t testing.TB) (*n8ntest.Server, *n8n.Client) {
	t.Helper()
	f := n8ntest.New()
	t.Cleanup(f.Close)
	return f, f.Client()
}

// versionOfJSON imports workflow documents given inline, as the vault does.
func versionOfJSON(t testing.TB, docs map[string]string) Version {
	t.Helper()
	var srcs []blueprint.Source
	for _, name := range sortedKeys(docs) {
		srcs = append(srcs, blueprint.Source{Name: name, Data: []byte(docs[name])})
	}
	p, err := blueprint.Prepare(srcs, blueprint.Options{Analyze: detect.Analyze})
	if err != nil {
		t.Fatal(err)
	}
	ws := make([]json.RawMessage, len(p.Workflows))
	files := make([]string, len(p.Workflows))
	for i, w := range p.Workflows {
		ws[i], files[i] = w.JSON, w.File
	}
	return Version{Blueprint: "t", Number: 1, Hash: p.Hash, Files: files, Workflows: ws, Report: p.Report}
}

func valuesOf(vars map[string]string) Values {
	v := Values{File: "v.toml", Variables: map[string]Value{}, Credentials: map[string]CredentialValue{}}
	for k, s := range vars {
		v.Variables[k] = Value{V: NewSecret(s, "test"), Line: 1}
	}
	return v
}

type noHooks struct{ taken []TakenWebhook }

func (n noHooks) TakenWebhooks(context.Context) ([]TakenWebhook, error) { return n.taken, nil }
