package model

import "errors"

// Errors the stores return, so use cases can branch without knowing SQL.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict") // a uniqueness rule refused the change
	ErrInvalid  = errors.New("invalid")  // a check or type rule refused the change
	ErrStale    = errors.New("stale")    // an optimistic-concurrency version did not match
	ErrBusy     = errors.New("busy")     // someone else holds the lock
)
