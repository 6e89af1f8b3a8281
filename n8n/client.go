package n8n

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to one n8n instance. It is safe for concurrent use; the
// number of requests it has in flight at once is bounded (see
// WithMaxInFlight) so one slow instance cannot eat every connection.
type Client struct {
	base           string // scheme://host[:port][/prefix], no trailing slash
	key            *apiKey
	http           *http.Client
	log            *slog.Logger
	retry          RetryPolicy
	unpublish      RetryPolicy
	timeout        time.Duration
	attemptTimeout time.Duration
	slots          chan struct{}
	maxBody        int64 // most bytes read of an answer
	maxExecution   int64 // of an execution with its run data
}

// apiKey sits behind a pointer so that printing a Client with %v or %#v
// shows an address, never the key.
type apiKey struct{ v string }

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (transport, proxies, TLS).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithMaxInFlight bounds the requests this client has in flight at once
// (default 8).
func WithMaxInFlight(n int) Option {
	return func(c *Client) {
		if n < 1 {
			n = 1
		}
		c.slots = make(chan struct{}, n)
	}
}

// WithRetryPolicy sets how idempotent calls are retried.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// WithUnpublishRetry sets how DeleteWorkflow retries a workflow n8n is
// still unpublishing.
func WithUnpublishRetry(p RetryPolicy) Option { return func(c *Client) { c.unpublish = p } }

// WithLogger logs one line per attempt (method, path, status, duration),
// never a header or a body.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithTimeout bounds a whole call, retries included, when the caller's
// context has no earlier deadline (default 30s).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithAttemptTimeout bounds one attempt (default 10s), so that a hung
// idempotent request is retried while the call's deadline allows. Zero
// means attempts are bounded only by the call.
func WithAttemptTimeout(d time.Duration) Option { return func(c *Client) { c.attemptTimeout = d } }

// Default caps on what is read of an answer: an execution with its run
// data can be hundreds of megabytes (forensics caps it at the same size);
// every other answer (a page of 250 workflows, a tag list) is far smaller.
const (
	DefaultMaxBody      int64 = 64 << 20
	DefaultMaxExecution int64 = 512 << 20
)

// ErrTooLarge is an answer refused for being bigger than the client reads
// (a hostile or broken server streaming without end); the *Error's
// Message says the cap. Never retried.
var ErrTooLarge = errors.New("answer too large")

// WithMaxBody caps what is read of an answer other than an execution's
// data (default DefaultMaxBody).
func WithMaxBody(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithMaxExecutionBytes caps what is read of an execution with its run
// data (default DefaultMaxExecution).
func WithMaxExecutionBytes(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxExecution = n
		}
	}
}

// New returns a client of the n8n at baseURL (e.g. https://n8n.example.com,
// without /api/v1) authenticating with apiKey.
func New(baseURL, apiKey_ string, opts ...Option) *Client {
	c := &Client{
		base:           strings.TrimRight(baseURL, "/"),
		key:            &apiKey{apiKey_},
		http:           &http.Client{Transport: defaultTransport},
		retry:          DefaultRetryPolicy,
		unpublish:      UnpublishRetry,
		timeout:        30 * time.Second,
		attemptTimeout: 10 * time.Second,
		slots:          make(chan struct{}, 8),
		maxBody:        DefaultMaxBody,
		maxExecution:   DefaultMaxExecution,
	}
	for _, o := range opts {
		o(c)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// defaultTransport keeps enough idle connections per host for the in-flight
// limit, so paging through thousands of workflows reuses connections.
var defaultTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}()

// BaseURL is the instance's base URL as given to New.
func (c *Client) BaseURL() string { return c.base }

// String describes the client without its key.
func (c *Client) String() string { return "n8n.Client(" + c.base + ")" }

// GoString keeps the key out of %#v.
func (c *Client) GoString() string { return c.String() }

// LogValue keeps the key out of structured logs.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// call is one logical API call.
type call struct {
	method     string
	path       string // below /api/v1, with query
	body       any    // marshalled to JSON when not nil
	idempotent bool   // may be retried
	okStatus   []int  // accepted statuses (default 200)
	execution  bool   // the answer is an execution with its run data: the big cap
}

// do runs a call with the context's deadline, the in-flight limit and, for
// idempotent calls, retries. It returns the body of a successful answer.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	path := "/api/v1" + cl.path
	var payload []byte
	if cl.body != nil {
		var err error
		payload, err = json.Marshal(cl.body)
		if err != nil {
			return nil, &Error{Kind: ErrBadRequest, Method: cl.method, Path: path, Message: "encoding request body", Err: err}
		}
	}
	if c.timeout > 0 {
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > c.timeout {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, c.timeout)
			defer cancel()
		}
	}
	attempts := 1
	if cl.idempotent && c.retry.MaxAttempts > 1 {
		attempts = c.retry.MaxAttempts
	}
	var last *Error
	for n := 1; n <= attempts; n++ {
		if n > 1 {
			if err := sleep(ctx, c.retry.delay(n-1)); err != nil {
				last.Attempts = n - 1
				last.Err = errors.Join(last.Err, err)
				return nil, last
			}
		}
		body, e := c.attempt(ctx, cl, path, payload)
		if e == nil {
			return body, nil
		}
		e.Attempts = n
		last = e
		if !c.retryable(ctx, e) {
			break
		}
	}
	return nil, last
}

