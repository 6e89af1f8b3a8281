package n8n

import (
	"encoding/json"
	"strconv"
	"time"
)

// Status is an execution's status.
type Status string

// Every status n8n knows.
const (
	StatusCanceled Status = "canceled"
	StatusCrashed  Status = "crashed"
	StatusError    Status = "error"
	StatusNew      Status = "new"
	StatusRunning  Status = "running"
	StatusSuccess  Status = "success"
	StatusUnknown  Status = "unknown"
	StatusWaiting  Status = "waiting"
)

// Statuses lists every execution status.
var Statuses = []Status{StatusCanceled, StatusCrashed, StatusError, StatusNew, StatusRunning, StatusSuccess, StatusUnknown, StatusWaiting}

// FilterStatuses are the values the list's status filter accepts (n8n
// refuses the others with 400).
var FilterStatuses = []Status{StatusCanceled, StatusError, StatusRunning, StatusSuccess, StatusWaiting}

// Execution is one run of a workflow, without its run data (read that as
// raw bytes with GetExecution).
type Execution struct {
	ID             string
	WorkflowID     string
	Finished       bool
	Mode           string // webhook, trigger, manual, retry, …
	Status         Status
	RetryOf        string // id of the execution this one retries, "" if none
	RetrySuccessID string // id of the retry that succeeded, "" if none
	CreatedAt      time.Time
	StartedAt      time.Time
	StoppedAt      *time.Time // nil while running
	WaitTill       *time.Time // set while waiting
	CustomData     json.RawMessage
}

// flexID accepts an id as a JSON string (what n8n sends) or number (what
// its spec documents), and null as "".
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexID(n.String())
	}
	return nil
}

type executionJSON struct {
	ID             flexID          `json:"id"`
	WorkflowID     flexID          `json:"workflowId"`
	Finished       bool            `json:"finished"`
	Mode           string          `json:"mode"`
	Status         Status          `json:"status"`
	RetryOf        flexID          `json:"retryOf"`
	RetrySuccessID flexID          `json:"retrySuccessId"`
	CreatedAt      time.Time       `json:"createdAt"`
	StartedAt      time.Time       `json:"startedAt"`
	StoppedAt      *time.Time      `json:"stoppedAt"`
	WaitTill       *time.Time      `json:"waitTill"`
	CustomData     json.RawMessage `json:"customData,omitempty"`
}

// UnmarshalJSON reads n8n's execution object (ids as strings or numbers).
func (e *Execution) UnmarshalJSON(b []byte) error {
	var j executionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Execution{ID: string(j.ID), WorkflowID: string(j.WorkflowID), Finished: j.Finished, Mode: j.Mode, Status: j.Status,
		RetryOf: string(j.RetryOf), RetrySuccessID: string(j.RetrySuccessID), CreatedAt: j.CreatedAt, StartedAt: j.StartedAt,
		StoppedAt: j.StoppedAt, WaitTill: j.WaitTill, CustomData: j.CustomData}
	return nil
}

// MarshalJSON writes the execution as n8n does (ids as strings, null for
// absent retry links).
func (e Execution) MarshalJSON() ([]byte, error) {
	null := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	var created *time.Time
	if !e.CreatedAt.IsZero() {
		created = &e.CreatedAt
	}
	return json.Marshal(struct {
		ID             string          `json:"id"`
		Finished       bool            `json:"finished"`
		Mode           string          `json:"mode"`
		RetryOf        *string         `json:"retryOf"`
		RetrySuccessID *string         `json:"retrySuccessId"`
		Status         Status          `json:"status"`
		CreatedAt      *time.Time      `json:"createdAt,omitempty"`
		StartedAt      time.Time       `json:"startedAt"`
		StoppedAt      *time.Time      `json:"stoppedAt"`
		WorkflowID     string          `json:"workflowId"`
		WaitTill       *time.Time      `json:"waitTill"`
		CustomData     json.RawMessage `json:"customData,omitempty"`
	}{e.ID, e.Finished, e.Mode, null(e.RetryOf), null(e.RetrySuccessID), e.Status, created, e.StartedAt, e.StoppedAt,
		e.WorkflowID, e.WaitTill, e.CustomData})
}

// Newer reports whether execution id a is newer than b. n8n's ids are
// increasing integers written as strings, so "10" is newer than "9".
func Newer(a, b string) bool {
	na, ea := strconv.ParseUint(a, 10, 64)
	nb, eb := strconv.ParseUint(b, 10, 64)
	if ea == nil && eb == nil {
		return na > nb
	}
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}
