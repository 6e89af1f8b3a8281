package forensics

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// Summary is what `godmode inspect --summary` reports: the execution, its
// timeline, and its first failure or where it waits.
type Summary struct {
	ID           string         `json:"id"`
	WorkflowID   string         `json:"workflow_id,omitempty"`
	WorkflowName string         `json:"workflow_name,omitempty"`
	Status       string         `json:"status"`
	Mode         string         `json:"mode,omitempty"`
	RetryOf      string         `json:"retry_of,omitempty"`
	StartedAt    *time.Time     `json:"started_at,omitempty"`
	StoppedAt    *time.Time     `json:"stopped_at,omitempty"`
	DurationMs   int64          `json:"duration_ms"`
	HasRunData   bool           `json:"has_run_data"`
	Note         string         `json:"note,omitempty"`
	Timeline     []SummaryRun   `json:"timeline"`
	Failure      *SummaryError  `json:"failure,omitempty"`
	Waiting      *SummaryWait   `json:"waiting,omitempty"`
	Sanitized    *SanitizeStats `json:"sanitized,omitempty"`
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
}

// SummaryWait is where a waiting execution waits.
type SummaryWait struct {
	Node  string     `json:"node"`
	Until *time.Time `json:"until,omitempty"`
}

// Summarize gathers the summary of e.
func Summarize(e *Execution) Summary {
	e.workflowNodes() // fills WorkflowName
	s := Summary{ID: e.ID, WorkflowID: e.WorkflowID, WorkflowName: e.WorkflowName, Status: e.Status,
		Mode: e.Mode, RetryOf: e.RetryOf, StartedAt: timePtr(e.StartedAt), StoppedAt: timePtr(e.StoppedAt),
		DurationMs: e.Duration().Milliseconds(), HasRunData: e.HasRunData(), Timeline: []SummaryRun{}}
	if !s.HasRunData {
		s.Note = "n8n kept no run data for this execution (saved without data, or fetched without includeData)"
	}
	if e.Sanitized.Binaries > 0 || e.Sanitized.StringsCut > 0 {
		st := e.Sanitized
		s.Sanitized = &st
	}
	tl := e.Timeline()
	origin := e.StartedAt
	if len(tl) > 0 && (origin.IsZero() || tl[0].Start.Before(origin)) {
		origin = tl[0].Start
	}
	for _, r := range tl {
		sr := SummaryRun{Node: r.Node, NodeType: r.NodeType, Run: r.RunIndex + 1, Runs: r.RunCount,
			OffsetMs: r.Start.Sub(origin).Milliseconds(), DurationMs: r.Duration.Milliseconds(),
			Status: r.Status, ItemsIn: r.ItemsIn, ItemsOut: r.ItemsOut}
		if r.Error != nil {
			sr.Error = r.Error.Message
		}
		s.Timeline = append(s.Timeline, sr)
	}
	if f := e.FirstFailure(); f != nil {
		se := &SummaryError{Node: f.Node, NodeType: f.NodeType, Ran: f.Ran, Message: f.Error.Message,
			Description: f.Error.Description, Name: f.Error.Name, HTTPCode: f.Error.HTTPCode, LineNumber: f.Error.LineNumber}
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
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tNODE\tRUN\tSTATUS\tSTART\tDURATION\tIN\tOUT")
		for i, r := range s.Timeline {
			fmt.Fprintf(tw, "%d\t%s\t%d/%d\t%s\t+%s\t%s\t%d\t%d\n", i+1, line(r.Node), r.Run, r.Runs, line(r.Status),
				time.Duration(r.OffsetMs)*time.Millisecond, time.Duration(r.DurationMs)*time.Millisecond, r.ItemsIn, r.ItemsOut)
		}
		if err := tw.Flush(); err != nil {
			return err
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
