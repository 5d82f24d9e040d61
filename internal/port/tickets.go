package port

import (
	"context"
	"time"
)

// Ticket is a helpdesk ticket as the use cases see it: steward's own type,
// whatever the helpdesk's wire format. Requester is private: it may reach
// the helpdesk itself (a reply's greeting), never GitHub or logs.
type Ticket struct {
	ID       int64
	Subject  string
	Status   int // 2 open, 3 pending, 4 resolved, 5 closed; accounts add more
	Priority int // 1 low .. 4 urgent
	Tags     []string
	Created  time.Time
	Updated  time.Time
	// FirstResponded and AgentResponded are zero until an agent replied
	// to the requester.
	FirstResponded time.Time
	AgentResponded time.Time
	// ReopenedAt is the latest reopening and ResolvedAt the first
	// resolution (or closing) after it (zero: none), for what the ticket's
	// Slack thread is told.
	ReopenedAt, ResolvedAt time.Time
	// RequesterName is the requester's display name, when asked for.
	RequesterName string
}

// Conversation is one reply or note on a ticket.
type Conversation struct {
	Incoming bool // from the requester
	Private  bool // a note only agents see
	Text     string
	Created  time.Time
}

// Tickets is the helpdesk, as the use cases need it.
type Tickets interface {
	// Changed lists the tickets updated since a moment, with their
	// response timestamps (and requester names when withRequester).
	Changed(ctx context.Context, since time.Time, withRequester bool) ([]Ticket, error)
	// Conversations lists a ticket's replies and notes, oldest first.
	Conversations(ctx context.Context, id int64) ([]Conversation, error)
	// Reply writes to the requester (a public reply, sent by e-mail).
	Reply(ctx context.Context, id int64, html string) error
	// Note adds a private note only agents see.
	Note(ctx context.Context, id int64, html string) error
}
