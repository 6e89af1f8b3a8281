package blueprint

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Token turns a workspace's own value into a variable when a workflow is
// captured: every occurrence of Value inside a string of the workflow
// becomes Name. Word tokens match only where no letter or digit touches
// the value on either side (a slug "ohio" is not replaced inside
// "ohioroofing"). Substitution walks the JSON tree, never the text, so a
// value can never change the workflow's structure.
type Token struct {
	Value string `json:"value"`
	Name  string `json:"name"`
	Word  bool   `json:"word,omitempty"`
	Why   string `json:"why,omitempty"` // what proposed it: slug, leads table, credential id, --tokenize
}

// Substitution is one place a token replaced a value.
type Substitution struct {
	File  string `json:"file"`
	Node  string `json:"node,omitempty"`
	Path  string `json:"path"`
	Value string `json:"value"`
	Name  string `json:"name"`
}

// Place is where a substitution is, for people: "WORKFLOW / NODE", or
// "WORKFLOW (its name)" for the workflow's own name, which is in no node.
func (s Substitution) Place() string {
	wf := strings.TrimSuffix(s.File, ".json")
	if s.Node == "" {
		return wf + " (its name)"
	}
	return wf + " / " + s.Node
}

// tokenName is the rule a variable's name follows: the platform's YOUR_
// tokens, the shape the detector finds as a variable (detect's yourToken),
// so a captured value never becomes a name no report would list.
var tokenName = regexp.MustCompile(`^YOUR_[A-Z0-9]+(?:_[A-Z0-9]+)*$`)

// TokenNameRule is tokenName as errors say it.
const TokenNameRule = "YOUR_ then upper-case letters, digits and single underscores, e.g. YOUR_SENDER_EMAIL"

// CheckTokenName says what is wrong with a variable's name.
func CheckTokenName(name string) error {
	if len(name) > 100 {
		return fmt.Errorf("the variable name %.20q… is longer than 100 characters", name)
	}
	if !tokenName.MatchString(name) {
		return fmt.Errorf("the variable name %q is not %s", name, TokenNameRule)
	}
	return nil
}

// ParseTokenize reads one --tokenize VALUE=NAME.
func ParseTokenize(s string) (Token, error) {
	i := strings.LastIndex(s, "=")
	if i <= 0 || i == len(s)-1 {
		return Token{}, fmt.Errorf("--tokenize %q: want VALUE=NAME, e.g. ohio@acme.com=YOUR_SENDER_EMAIL", s)
	}
	name := s[i+1:]
	if err := CheckTokenName(name); err != nil {
		return Token{}, fmt.Errorf("--tokenize %q: %w", s, err)
	}
	return Token{Value: s[:i], Name: name, Why: "--tokenize"}, nil
}

// substitute replaces tokens in every string of a normalised workflow,
// longest value first so "leads_ohio" goes before "ohio".
func substitute(file string, doc map[string]any, tokens []Token) []Substitution {
	if len(tokens) == 0 {
		return nil
	}
	ts := append([]Token(nil), tokens...)
	sort.SliceStable(ts, func(i, j int) bool { return len(ts[i].Value) > len(ts[j].Value) })
	var out []Substitution
	eachString(doc, func(node, path, s string) string {
		return replaceAll(s, ts, func(t Token) {
			out = append(out, Substitution{File: file, Node: node, Path: path, Value: t.Value, Name: t.Name})
		})
	})
	return out
}

// eachString gives f every string of the workflow that a token may
// replace, with its node and path, and keeps what f returns. The
// workflow's own name (node "") carries the tenant too ("ohio · Email 1"):
// a template captured from ohio must not name texas' workflows after ohio.
func eachString(doc map[string]any, f func(node, path, s string) string) {
	if name, ok := doc["name"].(string); ok {
		doc["name"] = f("", "name", name)
	}
	nodes, _ := doc["nodes"].([]any)
	for _, n := range nodes {
		m, _ := n.(map[string]any)
		name, _ := m["name"].(string)
		for _, k := range sortedKeys(m) {
			if k == "name" || k == "id" || k == "type" || k == "webhookId" {
				continue // identity, not configuration
			}
			m[k] = walk(m[k], k, func(path, s string) string { return f(name, path, s) })
		}
	}
}

