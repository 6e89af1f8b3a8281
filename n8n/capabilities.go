package n8n

import (
	"context"
	"errors"
	"time"
)

// Capabilities are what an instance can do, learned by probing it (n8n
// reports its version nowhere in the public API). Use cases ask these,
// never a version number: the same release line can gain or lose a route.
type Capabilities struct {
	// Major is the major the instance behaves like (1 or 2): 2 when it has
	// the publish routes. It is a label for people, not for branching.
	Major int `json:"major"`
	// Publish: POST /workflows/{id}/publish and /unpublish exist (2.x);
	// activate and deactivate exist on both.
	Publish bool `json:"publish"`
	// ListCredentials: GET /credentials lists credentials (2.x); on 1.x a
	// client must remember the ids it created.
	ListCredentials bool `json:"listCredentials"`
	// WaitingInLists: waiting executions appear in execution lists (2.x);
	// 1.x never lists them (n8n issue #14748), they are readable by id
	// only. Not probed on its own (that needs a waiting execution): it
	// follows the publish probe, the two changed in the same major.
	WaitingInLists bool      `json:"waitingInLists"`
	ProbedAt       time.Time `json:"probedAt"`
}

// Same reports whether two probes found the same capabilities (the time
// of the probe aside).
func (c Capabilities) Same(o Capabilities) bool {
	c.ProbedAt, o.ProbedAt = time.Time{}, time.Time{}
	return c == o
}

// probeWorkflowID is an id no workflow has (n8n's ids are 16
// alphanumerics; this one has a dash): probing with it changes nothing.
const probeWorkflowID = "godmode-probe-0"

// ProbeCapabilities asks the instance what it can do with two harmless
// requests: publishing a workflow that does not exist (1.x: 405, the route
// is missing; 2.x: 404) and listing one credential (1.x: 405).
func (c *Client) ProbeCapabilities(ctx context.Context) (Capabilities, error) {
	var caps Capabilities
	_, err := c.do(ctx, call{method: "POST", path: "/workflows/" + probeWorkflowID + "/publish", idempotent: true})
	switch {
	case errors.Is(err, ErrNotSupported):
	case err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden):
		caps.Publish = true
	default:
		return caps, err
	}
	_, err = c.do(ctx, call{method: "GET", path: "/credentials?limit=1", idempotent: true})
	switch {
	case err == nil:
		caps.ListCredentials = true
	case errors.Is(err, ErrNotSupported), errors.Is(err, ErrForbidden):
	default:
		return caps, err
	}
	caps.Major = 1
	if caps.Publish {
		caps.Major, caps.WaitingInLists = 2, true
	}
	caps.ProbedAt = time.Now().UTC()
	return caps, nil
}
