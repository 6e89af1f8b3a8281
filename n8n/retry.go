package n8n

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy says how idempotent calls (GET, activate, deactivate) are
// retried after n8n was unavailable. Creates, updates and deletes are
// never retried: a lost answer does not mean the change was not made.
type RetryPolicy struct {
	MaxAttempts int           // total attempts, first included; 1 disables retries
	BaseDelay   time.Duration // delay before the first retry, doubled each time
	MaxDelay    time.Duration // cap on one delay
}

// DefaultRetryPolicy makes up to 4 attempts, waiting about 0.2s, 0.4s, 0.8s.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}

// UnpublishRetry is how DeleteWorkflow retries n8n 2.x's "still being
// unpublished" answer: up to 8 attempts over about 10 seconds.
var UnpublishRetry = RetryPolicy{MaxAttempts: 8, BaseDelay: 250 * time.Millisecond, MaxDelay: 2 * time.Second}

// delay before retry number n (1-based): exponential, capped, with jitter
// over its upper half so that many clients failing at once spread out.
func (p RetryPolicy) delay(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}
