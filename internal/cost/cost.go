// Package cost works out what running steward costs a team: GitHub
// Actions minutes a month (GitHub bills each job rounded up to a whole
// minute; the Free plan includes 2,000 a month for private repositories)
// and the requests a day against GitHub's and FreshDesk's limits, for the
// scheduled catch-up alone, the catch-up plus a dispatch per ticket change
// (a FreshDesk automation rule), and `steward serve`. It is arithmetic on
// stated assumptions, each a field, so a team can put in its own.
package cost

import (
	"fmt"
	"io"
	"math"
)

// Team is what the figures depend on.
type Team struct {
	// TicketsPerWeek come in; Engineering of them need engineering (they
	// carry the mirrored tag), and only those fire the automation rule.
	TicketsPerWeek, Engineering int
	// DispatchesPerTicket is how many times the rule fires for one such
	// ticket over its life (created or tagged, priority and status
	// changes): 3 by default.
	DispatchesPerTicket float64
	// IssueEventsPerTicket is how many changes to such a ticket's support
	// issue start a run of their own: the labels steward puts on it as it
	// creates it (their run routes it; the workflow skips every other event
	// a bot caused) and people's (closing it, unassigning themselves);
	// steward cost's default is 3.
	IssueEventsPerTicket float64
}

// Assumptions of the shipped workflow and of a run's cost, measured with
// the sandboxes (BENCHMARKS.md): a job that ends within a minute is billed
// one; a quiet scheduled run costs 1 FreshDesk and 2 GitHub requests, a
// busy one more; a dispatched new ticket 2 FreshDesk and 3 GitHub.
const (
	weeksPerMonth      = 365.25 / 12 / 7
	weekdayRunsPerWeek = 5 * 24 // hourly on weekdays
	weekendRunsPerWeek = 2 * 6  // every four hours at weekends
	oldRunsPerWeek     = 5*24*4 + 2*12
	minutesPerRun      = 1
	// FreeMinutes is GitHub Free's monthly allowance for private repositories.
	FreeMinutes        = 2000
	scheduledGitHub    = 2
	scheduledFreshdesk = 1
	dispatchGitHub     = 3
	dispatchFreshdesk  = 2
	perChangeGitHub    = 4 // a change the schedule carries: about a new ticket's writes
	perChangeFreshdesk = 1
)

// Figures are a month's cost.
type Figures struct {
	Team Team `json:"team"`
	// Minutes a month: the catch-up schedule alone (changes wait up to an
	// hour, four at weekends), plus dispatches (a ticket reaches GitHub in
	// about a minute), and the every-15-minutes schedule steward shipped
	// before, for comparison. With `steward serve`, the Action runs only
	// the catch-up (for rotation and reminders) and the server does the rest.
	ScheduleMinutes      int  `json:"schedule_minutes"`
	DispatchMinutes      int  `json:"dispatch_minutes"`
	ScheduleDispatch     int  `json:"schedule_and_dispatch_minutes"`
	OldScheduleMinutes   int  `json:"old_schedule_minutes"`
	WithinFree           bool `json:"within_free_minutes"`
	ServeActionMinutes   int  `json:"serve_action_minutes"`
	GitHubRequestsDay    int  `json:"github_requests_a_day"`
	FreshdeskRequestsDay int  `json:"freshdesk_requests_a_day"`
}

// Month works out t's figures.
func Month(t Team) (Figures, error) {
	if t.TicketsPerWeek < 0 || t.Engineering < 0 || t.Engineering > t.TicketsPerWeek || t.TicketsPerWeek > 1_000_000 {
		return Figures{}, fmt.Errorf("tickets a week %d with %d needing engineering: want 0 <= engineering <= tickets <= 1,000,000", t.TicketsPerWeek, t.Engineering)
	}
	if t.DispatchesPerTicket == 0 {
		t.DispatchesPerTicket = 3
	}
	if t.DispatchesPerTicket < 0 || t.DispatchesPerTicket > 100 || math.IsNaN(t.DispatchesPerTicket) {
		return Figures{}, fmt.Errorf("dispatches a ticket %g: want 0 to 100", t.DispatchesPerTicket)
	}
	if t.IssueEventsPerTicket < 0 || t.IssueEventsPerTicket > 100 || math.IsNaN(t.IssueEventsPerTicket) {
		return Figures{}, fmt.Errorf("issue events a ticket %g: want 0 to 100", t.IssueEventsPerTicket)
	}
	month := func(perWeek float64) int { return int(math.Ceil(perWeek * weeksPerMonth)) }
	runs := float64(weekdayRunsPerWeek + weekendRunsPerWeek)
	// A run per dispatch and per person's change to a support issue, each
	// for that one thing.
	dispatches := float64(t.Engineering) * (t.DispatchesPerTicket + t.IssueEventsPerTicket)
	f := Figures{Team: t,
		ScheduleMinutes:    month(runs * minutesPerRun),
		DispatchMinutes:    month(dispatches * minutesPerRun),
		OldScheduleMinutes: month(oldRunsPerWeek * minutesPerRun),
		ServeActionMinutes: month(runs * minutesPerRun),
	}
	f.ScheduleDispatch = f.ScheduleMinutes + f.DispatchMinutes
	f.WithinFree = f.ScheduleDispatch <= FreeMinutes
	changes := dispatches / 7
	f.GitHubRequestsDay = int(math.Ceil(runs/7*scheduledGitHub + changes*(dispatchGitHub+perChangeGitHub)))
	f.FreshdeskRequestsDay = int(math.Ceil(runs/7*scheduledFreshdesk + changes*(dispatchFreshdesk+perChangeFreshdesk)))
	return f, nil
}

// WriteText says the figures for people.
func (f Figures) WriteText(w io.Writer) error {
	within := "within"
	if !f.WithinFree {
		within = "over"
	}
	_, err := fmt.Fprintf(w, `For %d tickets a week, %d of them needing engineering (%.0f dispatches and %.0f people's changes to its issue each):
  Actions minutes a month, the hourly catch-up schedule alone:   %5d (a change waits up to an hour, four at weekends)
  the catch-up plus a run per ticket or issue change:            %5d (a ticket reaches GitHub in about a minute; %s GitHub Free's %d)
  with steward serve (the catch-up still runs the rotation):     %5d, and the server's own hosting
  the every-15-minutes schedule shipped before:                  %5d
Requests a day, schedule plus dispatches: GitHub about %d (an App installation may make 5,000 an hour), FreshDesk about %d (Growth plans 200 a minute).
`, f.Team.TicketsPerWeek, f.Team.Engineering, f.Team.DispatchesPerTicket, f.Team.IssueEventsPerTicket, f.ScheduleMinutes, f.ScheduleDispatch, within, FreeMinutes,
		f.ServeActionMinutes, f.OldScheduleMinutes, f.GitHubRequestsDay, f.FreshdeskRequestsDay)
	return err
}
