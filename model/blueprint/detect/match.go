package detect

import (
	"regexp"
	"sort"
	"strings"
)

// Match is one placeholder inside a string: its kind, the variable's name,
// and the byte range of the whole text that stands for it ($env.NAME, not
// the {{ }} around it, since the expression may hold more).
type Match struct {
	Kind       string
	Name       string
	Start, End int
}

// Placeholders finds every placeholder in s with the recognisers Analyze
// uses, in order of position, so a provisioner that fills them and a check
// that nothing is left over agree with the detector by construction.
// Overlapping matches keep the earliest (then longest) one.
func Placeholders(s string) []Match {
	var out []Match
	// The substring tests spare the regular expressions the strings that
	// cannot match, which are nearly all of them (as in variables).
	add := func(kind string, re *regexp.Regexp, group int) {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			name := s[m[2*group]:m[2*group+1]]
			out = append(out, Match{Kind: kind, Name: name, Start: m[0], End: m[1]})
		}
	}
	if strings.Contains(s, "YOUR_") {
		add(KindYourToken, yourToken, 0)
	}
	if strings.Contains(s, "$env") {
		add(KindEnv, envDot, 1)
		add(KindEnv, envIndex, 1)
	}
	if strings.Contains(s, "$vars") {
		add(KindVars, varsDot, 1)
		add(KindVars, varsIndex, 1)
	}
	if strings.Contains(s, "{{") {
		add(KindPlaceholder, placeholderRe, 1)
	}
	if len(out) == 0 {
		return nil
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End > out[j].End
	})
	kept := out[:0]
	end := -1
	for _, m := range out {
		if m.Start < end {
			continue
		}
		kept = append(kept, m)
		end = m.End
	}
	return kept
}
