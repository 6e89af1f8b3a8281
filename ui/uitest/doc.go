// Package uitest is an in-memory ui.Backend for the console's tests, demos
// and benchmarks: deterministic seed data, failures on demand, and a count
// of every call so tests can check what the screens asked for.
package uitest
