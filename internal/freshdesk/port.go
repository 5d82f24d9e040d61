package freshdesk

import (
	"context"
	"slices"
	"time"

	"github.com/support-steward/steward/internal/port"
)

// Tickets adapts the client to port.Tickets.
type Tickets struct{ C *Client }

var _ port.Tickets = Tickets{}

// Changed lists tickets updated since a moment, with stats.
func (t Tickets) Changed(ctx context.Context, since time.Time, withRequester bool) ([]port.Ticket, error) {
	include := []string{"stats"}
	if withRequester {
		include = append(include, "requester")
	}
	list, err := t.C.ListTickets(ctx, ListOptions{UpdatedSince: since, Include: include})
	if err != nil {
		return nil, err
	}
	out := make([]port.Ticket, 0, len(list))
	for _, tk := range list {
		if tk.Spam {
			continue
		}
		out = append(out, toPort(tk))
	}
	return out, nil
}

func toPort(tk Ticket) port.Ticket {
	p := port.Ticket{ID: tk.ID, Subject: tk.Subject, Status: tk.Status, Priority: tk.Priority, Tags: slices.Clone(tk.Tags),
		Created: tk.CreatedAt, Updated: tk.UpdatedAt}
	if s := tk.Stats; s != nil {
		if s.FirstRespondedAt != nil {
			p.FirstResponded = *s.FirstRespondedAt
		}
		if s.AgentRespondedAt != nil {
			p.AgentResponded = *s.AgentRespondedAt
		}
		if s.ReopenedAt != nil {
			p.ReopenedAt = *s.ReopenedAt
		}
		// The first resolving or closing since the latest reopening: a
		// ticket resolved, then closed, was resolved once.
		for _, at := range []*time.Time{s.ResolvedAt, s.ClosedAt} {
			if at != nil && at.After(p.ReopenedAt) && (p.ResolvedAt.IsZero() || at.Before(p.ResolvedAt)) {
				p.ResolvedAt = *at
			}
		}
	}
	if tk.Requester != nil {
		p.RequesterName = tk.Requester.Name
	}
	return p
}

// Conversations lists a ticket's replies and notes.
func (t Tickets) Conversations(ctx context.Context, id int64) ([]port.Conversation, error) {
	list, err := t.C.Conversations(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]port.Conversation, len(list))
	for i, c := range list {
		out[i] = port.Conversation{Incoming: c.Incoming, Private: c.Private, Text: c.BodyText, Created: c.CreatedAt}
	}
	return out, nil
}

// Reply sends a public reply to the requester.
func (t Tickets) Reply(ctx context.Context, id int64, html string) error {
	_, err := t.C.Reply(ctx, id, html)
	return err
}

// Note adds a private note.
func (t Tickets) Note(ctx context.Context, id int64, html string) error {
	_, err := t.C.AddNote(ctx, id, html, true)
	return err
}
