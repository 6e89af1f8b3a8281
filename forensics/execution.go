package forensics

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"
)

// Execution is one n8n execution (the body of GET /executions/{id}?includeData=true),
// sanitized and indexed lazily: nothing is unmarshalled; each question is
// answered by gjson over the bytes, and the answers that are asked for again
// (the timeline, the workflow's nodes) are cached.
//
// An Execution is not safe for concurrent use.
type Execution struct {
	ID               string
	WorkflowID       string
	WorkflowName     string
	Status           string // canceled, crashed, error, new, running, success, unknown, waiting
	Mode             string // webhook, trigger, manual, retry, …
	RetryOf          string
	RetrySuccessID   string
	StartedAt        time.Time // zero when n8n did not say
	StoppedAt        time.Time
	WaitTill         time.Time
	LastNodeExecuted string
	Sanitized        SanitizeStats

	doc []byte // the sanitized document, never modified
	str string // doc seen as a string for gjson, without copying

	runData    gjson.Result
	hasRunData bool
	timeline   []Run
	byNode     map[string][]int // node name → indexes into timeline, by run index
	nodes      map[string]nodeInfo
	lm         landmarks
	hid        *hiddenState
}

type nodeInfo struct {
	typ    string
	params gjson.Result
	// What the node does when it fails: "continueRegularOutput",
	// "continueErrorOutput", "stopWorkflow", or "" (n8n's default, stop).
	// The legacy continueOnFail: true reads as continueRegularOutput, as
	// n8n reads it.
	onError  string
	disabled bool
}

// continues says whether the node goes on when it fails, so that n8n
// records its errors as a success.
func (n nodeInfo) continues() bool {
	return n.onError == "continueRegularOutput" || n.onError == "continueErrorOutput"
}

// Open sanitizes and indexes raw (the JSON of one execution). raw is not
// kept: the Execution holds its own sanitized copy. Invalid JSON gives a
// *SyntaxError with the offset and line.
func Open(raw []byte) (*Execution, error) {
	doc, stats, lm, err := sanitize(raw)
	if err != nil {
		return nil, fmt.Errorf("reading execution: %w", err)
	}
	return openSanitized(doc, stats, lm)
}

func openSanitized(doc []byte, stats SanitizeStats, lm landmarks) (*Execution, error) {
	e := &Execution{doc: doc, Sanitized: stats, lm: lm}
	if len(doc) > 0 {
		e.str = unsafe.String(&doc[0], len(doc))
	}
	if !gjson.Parse(e.str).IsObject() {
		return nil, errors.New("not an n8n execution: the document is not a JSON object")
	}
	top := func(key string) gjson.Result { return e.at(lm.top, key) }
	if !top("id").Exists() && !top("status").Exists() && !top("data").Exists() {
		return nil, errors.New("not an n8n execution: no id, status or data")
	}
	e.ID, e.WorkflowID, e.Status, e.Mode = top("id").String(), top("workflowId").String(), top("status").String(), top("mode").String()
	e.RetryOf, e.RetrySuccessID = top("retryOf").String(), top("retrySuccessId").String()
	e.StartedAt, e.StoppedAt, e.WaitTill = parseTime(top("startedAt")), parseTime(top("stoppedAt")), parseTime(top("waitTill"))
	e.LastNodeExecuted = e.at(lm.resultData, "lastNodeExecuted").String()
	e.runData = e.at(lm.resultData, "runData")
	e.hasRunData = e.runData.IsObject()
	if e.WaitTill.IsZero() && e.Status == "waiting" {
		e.WaitTill = parseTime(top("data").Get("waitTill"))
	}
	return e, nil
}

// at is the value the sanitizer noted under key, or a result that does not
// exist.
func (e *Execution) at(spans map[string]span, key string) gjson.Result {
	sp, ok := spans[key]
	if !ok {
		return gjson.Result{}
	}
	return gjson.Parse(e.str[sp.start:sp.end])
}

func parseTime(r gjson.Result) time.Time {
	if r.Type != gjson.String {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, r.Str)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Bytes is the sanitized execution (what `x` saves): binary payloads
// replaced by descriptors, giant strings cut. Do not modify it.
func (e *Execution) Bytes() []byte { return e.doc }

// HasRunData says whether n8n kept the node runs. It is false for an
// execution saved without data (or fetched without includeData): then the
// timeline is empty and only the execution's own fields are known.
func (e *Execution) HasRunData() bool { return e.hasRunData }

// Duration is how long the execution ran (0 when it has no stop time).
func (e *Execution) Duration() time.Duration {
	if e.StartedAt.IsZero() || e.StoppedAt.IsZero() {
		return 0
	}
	return e.StoppedAt.Sub(e.StartedAt)
}

// slice returns the bytes of the document a result's Raw covers, without
// copying. Every result gjson finds by plain paths is a substring of the
// document, so its offset follows from the pointer (as gjson's own Index
// does); anything else is copied.
func (e *Execution) slice(r gjson.Result) []byte {
	if len(r.Raw) == 0 {
		return nil
	}
	off := uintptr(unsafe.Pointer(unsafe.StringData(r.Raw))) - uintptr(unsafe.Pointer(unsafe.SliceData(e.doc)))
	if off < uintptr(len(e.doc)) && int(off)+len(r.Raw) <= len(e.doc) {
		return e.doc[int(off) : int(off)+len(r.Raw)]
	}
	return []byte(r.Raw)
}

// workflowNodes indexes workflowData.nodes by name, once.
func (e *Execution) workflowNodes() map[string]nodeInfo {
	if e.nodes != nil {
		return e.nodes
	}
	e.nodes = map[string]nodeInfo{}
	wf := e.at(e.lm.top, "workflowData")
	e.WorkflowName = wf.Get("name").String()
	nodes := wf.Get("nodes")
	nodes.ForEach(func(_, n gjson.Result) bool {
		// One pass over the node's members rather than a Get per field:
		// a Code node's parameters can be long.
		var name string
		var info nodeInfo
		var legacyContinue bool
		n.ForEach(func(k, v gjson.Result) bool {
			switch k.Str {
			case "name":
				name = v.String()
			case "type":
				info.typ = v.String()
			case "parameters":
				info.params = v
			case "disabled":
				info.disabled = v.Type == gjson.True
			case "continueOnFail":
				legacyContinue = v.Type == gjson.True
			case "onError":
				if v.Type == gjson.String {
					info.onError = v.Str
				}
			}
			return true
		})
		// n8n reads the legacy flag first: continueOnFail wins over onError.
		if legacyContinue {
			info.onError = "continueRegularOutput"
		}
		if _, dup := e.nodes[name]; !dup {
			e.nodes[name] = info
		}
		return true
	})
	return e.nodes
}
