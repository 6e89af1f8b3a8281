package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxWorkflowBytes bounds one document: the largest real template is under
// 100 KB; anything past this is an execution dump or not a workflow at all,
// and parsing it would only cost memory.
const MaxWorkflowBytes = 16 << 20

// Analyze reports what the files hold. Files that are not one workflow
// object are listed in Report.Skipped and contribute nothing else.
func Analyze(files []File) Report {
	a := newAnalysis()
	for _, f := range files {
		a.file(f)
	}
	return a.report()
}

type analysis struct {
	vars    map[[2]string]*Variable // kind, name
	creds   map[CredSlot]bool
	hooks   map[Webhook]bool
	trigs   map[Trigger]bool
	hard    map[[2]string]*Candidate // kind, value
	cols    map[string]bool
	secrets map[Secret]bool
	skipped []Skip
	pending []pendingStr // this file's strings, for flush
}

func newAnalysis() *analysis {
	return &analysis{
		vars:    map[[2]string]*Variable{},
		creds:   map[CredSlot]bool{},
		hooks:   map[Webhook]bool{},
		trigs:   map[Trigger]bool{},
		hard:    map[[2]string]*Candidate{},
		cols:    map[string]bool{},
		secrets: map[Secret]bool{},
	}
}

// file parses one document and walks it. Numbers stay json.Number so no
// value is rewritten on the way.
func (a *analysis) file(f File) {
	if len(f.Workflow) > MaxWorkflowBytes {
		a.skip(f.Name, fmt.Sprintf("not a workflow: %d bytes, over the %d-byte limit for one workflow", len(f.Workflow), MaxWorkflowBytes))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(f.Workflow))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		a.skip(f.Name, "not a workflow: invalid JSON: "+err.Error())
		return
	}
	if _, err := dec.Token(); err == nil {
		a.skip(f.Name, "not a workflow: more than one JSON value")
		return
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		a.skip(f.Name, "not a workflow: the document is not a JSON object")
		return
	}
	nodes, ok := obj["nodes"].([]any)
	if !ok {
		a.skip(f.Name, "not a workflow: "+whatIsIt(obj))
		return
	}
	for i, n := range nodes {
		node, ok := n.(map[string]any)
		if !ok {
			continue
		}
		a.node(f.Name, i, node)
	}
	// Fields outside nodes (pinData, settings, meta, notes…) can carry
	// tokens and leaked secrets too.
	for _, k := range sortedKeys(obj) {
		if k == "nodes" || k == "connections" {
			continue
		}
		a.walk(f.Name, "", nil, k, k, obj[k])
	}
	a.flush()
}

// whatIsIt names the kind of non-workflow JSON, so the importer's message
// tells the operator what they passed instead.
func whatIsIt(obj map[string]any) string {
	switch {
	case obj["workflowData"] != nil || obj["finished"] != nil || obj["stoppedAt"] != nil:
		return "an n8n execution (it has no nodes array)"
	case obj["data"] != nil:
		return "a list page (data[]), not one workflow"
	}
	return "no nodes array"
}

func (a *analysis) skip(file, reason string) {
	a.skipped = append(a.skipped, Skip{File: file, Reason: reason})
}

func (a *analysis) node(file string, i int, node map[string]any) {
	name, _ := node["name"].(string)
	if name == "" {
		name = "#" + strconv.Itoa(i)
	}
	typ, _ := node["type"].(string)
	params, _ := node["parameters"].(map[string]any)
	n := nodeCtx{file: file, name: name, typ: typ, params: params}

	a.credentials(n, node["credentials"])
	a.webhookAndTrigger(n)
	a.tables(n)
	for _, k := range sortedKeys(node) {
		a.walk(file, name, &n, k, k, node[k])
	}
}

// nodeCtx is what a string's scan needs to know about its node.
type nodeCtx struct {
	file, name, typ string
	params          map[string]any
}

// shortType is the node type's last segment: n8n-nodes-base.postgres → postgres.
func (n *nodeCtx) shortType() string {
	if n == nil {
		return ""
	}
	t := n.typ
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return t
}

// walk visits every string value with its path. key is the name the value
// is known by: the JSON key, or for n8n's {name, value} pairs (headers, query
// and body parameters) the pair's name, so an x-webhook-token header's value
// is judged as a token.
func (a *analysis) walk(file, node string, n *nodeCtx, path, key string, v any) {
	switch t := v.(type) {
	case string:
		a.str(Place{File: file, Node: node, Path: path}, n, key, t)
	case map[string]any:
		pairName := ""
		if nm, ok := t["name"].(string); ok {
			if _, hasValue := t["value"]; hasValue {
				pairName = nm
			}
		}
		for _, k := range sortedKeys(t) {
			sub := k
			if k == "value" && pairName != "" {
				sub = pairName
			}
			a.walk(file, node, n, path+"."+k, sub, t[k])
		}
	case []any:
		for i, e := range t {
			a.walk(file, node, n, path+"["+strconv.Itoa(i)+"]", key, e)
		}
	}
}

