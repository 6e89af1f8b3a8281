package n8n

import "strings"

// refusal is one kind of answer n8n gives in its own words, as each major
// words it. Matching is tolerant (case-insensitive, any of the phrases)
// because n8n rewords its messages between releases; the status narrows
// the match so that an unrelated message that happens to share a phrase
// keeps its plain kind.
type refusal struct {
	kind     error
	statuses []int
	phrases  []string
}

// refusals are tried in order before the plain status kinds.
var refusals = []refusal{
	// 1.x: 400 `Workflow "<name>" (ID: <id>) has no node to start the workflow…`
	// 2.x: 400 `Workflow cannot be activated because it has no trigger node…`
	{ErrNoTrigger, []int{400}, []string{"has no node to start the workflow", "has no trigger node", "no trigger"}},
	// 1.x: 400 `The URL path that the "Webhook" node uses is already taken…`
	// 2.x: 409 `There is a conflict with one of the webhooks.`
	{ErrWebhookPathTaken, []int{400, 409}, []string{"is already taken", "conflict with one of the webhooks"}},
	// 2.x: 409 `Workflow is still being unpublished. Please try again in a few moments.`
	{ErrNotYetUnpublished, []int{409}, []string{"still being unpublished", "still being deactivated"}},
	// 2.x: 409 `Cannot delete a published workflow. Unpublish it before deleting.`
	{ErrPublished, []int{400, 409}, []string{"cannot delete a published workflow", "unpublish it before", "cannot delete an active workflow"}},
	// 2.x answers an action on an unknown workflow with `You do not have
	// permission to activate this workflow…`; 1.x answers 404 Not Found.
	// The workflow calls tell the two apart (see gone).
	{ErrForbidden, []int{400, 403}, []string{"do not have permission", "don't have permission"}},
}

// classify is the kind of an error answer: a known refusal in n8n's words
// first, otherwise by status alone.
func classify(status int, msg string) error {
	low := strings.ToLower(msg)
	for _, r := range refusals {
		if !containsInt(r.statuses, status) {
			continue
		}
		for _, p := range r.phrases {
			if strings.Contains(low, p) {
				return r.kind
			}
		}
	}
	switch {
	case status == 401:
		return ErrUnauthorized
	case status == 403:
		return ErrForbidden
	case status == 404:
		return ErrNotFound
	case status == 405:
		// A route this major does not have (1.x: `GET method not allowed`
		// on /credentials, `POST method not allowed` on /publish).
		return ErrNotSupported
	case status == 409:
		return ErrConflict
	case status >= 500:
		return ErrUnavailable
	case status == 429:
		// A proxy in front of n8n rate limiting us: try later.
		return ErrUnavailable
	default:
		return ErrBadRequest
	}
}

// umbrellas says which broader kinds a specific kind also matches, so
// code written against either major's status keeps working: an activation
// refusal is a bad request (1.x's status) and a taken path a conflict
// (2.x's status); the deletion refusals are conflicts.
var umbrellas = map[error][]error{
	ErrNoTrigger:         {ErrBadRequest},
	ErrWebhookPathTaken:  {ErrBadRequest, ErrConflict},
	ErrNotYetUnpublished: {ErrConflict},
	ErrPublished:         {ErrConflict},
	ErrNotSupported:      {ErrBadRequest},
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
