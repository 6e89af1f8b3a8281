package model

import (
	"context"
	"errors"

	"github.com/godmode-console/godmode/n8n"
)

// isUnavailable says whether an n8n error means the instance could not be
// reached (as opposed to refusing the request).
func isUnavailable(err error) bool {
	return errors.Is(err, n8n.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, n8n.ErrUnauthorized)
}

// isGone says whether n8n answered that the workflow does not exist.
func isGone(err error) bool { return errors.Is(err, n8n.ErrNotFound) }
