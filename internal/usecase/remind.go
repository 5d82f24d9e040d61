package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/health"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/workdays"

	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/untrusted"
)

// DashboardLabel marks the dashboard issue so it is found by listing.
const DashboardLabel = sla.DashboardLabel

// Triage carries out the response-target and routing decisions of
// internal/sla and internal/routing on the support issues: the one
// dashboard issue, one comment per lapse and period, and assigning support
// issues with a comment saying why.
type Triage struct {
	Issues port.Issues
	Desk   port.Helpdesk // optional: without it, the dashboard has no tickets
	Roster *roster.Roster
	Label  string // the support label
	Now    time.Time
	// Health, when set, adds the support health report to the dashboard,
	// from the tickets the dashboard reads anyway.
	Health *Health
	memo   *historyMemo
}

func (t *Triage) calendar() *workdays.Calendar {
	return workdays.New(t.Roster.Location(), t.Roster.Holidays)
}

// RemindResult is what a remind run did.
type RemindResult struct {
	Dashboard      int `json:"dashboard"`
	DashboardEdits int `json:"dashboard_edits"`
	// Lapses are the overdue mirrored tickets (each gets a comment);
	// Overdue lists every overdue ticket.
	Lapses   int     `json:"lapses"`
	Comments int     `json:"lapse_comments"`
	Body     string  `json:"-"`
	Open     int     `json:"open_tickets"`
	Overdue  []int64 `json:"overdue,omitempty"`
	// Health is what the support health report cost (nil: not made).
	Health *HealthCost `json:"health,omitempty"`
}

// Remind keeps the dashboard issue and comments once on each lapse.
func (t *Triage) Remind(ctx context.Context, dryRun bool) (RemindResult, error) {
	var res RemindResult
	open, err := t.Issues.List(ctx, t.Label, "open")
	if err != nil {
		return res, err
	}
	// Newest first, as the dashboard has always listed them.
	slices.SortFunc(open, func(a, b port.Issue) int { return b.Number - a.Number })
	mirrored := map[int64]int{}
	assigned := map[int][]string{}
	hubs := map[int64]string{}
	cal := t.calendar()
	var attention []sla.Attention
	for _, is := range open {
		if id, st, ok := mirror.TicketOf(is.Body); ok {
			mirrored[id] = is.Number
			if st.Company != 0 {
				hubs[st.Company] = st.Hub
			}
		}
		assigned[is.Number] = append(assigned[is.Number], is.Assignees...)
		switch {
		case len(is.Assignees) == 0:
			attention = append(attention, sla.Attention{Number: is.Number, Title: untrusted.Of(is.Title), Why: "no one is assigned"})
		case cal.Between(is.Updated, t.Now) >= time.Duration(t.Roster.SLA.UpdateEveryDays())*workdays.Day:
			attention = append(attention, sla.Attention{Number: is.Number, Title: untrusted.Of(is.Title),
				Why: fmt.Sprintf("no update for %d working days", int(cal.Between(is.Updated, t.Now)/workdays.Day))})
		}
	}
	board := sla.Board{Now: t.Now, Status: rotation.Who(t.Roster, t.Roster.Today(t.Now)), Roster: t.Roster, Calendar: cal,
		Policy: sla.Policy{FirstResponse: t.Roster.SLA.FirstResponseDays(), UpdateEvery: t.Roster.SLA.UpdateEveryDays()}, Issues: attention}
	if t.Desk != nil {
		// Open tickets changed in the last 90 days, with their timestamps.
		tickets, err := t.Desk.Changed(ctx, t.Now.AddDate(0, 0, -90), false)
		if err != nil {
			return res, fmt.Errorf("listing FreshDesk tickets: %w", err)
		}
		if t.Health != nil {
			// The support health report, from the same read: its weeks
			// fit in the 90 days listed.
			t.Health.Hubs = hubs // named from the issues; the report adds what it reads
			r, cost, err := t.Health.Report(ctx, health.DefaultWeeks, tickets)
			if err != nil {
				return res, fmt.Errorf("the support health report: %w", err)
			}
			res.Health = &cost
			t.Health.Publish(r)
			var md strings.Builder
			if err := r.WriteMarkdown(&md); err != nil {
				return res, err
			}
			board.Sections = append(board.Sections, md.String())
		}
		for _, tk := range tickets {
			if mirror.Done(tk.Status) || tk.Spam {
				continue
			}
			ot := sla.OpenTicket{Ticket: slaTicket(tk), Priority: tk.Priority, HubDown: hasTag(tk.Tags, sla.HubDownTag), URL: t.Desk.AgentURL(tk.ID), Issue: mirrored[tk.ID]}
			if tk.Company != 0 {
				name, ok := hubs[tk.Company]
				if !ok {
					if name, err = t.Desk.CompanyName(ctx, tk.Company); err != nil {
						return res, fmt.Errorf("reading FreshDesk company %d: %w", tk.Company, err)
					}
					hubs[tk.Company] = name
				}
				ot.Hub = untrusted.Of(name)
			}
			board.Tickets = append(board.Tickets, ot)
		}
	}
	// Fairness: how the work was spread, from the history routing reads
	// anyway in the same run.
	since := t.Roster.Today(t.Now).AddDays(-HistoryDays)
	f, err := t.Fairness(ctx, since)
	if err != nil {
		return res, fmt.Errorf("reading the routing history for the fairness section: %w", err)
	}
	var fair strings.Builder
	if err := f.WriteMarkdown(&fair); err != nil {
		return res, err
	}
	board.Sections = append(board.Sections, fair.String())
	body, lapses := board.Render()
	res.Body, res.Open = body, len(board.Tickets)
	for _, l := range lapses {
		res.Overdue = append(res.Overdue, l.Ticket)
		if l.Issue != 0 {
			res.Lapses++
		}
	}
	if dryRun {
		return res, nil
	}
	if res.Dashboard, res.DashboardEdits, err = t.keepDashboard(ctx, body); err != nil {
		return res, err
	}
	for _, l := range lapses {
		// A mirrored ticket's reminder goes on its issue; one without an
		// issue is raised on the dashboard, where a comment notifies (an
		// edit of its body would not).
		on, assignees := l.Issue, assigned[l.Issue]
		if on == 0 {
			on = res.Dashboard
		}
		posted, err := t.lapseComment(ctx, on, l, t.mentions(l, assignees, board.Status))
		if err != nil {
			return res, err
		}
		if posted {
			res.Comments++
		}
	}
	return res, nil
}

