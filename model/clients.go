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
	// recorded is the health this process last wrote of each instance.
	recorded map[int64]recordedHealth
	// limits bound the provisioning calls in flight per instance.
	limits callLimits
}

type recordedHealth struct {
	healthy bool
	at      time.Time
}

// ConsoleHealthEvery is how often a console's calls write an instance's
// health when it has not changed. Every write NOTIFYs every session, and
// every session re-reads (calling n8n) on a change set: written at each
// call, the health would keep every console of every process polling in a
// loop. A change of health is written at once.
const ConsoleHealthEvery = 30 * time.Second

// mayRecord says whether a call's health is worth writing, and notes it.
func (c *clients) mayRecord(instanceID int64, healthy bool, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.recorded[instanceID]; ok && last.healthy == healthy && now.Sub(last.at) < ConsoleHealthEvery {
		return false
	}
	if c.recorded == nil {
		c.recorded = map[int64]recordedHealth{}
	}
	c.recorded[instanceID] = recordedHealth{healthy: healthy, at: now}
	return true
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
	if !c.mayRecord(instanceID, healthy, time.Now()) {
		return err
	}
	// Health is best effort: a failing write here must not hide the call's result.
	_ = c.store.RecordInstanceHealth(context.WithoutCancel(ctx), instanceID, healthy, time.Since(start), msg)
	return err
}
