// Package triage carries out the response-target and routing decisions of
// internal/sla and internal/routing on GitHub: the one dashboard issue, one
// comment per lapse, and assigning support issues with a comment saying why.
package triage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/routing"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/workdays"
)

// DashboardLabel marks the dashboard issue so it is found by listing.
const DashboardLabel = "support-dashboard"

// Triage talks to GitHub (and FreshDesk for tickets) for one roster.
type Triage struct {
	GH          *gh.Client
	FD          *freshdesk.Client // optional: without it, the dashboard has no tickets
	Roster      *roster.Roster
	Owner, Repo string
	Label       string // the support label
	Now         time.Time
}

func (t *Triage) calendar() *workdays.Calendar {
	return workdays.New(t.Roster.Location(), t.Roster.Holidays)
}

// issues lists issues with a label, in a state, all pages.
func (t *Triage) issues(ctx context.Context, label, state string) ([]*github.Issue, error) {
	all, err := gh.All(func(page int) ([]*github.Issue, *github.Response, error) {
		return t.GH.REST.Issues.ListByRepo(ctx, t.Owner, t.Repo, &github.IssueListByRepoOptions{
			Labels: []string{label}, State: state, ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s issues: %w", label, err)
	}
	return slices.DeleteFunc(all, (*github.Issue).IsPullRequest), nil
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
}

// Remind keeps the dashboard issue and comments once on each lapse.
func (t *Triage) Remind(ctx context.Context, dryRun bool) (RemindResult, error) {
	var res RemindResult
	open, err := t.issues(ctx, t.Label, "open")
	if err != nil {
		return res, err
	}
	mirrored := map[int64]int{}
	assigned := map[int][]string{}
	hubs := map[int64]string{}
	cal := t.calendar()
	var attention []sla.Attention
	for _, is := range open {
		if id, st, ok := mirror.TicketOf(is.GetBody()); ok {
			mirrored[id] = is.GetNumber()
			if st.Company != 0 {
				hubs[st.Company] = st.Hub
			}
		}
		for _, a := range is.Assignees {
			assigned[is.GetNumber()] = append(assigned[is.GetNumber()], a.GetLogin())
		}
		switch {
		case len(is.Assignees) == 0:
			attention = append(attention, sla.Attention{Number: is.GetNumber(), Title: is.GetTitle(), Why: "no one is assigned"})
		case cal.Between(is.GetUpdatedAt().Time, t.Now) >= time.Duration(t.Roster.SLA.UpdateEveryDays())*workdays.Day:
			attention = append(attention, sla.Attention{Number: is.GetNumber(), Title: is.GetTitle(),
				Why: fmt.Sprintf("no update for %d working days", int(cal.Between(is.GetUpdatedAt().Time, t.Now)/workdays.Day))})
		}
	}
	board := sla.Board{Now: t.Now, Status: rotation.Who(t.Roster, t.Roster.Today(t.Now)), Roster: t.Roster, Calendar: cal,
		Policy: sla.Policy{FirstResponse: t.Roster.SLA.FirstResponseDays(), UpdateEvery: t.Roster.SLA.UpdateEveryDays()}, Issues: attention}
	if t.FD != nil {
		// Open tickets changed in the last 90 days, with their timestamps.
		tickets, err := t.FD.ListTickets(ctx, freshdesk.ListOptions{UpdatedSince: t.Now.AddDate(0, 0, -90), Include: []string{"stats"}})
		if err != nil {
			return res, fmt.Errorf("listing FreshDesk tickets: %w", err)
		}
		for _, tk := range tickets {
			if tk.Status == freshdesk.StatusResolved || tk.Status == freshdesk.StatusClosed || tk.Spam {
				continue
			}
			ot := sla.OpenTicket{Ticket: slaTicket(tk), Priority: tk.Priority, HubDown: tk.HasTag("hub-down"), URL: t.FD.AgentURL(tk.ID), Issue: mirrored[tk.ID]}
			if tk.CompanyID != nil {
				name, ok := hubs[*tk.CompanyID]
				if !ok {
					co, err := t.FD.Company(ctx, *tk.CompanyID)
					if err != nil {
						return res, fmt.Errorf("reading FreshDesk company %d: %w", *tk.CompanyID, err)
					}
					name = co.Name
					hubs[*tk.CompanyID] = name
				}
				ot.Hub = name
			}
			board.Tickets = append(board.Tickets, ot)
		}
	}
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

func slaTicket(tk freshdesk.Ticket) sla.Ticket {
	s := sla.Ticket{ID: tk.ID, Status: tk.Status, Created: tk.CreatedAt}
	if st := tk.Stats; st != nil {
		val := func(p *time.Time) time.Time {
			if p == nil {
				return time.Time{}
			}
			return *p
		}
		s.FirstRespondedAt, s.AgentRespondedAt, s.RequesterRespondedAt = val(st.FirstRespondedAt), val(st.AgentRespondedAt), val(st.RequesterRespondedAt)
		s.PendingSince, s.StatusUpdatedAt = val(st.PendingSince), val(st.StatusUpdatedAt)
	}
	return s
}

// keepDashboard edits the one dashboard issue in place, or opens it. Two
// runs that both found none open two; every later run keeps the oldest
// (lowest number) and closes the others, so all runs converge on one.
func (t *Triage) keepDashboard(ctx context.Context, body string) (number, edits int, err error) {
	existing, err := t.issues(ctx, DashboardLabel, "open")
	if err != nil {
		return 0, 0, err
	}
	existing = slices.DeleteFunc(existing, func(is *github.Issue) bool { return !strings.HasPrefix(is.GetBody(), sla.DashboardMarker) })
	slices.SortFunc(existing, func(a, b *github.Issue) int { return a.GetNumber() - b.GetNumber() })
	if len(existing) == 0 {
		is, _, err := t.GH.REST.Issues.Create(ctx, t.Owner, t.Repo, &github.IssueRequest{Title: github.String("Support dashboard"),
			Body: github.String(body), Labels: &[]string{DashboardLabel}})
		if err != nil {
			return 0, 0, fmt.Errorf("opening the dashboard: %w", err)
		}
		return is.GetNumber(), 1, nil
	}
	keep := existing[0]
	for _, extra := range existing[1:] {
		if _, _, err := t.GH.REST.Issues.Edit(ctx, t.Owner, t.Repo, extra.GetNumber(), &github.IssueRequest{State: github.String("closed"),
			StateReason: github.String("not_planned")}); err != nil {
			return keep.GetNumber(), edits, fmt.Errorf("closing the second dashboard #%d: %w", extra.GetNumber(), err)
		}
		edits++
	}
	if keep.GetBody() == body {
		return keep.GetNumber(), edits, nil
	}
	if _, _, err := t.GH.REST.Issues.Edit(ctx, t.Owner, t.Repo, keep.GetNumber(), &github.IssueRequest{Body: github.String(body)}); err != nil {
		return keep.GetNumber(), edits, fmt.Errorf("editing the dashboard #%d: %w", keep.GetNumber(), err)
	}
	return keep.GetNumber(), edits + 1, nil
}

// lapseComment raises a lapse on an issue once per period, mentioning who.
func (t *Triage) lapseComment(ctx context.Context, issue int, l sla.Lapse, who []string) (bool, error) {
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := t.GH.REST.Issues.ListComments(ctx, t.Owner, t.Repo, issue, opt)
		if err != nil {
			return false, fmt.Errorf("reading #%d's comments: %w", issue, err)
		}
		for _, c := range comments {
			if strings.Contains(c.GetBody(), l.Marker()) {
				return false, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	body := l.Reminder(who, t.Roster.Location())
	if _, _, err := t.GH.REST.Issues.CreateComment(ctx, t.Owner, t.Repo, issue, &github.IssueComment{Body: github.String(body)}); err != nil {
		return false, fmt.Errorf("commenting on #%d: %w", issue, err)
	}
	return true, nil
}

// RouteResult is who was asked about an issue.
type RouteResult struct {
	Issue   int             `json:"issue"`
	Choice  *routing.Choice `json:"choice,omitempty"`
	Message string          `json:"message"`
}

// Route asks an engineer to take a support issue that has no assignee.
func (t *Triage) Route(ctx context.Context, number int, dryRun bool) (RouteResult, error) {
	is, _, err := t.GH.REST.Issues.Get(ctx, t.Owner, t.Repo, number)
	if err != nil {
		return RouteResult{Issue: number}, fmt.Errorf("reading #%d: %w", number, err)
	}
	if is.GetState() != "open" {
		return RouteResult{Issue: number, Message: fmt.Sprintf("#%d is closed: nobody to ask.", number)}, nil
	}
	if len(is.Assignees) > 0 {
		return RouteResult{Issue: number, Message: fmt.Sprintf("#%d is assigned to @%s already.", number, is.Assignees[0].GetLogin())}, nil
	}
	h, asked, _, err := t.history(ctx, t.Now.AddDate(0, 0, -90))
	if err != nil {
		return RouteResult{Issue: number}, err
	}
	return t.route(ctx, is, &h, asked[number], dryRun)
}

// RouteAll routes every open support issue that has no assignee, the
// longest-waiting first. The history is read once; each choice is added to
// it before the next, so one run spreads its asks as a series of runs would.
func (t *Triage) RouteAll(ctx context.Context, dryRun bool) ([]RouteResult, error) {
	h, asked, all, err := t.history(ctx, t.Now.AddDate(0, 0, -90))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *github.Issue) int { return a.GetNumber() - b.GetNumber() })
	var out []RouteResult
	for _, is := range all {
		if is.GetState() == "open" && len(is.Assignees) > 1 {
			// A replica that stopped between assigning and settling
			// leaves two of steward's picks: settle them now.
			r, err := t.settleLeftover(ctx, is, dryRun)
			if err != nil {
				return out, err
			}
			if r != nil {
				out = append(out, *r)
			}
			continue
		}
		if is.GetState() != "open" || len(is.Assignees) > 0 {
			continue
		}
		r, err := t.route(ctx, is, &h, asked[is.GetNumber()], dryRun)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// route chooses for one unassigned open issue, assigns and explains, and
// records the ask in h.
func (t *Triage) route(ctx context.Context, is *github.Issue, h *routing.History, asked []string, dryRun bool) (RouteResult, error) {
	number := is.GetNumber()
	res := RouteResult{Issue: number}
	var labels []string
	for _, l := range is.Labels {
		labels = append(labels, l.GetName())
	}
	choice, err := routing.Choose(t.Roster, t.Roster.Today(t.Now), *h, routing.Request{Issue: number, Skills: routing.Skills(t.Roster, labels), Asked: asked})
	if err != nil {
		res.Message = fmt.Sprintf("#%d: nobody to ask: %v.", number, err)
		return res, nil
	}
	res.Choice = &choice
	res.Message = fmt.Sprintf("#%d: asking @%s, who %s.", number, choice.GitHub, choice.Reason)
	who := strings.ToLower(choice.GitHub)
	if dryRun {
		h.LastAsked[who], h.Open[who] = t.Now, h.Open[who]+1
		return res, nil
	}
	// Re-read before writing: reading the history took a while, and another
	// worker, replica or person may have assigned someone meanwhile.
	fresh, _, err := t.GH.REST.Issues.Get(ctx, t.Owner, t.Repo, number)
	if err != nil {
		return res, fmt.Errorf("reading #%d again: %w", number, err)
	}
	if fresh.GetState() != "open" || len(fresh.Assignees) > 0 {
		res.Choice, res.Message = nil, fmt.Sprintf("#%d was assigned or closed meanwhile: nobody asked.", number)
		return res, nil
	}
	if _, _, err := t.GH.REST.Issues.AddAssignees(ctx, t.Owner, t.Repo, number, []string{choice.GitHub}); err != nil {
		return res, fmt.Errorf("assigning @%s to #%d: %w", choice.GitHub, number, err)
	}
	// Two replicas can both get this far. Whichever of them looks, the
	// same assignment stays and the other is withdrawn.
	kept, err := t.settle(ctx, number, choice.GitHub)
	if err != nil {
		return res, err
	}
	if !kept {
		res.Choice, res.Message = nil, fmt.Sprintf("#%d: someone else was assigned at the same moment; @%s was withdrawn.", number, choice.GitHub)
		return res, nil
	}
	h.LastAsked[who], h.Open[who] = t.Now, h.Open[who]+1
	already, err := t.hasComment(ctx, number, askMarker(choice.GitHub))
	if err != nil || already {
		return res, err
	}
	body := fmt.Sprintf("@%s, could you take this support issue? steward chose you because you %s.\n\n"+
		"If you can't, unassign yourself and steward will ask someone else.\n\n%s", choice.GitHub, choice.ReasonToYou(), askMarker(choice.GitHub))
	if _, _, err := t.GH.REST.Issues.CreateComment(ctx, t.Owner, t.Repo, number, &github.IssueComment{Body: github.String(body)}); err != nil {
		return res, fmt.Errorf("commenting on #%d: %w", number, err)
	}
	return res, nil
}

// askMarker ends the comment asking someone to take an issue; an engineer
// is asked about an issue once, ever, so one such comment is enough.
func askMarker(login string) string {
	if login == "" {
		return "<!-- steward:asked @" // the start of every ask marker
	}
	return "<!-- steward:asked @" + strings.ToLower(login) + " -->"
}

// hasComment reports whether an issue has a comment containing marker.
func (t *Triage) hasComment(ctx context.Context, number int, marker string) (bool, error) {
	comments, err := gh.All(func(page int) ([]*github.IssueComment, *github.Response, error) {
		return t.GH.REST.Issues.ListComments(ctx, t.Owner, t.Repo, number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return false, fmt.Errorf("reading #%d's comments: %w", number, err)
	}
	return slices.ContainsFunc(comments, func(c *github.IssueComment) bool { return strings.Contains(c.GetBody(), marker) }), nil
}

// settle resolves a double assignment after steward assigned mine to an
// issue, by a rule every replica applies alike to what GitHub records: in
// the current run of assignments (since the issue last had nobody), the
// earliest assignment stands. If steward made it, steward's other picks
// are withdrawn; if a person did, all of steward's picks are. It reports
// whether mine stands. Steward's picks are the assignments made by the
// same actor as mine (every replica acts as the same App).
func (t *Triage) settle(ctx context.Context, number int, mine string) (bool, error) {
	events, err := gh.All(func(page int) ([]*github.IssueEvent, *github.Response, error) {
		return t.GH.REST.Issues.ListIssueEvents(ctx, t.Owner, t.Repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return false, fmt.Errorf("reading #%d's events: %w", number, err)
	}
	withdraw, kept := Settle(events, mine)
	if len(withdraw) > 0 {
		if _, _, err := t.GH.REST.Issues.RemoveAssignees(ctx, t.Owner, t.Repo, number, withdraw); err != nil {
			return false, fmt.Errorf("withdrawing @%s from #%d: %w", strings.Join(withdraw, ", @"), number, err)
		}
	}
	return kept, nil
}

// settleLeftover applies settle's rule to an issue with several assignees
// found by a later run. steward's identity is the author of its ask
// comments; an issue where steward asked nobody is left alone.
func (t *Triage) settleLeftover(ctx context.Context, is *github.Issue, dryRun bool) (*RouteResult, error) {
	number := is.GetNumber()
	comments, err := gh.All(func(page int) ([]*github.IssueComment, *github.Response, error) {
		return t.GH.REST.Issues.ListComments(ctx, t.Owner, t.Repo, number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("reading #%d's comments: %w", number, err)
	}
	i := slices.IndexFunc(comments, func(c *github.IssueComment) bool { return strings.Contains(c.GetBody(), askMarker("")) })
	if i < 0 {
		return nil, nil
	}
	events, err := gh.All(func(page int) ([]*github.IssueEvent, *github.Response, error) {
		return t.GH.REST.Issues.ListIssueEvents(ctx, t.Owner, t.Repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("reading #%d's events: %w", number, err)
	}
	withdraw := withdrawn(currentRun(events), strings.ToLower(comments[i].GetUser().GetLogin()))
	if len(withdraw) == 0 {
		return nil, nil
	}
	res := &RouteResult{Issue: number, Message: fmt.Sprintf("#%d: steward had assigned more than one engineer at once; withdrew @%s, assigned later.",
		number, strings.Join(withdraw, ", @"))}
	if dryRun {
		return res, nil
	}
	if _, _, err := t.GH.REST.Issues.RemoveAssignees(ctx, t.Owner, t.Repo, number, withdraw); err != nil {
		return nil, fmt.Errorf("withdrawing @%s from #%d: %w", strings.Join(withdraw, ", @"), number, err)
	}
	return res, nil
}

// Settle is the rule of settle, on an issue's events: the assignees to
// withdraw, and whether mine stands.
func Settle(events []*github.IssueEvent, mine string) (withdraw []string, kept bool) {
	run := currentRun(events)
	mine = strings.ToLower(mine)
	i := slices.IndexFunc(run, func(p pick) bool { return p.login == mine })
	if i < 0 {
		return nil, false // withdrawn already, by another replica
	}
	return withdrawn(run, run[i].actor), run[0].login == mine
}

// pick is an assignment: who, by whom (lower case).
type pick struct{ login, actor string }

// currentRun is the assignments still in place since the issue last had
// nobody assigned, earliest first (by time, then event id).
func currentRun(events []*github.IssueEvent) []pick {
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b *github.IssueEvent) int {
		if c := a.GetCreatedAt().Compare(b.GetCreatedAt().Time); c != 0 {
			return c
		}
		return int(a.GetID() - b.GetID())
	})
	var run []pick
	for _, e := range events {
		login := strings.ToLower(e.GetAssignee().GetLogin())
		switch e.GetEvent() {
		case "assigned":
			if !slices.ContainsFunc(run, func(p pick) bool { return p.login == login }) {
				run = append(run, pick{login, strings.ToLower(e.GetActor().GetLogin())})
			}
		case "unassigned":
			run = slices.DeleteFunc(run, func(p pick) bool { return p.login == login })
		}
	}
	return run
}

// withdrawn are self's picks after the first assignment of the run: the
// first stands, whoever made it.
func withdrawn(run []pick, self string) []string {
	var out []string
	for _, p := range run[min(1, len(run)):] {
		if p.actor == self {
			out = append(out, p.login)
		}
	}
	return out
}

// history reads, in one pass over the support issues, who was asked when
// (the assignment events of issues updated since, and of every open one),
// how often each engineer was asked and gave an issue back since, who holds
// how many open support issues, and who was asked about each issue before.
// It returns the issues it read.
func (t *Triage) history(ctx context.Context, since time.Time) (routing.History, map[int][]string, []*github.Issue, error) {
	h := routing.History{LastAsked: map[string]time.Time{}, Open: map[string]int{}, Asks: map[string]int{}, Declines: map[string]int{}}
	asked := map[int][]string{}
	all, err := t.issues(ctx, t.Label, "all")
	if err != nil {
		return h, nil, nil, err
	}
	for _, is := range all {
		open := is.GetState() == "open"
		if open {
			for _, a := range is.Assignees {
				h.Open[strings.ToLower(a.GetLogin())]++
			}
		}
		if is.GetUpdatedAt().Before(since) && !open {
			continue
		}
		events, err := gh.All(func(page int) ([]*github.IssueEvent, *github.Response, error) {
			return t.GH.REST.Issues.ListIssueEvents(ctx, t.Owner, t.Repo, is.GetNumber(), &github.ListOptions{PerPage: 100, Page: page})
		})
		if err != nil {
			return h, nil, nil, fmt.Errorf("reading #%d's events: %w", is.GetNumber(), err)
		}
		for _, e := range events {
			who := strings.ToLower(e.GetAssignee().GetLogin())
			at := e.GetCreatedAt().Time
			switch e.GetEvent() {
			case "assigned":
				if at.After(h.LastAsked[who]) {
					h.LastAsked[who] = at
				}
				if !slices.Contains(asked[is.GetNumber()], who) {
					asked[is.GetNumber()] = append(asked[is.GetNumber()], who)
				}
				if !at.Before(since) {
					h.Asks[who]++
				}
			case "unassigned":
				// Giving an issue back is unassigning oneself.
				if !at.Before(since) && strings.EqualFold(e.GetActor().GetLogin(), who) {
					h.Declines[who]++
				}
			}
		}
	}
	return h, asked, all, nil
}

// Fairness reports how support work was spread since a day: shifts from
// the roster, asks, declines and open issues from GitHub.
func (t *Triage) Fairness(ctx context.Context, since civil.Date) (routing.Fairness, error) {
	today := t.Roster.Today(t.Now)
	h, _, _, err := t.history(ctx, since.Time(t.Roster.Location()))
	if err != nil {
		return routing.Fairness{}, err
	}
	sched := rotation.Compute(t.Roster, since, today.AddDays(1))
	return routing.Spread(t.Roster, sched, h, since, today), nil
}
