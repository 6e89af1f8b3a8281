package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
)

const pulseHelp = "Prints, for the fleet and each workspace you may see (most failures first), executions ok, error,\n" +
	"soft-failed (succeeded with errors swallowed), waiting and crashed in the last hour and 24 hours, with\n" +
	"failures per hour as a sparkline; then the top failures grouped across workspaces by node type, error\n" +
	"class and normalised message, each with its KEY; then how far sync's failure summaries are behind.\n" +
	"--group KEY lists that group's executions instead, newest first. --json prints the pulse as one\n" +
	"object {at, fleet, workspaces, top_failures, summaries} (with --group: {group, executions: [...]}).\n" +
	"A member or viewer sees their workspaces only; the fleet row is the sum of those."

// pulseExecutionJSON is one execution of a group as `pulse --group --json` prints it.
type pulseExecutionJSON struct {
	ID        string     `json:"id"`
	Workspace string     `json:"workspace"`
	Campaign  string     `json:"campaign"`
	Status    string     `json:"status"`
	StartedAt time.Time  `json:"started_at"`
	StoppedAt *time.Time `json:"stopped_at"`
	Node      string     `json:"node"`
	Message   string     `json:"message"`
}

func runPulse(ctx context.Context, g *globals, args []string) error {
	fs := g.flags("pulse")
	group := fs.String("group", "", "list the executions of the failure group `KEY` (as the pulse prints it)")
	asJSON := fs.Bool("json", false, "print one JSON object (see godmode pulse --help)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"pulse takes no arguments: godmode pulse [--group KEY] [--json]"}
	}
	s, console, actor, err := openScript(ctx, g)
	if err != nil {
		return err
	}
	defer s.close()
	if *group != "" {
		exs, err := console.FailureGroupExecutions(ctx, actor, *group)
		if err != nil {
			return err
		}
		return printGroup(g.stdout, *group, exs, *asJSON)
	}
	p, err := console.Pulse(ctx, actor)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(g.stdout, p)
	}
	return printPulse(g.stdout, p)
}

func printPulse(w io.Writer, p model.Pulse) error {
	fmt.Fprintf(w, "pulse at %s\n\n", stamp(&p.At))
	t := newTable(w, "WORKSPACE", "1H OK", "ERR", "SOFT", "WAIT", "CRASH", "24H OK", "ERR", "SOFT", "WAIT", "CRASH", "FAILURES/H")
	line := func(name string, r model.PulseRow) {
		n := []int{r.Hour.OK, r.Hour.Error, r.Hour.Soft, r.Hour.Waiting, r.Hour.Crashed, r.Day.OK, r.Day.Error, r.Day.Soft, r.Day.Waiting, r.Day.Crashed}
		cells := []string{name}
		for _, x := range n {
			cells = append(cells, strconv.Itoa(x))
		}
		t.row(append(cells, sparkline(r.Failures))...)
	}
	line("(fleet)", p.Fleet)
	for _, r := range p.Workspaces {
		line(r.Workspace, r)
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(p.Groups) == 0 {
		fmt.Fprintln(w, "no failures summarised in the last 24 hours")
	} else {
		t = newTable(w, "TOP FAILURES", "EXECUTIONS", "WORKSPACES", "LATEST", "KEY")
		for _, gr := range p.Groups {
			t.row(groupTitle(gr), strconv.Itoa(gr.Executions), strconv.Itoa(gr.Workspaces), stamp(&gr.Latest), gr.Key)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	b := p.Backlog
	switch {
	case b.Budget == 0 && b.Pending > 0:
		fmt.Fprintf(w, "\nsummaries: off or not run yet; %d failed executions not summarised\n", b.Pending)
	case b.Pending == 0:
		fmt.Fprintf(w, "\nsummaries: budget %d n8n calls per instance and cycle; up to date\n", b.Budget)
	default:
		fmt.Fprintf(w, "\nsummaries: budget %d n8n calls per instance and cycle; %d failed executions behind, the oldest since %s\n",
			b.Budget, b.Pending, stamp(&b.OldestSince))
	}
	return nil
}

// groupTitle reads like "HTTP 429 from n8n-nodes-base.openAi: The service …".
func groupTitle(g model.FailureGroup) string {
	what := g.Class
	switch g.Kind {
	case model.SummarySwallowed:
		what = "swallowed"
	case model.SummaryUnreadable:
		return "not summarised: " + g.Message
	}
	if g.NodeType != "" {
		what += " from " + g.NodeType
	}
	return what + ": " + g.Message
}

func printGroup(w io.Writer, key string, exs []model.PulseExecution, asJSON bool) error {
	if asJSON {
		out := make([]pulseExecutionJSON, 0, len(exs))
		for _, e := range exs {
			out = append(out, pulseExecutionJSON{ID: e.ID, Workspace: e.Workspace, Campaign: e.Campaign, Status: e.Status,
				StartedAt: e.StartedAt.UTC(), StoppedAt: utc(e.StoppedAt), Node: e.Node, Message: e.Message})
		}
		return writeJSON(w, map[string]any{"group": key, "executions": out})
	}
	if len(exs) == 0 {
		fmt.Fprintf(w, "no executions of group %s that you may see in the last 24 hours\n", safetext.Line(key))
		return nil
	}
	t := newTable(w, "WORKSPACE/CAMPAIGN", "EXECUTION", "STATUS", "STARTED", "NODE", "MESSAGE")
	for _, e := range exs {
		t.row(e.Workspace+"/"+e.Campaign, e.ID, e.Status, stamp(&e.StartedAt), e.Node, e.Message)
	}
	return t.flush()
}

// sparkline draws counts (oldest first) as one block per value, scaled
// to the largest; an hour with none is a dot.
func sparkline(xs []int) string {
	const blocks = "▁▂▃▄▅▆▇█"
	top := 0
	for _, x := range xs {
		top = max(top, x)
	}
	var b strings.Builder
	for _, x := range xs {
		if x == 0 {
			b.WriteString("·")
			continue
		}
		i := (x*8 - 1) / top
		b.WriteString(string([]rune(blocks)[i]))
	}
	return b.String()
}
