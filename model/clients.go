package model

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// clients keeps one n8n client per instance: the platform runs thousands of
// instances, each with its own URL and key, and a client holds connections
// and an in-flight limit worth reusing.
type clients struct {
	store Store
	dial  Dialer
	mu    sync.Mutex
	byID  map[int64]N8n
}

func (c *clients) get(ctx context.Context, instanceID int64) (N8n, error) {
	c.mu.Lock()
	cl, ok := c.byID[instanceID]
	c.mu.Unlock()
	if ok {
		return cl, nil
	}
	inst, err := c.store.Instance(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	key, err := c.store.InstanceAPIKey(ctx, instanceID)
	if err != nil {
		return nil, fmt.Errorf("n8n instance %s: %w", inst.Name, err)
	}
	cl = c.dial(inst.BaseURL, key)
	c.mu.Lock()
	if c.byID == nil {
		c.byID = map[int64]N8n{}
	}
	c.byID[instanceID] = cl
	c.mu.Unlock()
	return cl, nil
}

// call runs one n8n call and records the instance's health from it, so the
// instances view shows reachability and latency without probing.
func (c *clients) call(ctx context.Context, instanceID int64, fn func(N8n) error) error {
	// The wait is measured from before the client is looked up, so a
	// deadline set by the caller reads as the bound it was given.
	start := time.Now()
	deadline, bounded := ctx.Deadline()
	cl, err := c.get(ctx, instanceID)
	if err != nil {
		return err
	}
	err = fn(cl)
	healthy, msg := true, ""
	if err != nil && isUnavailable(err) {
		healthy, msg = false, healthError(err, start, deadline, bounded)
	}
	// Health is best effort: a failing write here must not hide the call's result.
	_ = c.store.RecordInstanceHealth(context.WithoutCancel(ctx), instanceID, healthy, time.Since(start), msg)
	return err
}
