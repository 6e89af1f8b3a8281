package forensics

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// Summary is what `godmode inspect --summary` reports: the execution, its
// verdict, what called it, its timeline, the errors it swallowed, and its
// first failure or where it waits.
type Summary struct {
	ID           string         `json:"id"`
	WorkflowID   string         `json:"workflow_id,omitempty"`
	WorkflowName string         `json:"workflow_name,omitempty"`
	Status       string         `json:"status"`
	Verdict      string         `json:"verdict"`
	Mode         string         `json:"mode,omitempty"`
	RetryOf      string         `json:"retry_of,omitempty"`
	StartedAt    *time.Time     `json:"started_at,omitempty"`
	StoppedAt    *time.Time     `json:"stopped_at,omitempty"`
	DurationMs   int64          `json:"duration_ms"`
	HasRunData   bool           `json:"has_run_data"`
	Note         string         `json:"note,omitempty"`
	Parent       *SummaryLink   `json:"parent_execution,omitempty"`
	Timeline     []SummaryRun   `json:"timeline"`
	SoftFailures []SummarySoft  `json:"soft_failures"`
	Failure      *SummaryError  `json:"failure,omitempty"`
	Waiting      *SummaryWait   `json:"waiting,omitempty"`
	Sanitized    *SanitizeStats `json:"sanitized,omitempty"`
}

// SummaryLink is another execution this one points to (ExecutionLink).
type SummaryLink struct {
	Kind         LinkKind `json:"kind"` // sub, parent, error-trigger
	ExecutionID  string   `json:"execution_id"`
	WorkflowID   string   `json:"workflow_id,omitempty"`
	WorkflowName string   `json:"workflow_name,omitempty"`
	Node         string   `json:"node,omitempty"`
	FailedNode   string   `json:"failed_node,omitempty"`
	Message      string   `json:"message,omitempty"`
}

// SummarySoft is an error a node swallowed (SoftFailure).
type SummarySoft struct {
	Node     string `json:"node"`
	NodeType string `json:"node_type,omitempty"`
	Run      int    `json:"run"` // 1-based run of the node
	Items    int    `json:"items"`
	Message  string `json:"message"`
}

// SummaryRun is one line of the timeline.
type SummaryRun struct {
	Node       string `json:"node"`
	NodeType   string `json:"node_type,omitempty"`
	Run        int    `json:"run"`  // 1-based
	Runs       int    `json:"runs"` // runs of this node
	OffsetMs   int64  `json:"offset_ms"`
	DurationMs int64  `json:"duration_ms"`
	Status     string `json:"status"`
	ItemsIn    int    `json:"items_in"`
	ItemsOut   int    `json:"items_out"`
	Error      string `json:"error,omitempty"`
	Disabled   bool   `json:"disabled,omitempty"`   // disabled in the workflow: n8n passed the input through
	Pinned     bool   `json:"pinned,omitempty"`     // the output is the node's pinned data
	Reused     bool   `json:"reused,omitempty"`     // copied by a retry from the original; offset_ms is then before the retry started
	SoftError  bool   `json:"soft_error,omitempty"` // the run swallowed an error (see soft_failures)
	// SubExecution is the id of the sub-execution the run called.
	SubExecution string `json:"sub_execution,omitempty"`
}

// SummaryError is the first failure.
type SummaryError struct {
	Node        string `json:"node"`
	NodeType    string `json:"node_type,omitempty"`
	Ran         bool   `json:"ran"`
	Run         int    `json:"run,omitempty"` // 1-based run of the node; 0 when it did not run
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
	Name        string `json:"name,omitempty"`
	HTTPCode    string `json:"http_code,omitempty"`
	LineNumber  int    `json:"line_number,omitempty"`
	// SubExecution is the sub-execution whose failure made the node fail.
	SubExecution *SummaryLink `json:"sub_execution,omitempty"`
}

// SummaryWait is where a waiting execution waits.
type SummaryWait struct {
	Node  string     `json:"node"`
	Until *time.Time `json:"until,omitempty"`
}