func hasTag(tags []string, tag string) bool {
	return slices.ContainsFunc(tags, func(x string) bool { return strings.EqualFold(x, tag) })
}

// mentions names who hears of a lapse in its period (sla.Escalation): the
// engineer asked, then the stewards on duty, then everyone around today.
func (t *Triage) mentions(l sla.Lapse, assignees []string, st rotation.Status) []string {
	var who []string
	switch sla.Escalation(l.Period, len(assignees) > 0) {
	case sla.Asked:
		who = assignees
	case sla.Stewards:
		for _, s := range st.OnDuty {
			who = append(who, s.GitHub)
		}
	case sla.Team:
		today := t.Roster.Today(t.Now)
		for _, e := range t.Roster.Engineers {
			if _, away := e.AwayOn(today); e.OnTeam(today) && !away {
				who = append(who, e.GitHub)
			}
		}
	}
	out := make([]string, len(who))
	for i, w := range who {
		out[i] = "@" + w
	}
	return out
}

func slaTicket(tk port.Ticket) sla.Ticket {
	return sla.Ticket{ID: tk.ID, Status: tk.Status, Created: tk.Created, FirstRespondedAt: tk.FirstResponded, AgentRespondedAt: tk.AgentResponded,
		RequesterRespondedAt: tk.RequesterResponded, PendingSince: tk.PendingSince, StatusUpdatedAt: tk.StatusUpdated}
}

// dashboards are the open dashboard issues, oldest first.
func (t *Triage) dashboards(ctx context.Context) ([]port.Issue, error) {
	existing, err := t.Issues.List(ctx, DashboardLabel, "open")
	if err != nil {
		return nil, err
	}
	existing = slices.DeleteFunc(existing, func(is port.Issue) bool { return !strings.HasPrefix(is.Body, sla.DashboardMarker) })
	slices.SortFunc(existing, func(a, b port.Issue) int { return a.Number - b.Number })
	return existing, nil
}

// openDashboard opens the dashboard issue: the one place that does.
func (t *Triage) openDashboard(ctx context.Context, body string) (int, error) {
	is, err := t.Issues.Create(ctx, port.NewIssue{Title: "Support dashboard", Body: body, Labels: []string{DashboardLabel}})
	if err != nil {
		return 0, fmt.Errorf("opening the dashboard: %w", err)
	}
	return is.Number, nil
}

// Dashboard is the dashboard issue's number, for the records other parts
// keep on it (Slack's journal): the one the remind run keeps (the oldest
// open one), 0 when there is none, or, with open, a new one for the next
// remind to fill in. The dashboard's rules live here alone.
func (t *Triage) Dashboard(ctx context.Context, open bool) (int, error) {
	existing, err := t.dashboards(ctx)
	switch {
	case err != nil:
		return 0, err
	case len(existing) > 0:
		return existing[0].Number, nil
	case !open:
		return 0, nil
	}
	return t.openDashboard(ctx, sla.DashboardMarker+"\n_The support dashboard: steward's next remind run fills it in._\n")
}

// keepDashboard edits the one dashboard issue in place, or opens it. Two
// runs that both found none open two; every later run keeps the oldest
// (lowest number) and closes the others, so all runs converge on one.
func (t *Triage) keepDashboard(ctx context.Context, body string) (number, edits int, err error) {
	existing, err := t.dashboards(ctx)
	if err != nil {
		return 0, 0, err
	}
	if len(existing) == 0 {
		n, err := t.openDashboard(ctx, body)
		if err != nil {
			return 0, 0, err
		}
		return n, 1, nil
	}
	keep := existing[0]
	for _, extra := range existing[1:] {
		if _, err := t.Issues.Edit(ctx, extra.Number, port.IssueEdit{State: ptr("closed"), StateReason: ptr("not_planned")}); err != nil {
			return keep.Number, edits, fmt.Errorf("closing the second dashboard #%d: %w", extra.Number, err)
		}
		edits++
	}
	if keep.Body == body {
		return keep.Number, edits, nil
	}
	if _, err := t.Issues.Edit(ctx, keep.Number, port.IssueEdit{Body: &body}); err != nil {
		return keep.Number, edits, fmt.Errorf("editing the dashboard #%d: %w", keep.Number, err)
	}
	return keep.Number, edits + 1, nil
}

// lapseComment raises a lapse on an issue once per period, mentioning who.
func (t *Triage) lapseComment(ctx context.Context, issue int, l sla.Lapse, who []string) (bool, error) {
	comments, err := t.Issues.Comments(ctx, issue)
	if err != nil {
		return false, fmt.Errorf("reading #%d's comments: %w", issue, err)
	}
	if slices.ContainsFunc(comments, func(c port.Comment) bool { return strings.Contains(c.Body, l.Marker()) }) {
		return false, nil
	}
	if err := t.Issues.Comment(ctx, issue, l.Reminder(who, t.Roster.Location())); err != nil {
		return false, fmt.Errorf("commenting on #%d: %w", issue, err)
	}
	return true, nil
}
