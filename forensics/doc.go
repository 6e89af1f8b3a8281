// Package forensics reads one n8n execution: it indexes the raw bytes lazily
// (gjson) instead of unmarshalling them, sanitizes binary payloads and giant
// strings, builds the timeline of node runs, finds the first failure, resolves
// a run's input through source[], and models the JSON document the inspector
// pages through. It imports no UI package.
package forensics
