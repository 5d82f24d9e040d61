package health

import (
	"cmp"
	"slices"
	"time"
)

// outcome is how one ticket stood at the end of one working day.
type outcome int

const (
	notCounted outcome = iota // not open, not yet answered, or Pending
	onTime
	late
	unknown // the stats cannot settle it and the replies are not known
)

// dueMemo keeps the last due moment worked out for one ticket: it changes
// only with a new reply, so a ticket's days cost one AddDays per reply,
// not one per day.
type dueMemo struct {
	since, due time.Time
	set        bool
}

func (m *dueMemo) at(in Input, since time.Time) time.Time {
	if !m.set || !m.since.Equal(since) {
		m.since, m.due, m.set = since, in.Calendar.AddDays(since, in.updateEvery()), true
	}
	return m.due
}

// updateDay is t's ticket-day ending at e (see the package doc); m is t's
// memo.
func (in Input) updateDay(t Ticket, e time.Time, m *dueMemo) outcome {
	if t.Spam || t.FirstResponded.IsZero() || t.FirstResponded.After(e) || !t.Created.Before(e) {
		return notCounted
	}
	if res := t.resolvedAt(); !res.IsZero() && !res.After(e) {
		return notCounted
	}
	if t.pendingAt(e) {
		return notCounted
	}
	since := t.FirstResponded
	latestKnown := true // since is the latest reply at or before e, for sure
	if !t.AgentResponded.After(e) && t.AgentResponded.After(since) {
		since = t.AgentResponded
	}
	if t.RepliesKnown {
		for _, r := range t.Replies {
			if !r.After(e) && r.After(since) {
				since = r
			}
		}
	} else if t.AgentResponded.After(e) {
		// A reply between the first and the latest may have come later
		// than since.
		latestKnown = false
	}
	if _, to, ok := t.pending(); ok && !to.IsZero() && !to.After(e) && to.After(since) {
		since = to
	}
	if e.Before(m.at(in, since)) {
		return onTime
	}
	if !latestKnown {
		return unknown
	}
	return late
}

// NeedsReplies reports whether the report needs t's public replies (its
// conversations) to settle its updates figure: false whenever the stats
// alone settle every one of its ticket-days in the report's weeks (it has
// one public reply, or its first and latest replies are less than
// update_every working days apart, or every day they leave open was on time
// anyway), and false once its replies are known.
func (in Input) NeedsReplies(t Ticket) bool {
	if t.RepliesKnown || t.Spam || t.FirstResponded.IsZero() || !t.AgentResponded.After(t.FirstResponded) {
		return false
	}
	if in.Calendar.Between(t.FirstResponded, t.AgentResponded) < time.Duration(in.updateEvery())*24*time.Hour {
		return false
	}
	var m dueMemo
	for _, w := range in.frame().weeks {
		for _, e := range w.dayEnds {
			if in.updateDay(t, e, &m) == unknown {
				return true
			}
		}
	}
	return false
}

// The price of a report in FreshDesk credits (FreshDesk API v2: List All
// Tickets costs 1 credit a page and 2 more for include=stats; List All
// Conversations of a Ticket 1 credit a page, 100 conversations a page):
//
//	listing:        ⌈tickets / 100⌉ × 3 credits
//	conversations:  1 credit per ticket read (2 for one with over 100)
//
// A 12-week report for a team of 500 tickets a week lists 6,000 tickets:
// 60 pages, 180 credits. ReportCredits, a tenth of an hour on the
// smallest paid plan (Growth: 200 credits a minute, 12,000 an hour), leaves
// 1,020 credits: 1,020 tickets' replies on a cold cache. NeedsReplies keeps most tickets out of that (one reply,
// or replies close together); the rest are read on the following runs,
// oldest change first, the cache keeping what was read, and until then
// their unsettled days are reported as unknown. Naming hubs costs 1 credit
// a company, cached by the caller.
const (
	ListPageTickets         = 100
	ListPageCredits         = 3
	ConversationPageCredits = 1
	ReportCredits           = 1200
)

// ListCredits is what listing n tickets with their stats costs.
func ListCredits(n int) int {
	return (max(n, 0) + ListPageTickets - 1) / ListPageTickets * ListPageCredits
}

// ToRead returns the tickets whose conversations to read, at most limit
// of them, oldest change first (then by ID): a ticket that stopped
// changing is read once and stays cached, so successive runs work through
// the backlog. needed is how many need reading in all.
func (in Input) ToRead(limit int) (ids []int64, needed int) {
	var todo []Ticket
	for _, t := range in.Tickets {
		if in.NeedsReplies(t) {
			todo = append(todo, t)
		}
	}
	slices.SortFunc(todo, func(a, b Ticket) int { return cmp.Or(a.Updated.Compare(b.Updated), cmp.Compare(a.ID, b.ID)) })
	for _, t := range todo[:min(max(limit, 0), len(todo))] {
		ids = append(ids, t.ID)
	}
	return ids, len(todo)
}