// retryable: only unavailability is worth another try, and only while the
// caller still waits.
func (c *Client) retryable(ctx context.Context, e *Error) bool {
	return e.Kind == ErrUnavailable && ctx.Err() == nil
}

func (c *Client) attempt(ctx context.Context, cl call, path string, payload []byte) ([]byte, *Error) {
	fail := func(kind error, status int, msg string, cause error) *Error {
		return &Error{Kind: kind, Status: status, Method: cl.method, Path: path, Message: c.redact(msg), Err: c.redactErr(cause)}
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fail(ctxKind(ctx.Err()), 0, "waiting for a free request slot", ctx.Err())
	}
	defer func() { <-c.slots }()

	actx := ctx
	if c.attemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.attemptTimeout)
		defer cancel()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, c.base+path, rd)
	if err != nil {
		return nil, fail(ErrBadRequest, 0, "building request", err)
	}
	req.Header.Set("X-N8N-API-KEY", c.key.v)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "n8n request failed", slog.String("method", cl.method), slog.String("path", path),
			slog.Duration("took", time.Since(start)), slog.String("error", c.redact(err.Error())))
		return nil, c.transportError(ctx, fail, err)
	}
	defer resp.Body.Close()
	ok := resp.StatusCode == http.StatusOK
	for _, s := range cl.okStatus {
		ok = ok || resp.StatusCode == s
	}
	if !ok {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		e := errorFromResponse(resp.StatusCode, body)
		e.Method, e.Path, e.Message = cl.method, path, c.redact(e.Message)
		c.log.LogAttrs(ctx, slog.LevelDebug, "n8n request refused", slog.String("method", cl.method), slog.String("path", path),
			slog.Int("status", resp.StatusCode), slog.Duration("took", time.Since(start)))
		return nil, e
	}
	limit := c.maxBody
	if cl.execution {
		limit = c.maxExecution
	}
	body, err := readBody(resp, limit)
	if errors.Is(err, ErrTooLarge) {
		c.log.LogAttrs(ctx, slog.LevelWarn, "n8n answer refused: too large", slog.String("method", cl.method), slog.String("path", path),
			slog.Int64("limit", limit))
		return nil, fail(ErrTooLarge, resp.StatusCode, "the answer is more than "+sizeText(limit)+"; stopped reading there", nil)
	}
	if err != nil {
		return nil, c.transportError(ctx, fail, fmt.Errorf("reading answer: %w", err))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "n8n request", slog.String("method", cl.method), slog.String("path", path),
		slog.Int("status", resp.StatusCode), slog.Int("bytes", len(body)), slog.Duration("took", time.Since(start)))
	return body, nil
}

// readBody reads at most limit bytes of an answer, refusing a bigger one
// with ErrTooLarge before reading it when n8n says its length. It reads
// into chunks joined at the end, so a server that lies about the length
// or sends without end costs at most the cap before it is refused; the
// request's context (the caller's deadline, SIGTERM) still ends the read.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, ErrTooLarge
	}
	size := int64(32 << 10)
	if resp.ContentLength >= 0 {
		size = resp.ContentLength + 1 // +1 to see a body longer than said
	}
	var chunks [][]byte
	var total int64
	for {
		c := make([]byte, 0, max(1, min(size, limit+1-total)))
		n, err := io.ReadFull(resp.Body, c[:cap(c)])
		total += int64(n)
		chunks = append(chunks, c[:n])
		if total > limit {
			return nil, ErrTooLarge
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		size = min(max(size, 32<<10)*2, 16<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// transportError classifies a failure to get an answer. The caller's own
// cancellation is reported as such; everything else (refused, reset,
// attempt or call timeout) means n8n is unavailable.
func (c *Client) transportError(ctx context.Context, fail func(error, int, string, error) *Error, err error) *Error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fail(context.Canceled, 0, "", ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is already in Path; keep only the cause
	}
	return fail(ErrUnavailable, 0, "", err)
}

func ctxKind(err error) error {
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	return ErrUnavailable
}

// redact removes the key from text that might echo it (a proxy's error
// page, a transport error).
func (c *Client) redact(s string) string {
	if c.key.v == "" || !strings.Contains(s, c.key.v) {
		return s
	}
	return strings.ReplaceAll(s, c.key.v, "[redacted]")
}

func (c *Client) redactErr(err error) error {
	if err == nil || c.key.v == "" || !strings.Contains(err.Error(), c.key.v) {
		return err
	}
	return errors.New(c.redact(err.Error()))
}

// decode unmarshals an answer, naming the call on failure.
func decode[T any](body []byte, method, path string) (T, error) {
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return v, &Error{Kind: ErrUnavailable, Status: 200, Method: method, Path: "/api/v1" + path, Message: "answer is not the expected JSON", Err: err}
	}
	return v, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
