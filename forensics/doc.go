// Package forensics reads one n8n execution: it indexes the raw bytes lazily
// (gjson) instead of unmarshalling them, sanitizes binary payloads and giant
// strings, builds the timeline of node runs, finds the first failure, resolves
// a run's input through source[], and models the JSON document the inspector
// pages through. It also finds what n8n hides: errors swallowed by nodes set
// to continue on failure, the sub-execution a failure happened in and the
// execution that called or caused this one, and runs that are not what they
// seem (disabled nodes, pinned data, runs a retry reused). It imports no UI
// package.
package forensics
