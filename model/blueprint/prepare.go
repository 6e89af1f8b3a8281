package blueprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Workflow is one normalised workflow of a version.
type Workflow struct {
	File  string          `json:"file"` // the file it came from ([i] for the i-th of an array)
	Name  string          `json:"name"`
	Nodes int             `json:"nodes"`
	JSON  json.RawMessage `json:"-"` // canonical: n8n's accepted fields only, keys sorted
}

// Prepared is an import that passed every check, ready to store.
type Prepared struct {
	Workflows []Workflow
	Warnings  []Problem
	Report    Report
	// Allowed are the secrets found that an --allow-secret exception
	// covers; they are recorded with the version (masked).
	Allowed []Secret
	Hash    string // sha256 of the canonical workflows, in file order
	// Substitutions are where Tokens replaced values.
	Substitutions []Substitution
}

// Options are what an import is given beyond its files.
type Options struct {
	Analyze AnalyzeFunc
	// AllowSecrets are reviewed exceptions, "NODE:FIELD" each: a secret
	// found in that node at that field path (or below it) does not refuse
	// the import.
	AllowSecrets []string
	// Tokens turn values into variables (capture); applied after
	// normalising, before hashing and detection.
	Tokens []Token
}

// Prepare runs the import pipeline: split each file into workflows, check
// and normalise them, hash, detect, and refuse on any error or any secret
// not allowed. It stores nothing.
func Prepare(sources []Source, opt Options) (Prepared, error) {
	var out Prepared
	var errs []Problem
	for _, src := range sources {
		pieces, e, w := splitFile(src)
		errs, out.Warnings = append(errs, e...), append(out.Warnings, w...)
		for _, p := range pieces {
			doc, n, e, w := normalise(p)
			errs, out.Warnings = append(errs, e...), append(out.Warnings, w...)
			if len(e) > 0 {
				continue
			}
			out.Substitutions = append(out.Substitutions, substitute(p.label, doc, opt.Tokens)...)
			b, err := canonical(doc)
			if err != nil {
				errs = append(errs, Problem{File: p.label, Message: err.Error()})
				continue
			}
			out.Workflows = append(out.Workflows, Workflow{File: p.label, Name: doc["name"].(string), Nodes: n, JSON: b})
		}
	}
	seen := map[string]string{}
	for _, w := range out.Workflows {
		if prev, dup := seen[w.Name]; dup {
			errs = append(errs, Problem{File: w.File, Message: fmt.Sprintf("workflow name %q is also the name of the workflow in %s: a version's workflows need distinct names", w.Name, prev)})
		}
		seen[w.Name] = w.File
	}
	if len(errs) > 0 {
		return Prepared{}, &RefusedError{Problems: errs}
	}
	out.Hash = HashWorkflows(out.Workflows)
	if opt.Analyze != nil {
		files := make([]File, len(out.Workflows))
		for i, w := range out.Workflows {
			files[i] = File{Name: w.File, Workflow: w.JSON}
		}
		out.Report = opt.Analyze(files)
	}
	allowed, refused, unused := splitSecrets(out.Report.Secrets, opt.AllowSecrets)
	for _, s := range refused {
		errs = append(errs, Problem{File: s.File, Node: s.Node, Message: fmt.Sprintf("a secret (%s) at %s: %s; remove it, or after review pass --allow-secret %s:%s",
			s.Rule, s.Path, s.Masked, s.Node, s.Path),
			audit: fmt.Sprintf("a secret (%s) at %s", s.Rule, s.Path)})
	}
	for _, a := range unused {
		errs = append(errs, Problem{File: "(command line)", Message: fmt.Sprintf("--allow-secret %s matches no secret found (want NODE:FIELD as the refusal names it)", a)})
	}
	if len(errs) > 0 {
		return Prepared{}, &RefusedError{Problems: errs}
	}
	out.Allowed = allowed
	return out, nil
}

// HashWorkflows is the content hash of a version: its canonical workflows
// in order. File names are not part of it, so renaming a file is no change.
func HashWorkflows(ws []Workflow) string {
	h := sha256.New()
	for _, w := range ws {
		h.Write(w.JSON)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// canonical is the stable serialisation: map keys sorted (encoding/json's
// order), numbers as written, no HTML escaping.
func canonical(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Canonical re-serialises a stored workflow the same way, so a workflow
// read back from n8n or the database hashes as it did at import.
func Canonical(raw []byte) ([]byte, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return canonical(v)
}

// ParseAllow reads one --allow-secret value.
func ParseAllow(s string) (node, field string, err error) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return "", "", fmt.Errorf("--allow-secret %q: want NODE:FIELD, e.g. \"HTTP Request:parameters.headerParameters.parameters[0].value\"", s)
	}
	return s[:i], s[i+1:], nil
}

func splitSecrets(found []Secret, allow []string) (allowed, refused []Secret, unused []string) {
	used := make([]bool, len(allow))
	for _, s := range found {
		ok := false
		for i, a := range allow {
			node, field, err := ParseAllow(a)
			if err != nil {
				continue
			}
			if s.Node == node && (s.Path == field || strings.HasPrefix(s.Path, field+".") || strings.HasPrefix(s.Path, field+"[")) {
				ok, used[i] = true, true
			}
		}
		if ok {
			allowed = append(allowed, s)
		} else {
			refused = append(refused, s)
		}
	}
	for i, a := range allow {
		if !used[i] {
			unused = append(unused, a)
		}
	}
	sort.SliceStable(refused, func(i, j int) bool { return refused[i].File < refused[j].File })
	return allowed, refused, unused
}

// Normalise reduces one workflow (a file's, or n8n's answer) to the form a
// version stores: what n8n's create takes, n8n's own defaults dropped,
// canonical. A workflow sent and the same workflow read back from n8n
// normalise alike (the capture contract test holds it on both majors), so
// the applied-content hash can be compared with the live one.
func Normalise(label string, raw []byte) ([]byte, error) {
	pieces, errs, _ := splitFile(Source{Name: label, Data: raw})
	if len(errs) == 0 && len(pieces) != 1 {
		errs = append(errs, Problem{File: label, Message: fmt.Sprintf("%d workflows where one was expected", len(pieces))})
	}
	if len(errs) > 0 {
		return nil, &RefusedError{Problems: errs}
	}
	doc, _, errs, _ := normalise(pieces[0])
	if len(errs) > 0 {
		return nil, &RefusedError{Problems: errs}
	}
	return canonical(doc)
}
