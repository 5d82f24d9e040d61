// Package port holds the small interfaces the use cases need from the
// outside systems, in steward's own types. Adapters (internal/slack,
// internal/freshdesk, internal/gh) implement them; use cases call only
// them, and domain tests use in-memory fakes of them.
package port