// Summarize gathers the summary of e.
func Summarize(e *Execution) Summary {
	e.workflowNodes() // fills WorkflowName
	s := Summary{ID: e.ID, WorkflowID: e.WorkflowID, WorkflowName: e.WorkflowName, Status: e.Status, Verdict: e.Verdict(),
		Mode: e.Mode, RetryOf: e.RetryOf, StartedAt: timePtr(e.StartedAt), StoppedAt: timePtr(e.StoppedAt),
		DurationMs: e.Duration().Milliseconds(), HasRunData: e.HasRunData(), Timeline: []SummaryRun{},
		SoftFailures: []SummarySoft{}, Parent: summaryLink(e.Parent())}
	if !s.HasRunData {
		s.Note = "n8n kept no run data for this execution (saved without data, or fetched without includeData)"
	}
	if e.Sanitized.Binaries > 0 || e.Sanitized.StringsCut > 0 {
		st := e.Sanitized
		s.Sanitized = &st
	}
	tl := e.Timeline()
	// Offsets count from the execution's start. A retry's reused runs
	// started before it (they are the original's): they do not move the
	// origin, or every run of the retry itself would read as seconds late.
	origin := e.StartedAt
	for _, r := range tl {
		if e.reused(r) {
			continue
		}
		if origin.IsZero() || r.Start.Before(origin) {
			origin = r.Start
		}
		break
	}
	for i, r := range tl {
		fl := e.Flags(i)
		sr := SummaryRun{Node: r.Node, NodeType: r.NodeType, Run: r.RunIndex + 1, Runs: r.RunCount,
			OffsetMs: r.Start.Sub(origin).Milliseconds(), DurationMs: r.Duration.Milliseconds(),
			Status: r.Status, ItemsIn: r.ItemsIn, ItemsOut: r.ItemsOut,
			Disabled: fl.Disabled, Pinned: fl.Pinned, Reused: fl.Reused, SoftError: fl.SoftError}
		if r.Error != nil {
			sr.Error = r.Error.Message
		}
		if l := e.SubExecutionOf(i); l != nil {
			sr.SubExecution = l.ExecutionID
		}
		s.Timeline = append(s.Timeline, sr)
	}
	for _, sf := range e.SoftFailures() {
		s.SoftFailures = append(s.SoftFailures, SummarySoft{Node: sf.Node, NodeType: sf.NodeType, Run: sf.RunIndex + 1,
			Items: sf.Items, Message: sf.Message})
	}
	if f := e.FirstFailure(); f != nil {
		se := &SummaryError{Node: f.Node, NodeType: f.NodeType, Ran: f.Ran, Message: f.Error.Message,
			Description: f.Error.Description, Name: f.Error.Name, HTTPCode: f.Error.HTTPCode, LineNumber: f.Error.LineNumber,
			SubExecution: summaryLink(f.Sub)}
		if f.Ran {
			se.Run = tl[f.Run].RunIndex + 1
		}
		s.Failure = se
	}
	if w := e.Waiting(); w != nil {
		s.Waiting = &SummaryWait{Node: w.Node, Until: timePtr(w.Until)}
	}
	return s
}

func summaryLink(l *ExecutionLink) *SummaryLink {
	if l == nil {
		return nil
	}
	return &SummaryLink{Kind: l.Kind, ExecutionID: l.ExecutionID, WorkflowID: l.WorkflowID, WorkflowName: l.WorkflowName,
		Node: l.Node, FailedNode: l.FailedNode, Message: l.Message}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// WriteSummaryJSON writes the summary of e as one indented JSON object.
func WriteSummaryJSON(w io.Writer, e *Execution) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Summarize(e))
}

