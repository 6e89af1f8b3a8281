package n8n

import (
	"context"
	"iter"
	"net/url"
)

// ExecutionFilter narrows an execution list; zero values mean "any".
// n8n lists newest first and never lists waiting executions.
type ExecutionFilter struct {
	WorkflowID string
	Status     Status // one of FilterStatuses
	ProjectID  string
	Limit      int // page size, 1..250; 0 means 250
}

func (f ExecutionFilter) query(cursor string) string {
	q := url.Values{}
	if f.WorkflowID != "" {
		q.Set("workflowId", f.WorkflowID)
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	return pageQuery(q, f.ProjectID, f.Limit, cursor)
}

// ListExecutions reads one page of executions (without run data), newest
// first; pass "" as cursor for the first.
func (c *Client) ListExecutions(ctx context.Context, f ExecutionFilter, cursor string) (Page[Execution], error) {
	path := "/executions" + f.query(cursor)
	return getPage[Execution](ctx, c, path)
}

// Executions iterates over executions matching f, newest first. Stop
// early (break) to read only the recent ones.
func (c *Client) Executions(ctx context.Context, f ExecutionFilter) iter.Seq2[Execution, error] {
	return paginate(ctx, func(ctx context.Context, cursor string) (Page[Execution], error) {
		return c.ListExecutions(ctx, f, cursor)
	})
}

// GetExecution returns the execution's JSON as n8n sent it, with its run
// data when includeData is set, for forensics to index lazily: a big
// execution is tens of megabytes and is never decoded here.
func (c *Client) GetExecution(ctx context.Context, id string, includeData bool) ([]byte, error) {
	path := "/executions/" + url.PathEscape(id)
	if includeData {
		path += "?includeData=true"
	}
	return c.do(ctx, call{method: "GET", path: path, idempotent: true, execution: includeData})
}

// GetExecutionInfo reads an execution's summary (no run data). Unlike the
// list, it finds waiting executions.
func (c *Client) GetExecutionInfo(ctx context.Context, id string) (Execution, error) {
	path := "/executions/" + url.PathEscape(id)
	body, err := c.do(ctx, call{method: "GET", path: path, idempotent: true})
	if err != nil {
		return Execution{}, err
	}
	return decode[Execution](body, "GET", path)
}

// RetryExecution runs a failed execution again from its failed node and
// returns the new execution, whose RetryOf is id. With loadWorkflow the
// retry uses the workflow as it is now, not as it was then. Never retried
// by the client: each call starts a run.
func (c *Client) RetryExecution(ctx context.Context, id string, loadWorkflow bool) (Execution, error) {
	path := "/executions/" + url.PathEscape(id) + "/retry"
	body, err := c.do(ctx, call{method: "POST", path: path, body: map[string]bool{"loadWorkflow": loadWorkflow}})
	if err != nil {
		return Execution{}, err
	}
	return decode[Execution](body, "POST", path)
}

// DeleteExecution deletes an execution (n8n refuses a running one).
func (c *Client) DeleteExecution(ctx context.Context, id string) error {
	_, err := c.do(ctx, call{method: "DELETE", path: "/executions/" + url.PathEscape(id)})
	return err
}
