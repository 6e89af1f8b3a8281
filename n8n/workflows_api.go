package n8n

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// WorkflowFilter narrows a workflow list; zero values mean "any".
type WorkflowFilter struct {
	Active    *bool    // only active (true) or inactive (false) workflows
	Tags      []string // workflows carrying all of these tag names
	Name      string   // name contains this
	ProjectID string
	Limit     int // page size, 1..250; 0 means 250
}

func (f WorkflowFilter) query(cursor string) string {
	q := url.Values{}
	if f.Active != nil {
		q.Set("active", strconv.FormatBool(*f.Active))
	}
	if len(f.Tags) > 0 {
		q.Set("tags", strings.Join(f.Tags, ","))
	}
	if f.Name != "" {
		q.Set("name", f.Name)
	}
	return pageQuery(q, f.ProjectID, f.Limit, cursor)
}

// ListWorkflows reads one page of workflows; pass "" as cursor for the first.
func (c *Client) ListWorkflows(ctx context.Context, f WorkflowFilter, cursor string) (Page[Workflow], error) {
	path := "/workflows" + f.query(cursor)
	return getPage[Workflow](ctx, c, path)
}

// Workflows iterates over every workflow matching f, 250 a page.
func (c *Client) Workflows(ctx context.Context, f WorkflowFilter) iter.Seq2[Workflow, error] {
	return paginate(ctx, func(ctx context.Context, cursor string) (Page[Workflow], error) {
		return c.ListWorkflows(ctx, f, cursor)
	})
}

// GetWorkflow reads one workflow.
func (c *Client) GetWorkflow(ctx context.Context, id string) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "GET", path: "/workflows/" + url.PathEscape(id), idempotent: true})
}

// CreateWorkflow creates w (inactive, as n8n always does), sending only the
// fields n8n accepts on create, and returns it as n8n stored it.
func (c *Client) CreateWorkflow(ctx context.Context, w Workflow) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "POST", path: "/workflows", body: bodyOf(w)})
}

// UpdateWorkflow replaces workflow id's name, nodes, connections, settings
// and static data with w's. Fields n8n refuses on update are not sent. An
// active workflow stays active (n8n re-publishes it).
func (c *Client) UpdateWorkflow(ctx context.Context, id string, w Workflow) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "PUT", path: "/workflows/" + url.PathEscape(id), body: bodyOf(w)})
}

// DeleteWorkflow deactivates (unpublishes) a workflow, then deletes it and
// returns it as it was, inactive. n8n 2.x refuses to delete a published
// workflow (ErrPublished) and, for a few moments after the deactivation,
// one it is still unpublishing (ErrNotYetUnpublished), or fails with a 500
// while its publication queue still works on the workflow (seen on
// 2.41.1). Those answers are retried with a bounded backoff (see
// UnpublishRetry), since nothing was deleted, or a later 404 says it was.
// 1.x deletes at once.
func (c *Client) DeleteWorkflow(ctx context.Context, id string) (Workflow, error) {
	was, err := c.Deactivate(ctx, id)
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrForbidden) {
		// Not found: the DELETE says so in n8n's words.
		return Workflow{}, err
	}
	del := call{method: "DELETE", path: "/workflows/" + url.PathEscape(id)}
	failed := false // a 500 came: the delete may have happened
	for n := 1; ; n++ {
		w, err := c.workflowCall(ctx, del)
		var e *Error
		switch {
		case err == nil:
			return w, nil
		case failed && errors.Is(err, ErrNotFound):
			return was, nil
		case errors.Is(err, ErrPublished) && n == 1:
			// Published again between the two calls: once more.
			if _, err := c.Deactivate(ctx, id); err != nil {
				return Workflow{}, err
			}
			continue
		case errors.As(err, &e) && e.Kind == ErrUnavailable && e.Status == 500:
			failed = true
		case !errors.Is(err, ErrNotYetUnpublished):
			return w, err
		}
		if n >= c.unpublish.MaxAttempts {
			return w, err
		}
		if serr := sleep(ctx, c.unpublish.delay(n)); serr != nil {
			return w, err
		}
	}
}

