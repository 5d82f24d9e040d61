package usecase

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/workdays"
)

// HealthDesk is the helpdesk as the support health report reads it.
type HealthDesk interface {
	Changed(ctx context.Context, since time.Time, withRequester bool) ([]port.Ticket, error)
	// OpenUnchangedSince lists the open tickets not changed since before.
	OpenUnchangedSince(ctx context.Context, before time.Time) ([]int64, error)
	Ticket(ctx context.Context, id int64, requester bool) (port.Ticket, error)
	Conversations(ctx context.Context, id int64) ([]port.Conversation, error)
	CompanyName(ctx context.Context, id int64) (string, error)
}

// Health makes the support health report (internal/health) from FreshDesk:
// the tickets of the report's weeks with their stats, the public replies
// of the few tickets whose stats cannot settle the "updates on time"
// figure, and the hubs' names. Replies and names are cached between runs
// in CacheDir (STEWARD_CACHE_DIR; "" keeps nothing), so a warm report
// reads only the conversations of tickets that changed since. One report
// spends at most health.ReportCredits of FreshDesk's credits, a tenth of an
// hour on the smallest paid plan; what it could not read this time is
// counted as unknown and read by the next runs, oldest change first.
type Health struct {
	Desk     HealthDesk
	Roster   *roster.Roster
	Now      time.Time
	CacheDir string
	// Hubs, when set, are company names already known (the dashboard's,
	// from its issues); the report adds those it reads, so a run names
	// each company once.
	Hubs map[int64]string
	Log  *slog.Logger
}

// HealthCost is what a report read of FreshDesk.
type HealthCost struct {
	// Listed is how many tickets the list gave the report; Listing is
	// false when they came from the run's own read (free for the report).
	Listed  int  `json:"listed"`
	Listing bool `json:"listing"`
	// Conversations and Companies are the reads the report made.
	Conversations int `json:"conversations"`
	Companies     int `json:"companies"`
	// Quiet is how many open tickets unchanged since the list's window
	// were found (one search) and read one by one, at most maxQuiet.
	Quiet int `json:"quiet"`
	// Cached is how many tickets' replies came from the cache.
	Cached int `json:"cached"`
	// Unread is how many tickets still need their replies read (the
	// budget ran out): the next runs read them.
	Unread int `json:"unread"`
}

// Credits is what the report cost in FreshDesk credits, or a little more
// (the account's statuses, once a client, are counted every time); at
// most health.ReportCredits.
func (c HealthCost) Credits() int {
	n := c.Conversations*health.ConversationPageCredits + c.Companies + c.Quiet*quietCredits + searchCredits
	if c.Listing {
		n += health.ListCredits(c.Listed)
	}
	return n
}

// A ticket read with its stats costs 3 credits; the search for quiet open
// tickets 2: the account's statuses (read once by a client) and one page
// of 30, the common case.
const (
	quietCredits  = 3
	searchCredits = 2
	maxQuiet      = health.ReportCredits / 4 / quietCredits
)

// ListSince is how far back a report of weeks weeks lists tickets: the
// first week's start, and at least the 90 days the run reads anyway, so
// a ticket open and quiet for weeks still counts in the weeks it was open.
func (h *Health) ListSince(weeks int) time.Time {
	since := h.Now.AddDate(0, 0, -90)
	if start := health.Start(h.input(weeks, nil)); start.Before(since) {
		since = start
	}
	return since
}

func (h *Health) input(weeks int, tickets []health.Ticket) health.Input {
	return health.Input{Now: h.Now, Weeks: weeks, Roster: h.Roster, Tickets: tickets,
		Calendar: workdays.New(h.Roster.Location(), h.Roster.Holidays),
		Policy:   sla.Policy{FirstResponse: h.Roster.SLA.FirstResponseDays(), UpdateEvery: h.Roster.SLA.UpdateEveryDays()}}
}

