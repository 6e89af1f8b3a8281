package n8n

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Sentinel kinds of failure. Every error the client returns for a request
// that reached (or tried to reach) n8n is an *Error whose Kind is one of
// these, so callers branch with errors.Is(err, n8n.ErrNotFound).
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized (bad or missing API key)")
	// ErrForbidden is what n8n answers when the API key lacks a scope or
	// the instance's licence lacks a feature (variables, projects).
	ErrForbidden  = errors.New("forbidden")
	ErrBadRequest = errors.New("bad request")
	ErrConflict   = errors.New("conflict")
	// ErrNoTrigger and ErrWebhookPathTaken are refusals of an activation;
	// both also match ErrBadRequest (1.x sends both as 400), and a taken
	// path matches ErrConflict too (2.x sends it as 409).
	ErrNoTrigger        = errors.New("workflow has no trigger node")
	ErrWebhookPathTaken = errors.New("webhook path already taken")
	// ErrNotYetUnpublished is 2.x refusing to delete a workflow it is still
	// unpublishing: try again in a moment. ErrPublished is 2.x refusing to
	// delete a published (active) workflow. Both match ErrConflict.
	ErrNotYetUnpublished = errors.New("workflow is still being unpublished")
	ErrPublished         = errors.New("workflow is published (active)")
	// ErrNotSupported is a route this instance's major does not have (405),
	// e.g. listing credentials or publishing on 1.x. It matches
	// ErrBadRequest, as 1.x's 405 answers did before.
	ErrNotSupported = errors.New("not supported by this n8n")
	// ErrUnavailable covers 5xx answers, timeouts, refused and dropped
	// connections: n8n could not be reached or could not answer.
	ErrUnavailable = errors.New("unavailable")
)

// Error is a failed call to n8n. It never holds the API key: the key only
// travels in a request header, and any echo of it in a body is redacted.
type Error struct {
	Kind     error  // one of the Err* sentinels, or context.Canceled
	Status   int    // HTTP status; 0 when no answer came
	Message  string // n8n's own message, or a short description of the body
	Method   string
	Path     string // path and query below the base URL, e.g. /api/v1/workflows/abc
	Attempts int    // how many times the request was sent
	Err      error  // the transport or decoding cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "n8n %s %s: %v", e.Method, e.Path, e.Kind)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Is reports whether target is the error's kind or one of the broader
// kinds it belongs to (see umbrellas).
func (e *Error) Is(target error) bool {
	if target == e.Kind {
		return true
	}
	for _, u := range umbrellas[e.Kind] {
		if target == u {
			return true
		}
	}
	return false
}

func (e *Error) Unwrap() error { return e.Err }

// maxErrorBody bounds how much of an error body is read: n8n sometimes
// answers with a whole HTML page.
const maxErrorBody = 64 << 10

// errorFromResponse classifies an HTTP error answer (see classify). The
// body is parsed defensively: JSON {"message":…} when it is that,
// otherwise the page title or the first line of text.
func errorFromResponse(status int, body []byte) *Error {
	msg := errorMessage(body)
	return &Error{Kind: classify(status, msg), Status: status, Message: msg}
}

func errorMessage(body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	if trimmed[0] == '{' {
		var m struct {
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(body, &m) == nil && len(m.Message) > 0 {
			var s string
			if json.Unmarshal(m.Message, &s) == nil {
				return clip(s)
			}
			// Some handlers send a structured message (a zod issue).
			return clip(string(m.Message))
		}
	}
	if i := strings.Index(strings.ToLower(trimmed), "<pre>"); i >= 0 {
		// Express's default error page puts the error in <pre>.
		rest := trimmed[i+5:]
		if j := strings.Index(strings.ToLower(rest), "</pre>"); j >= 0 {
			rest = rest[:j]
		}
		rest = strings.ReplaceAll(strings.ReplaceAll(rest, "<br>", "\n"), "&nbsp;", " ")
		return clip("HTML page: " + firstLine(stripTags(rest)))
	}
	if i := strings.Index(strings.ToLower(trimmed), "<title>"); i >= 0 {
		rest := trimmed[i+7:]
		if j := strings.Index(strings.ToLower(rest), "</title>"); j >= 0 {
			rest = rest[:j]
		}
		return clip("HTML page: " + strings.TrimSpace(rest))
	}
	if trimmed[0] == '<' {
		return clip("HTML page: " + firstLine(stripTags(trimmed)))
	}
	return clip(firstLine(trimmed))
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

func clip(s string) string {
	const max = 500
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
