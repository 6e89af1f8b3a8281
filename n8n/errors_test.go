package n8n

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestErrorKindsFromAnswers(t *testing.T) {
	cases := []struct {
		status int
		body   string
		kind   error
		msg    string
	}{
		{401, `{"message":"unauthorized"}`, ErrUnauthorized, "unauthorized"},
		{403, `{"message":"Your license does not allow for feat:variables."}`, ErrForbidden, "Your license does not allow for feat:variables."},
		{404, `{"message":"Not Found"}`, ErrNotFound, "Not Found"},
		{409, `{"message":"Tag already exists"}`, ErrConflict, "Tag already exists"},
		{400, `{"message":"request/query/limit must be <= 250"}`, ErrBadRequest, "request/query/limit must be <= 250"},
		{400, `{"message":"Workflow \"x\" (ID: 1) has no node to start the workflow - at least one trigger, poller or webhook node is required"}`, ErrNoTrigger, ""},
		{400, `{"message":"The URL path that the \"Webhook\" node uses is already taken. Please change it to something else."}`, ErrWebhookPathTaken, ""},
		{500, "<!DOCTYPE html>\n<html><head><title>Error</title></head><body><pre>ResponseError: Failed to parse request body<br> &nbsp;at parseBody</pre></body></html>", ErrUnavailable, "HTML page: ResponseError: Failed to parse request body"},
		{502, "<html>\r\n<head><title>502 Bad Gateway</title></head><body></body></html>", ErrUnavailable, "HTML page: 502 Bad Gateway"},
		{400, `{"code":"invalid_type","message":{"nested":true}}`, ErrBadRequest, `{"nested":true}`},
		{503, ``, ErrUnavailable, ""},
	}
	for _, c := range cases {
		e := errorFromResponse(c.status, []byte(c.body))
		if !errors.Is(e, c.kind) {
			t.Errorf("%d %q: kind %v, want %v", c.status, c.body, e.Kind, c.kind)
		}
		if c.msg != "" && e.Message != c.msg {
			t.Errorf("%d: message %q, want %q", c.status, e.Message, c.msg)
		}
	}
	// Activation refusals are bad requests too, and nothing else.
	e := errorFromResponse(400, []byte(`{"message":"The URL path that the \"Webhook\" node uses is already taken."}`))
	if !errors.Is(e, ErrBadRequest) || errors.Is(e, ErrNoTrigger) || errors.Is(e, ErrNotFound) {
		t.Errorf("webhook path taken matches the wrong kinds: %v", e)
	}
}

// n8n 2.x words and statuses its refusals differently; the same typed
// errors must come out, with n8n's own words kept.
func TestErrorKindsFromBothMajors(t *testing.T) {
	cases := []struct {
		major  int
		status int
		msg    string
		kind   error
		also   []error
	}{
		{1, 400, `Workflow "x" (ID: 1) has no node to start the workflow - at least one trigger, poller or webhook node is required`, ErrNoTrigger, []error{ErrBadRequest}},
		{2, 400, `Workflow cannot be activated because it has no trigger node. At least one trigger, webhook, or polling node is required.`, ErrNoTrigger, []error{ErrBadRequest}},
		{1, 400, `The URL path that the "Webhook" node uses is already taken. Please change it to something else.`, ErrWebhookPathTaken, []error{ErrBadRequest, ErrConflict}},
		{2, 409, `There is a conflict with one of the webhooks.`, ErrWebhookPathTaken, []error{ErrBadRequest, ErrConflict}},
		{2, 409, `Workflow is still being unpublished. Please try again in a few moments.`, ErrNotYetUnpublished, []error{ErrConflict}},
		{2, 409, `Cannot delete a published workflow. Unpublish it before deleting.`, ErrPublished, []error{ErrConflict}},
		{2, 403, `You do not have permission to activate this workflow`, ErrForbidden, nil},
		{2, 401, `Unauthorized`, ErrUnauthorized, nil},
		{1, 405, `GET method not allowed`, ErrNotSupported, []error{ErrBadRequest}},
		// A conflict in other words stays a plain conflict.
		{2, 409, `Tag already exists`, ErrConflict, nil},
	}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]string{"message": c.msg})
		e := errorFromResponse(c.status, body)
		if e.Kind != c.kind || e.Message != c.msg {
			t.Errorf("%d.x %d %q: kind %v message %q, want %v and n8n's words", c.major, c.status, c.msg, e.Kind, e.Message, c.kind)
		}
		for _, k := range c.also {
			if !errors.Is(e, k) {
				t.Errorf("%d.x %q: does not match %v", c.major, c.msg, k)
			}
		}
	}
	if e := errorFromResponse(409, []byte(`{"message":"Tag already exists"}`)); errors.Is(e, ErrNotYetUnpublished) || errors.Is(e, ErrWebhookPathTaken) {
		t.Errorf("a plain conflict matches a specific kind: %v", e.Kind)
	}
}

func TestErrorMessageNamesCallAndStatus(t *testing.T) {
	e := &Error{Kind: ErrNotFound, Status: 404, Message: "Not Found", Method: "GET", Path: "/api/v1/workflows/abc", Attempts: 1}
	if got, want := e.Error(), "n8n GET /api/v1/workflows/abc: not found (HTTP 404): Not Found"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
