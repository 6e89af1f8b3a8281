package ui

import (
	"syscall"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD, which package syscall does not
// name: the calling thread's usage, not the whole process's.
const rusageThread = 1

// threadCPU is the CPU time the calling OS thread has used: a frame's own
// cost, without the time other processes or goroutines held the core.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
