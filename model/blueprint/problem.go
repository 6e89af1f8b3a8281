package blueprint

import (
	"errors"
	"fmt"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// ErrRefused is wrapped by every refused import: nothing was stored.
var ErrRefused = errors.New("blueprint import refused")

// Problem is one refusal or warning, named by file and, where it has one,
// node and line.
type Problem struct {
	File    string `json:"file"`
	Node    string `json:"node,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
	// audit replaces Message in the audit trail when Message shows part
	// of a secret (even masked, a secret's prefix stays out of the trail).
	audit string
}

// String reads "file F, node "N", line L: message", cleaned of control
// characters (file and node names are data).
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString("file " + safetext.Line(p.File))
	if p.Node != "" {
		fmt.Fprintf(&b, ", node %q", safetext.Line(p.Node))
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, ", line %d", p.Line)
	}
	b.WriteString(": " + safetext.Line(p.Message))
	return b.String()
}

// RefusedError lists every reason an import was refused.
type RefusedError struct{ Problems []Problem }

func (e *RefusedError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("%s (%d problem(s), nothing stored):\n%s", ErrRefused, len(e.Problems), strings.Join(lines, "\n"))
}

func (e *RefusedError) Unwrap() error { return ErrRefused }

// AuditText is Error without any part of a secret, for the audit trail.
func (e *RefusedError) AuditText() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.audit != "" {
			p.Message = p.audit
		}
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("%s (%d problem(s), nothing stored):\n%s", ErrRefused, len(e.Problems), strings.Join(lines, "\n"))
}

// lineCol turns a byte offset of data into a 1-based line.
func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
		}
	}
	return line
}
