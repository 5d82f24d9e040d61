package port

import (
	"context"
	"time"
)

// TicketNotes is a ticket's private notes (FreshDesk), where steward records
// what it did for the ticket elsewhere (the Slack thread's permalink, what
// the thread was told), so that no database is needed to find it again.
type TicketNotes interface {
	// Notes returns the ticket's private notes, in the order they were
	// added (oldest first).
	Notes(ctx context.Context, ticket int64) ([]Note, error)
	// AddNote adds a private note (plain text) to the ticket.
	AddNote(ctx context.Context, ticket int64, text string) error
}

// Note is one private note on a ticket.
type Note struct {
	// ID orders notes: a note added later has a larger id.
	ID        int64
	Text      string
	CreatedAt time.Time
}
