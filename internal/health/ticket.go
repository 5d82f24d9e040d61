package health

import (
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// FreshDesk's statuses the report reads.
const (
	statusPending  = 3
	statusResolved = 4
	statusClosed   = 5
)

// Ticket is what the report reads of one ticket: FreshDesk's fields and
// stats, and the agent's public replies when its conversations were read.
type Ticket struct {
	ID       int64
	Priority int // 1 Low .. 4 Urgent
	Status   int // 2 open, 3 pending, 4 resolved, 5 closed; others count as open
	Spam     bool
	Created  time.Time
	// Updated is FreshDesk's updated_at: the reply cache keys on it.
	Updated time.Time
	// FirstResponded and AgentResponded are the first and the latest
	// public agent reply (stats); zero: none yet.
	FirstResponded, AgentResponded time.Time
	// PendingSince and StatusUpdated are the stats that bound the ticket's
	// latest Pending spell.
	PendingSince, StatusUpdated time.Time
	// Resolved is the first resolution after the latest reopening; zero
	// while open.
	Resolved time.Time
	Hub      untrusted.Text // the company's name: a stranger wrote it
	HubDown  bool
	// Replies are the agent's public replies (neither incoming nor
	// private), when RepliesKnown; otherwise only the stats' first and
	// latest reply are known.
	Replies      []time.Time
	RepliesKnown bool
}

// FromPort is the report's view of a helpdesk ticket; hub is its company's
// name ("" for none). Its replies are unknown until WithReplies.
func FromPort(t port.Ticket, hub string) Ticket {
	return Ticket{
		ID: t.ID, Priority: t.Priority, Status: t.Status, Spam: t.Spam,
		Created: t.Created, Updated: t.Updated,
		FirstResponded: t.FirstResponded, AgentResponded: t.AgentResponded,
		PendingSince: t.PendingSince, StatusUpdated: t.StatusUpdated,
		Resolved: t.ResolvedAt, Hub: untrusted.Of(hub),
		HubDown: slices.ContainsFunc(t.Tags, func(tag string) bool { return strings.EqualFold(tag, sla.HubDownTag) }),
	}
}

// PublicReplies are the times of the agent's public replies among a
// ticket's conversations: not from the requester, not a private note.
func PublicReplies(convs []port.Conversation) []time.Time {
	var out []time.Time
	for _, c := range convs {
		if !c.Incoming && !c.Private && !c.Created.IsZero() {
			out = append(out, c.Created)
		}
	}
	return out
}

// WithReplies returns t with its public replies known.
func (t Ticket) WithReplies(replies []time.Time) Ticket {
	t.Replies, t.RepliesKnown = slices.Clone(replies), true
	return t
}

// resolvedAt is when the ticket was resolved, zero while open. A resolved
// or closed ticket without resolved_at counts as resolved at its last
// status change, else its last update.
func (t Ticket) resolvedAt() time.Time {
	if !t.Resolved.IsZero() {
		return t.Resolved
	}
	if t.Status == statusResolved || t.Status == statusClosed {
		if !t.StatusUpdated.IsZero() {
			return t.StatusUpdated
		}
		return t.Updated
	}
	return time.Time{}
}

// pending is the ticket's known Pending spell [from, to); to is zero while
// it runs (the ticket is Pending now). ok is false when none is known. See
// the package doc: a resolved ticket's status_updated_at is its
// resolution, so its spell is known only when it began after the last
// public reply (the ticket waited on the requester, then was resolved).
func (t Ticket) pending() (from, to time.Time, ok bool) {
	ps := t.PendingSince
	switch {
	case ps.IsZero():
	case t.Status == statusPending:
		return ps, time.Time{}, true
	case !t.resolvedAt().IsZero():
		if res := t.resolvedAt(); !ps.Before(t.AgentResponded) && res.After(ps) {
			return ps, res, true
		}
	case t.StatusUpdated.After(ps):
		return ps, t.StatusUpdated, true
	}
	return time.Time{}, time.Time{}, false
}

// pendingAt reports whether the ticket was Pending at e.
func (t Ticket) pendingAt(e time.Time) bool {
	from, to, ok := t.pending()
	return ok && !e.Before(from) && (to.IsZero() || e.Before(to))
}

// Input is what a report is built from.
type Input struct {
	Now time.Time
	// Weeks is how many weeks the report covers, the current one
	// included: 0 means 12, and more than MaxWeeks means MaxWeeks.
	Weeks    int
	Roster   *roster.Roster
	Calendar *workdays.Calendar
	Policy   sla.Policy
	// Tickets must hold every ticket created in the report's weeks and
	// every ticket open at any time in them (FreshDesk: updated since the
	// first week's start, plus the tickets open now).
	Tickets []Ticket
}

// DefaultWeeks and MaxWeeks bound Input.Weeks.
const (
	DefaultWeeks = 12
	MaxWeeks     = 104
)

func (in Input) weeks() int {
	switch {
	case in.Weeks <= 0:
		return DefaultWeeks
	case in.Weeks > MaxWeeks:
		return MaxWeeks
	}
	return in.Weeks
}

// firstResponseTarget and updateEvery are the policy's targets, at least
// one working day each, as sla.Evaluate reads them.
func (in Input) firstResponseTarget() time.Duration {
	return time.Duration(max(in.Policy.FirstResponse, 1)) * workdays.Day
}

func (in Input) updateEvery() int { return max(in.Policy.UpdateEvery, 1) }