// Occurrences says, for each token, the places its value would be
// replaced if it were the only token: what a capture proposes is shown
// before the operator decides, each value on its own. Files an import
// would refuse are passed over (Prepare says why).
func Occurrences(sources []Source, tokens []Token) [][]Substitution {
	out := make([][]Substitution, len(tokens))
	for _, src := range sources {
		pieces, _, _ := splitFile(src)
		for _, p := range pieces {
			doc, _, errs, _ := normalise(p)
			if len(errs) > 0 {
				continue
			}
			eachString(doc, func(node, path, s string) string {
				for i, t := range tokens {
					replaceAll(s, []Token{t}, func(Token) {
						out[i] = append(out[i], Substitution{File: p.label, Node: node, Path: path, Value: t.Value, Name: t.Name})
					})
				}
				return s
			})
		}
	}
	return out
}

func walk(v any, path string, f func(path, s string) string) any {
	switch t := v.(type) {
	case string:
		return f(path, t)
	case map[string]any:
		for _, k := range sortedKeys(t) {
			t[k] = walk(t[k], path+"."+k, f)
		}
		return t
	case []any:
		for i := range t {
			t[i] = walk(t[i], fmt.Sprintf("%s[%d]", path, i), f)
		}
		return t
	default:
		return v
	}
}

func replaceAll(s string, ts []Token, hit func(Token)) string {
	for _, t := range ts {
		if t.Value == "" || !strings.Contains(s, t.Value) {
			continue
		}
		var b strings.Builder
		rest, n := s, 0
		for {
			i := strings.Index(rest, t.Value)
			if i < 0 {
				break
			}
			end := i + len(t.Value)
			if t.Word && (touches(rest[:i], true) || touches(rest[end:], false)) {
				b.WriteString(rest[:end])
				rest = rest[end:]
				continue
			}
			b.WriteString(rest[:i])
			b.WriteString(t.Name)
			rest, n = rest[end:], n+1
		}
		b.WriteString(rest)
		if n > 0 {
			s = b.String()
			hit(t)
		}
	}
	return s
}

// touches says whether a letter or digit sits next to a match: at the end
// of before, or at the start of after.
func touches(s string, before bool) bool {
	if s == "" {
		return false
	}
	var r rune
	if before {
		r = []rune(s)[len([]rune(s))-1]
	} else {
		r = []rune(s)[0]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// ProposeTokens are the variables capture proposes from a workspace's own
// values: its leads_<slug> table, its slug (as a word), and every
// credential id its workflows use. The operator adds the rest (sender
// addresses, sheet ids, URLs) with --tokenize, from the report's
// hardcoded candidates.
func ProposeTokens(slug string, workflows [][]byte) []Token {
	table := "leads_" + strings.ReplaceAll(slug, "-", "_")
	out := []Token{{Value: table, Name: "YOUR_LEADS_TABLE", Why: "the workspace's leads table"}}
	if table != "leads_"+slug {
		out = append(out, Token{Value: "leads_" + slug, Name: "YOUR_LEADS_TABLE", Why: "the workspace's leads table"})
	}
	out = append(out, Token{Value: slug, Name: "YOUR_WORKSPACE_SLUG", Word: true, Why: "the workspace's slug"})
	seen := map[string]bool{}
	for _, w := range workflows {
		var doc struct {
			Nodes []struct {
				Credentials map[string]struct {
					ID string `json:"id"`
				} `json:"credentials"`
			} `json:"nodes"`
		}
		if jsonUnmarshal(w, &doc) != nil {
			continue
		}
		for _, n := range doc.Nodes {
			for typ, c := range n.Credentials {
				if c.ID == "" || seen[c.ID] || strings.HasPrefix(c.ID, "YOUR_") || strings.Contains(c.ID, "{{") {
					continue
				}
				seen[c.ID] = true
				out = append(out, Token{Value: c.ID, Name: "YOUR_CREDENTIAL_" + credentialWord(typ) + "_ID", Why: "a credential id of type " + typ})
			}
		}
	}
	return out
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
