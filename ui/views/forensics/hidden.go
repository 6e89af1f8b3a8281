package forensics

import (
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"

	fx "github.com/godmode-console/godmode/forensics"
)

// runMarks is what the timeline says of a run beside its status: what
// n8n's own status hides.
type runMarks struct {
	flags fx.RunFlags
	soft  *fx.SoftFailure   // the error the run swallowed, or nil
	sub   *fx.ExecutionLink // the sub-execution the run called, or nil
}

// markRuns asks the core about every run once, off the UI goroutine
// (Prepare), so drawing a frame only reads the answers.
func markRuns(e *fx.Execution, runs []fx.Run, soft []fx.SoftFailure) []runMarks {
	marks := make([]runMarks, len(runs))
	for i := range runs {
		marks[i].flags = e.Flags(i)
		marks[i].sub = e.SubExecutionOf(i)
	}
	for i := range soft {
		if r := soft[i].Run; r >= 0 && r < len(marks) && marks[r].soft == nil {
			marks[r].soft = &soft[i]
		}
	}
	return marks
}

// maxSwallowed bounds the error tab of a soft failure: a node that
// swallowed an error for each of 50,000 items shows the first ones.
const maxSwallowed = 200

// swallowedJSON is the error tab of a run that swallowed errors: each
// output item that carries one, as {output, item, error}, so the reader
// sees what n8n tucked into the items rather than "did not fail".
func swallowedJSON(e *fx.Execution, r fx.Run) ([]byte, error) {
	out, err := e.Output(r)
	if err != nil {
		return nil, err
	}
	outputs := [][]byte{out}
	if len(r.OutputItems) > 1 {
		outputs = outputs[:0]
		gjson.ParseBytes(out).ForEach(func(_, items gjson.Result) bool {
			outputs = append(outputs, []byte(items.Raw))
			return true
		})
	}
	b := []byte{'['}
	n := 0
	for o, items := range outputs {
		gjson.ParseBytes(items).ForEach(func(i, item gjson.Result) bool {
			// n8n puts a caught error on the item, or in json.error as a
			// message or an object (HTTP Request: the API's error).
			er := item.Get("error")
			if !er.Exists() {
				er = item.Get("json.error")
			}
			if !er.Exists() {
				return true
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, `{"output":%d,"item":%d,"error":`, o, i.Int())
			b = append(b, er.Raw...)
			b = append(b, '}')
			n++
			return n < maxSwallowed
		})
		if n >= maxSwallowed {
			break
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("error of %s: %w: no output item carries an error", runLabel(r), fx.ErrNoData)
	}
	return append(b, ']'), nil
}

// linkTarget names a linked execution for a person: "execution 102 of
// workflow Enrich lead".
func linkTarget(l *fx.ExecutionLink) string {
	s := "execution " + printable(l.ExecutionID)
	switch {
	case l.WorkflowName != "":
		s += " of workflow " + strconv.Quote(printable(l.WorkflowName))
	case l.WorkflowID != "":
		s += " of workflow " + printable(l.WorkflowID)
	}
	return s
}
