package genesis

import (
	"errors"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// ErrRefused is wrapped by every refused plan: nothing may be applied.
var ErrRefused = errors.New("provisioning plan refused")

// Problem is one refusal or warning of a plan, named by workflow (its
// blueprint file), node and field; values-file problems name the file
// and line instead.
type Problem struct {
	Workflow string `json:"workflow,omitempty"`
	Node     string `json:"node,omitempty"`
	Field    string `json:"field,omitempty"`
	File     string `json:"file,omitempty"` // the values file
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
}

// String reads `workflow W, node "N", field F: message`, cleaned of
// control characters (names are data).
func (p Problem) String() string {
	var parts []string
	if p.Workflow != "" {
		parts = append(parts, "workflow "+safetext.Line(p.Workflow))
	}
	if p.Node != "" {
		parts = append(parts, fmt.Sprintf("node %q", safetext.Line(p.Node)))
	}
	if p.File != "" {
		parts = append(parts, "values file "+safetext.Line(p.File))
	}
	if p.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", p.Line))
	}
	if p.Field != "" {
		parts = append(parts, "field "+safetext.Line(p.Field))
	}
	head := strings.Join(parts, ", ")
	if head == "" {
		return safetext.Line(p.Message)
	}
	return head + ": " + safetext.Line(p.Message)
}

// RefusedError lists every reason a plan was refused.
type RefusedError struct{ Problems []Problem }

func (e *RefusedError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("%s (%d problem(s), nothing applied):\n%s", ErrRefused, len(e.Problems), strings.Join(lines, "\n"))
}

func (e *RefusedError) Unwrap() error { return ErrRefused }
