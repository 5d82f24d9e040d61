package port

import (
	"context"
	"errors"
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
	// RequesterResponded, PendingSince and StatusUpdated are the other
	// timestamps response targets read; zero when unknown.
	RequesterResponded time.Time
	PendingSince       time.Time
	StatusUpdated      time.Time
	// ReopenedAt is the latest reopening and ResolvedAt the first
	// resolution (or closing) after it (zero: none), for what the ticket's
	// Slack thread is told.
	ReopenedAt, ResolvedAt time.Time
	// RequesterName is the requester's display name, when asked for.
	RequesterName string
	// Company is the ticket's company (a hub), 0 for none; CompanyName
	// its name, when read with the ticket.
	Company     int64
	CompanyName string
	// Description is the ticket's text, when asked for (private).
	Description string
	// Spam is true for a ticket marked as spam.
	Spam bool
}

// Conversation is one reply or note on a ticket.
type Conversation struct {
	Incoming bool // from the requester
	Private  bool // a note only agents see
	Text     string
	// HTML is the body as written, where steward's markers (HTML
	// comments) live.
	HTML    string
	Created time.Time
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

// TicketQuery says which tickets to list and what to read with them.
type TicketQuery struct {
	Since       time.Time // updated at or after
	Requester   bool      // with the requester's name
	Description bool      // with the description
}

// Helpdesk is the helpdesk as the mirror needs it: Tickets, and reading
// one ticket, its company, setting its status and leaving notes whose
// time is known.
type Helpdesk interface {
	Tickets
	// List returns the tickets updated since q.Since, oldest change
	// first, spam included (marked).
	List(ctx context.Context, q TicketQuery) ([]Ticket, error)
	// Ticket reads one ticket with its response timestamps.
	Ticket(ctx context.Context, id int64, requester bool) (Ticket, error)
	// CompanyName names a company.
	CompanyName(ctx context.Context, id int64) (string, error)
	// SetStatus changes a ticket's status.
	SetStatus(ctx context.Context, id int64, status int) error
	// AddNote adds a private note and returns it as stored.
	AddNote(ctx context.Context, id int64, html string) (Conversation, error)
	// AgentURL is the agent's address of a ticket.
	AgentURL(id int64) string
}

// TicketNotesReader is a Helpdesk that reads a ticket with its first
// conversations in the one request.
type TicketNotesReader interface {
	// TicketWithNotes reads a ticket as Helpdesk.Ticket does, with its
	// first conversations, oldest first; all reports that they are every
	// one it has.
	TicketWithNotes(ctx context.Context, id int64, requester bool) (t Ticket, convs []Conversation, all bool, err error)
}

// Refused reports whether err is the service refusing a request as
// invalid (HTTP 400): sending it again will not help until something
// changes.
func Refused(err error) bool { return statusOf(err) == 400 }

// NotFound reports whether err is the service saying the thing is not
// there (HTTP 404).
func NotFound(err error) bool { return statusOf(err) == 404 }

// ServerFault reports whether err is the service failing (HTTP 5xx): the
// same request may succeed later.
func ServerFault(err error) bool { return statusOf(err) >= 500 }

// statusOf is the HTTP status an adapter's error carries, 0 for none.
func statusOf(err error) int {
	var s interface{ HTTPStatus() int }
	if errors.As(err, &s) {
		return s.HTTPStatus()
	}
	return 0
}
