package sshd

import (
	"sync"
	"time"
)

// failureLimiter counts failures per key (an address or a login name) in a
// window that opens with the first failure; a key that reaches max within
// it is blocked until its cool-down ends. It remembers at most size keys:
// when full it first forgets the keys whose window and block are over,
// then, if it must, an unblocked key, and only as a last resort a blocked
// one, so memory stays bounded whatever an attacker sends.
type failureLimiter struct {
	max      int
	window   time.Duration
	cooldown time.Duration
	size     int
	now      func() time.Time

	mu        sync.Mutex
	entries   map[string]*failures
	lastSweep time.Time
}

type failures struct {
	count        int
	windowStart  time.Time
	blockedUntil time.Time
}

func newFailureLimiter(max int, window, cooldown time.Duration, size int) *failureLimiter {
	if size <= 0 {
		size = 10000
	}
	return &failureLimiter{
		max: max, window: window, cooldown: cooldown, size: size,
		now: time.Now, entries: map[string]*failures{},
	}
}

// enabled is false for a limiter that limits nothing (max 0).
func (l *failureLimiter) enabled() bool { return l != nil && l.max > 0 }

// blocked reports whether key is in its cool-down.
func (l *failureLimiter) blocked(key string) bool {
	if !l.enabled() {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[key]
	return e != nil && l.now().Before(e.blockedUntil)
}

// fail counts one failure for key and reports whether it made key blocked.
func (l *failureLimiter) fail(key string) bool {
	if !l.enabled() {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e := l.entries[key]
	if e == nil {
		l.makeRoom(now)
		e = &failures{}
		l.entries[key] = e
	}
	if now.Before(e.blockedUntil) {
		return false // already blocked: refusals while blocked do not extend it
	}
	if e.count == 0 || now.Sub(e.windowStart) >= l.window {
		e.count, e.windowStart = 0, now
	}
	e.count++
	if e.count >= l.max {
		e.blockedUntil = now.Add(l.cooldown)
		e.count = 0
		return true
	}
	return false
}

// forgive takes back one failure of key: a connection that was refused a
// key and then authenticated with another (an agent offering several keys
// in turn) was a person, not a guess. A block already in force stays.
func (l *failureLimiter) forgive(key string) {
	if !l.enabled() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.entries[key]; e != nil && e.count > 0 {
		e.count--
	}
}

// expired is true for an entry that no longer affects anything.
func (l *failureLimiter) expired(e *failures, now time.Time) bool {
	return !now.Before(e.blockedUntil) && (e.count == 0 || now.Sub(e.windowStart) >= l.window)
}

// makeRoom frees one slot when the limiter is full. Called with mu held.
func (l *failureLimiter) makeRoom(now time.Time) {
	if len(l.entries) < l.size {
		return
	}
	// A full sweep at most once a window: while an attacker keeps the
	// limiter full, sweeping on every new key would cost a pass over
	// every entry per refused connection.
	if now.Sub(l.lastSweep) >= l.window {
		l.lastSweep = now
		for k, e := range l.entries {
			if l.expired(e, now) {
				delete(l.entries, k)
			}
		}
		if len(l.entries) < l.size {
			return
		}
	}
	for k, e := range l.entries {
		if !now.Before(e.blockedUntil) {
			delete(l.entries, k)
			return
		}
	}
	for k := range l.entries {
		delete(l.entries, k)
		return
	}
}

// tracked is how many keys the limiter remembers.
func (l *failureLimiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
