package n8n

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ErrNotRegistered is a production webhook that still answers "not
// registered" when the wait for it ended.
var ErrNotRegistered = errors.New("webhook not registered")

// DefaultRegistrationWait bounds WaitRegistered when the caller gives no
// limit. 2.41.1 took about half a second after activation here.
const DefaultRegistrationWait = 15 * time.Second

// WaitRegistered waits, at most limit, until n8n routes the production
// webhook of node h: n8n 2.x registers webhooks a moment after the
// activate call answers (1.x before), so a caller that must know the URL
// works (provisioning, retry, tests) waits here before saying so.
//
// It probes the client's base URL (a single-process n8n serves production
// webhooks there too, whatever WEBHOOK_URL says) without running the
// workflow: a request with a method the
// node does not use answers 404 "This webhook is not registered for GET
// requests. Did you mean to make a POST request?" once the path is
// registered, and "The requested webhook … is not registered" before.
func (c *Client) WaitRegistered(ctx context.Context, h WebhookNode, limit time.Duration) error {
	if limit <= 0 {
		limit = DefaultRegistrationWait
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	u := h.WebhookURL(c.base)
	method := "GET"
	if strings.EqualFold(h.Method, "GET") {
		method = "DELETE"
	}
	delay := 100 * time.Millisecond
	var last string
	for {
		ok, said, err := c.webhookAnswers(ctx, method, u)
		if ok {
			return nil
		}
		switch {
		case said != "":
			last = said
		case err != nil && last == "":
			// n8n's own words, once heard, say more than the cut-off probe.
			last = c.redact(err.Error())
		}
		if sleep(ctx, delay) != nil {
			return &Error{Kind: ErrNotRegistered, Status: 404, Method: h.Method, Path: strings.TrimPrefix(u, c.base),
				Message: fmt.Sprintf("still not registered after %v: %s", limit, last)}
		}
		delay = min(delay*2, time.Second)
	}
}

// webhookAnswers sends one probe; ok means the path is registered.
func (c *Client) webhookAnswers(ctx context.Context, method, u string) (ok bool, said string, err error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return false, "", err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	said = errorMessage(body)
	switch {
	case resp.StatusCode >= 500:
		// n8n (or a proxy in front of it) is not answering for the path.
		return false, said, nil
	case resp.StatusCode != http.StatusNotFound:
		return true, said, nil
	}
	return strings.Contains(strings.ToLower(said), "did you mean"), said, nil
}
