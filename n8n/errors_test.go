package n8n

import (
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

func TestErrorMessageNamesCallAndStatus(t *testing.T) {
	e := &Error{Kind: ErrNotFound, Status: 404, Message: "Not Found", Method: "GET", Path: "/api/v1/workflows/abc", Attempts: 1}
	if got, want := e.Error(), "n8n GET /api/v1/workflows/abc: not found (HTTP 404): Not Found"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