// str runs the detectors that need nothing else on one value and queues
// it for the secret scan, which runs once per file (flush).
func (a *analysis) str(p Place, n *nodeCtx, key, s string) {
	if s == "" {
		return
	}
	a.variables(p, s)
	a.pending = append(a.pending, pendingStr{place: p, node: n, key: key, forms: secretForms(s)})
	if n != nil && isCodeNode(n.shortType()) && isCodeField(p.Path) {
		for _, t := range codeTables(s) {
			a.addHard(HardTable, t, p)
		}
		for t, cols := range sqlColumns(s) {
			if isLeadTable(t) {
				a.addCols(cols...)
			}
		}
	}
}

func isCodeNode(t string) bool {
	return t == "code" || t == "function" || t == "functionItem"
}

func isCodeField(path string) bool {
	return path == "parameters.jsCode" || path == "parameters.pythonCode" ||
		path == "parameters.functionCode" || path == "parameters.code"
}

func (a *analysis) addVar(kind, name string, p Place) {
	k := [2]string{kind, name}
	v := a.vars[k]
	if v == nil {
		v = &Variable{Name: name, Kind: kind}
		a.vars[k] = v
	}
	v.Where = append(v.Where, p)
}

func (a *analysis) addHard(kind, value string, p Place) {
	k := [2]string{kind, value}
	c := a.hard[k]
	if c == nil {
		c = &Candidate{Kind: kind, Value: value}
		a.hard[k] = c
	}
	c.Where = append(c.Where, p)
}

func (a *analysis) report() Report {
	var r Report
	for _, v := range a.vars {
		v.Where = sortPlaces(v.Where)
		r.Variables = append(r.Variables, *v)
	}
	sort.Slice(r.Variables, func(i, j int) bool {
		x, y := r.Variables[i], r.Variables[j]
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Kind < y.Kind
	})
	for c := range a.creds {
		r.Credentials = append(r.Credentials, c)
	}
	sort.Slice(r.Credentials, func(i, j int) bool {
		x, y := r.Credentials[i], r.Credentials[j]
		return lessStrings([]string{x.File, x.Node, x.Type, x.Ref}, []string{y.File, y.Node, y.Type, y.Ref})
	})
	for w := range a.hooks {
		r.Webhooks = append(r.Webhooks, w)
	}
	sort.Slice(r.Webhooks, func(i, j int) bool {
		x, y := r.Webhooks[i], r.Webhooks[j]
		return lessStrings([]string{x.File, x.Node, x.Method, x.Path}, []string{y.File, y.Node, y.Method, y.Path})
	})
	for t := range a.trigs {
		r.Triggers = append(r.Triggers, t)
	}
	sort.Slice(r.Triggers, func(i, j int) bool {
		x, y := r.Triggers[i], r.Triggers[j]
		return lessStrings([]string{x.File, x.Node, x.Kind}, []string{y.File, y.Node, y.Kind})
	})
	for _, c := range a.hard {
		c.Where = sortPlaces(c.Where)
		r.Hardcoded = append(r.Hardcoded, *c)
	}
	sort.Slice(r.Hardcoded, func(i, j int) bool {
		x, y := r.Hardcoded[i], r.Hardcoded[j]
		return lessStrings([]string{x.Kind, x.Value}, []string{y.Kind, y.Value})
	})
	for c := range a.cols {
		r.LeadColumns = append(r.LeadColumns, c)
	}
	sort.Strings(r.LeadColumns)
	for s := range a.secrets {
		r.Secrets = append(r.Secrets, s)
	}
	sort.Slice(r.Secrets, func(i, j int) bool {
		x, y := r.Secrets[i], r.Secrets[j]
		return lessStrings([]string{x.File, x.Node, x.Path, x.Rule, x.Masked}, []string{y.File, y.Node, y.Path, y.Rule, y.Masked})
	})
	r.Skipped = a.skipped
	sort.SliceStable(r.Skipped, func(i, j int) bool { return r.Skipped[i].File < r.Skipped[j].File })
	return r
}

func lessStrings(x, y []string) bool {
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// sortPlaces sorts and drops repeats (one field can hold a token twice).
func sortPlaces(ps []Place) []Place {
	sort.Slice(ps, func(i, j int) bool {
		return lessStrings([]string{ps[i].File, ps[i].Node, ps[i].Path}, []string{ps[j].File, ps[j].Node, ps[j].Path})
	})
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && p == ps[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
