package blueprint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Diff is a node-level comparison of two versions.
type Diff struct {
	WorkflowsAdded   []string       `json:"workflows_added"`
	WorkflowsRemoved []string       `json:"workflows_removed"`
	Changed          []WorkflowDiff `json:"changed"`
}

// WorkflowDiff is what changed in one workflow present in both versions.
type WorkflowDiff struct {
	Workflow           string     `json:"workflow"`
	RenamedFrom        string     `json:"renamed_from,omitempty"` // the first version's name, when the workflow was renamed
	NodesAdded         []string   `json:"nodes_added,omitempty"`
	NodesRemoved       []string   `json:"nodes_removed,omitempty"`
	Nodes              []NodeDiff `json:"nodes,omitempty"`
	ConnectionsChanged bool       `json:"connections_changed,omitempty"`
	SettingsChanged    bool       `json:"settings_changed,omitempty"`
}

// NodeDiff names the changed fields of one node, as paths.
type NodeDiff struct {
	Node  string       `json:"node"`
	Paths []PathChange `json:"paths"`
}

// PathChange is one changed value; From and To are JSON ("" when absent).
type PathChange struct {
	Path string `json:"path"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Empty says nothing differs.
func (d Diff) Empty() bool {
	return len(d.WorkflowsAdded) == 0 && len(d.WorkflowsRemoved) == 0 && len(d.Changed) == 0
}

type wfDoc struct {
	Name        string                       `json:"name"`
	Nodes       []map[string]json.RawMessage `json:"nodes"`
	Connections json.RawMessage              `json:"connections"`
	Settings    json.RawMessage              `json:"settings"`
}

// Compare diffs two versions' workflows (as stored), matching workflows by
// name and nodes by name. A node's position is layout and not compared.
func Compare(a, b []json.RawMessage) (Diff, error) {
	am, err := byName(a)
	if err != nil {
		return Diff{}, fmt.Errorf("first version: %w", err)
	}
	bm, err := byName(b)
	if err != nil {
		return Diff{}, fmt.Errorf("second version: %w", err)
	}
	d := Diff{WorkflowsAdded: []string{}, WorkflowsRemoved: []string{}, Changed: []WorkflowDiff{}}
	var added, removed []string
	for _, name := range sortedKeys(bm) {
		if _, ok := am[name]; !ok {
			added = append(added, name)
		}
	}
	for _, name := range sortedKeys(am) {
		wa := am[name]
		wb, ok := bm[name]
		if !ok {
			removed = append(removed, name)
			continue
		}
		if wd := compareWorkflow(name, wa, wb); wd != nil {
			d.Changed = append(d.Changed, *wd)
		}
	}
	renamed := pairRenamed(removed, added, am, bm)
	for _, from := range removed {
		to, ok := renamed[from]
		if !ok {
			d.WorkflowsRemoved = append(d.WorkflowsRemoved, from)
			continue
		}
		wd := compareWorkflow(to, am[from], bm[to])
		if wd == nil {
			wd = &WorkflowDiff{Workflow: to}
		}
		wd.RenamedFrom = from
		d.Changed = append(d.Changed, *wd)
	}
	paired := map[string]bool{}
	for _, to := range renamed {
		paired[to] = true
	}
	for _, to := range added {
		if !paired[to] {
			d.WorkflowsAdded = append(d.WorkflowsAdded, to)
		}
	}
	sort.SliceStable(d.Changed, func(i, j int) bool { return d.Changed[i].Workflow < d.Changed[j].Workflow })
	return d, nil
}

// renameSimilarity is how alike two workflows' node names must be
// (shared over all, Jaccard) for a removed and an added one to be the same
// workflow renamed: a capture names its workflows after the workspace
// ("YOUR_WORKSPACE_SLUG · Email 1" for "Email 1"), and a diff that said
// every workflow was removed and another added would hide what changed.
const renameSimilarity = 0.8

// pairRenamed pairs removed with added workflows, most alike first, each
// at most once; it returns removed name -> added name.
func pairRenamed(removed, added []string, am, bm map[string]wfDoc) map[string]string {
	type pair struct {
		from, to string
		score    float64
	}
	var pairs []pair
	for _, from := range removed {
		na := nodesByName(am[from])
		for _, to := range added {
			nb := nodesByName(bm[to])
			shared := 0
			for n := range na {
				if _, ok := nb[n]; ok {
					shared++
				}
			}
			all := len(na) + len(nb) - shared
			if all == 0 {
				continue
			}
			if score := float64(shared) / float64(all); score >= renameSimilarity {
				pairs = append(pairs, pair{from, to, score})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].score > pairs[j].score })
	out := map[string]string{}
	taken := map[string]bool{}
	for _, p := range pairs {
		if _, done := out[p.from]; done || taken[p.to] {
			continue
		}
		out[p.from], taken[p.to] = p.to, true
	}
	return out
}

func compareWorkflow(name string, a, b wfDoc) *WorkflowDiff {
	wd := WorkflowDiff{Workflow: name}
	an, bn := nodesByName(a), nodesByName(b)
	for _, n := range sortedKeys(bn) {
		if _, ok := an[n]; !ok {
			wd.NodesAdded = append(wd.NodesAdded, n)
		}
	}
	for _, n := range sortedKeys(an) {
		nb, ok := bn[n]
		if !ok {
			wd.NodesRemoved = append(wd.NodesRemoved, n)
			continue
		}
		var paths []PathChange
		na := an[n]
		keys := map[string]bool{}
		for k := range na {
			keys[k] = true
		}
		for k := range nb {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			if k == "position" {
				continue
			}
			paths = diffValue(k, decode(na[k]), decode(nb[k]), paths)
		}
		if len(paths) > 0 {
			wd.Nodes = append(wd.Nodes, NodeDiff{Node: n, Paths: paths})
		}
	}
	wd.ConnectionsChanged = !sameJSON(a.Connections, b.Connections)
	wd.SettingsChanged = !sameJSON(a.Settings, b.Settings)
	if len(wd.NodesAdded) == 0 && len(wd.NodesRemoved) == 0 && len(wd.Nodes) == 0 && !wd.ConnectionsChanged && !wd.SettingsChanged {
		return nil
	}
	return &wd
}

// absent marks a value missing on one side.
type absent struct{}

func decode(raw json.RawMessage) any {
	if raw == nil {
		return absent{}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return string(raw)
	}
	return v
}

func diffValue(path string, a, b any, out []PathChange) []PathChange {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			av, ok := am[k]
			if !ok {
				av = absent{}
			}
			bv, ok := bm[k]
			if !ok {
				bv = absent{}
			}
			out = diffValue(path+"."+k, av, bv, out)
		}
		return out
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList && bIsList && len(al) == len(bl) {
		for i := range al {
			out = diffValue(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i], out)
		}
		return out
	}
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok && sa != sb {
			from, to := excerpt(sa, sb)
			return append(out, PathChange{Path: path, From: from, To: to})
		}
	}
	as, bs := show(a), show(b)
	if as != bs {
		out = append(out, PathChange{Path: path, From: as, To: bs})
	}
	return out
}

func show(v any) string {
	if _, ok := v.(absent); ok {
		return ""
	}
	b, _ := canonical(v)
	return string(b)
}

func sameJSON(a, b json.RawMessage) bool { return show(decode(a)) == show(decode(b)) }

func byName(ws []json.RawMessage) (map[string]wfDoc, error) {
	out := map[string]wfDoc{}
	for i, raw := range ws {
		var w wfDoc
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("workflow %d: %v", i, err)
		}
		out[w.Name] = w
	}
	return out, nil
}

func nodesByName(w wfDoc) map[string]map[string]json.RawMessage {
	out := map[string]map[string]json.RawMessage{}
	for _, n := range w.Nodes {
		var name string
		_ = json.Unmarshal(n["name"], &name)
		out[name] = n
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// excerptContext is how much unchanged text an excerpt keeps either side of
// a change inside a long string (SQL, Code node source).
const excerptContext = 24

// excerpt shows where two strings differ: the changed middle with some
// context, JSON-quoted, "…" marking what is cut.
func excerpt(a, b string) (string, string) {
	ra, rb := []rune(a), []rune(b)
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	cut := func(r []rune) string {
		start, end := max(0, p-excerptContext), min(len(r), len(r)-s+excerptContext)
		q, _ := canonical(string(r[start:end]))
		out := string(q)
		if start > 0 {
			out = "…" + out
		}
		if end < len(r) {
			out += "…"
		}
		return out
	}
	return cut(ra), cut(rb)
}
