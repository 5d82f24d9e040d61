// Package sandbox owns the in-process emulators of FreshDesk's API v2 and of
// the parts of GitHub's REST and GraphQL APIs that steward uses. Tests,
// benchmarks and `steward demo` run against them instead of the real
// services. They behave like the real services where it matters to steward:
// pagination and its Link headers, conditional requests, rate limits and
// their headers, error bodies, and search indexes that lag behind writes.
// Each emulator is an http.Handler; all share fault injection from a seeded
// random source and request accounting.
package sandbox