// WriteSummary writes the summary of e as text for people and pipes: a
// header, the timeline as a table, then the first failure or the wait.
// Every field from the execution is cleaned of control characters: node
// names and error messages are whatever the workflow put there, and this
// text goes to a terminal. (WriteSummaryJSON stays exact: JSON escapes
// them.)
func WriteSummary(w io.Writer, e *Execution) error {
	s := Summarize(e)
	line := safetext.Line
	var b strings.Builder
	fmt.Fprintf(&b, "execution %s  %s", line(s.ID), line(strings.ToUpper(s.Status)))
	if s.Mode != "" {
		fmt.Fprintf(&b, "  mode %s", line(s.Mode))
	}
	if s.RetryOf != "" {
		fmt.Fprintf(&b, "  retry of %s", line(s.RetryOf))
	}
	b.WriteByte('\n')
	if s.WorkflowName != "" || s.WorkflowID != "" {
		fmt.Fprintf(&b, "workflow  %s (%s)\n", line(s.WorkflowName), line(s.WorkflowID))
	}
	fmt.Fprintf(&b, "verdict   %s\n", line(s.Verdict))
	if s.Parent != nil {
		b.WriteString(parentLine(s.Parent))
		b.WriteByte('\n')
	}
	if s.StartedAt != nil {
		fmt.Fprintf(&b, "started   %s", s.StartedAt.UTC().Format(time.RFC3339Nano))
		if s.StoppedAt != nil {
			fmt.Fprintf(&b, "  ran %s", time.Duration(s.DurationMs)*time.Millisecond)
		}
		b.WriteByte('\n')
	}
	if s.Sanitized != nil {
		fmt.Fprintf(&b, "sanitized %d binary payloads (%d bytes), %d long strings cut\n",
			s.Sanitized.Binaries, s.Sanitized.BinaryBytes, s.Sanitized.StringsCut)
	}
	if s.Note != "" {
		fmt.Fprintf(&b, "note      %s\n", s.Note)
	}
	if len(s.Timeline) > 0 {
		b.WriteByte('\n')
		if err := writeTimeline(&b, s.Timeline); err != nil {
			return err
		}
	}
	if n := len(s.SoftFailures); n > 0 {
		b.WriteByte('\n')
		fmt.Fprintf(&b, "SWALLOWED %s (set to continue on failure, n8n recorded a success)\n", count(n, "error"))
		for _, sf := range s.SoftFailures {
			fmt.Fprintf(&b, "  %s", line(sf.Node))
			if sf.NodeType != "" {
				fmt.Fprintf(&b, " (%s)", line(sf.NodeType))
			}
			fmt.Fprintf(&b, " run %d, %s\n", sf.Run, count(sf.Items, "item"))
			msg := sf.Message
			if msg == "" {
				msg = "(n8n recorded no message)"
			}
			fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(strings.TrimRight(safetext.Text(msg), "\n"), "\n", "\n    "))
		}
	}
	if f := s.Failure; f != nil {
		b.WriteByte('\n')
		b.WriteString(failedAt(f))
		b.WriteByte('\n')
		fmt.Fprintf(&b, "  %s\n", indented(f.Message))
		if f.Description != "" {
			fmt.Fprintf(&b, "  %s\n", indented(f.Description))
		}
		var facts []string
		if f.Name != "" {
			facts = append(facts, line(f.Name))
		}
		if f.HTTPCode != "" {
			facts = append(facts, "HTTP "+line(f.HTTPCode))
		}
		// n8n often ends the message with "[line N]" already: say it once.
		if f.LineNumber > 0 && !strings.HasSuffix(strings.TrimSpace(f.Message), fmt.Sprintf("[line %d]", f.LineNumber)) {
			facts = append(facts, fmt.Sprintf("line %d", f.LineNumber))
		}
		if len(facts) > 0 {
			fmt.Fprintf(&b, "  %s\n", strings.Join(facts, ", "))
		}
		if f.SubExecution != nil {
			fmt.Fprintf(&b, "  %s\n", subLine(f.SubExecution))
		}
	}
	if wt := s.Waiting; wt != nil {
		b.WriteByte('\n')
		if wt.Node != "" {
			fmt.Fprintf(&b, "WAITING at %s", line(wt.Node))
		} else {
			b.WriteString("WAITING (n8n does not say at which node)")
		}
		if wt.Until != nil {
			fmt.Fprintf(&b, " until %s", wt.Until.UTC().Format(time.RFC3339Nano))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// failedAt is the failure's heading. An execution can fail with no node
// named anywhere (a worker crash before the first node): it says so rather
// than "FAILED at " and nothing.
func failedAt(f *SummaryError) string {
	if f.Node == "" {
		return "FAILED (n8n did not record at which node)"
	}
	s := "FAILED at " + safetext.Line(f.Node)
	if f.NodeType != "" {
		s += " (" + safetext.Line(f.NodeType) + ")"
	}
	if f.Ran {
		return s + fmt.Sprintf(" run %d", f.Run)
	}
	return s + " (the node has no run)"
}

// indented cleans a message that may span lines and keeps its later lines
// under its first.
func indented(s string) string {
	return strings.ReplaceAll(strings.TrimRight(safetext.Text(s), "\n"), "\n", "\n  ")
}

// writeTimeline writes the runs as a table. A run copied by a retry shows
// "reused" where its start would be (its start is the original's, from
// before the retry), and a NOTE column, only when some run needs one, says
// what else a run is: an error swallowed, a disabled node, pinned data,
// the sub-execution it called.
func writeTimeline(b *strings.Builder, runs []SummaryRun) error {
	notes := make([]string, len(runs))
	anyNote := false
	for i, r := range runs {
		var n []string
		if r.SoftError {
			n = append(n, "error swallowed")
		}
		if r.Disabled {
			n = append(n, "disabled")
		}
		if r.Pinned {
			n = append(n, "pinned")
		}
		if r.SubExecution != "" {
			n = append(n, "sub "+safetext.Line(r.SubExecution))
		}
		notes[i] = strings.Join(n, ", ")
		anyNote = anyNote || len(n) > 0
	}
	var t strings.Builder
	tw := tabwriter.NewWriter(&t, 0, 0, 2, ' ', 0)
	head := "#\tNODE\tRUN\tSTATUS\tSTART\tDURATION\tIN\tOUT"
	if anyNote {
		head += "\tNOTE"
	}
	fmt.Fprintln(tw, head)
	for i, r := range runs {
		start := "+" + (time.Duration(r.OffsetMs) * time.Millisecond).String()
		if r.Reused {
			start = "reused"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d/%d\t%s\t%s\t%s\t%d\t%d", i+1, safetext.Line(r.Node), r.Run, r.Runs, safetext.Line(r.Status),
			start, time.Duration(r.DurationMs)*time.Millisecond, r.ItemsIn, r.ItemsOut)
		if anyNote {
			fmt.Fprintf(tw, "\t%s", notes[i])
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// tabwriter pads every cell it was given, an empty last one too.
	for _, l := range strings.SplitAfter(t.String(), "\n") {
		if l != "" {
			b.WriteString(strings.TrimRight(l, " \n"))
			b.WriteByte('\n')
		}
	}
	return nil
}

// parentLine says which execution called or caused this one.
func parentLine(p *SummaryLink) string {
	line := safetext.Line
	switch p.Kind {
	case LinkErrorTrigger:
		s := "caused by execution " + line(p.ExecutionID) + ofWorkflow(p)
		if p.Node != "" {
			s += ", which failed at " + line(p.Node)
		}
		if p.Message != "" {
			s += ": " + line(p.Message)
		}
		return s
	default:
		return "called by execution " + line(p.ExecutionID) + ofWorkflow(p) + " (this is its sub-execution)"
	}
}

// subLine says in which sub-execution a node failed.
func subLine(l *SummaryLink) string {
	s := "failed in sub-execution " + safetext.Line(l.ExecutionID) + ofWorkflow(l)
	if l.FailedNode != "" {
		s += ", at node " + safetext.Line(l.FailedNode)
	}
	return s
}

func ofWorkflow(l *SummaryLink) string {
	switch {
	case l.WorkflowName != "" && l.WorkflowID != "":
		return " of workflow " + safetext.Line(l.WorkflowName) + " (" + safetext.Line(l.WorkflowID) + ")"
	case l.WorkflowName != "":
		return " of workflow " + safetext.Line(l.WorkflowName)
	case l.WorkflowID != "":
		return " of workflow " + safetext.Line(l.WorkflowID)
	}
	return ""
}

// count says n things: "1 error", "2 errors".
func count(n int, thing string) string {
	return strconv.Itoa(n) + " " + thing + plural(n, "", "s")
}