// Report makes the report of the last weeks weeks. listed, when not nil,
// is the run's own read of the tickets changed since ListSince(weeks) or
// earlier (the dashboard's): the report then lists nothing itself. A
// company FreshDesk will not name, or a conversation it will not give,
// costs that hub its name or that ticket its replies, not the report: the
// days stay unknown, and the cache keeps what was read for the next run.
func (h *Health) Report(ctx context.Context, weeks int, listed []port.Ticket) (health.Report, HealthCost, error) {
	var cost HealthCost
	since := h.ListSince(weeks)
	if listed == nil {
		var err error
		if listed, err = h.Desk.Changed(ctx, since, false); err != nil {
			return health.Report{}, cost, fmt.Errorf("listing FreshDesk tickets: %w", err)
		}
		cost.Listing = true
	}
	// A ticket open all along and quiet since before the list's window
	// counts on every day it is open: found by a search, read by id, at
	// most maxQuiet of them a report (a quarter of its credits). Like the
	// rest, what cannot be read this time is left out, said, and not
	// allowed to stop the report.
	quiet, err := h.Desk.OpenUnchangedSince(ctx, since)
	if err != nil {
		h.log().Warn("the support health report leaves out open tickets quiet since before its list: the search failed", "since", since.Format(time.DateOnly), "err", err)
	}
	cost.Listed = len(listed)
	have := map[int64]bool{}
	for _, t := range listed {
		have[t.ID] = true
	}
	listed = slices.Clone(listed)
	for _, id := range quiet {
		if have[id] {
			continue
		}
		if cost.Quiet == maxQuiet {
			h.log().Warn("the support health report reads at most this many quiet open tickets; the rest are left out", "read", maxQuiet, "found", len(quiet))
			break
		}
		t, err := h.Desk.Ticket(ctx, id, false)
		cost.Quiet++
		if port.NotFound(err) {
			continue // deleted since the search's index saw it
		}
		if err != nil {
			h.log().Warn("reading quiet open tickets for the support health report stopped", "ticket", id, "err", err)
			break
		}
		have[id] = true
		listed = append(listed, t)
	}
	cache := health.NewCache()
	if h.CacheDir != "" {
		if cache, err = health.LoadCache(h.CacheDir); err != nil {
			h.log().Warn("the support health cache was not read; the report reads again", "err", err)
		}
	}
	// What the list costs is counted whoever paid for it: what is left of
	// the report's credits names hubs and reads conversations.
	left := health.ReportCredits - health.ListCredits(cost.Listed) - cost.Quiet*quietCredits - searchCredits
	tickets := make([]health.Ticket, 0, len(listed))
	for _, t := range listed {
		hub := ""
		if t.Company != 0 {
			name, ok := h.Hubs[t.Company]
			if !ok {
				name, ok = cache.Hub(t.Company)
			}
			if !ok && left > 0 {
				name, err = h.Desk.CompanyName(ctx, t.Company)
				cost.Companies++
				left--
				switch {
				case port.NotFound(err):
					// Deleted, or not this agent's to see: an unnamed hub,
					// not asked again.
					cache.PutHub(t.Company, "")
					ok = true
				case err != nil:
					h.log().Warn("a FreshDesk company's name could not be read; its tickets count without a hub this time", "company", t.Company, "err", err)
				default:
					cache.PutHub(t.Company, name)
					ok = true
				}
			}
			if ok && h.Hubs != nil {
				h.Hubs[t.Company] = name
			}
			hub = name
		}
		tickets = append(tickets, health.FromPort(t, hub))
	}
	in := h.input(weeks, tickets)
	before := countKnown(in.Tickets)
	in.Tickets = cache.Apply(in.Tickets)
	cost.Cached = countKnown(in.Tickets) - before
	ids, needed := in.ToRead(max(left, 0) / health.ConversationPageCredits)
	read := map[int64][]time.Time{}
	for _, id := range ids {
		convs, err := h.Desk.Conversations(ctx, id)
		cost.Conversations++
		if err != nil {
			// The rest wait for the next run; what was read is kept.
			h.log().Warn("reading conversations for the support health report stopped; the next run goes on", "ticket", id, "err", err)
			break
		}
		read[id] = health.PublicReplies(convs)
	}
	cost.Unread = needed - len(read)
	for i, t := range in.Tickets {
		if replies, ok := read[t.ID]; ok {
			in.Tickets[i] = t.WithReplies(replies)
			cache.Put(t.ID, t.Updated, replies)
		}
	}
	r := health.Build(in)
	if h.CacheDir != "" {
		// A shorter report than the dashboard's keeps what the dashboard's
		// will read.
		keep := health.Start(in)
		if dashboard := health.Start(h.input(health.DefaultWeeks, nil)); dashboard.Before(keep) {
			keep = dashboard
		}
		cache.Prune(keep)
		if err := cache.Save(h.CacheDir); err != nil {
			h.log().Warn("the support health cache was not saved; the next report reads again", "err", err)
		}
	}
	return r, cost, nil
}

// Publish saves r in CacheDir as the report the team page shows. The
// dashboard's report is published (Triage.Remind), not a `steward report`
// of another window or a replayed day.
func (h *Health) Publish(r health.Report) {
	if h.CacheDir == "" {
		return
	}
	if err := r.Save(h.CacheDir); err != nil {
		h.log().Warn("the support health report was not saved for the team page", "err", err)
	}
}

func countKnown(ts []health.Ticket) int {
	n := 0
	for _, t := range ts {
		if t.RepliesKnown {
			n++
		}
	}
	return n
}

func (h *Health) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}
