package freshdesk

import (
	"context"
	"slices"
	"time"

	"github.com/support-steward/steward/internal/port"
)

// Tickets adapts the client to port.Tickets. With Snap, list reads within
// the snapshot's window come from the run's one read of the list.
type Tickets struct {
	C    *Client
	Snap *Snapshot
}

var _ port.Helpdesk = Tickets{}

// Changed lists tickets updated since a moment, with stats.
func (t Tickets) Changed(ctx context.Context, since time.Time, withRequester bool) ([]port.Ticket, error) {
	list, err := t.list(ctx, port.TicketQuery{Since: since, Requester: withRequester})
	return slices.DeleteFunc(list, func(tk port.Ticket) bool { return tk.Spam }), err
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
		if s.RequesterRespondedAt != nil {
			p.RequesterResponded = *s.RequesterRespondedAt
		}
		if s.PendingSince != nil {
			p.PendingSince = *s.PendingSince
		}
		if s.StatusUpdatedAt != nil {
			p.StatusUpdated = *s.StatusUpdatedAt
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
	if tk.CompanyID != nil {
		p.Company = *tk.CompanyID
		if tk.Company != nil && tk.Company.ID == p.Company {
			p.CompanyName = tk.Company.Name
		}
	}
	p.Description, p.Spam = tk.DescriptionText, tk.Spam
	return p
}

// Conversations lists a ticket's replies and notes.
func (t Tickets) Conversations(ctx context.Context, id int64) ([]port.Conversation, error) {
	list, err := t.C.Conversations(ctx, id)
	if err != nil {
		return nil, err
	}
	return toConversations(list), nil
}

func toConversations(list []Conversation) []port.Conversation {
	out := make([]port.Conversation, len(list))
	for i, c := range list {
		out[i] = port.Conversation{Incoming: c.Incoming, Private: c.Private, Text: c.BodyText, HTML: c.Body, Created: c.CreatedAt}
	}
	return out
}

// includedConversations is how many conversations a ticket read with
// include=conversations holds at most (FreshDesk's cap).
const includedConversations = 10

// TicketWithNotes reads one ticket with its stats, its company's name and
// its first conversations, in one request (each include an API credit
// more). all reports that they are every conversation it has: fewer than
// FreshDesk's cap came.
func (t Tickets) TicketWithNotes(ctx context.Context, id int64, requester bool) (port.Ticket, []port.Conversation, bool, error) {
	tk, err := t.read(ctx, id, requester, "conversations", "company")
	if err != nil {
		return port.Ticket{}, nil, false, err
	}
	return toPort(tk), toConversations(tk.Conversations), len(tk.Conversations) < includedConversations, nil
}

// Reply sends a public reply to the requester.
func (t Tickets) Reply(ctx context.Context, id int64, html string) error {
	defer t.Snap.touch(id)
	_, err := t.C.Reply(ctx, id, html)
	return err
}

// Note adds a private note.
func (t Tickets) Note(ctx context.Context, id int64, html string) error {
	defer t.Snap.touch(id)
	_, err := t.C.AddNote(ctx, id, html, true)
	return err
}

// List lists the tickets updated since q.Since, oldest change first.
func (t Tickets) List(ctx context.Context, q port.TicketQuery) ([]port.Ticket, error) {
	return t.list(ctx, q)
}

// list reads the tickets q asks for: from the run's snapshot when it
// covers them (without what q does not ask for: a part that did not ask
// for requester names or descriptions never holds them), else from
// FreshDesk. Oldest change first, spam included.
func (t Tickets) list(ctx context.Context, q port.TicketQuery) ([]port.Ticket, error) {
	if t.Snap.covers(q.Since) && (!q.Description || t.Snap.Description) {
		all, err := t.Snap.tickets(ctx, t.C)
		if err != nil {
			return nil, err
		}
		var out []port.Ticket
		for _, tk := range all {
			if tk.UpdatedAt.Before(q.Since) {
				continue
			}
			p := toPort(tk)
			if !q.Requester {
				p.RequesterName = ""
			}
			if !q.Description {
				p.Description = ""
			}
			out = append(out, p)
		}
		return out, nil
	}
	include := []string{"stats"}
	if q.Requester {
		include = append(include, "requester")
	}
	if q.Description {
		include = append(include, "description")
	}
	list, err := t.C.ListTickets(ctx, ListOptions{UpdatedSince: q.Since, OrderBy: "updated_at", OrderType: "asc", Include: include})
	if err != nil {
		return nil, err
	}
	out := make([]port.Ticket, len(list))
	for i, tk := range list {
		out[i] = toPort(tk)
	}
	return out, nil
}

// Ticket reads one ticket with its stats.
func (t Tickets) Ticket(ctx context.Context, id int64, requester bool) (port.Ticket, error) {
	tk, err := t.read(ctx, id, requester)
	if err != nil {
		return port.Ticket{}, err
	}
	return toPort(tk), nil
}

// read reads one ticket with its stats, the requester when asked, and
// the other includes named.
func (t Tickets) read(ctx context.Context, id int64, requester bool, include ...string) (Ticket, error) {
	include = append([]string{"stats"}, include...)
	if requester {
		include = append(include, "requester")
	}
	return t.C.Ticket(ctx, id, include...)
}

// CompanyName names a company.
func (t Tickets) CompanyName(ctx context.Context, id int64) (string, error) {
	co, err := t.C.Company(ctx, id)
	return co.Name, err
}

// SetStatus changes a ticket's status.
func (t Tickets) SetStatus(ctx context.Context, id int64, status int) error {
	defer t.Snap.touch(id)
	_, err := t.C.UpdateTicket(ctx, id, map[string]any{"status": status})
	return err
}

// AddNote adds a private note and returns it as stored.
func (t Tickets) AddNote(ctx context.Context, id int64, html string) (port.Conversation, error) {
	defer t.Snap.touch(id)
	c, err := t.C.AddNote(ctx, id, html, true)
	if err != nil {
		return port.Conversation{}, err
	}
	return port.Conversation{Private: true, Text: c.BodyText, HTML: c.Body, Created: c.CreatedAt}, nil
}

// AgentURL is the agent's address of a ticket.
func (t Tickets) AgentURL(id int64) string { return t.C.AgentURL(id) }

// HTTPStatus is the status FreshDesk answered with, for port.Refused and
// port.ServerFault.
func (e *Error) HTTPStatus() int { return e.Status }

// OpenUnchangedSince lists the open tickets (every status the account
// counts as open) that have not changed since before: the quiet ones a
// list by updated_since leaves out. Through the search index, which lags
// by minutes: right for tickets quiet for days.
func (t Tickets) OpenUnchangedSince(ctx context.Context, before time.Time) ([]int64, error) {
	open, err := t.C.OpenStatuses(ctx)
	if err != nil {
		return nil, err
	}
	// updated_at:<'D' is "on or before D": the day before before.
	day := before.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	var ids []int64
	seen := map[int64]bool{}
	for _, q := range statusQueries("updated_at:<'"+day+"'", open) {
		tickets, err := t.C.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, tk := range tickets {
			if !seen[tk.ID] {
				seen[tk.ID] = true
				ids = append(ids, tk.ID)
			}
		}
	}
	return ids, nil
}