// Activate makes a workflow run on its triggers. It is idempotent (and
// retried): activating an active workflow changes nothing. n8n refuses a
// workflow without a trigger (ErrNoTrigger) and one whose webhook path an
// active workflow holds (ErrWebhookPathTaken).
func (c *Client) Activate(ctx context.Context, id string) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "POST", path: "/workflows/" + url.PathEscape(id) + "/activate", idempotent: true})
}

// Deactivate stops a workflow's triggers. Idempotent, and retried.
func (c *Client) Deactivate(ctx context.Context, id string) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "POST", path: "/workflows/" + url.PathEscape(id) + "/deactivate", idempotent: true})
}

func (c *Client) workflowCall(ctx context.Context, cl call) (Workflow, error) {
	body, err := c.do(ctx, cl)
	if err != nil {
		return Workflow{}, err
	}
	return decode[Workflow](body, cl.method, cl.path)
}

// WorkflowTags reads a workflow's tags.
func (c *Client) WorkflowTags(ctx context.Context, id string) ([]Tag, error) {
	path := "/workflows/" + url.PathEscape(id) + "/tags"
	body, err := c.do(ctx, call{method: "GET", path: path, idempotent: true})
	if err != nil {
		return nil, err
	}
	return decode[[]Tag](body, "GET", path)
}

// SetWorkflowTags replaces a workflow's tags by the tags with these ids and
// returns the tags it now has.
func (c *Client) SetWorkflowTags(ctx context.Context, id string, tagIDs []string) ([]Tag, error) {
	path := "/workflows/" + url.PathEscape(id) + "/tags"
	ids := make([]struct {
		ID string `json:"id"`
	}, len(tagIDs))
	for i, t := range tagIDs {
		ids[i].ID = t
	}
	body, err := c.do(ctx, call{method: "PUT", path: path, body: ids})
	if err != nil {
		return nil, err
	}
	return decode[[]Tag](body, "PUT", path)
}

// Publish makes the workflow's current version the active one (2.x;
// ErrNotSupported on 1.x, where Activate does the same).
func (c *Client) Publish(ctx context.Context, id string) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "POST", path: "/workflows/" + url.PathEscape(id) + "/publish", idempotent: true})
}

// Unpublish stops the published version (2.x; ErrNotSupported on 1.x,
// where Deactivate does the same).
func (c *Client) Unpublish(ctx context.Context, id string) (Workflow, error) {
	return c.workflowCall(ctx, call{method: "POST", path: "/workflows/" + url.PathEscape(id) + "/unpublish", idempotent: true})
}

// MaxFindScan bounds how many workflows FindWorkflows reads before it
// gives up: n8n's name filter is a LIKE pattern ('%' and '_' are
// wildcards), so a name can match far more than the one looked for.
const MaxFindScan = 10 * MaxPageSize

// ErrTooMany is a search that matched more than it may read.
var ErrTooMany = errors.New("too many matches")

// FindWorkflows lists the workflows named exactly name that carry every
// tag in tags: what provisioning looks for after a create timed out. n8n
// filters by name as `contains`, case-insensitively on 1.123.81 (SQLite)
// and case-sensitively on 2.41.1 (Postgres), with '%' and '_' as
// wildcards, so the exact name is compared here; the tags filter is exact
// on both, but 1.x ignores a tag name that does not exist where 2.x then
// finds nothing, so the tags are checked here too.
func (c *Client) FindWorkflows(ctx context.Context, name string, tags []string) ([]Workflow, error) {
	if name == "" {
		return nil, &Error{Kind: ErrBadRequest, Method: "GET", Path: "/api/v1/workflows", Message: "FindWorkflows needs a name"}
	}
	var out []Workflow
	scanned := 0
	for w, err := range c.Workflows(ctx, WorkflowFilter{Name: name, Tags: tags}) {
		if err != nil {
			return nil, err
		}
		if scanned++; scanned > MaxFindScan {
			return nil, &Error{Kind: ErrTooMany, Method: "GET", Path: "/api/v1/workflows?name=…",
				Message: "more than " + strconv.Itoa(MaxFindScan) + " workflows match the name " + strconv.Quote(name)}
		}
		if w.Name == name && hasTags(w, tags) {
			out = append(out, w)
		}
	}
	return out, nil
}

func hasTags(w Workflow, names []string) bool {
	for _, n := range names {
		found := false
		for _, t := range w.Tags {
			found = found || t.Name == n
		}
		if !found {
			return false
		}
	}
	return true
}
