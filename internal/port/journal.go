package port

import "context"

// Journal is where steward records, under a key, that it did something
// once (a handoff or event message sent), so that any number of runs do it
// once without a database of its own: e.g. comments on an issue, or notes.
type Journal interface {
	// Entries returns what was recorded under key, in the order it was
	// recorded (oldest first).
	Entries(ctx context.Context, key string) ([]string, error)
	// Add records entry under key.
	Add(ctx context.Context, key, entry string) error
}
