package usecase

import (
	"context"
	"fmt"
	"log/slog"
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
	Log      *slog.Logger
}

// HealthCost is what a report read of FreshDesk.
type HealthCost struct {
	// Listed is how many tickets the report looked at; Listing is false
	// when they came from the run's own read (free for the report).
	Listed  int  `json:"listed"`
	Listing bool `json:"listing"`
	// Conversations and Companies are the reads the report made.
	Conversations int `json:"conversations"`
	Companies     int `json:"companies"`
	// Cached is how many tickets' replies came from the cache.
	Cached int `json:"cached"`
	// Unread is how many tickets still need their replies read (the
	// budget ran out): the next runs read them.
	Unread int `json:"unread"`
}

// Credits is what the report cost in FreshDesk credits, at most
// health.ReportCredits.
func (c HealthCost) Credits() int {
	n := c.Conversations*health.ConversationPageCredits + c.Companies
	if c.Listing {
		n += health.ListCredits(c.Listed)
	}
	return n
}

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
// earlier (the dashboard's): the report then lists nothing itself.
func (h *Health) Report(ctx context.Context, weeks int, listed []port.Ticket) (health.Report, HealthCost, error) {
	var cost HealthCost
	if listed == nil {
		var err error
		if listed, err = h.Desk.Changed(ctx, h.ListSince(weeks), false); err != nil {
			return health.Report{}, cost, fmt.Errorf("listing FreshDesk tickets: %w", err)
		}
		cost.Listing = true
	}
	cost.Listed = len(listed)
	cache := health.NewCache()
	if h.CacheDir != "" {
		var err error
		if cache, err = health.LoadCache(h.CacheDir); err != nil {
			h.log().Warn("the support health cache was not read; the report reads again", "err", err)
		}
	}
	// What the list costs is counted whoever paid for it: what is left of
	// the report's credits names hubs and reads conversations.
	left := health.ReportCredits - health.ListCredits(len(listed))
	tickets := make([]health.Ticket, 0, len(listed))
	for _, t := range listed {
		hub := ""
		if t.Company != 0 {
			name, ok := cache.Hub(t.Company)
			if !ok && left > 0 {
				var err error
				if name, err = h.Desk.CompanyName(ctx, t.Company); err != nil {
					return health.Report{}, cost, fmt.Errorf("reading FreshDesk company %d: %w", t.Company, err)
				}
				cost.Companies++
				left--
				cache.PutHub(t.Company, name)
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
		if err != nil {
			return health.Report{}, cost, fmt.Errorf("reading the conversations of FreshDesk ticket %d: %w", id, err)
		}
		cost.Conversations++
		read[id] = health.PublicReplies(convs)
	}
	cost.Unread = needed - len(ids)
	for i, t := range in.Tickets {
		if replies, ok := read[t.ID]; ok {
			in.Tickets[i] = t.WithReplies(replies)
			cache.Put(t.ID, t.Updated, replies)
		}
	}
	r := health.Build(in)
	if h.CacheDir != "" {
		cache.Prune(health.Start(in))
		if err := cache.Save(h.CacheDir); err != nil {
			h.log().Warn("the support health cache was not saved; the next report reads again", "err", err)
		}
		if err := r.Save(h.CacheDir); err != nil {
			h.log().Warn("the support health report was not saved for the team page", "err", err)
		}
	}
	return r, cost, nil
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
