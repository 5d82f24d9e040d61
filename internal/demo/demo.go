// Package demo runs steward's whole cycle against the built-in sandboxes,
// seeded with a small, realistic support history, and tells what it did as
// a story: `steward demo`. No network, no credentials.
package demo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/wire"
)

// Chapter is one part of the story.
type Chapter struct {
	Title string   `json:"title"`
	Lines []string `json:"lines"`
}

// Story is what the demo did, in order, and what it cost.
type Story struct {
	Today    civil.Date `json:"today"`
	Chapters []Chapter  `json:"chapters"`
	// Facts are the figures the story states, for tests and for JSON.
	Facts Facts `json:"facts"`
}

// Facts are checkable claims of the story.
type Facts struct {
	Stewards        []string `json:"stewards"`
	NextHandoff     string   `json:"next_handoff"`
	PullRequest     int      `json:"pull_request"`
	PullTitle       string   `json:"pull_title"`
	Mirrored        []int64  `json:"mirrored_tickets"`
	IssuesCreated   int      `json:"issues_created"`
	BoardItems      int      `json:"board_items"`
	Dashboard       int      `json:"dashboard_issue"`
	Overdue         []int64  `json:"overdue_tickets"`
	Routed          []string `json:"routed"` // "#12 -> @handle"
	ResolvedTicket  int64    `json:"resolved_ticket"`
	ResolvedByIssue int      `json:"resolved_by_issue"`
	GitHubRequests  int      `json:"github_requests"`
	FreshdeskReqs   int      `json:"freshdesk_requests"`
	// Acknowledged are the tickets steward answered from the template;
	// ResolvedDraft is set when the resolved ticket got its drafted reply.
	Acknowledged  []int64 `json:"acknowledged"`
	ResolvedDraft bool    `json:"resolved_draft"`
	// Slack is the Slack chapter's (slack.go).
	Slack SlackFacts `json:"slack"`
}

// World is the sandboxes the demo ran against, for tests to inspect.
type World struct {
	GitHub    *sandbox.GitHub
	Freshdesk *sandbox.Freshdesk
	Slack     *sandbox.Slack
	Roster    *roster.Roster
	// Place is where the roster's work lives in the sandboxes.
	Place place
}

func (s *Story) chapter(title string, lines ...string) *Chapter {
	s.Chapters = append(s.Chapters, Chapter{Title: title, Lines: lines})
	return &s.Chapters[len(s.Chapters)-1]
}

func (c *Chapter) say(format string, args ...any) {
	c.Lines = append(c.Lines, fmt.Sprintf(format, args...))
}

// Run seeds the sandboxes and runs the cycle as of now.
func Run(ctx context.Context, sample []byte, now time.Time) (Story, *World, error) {
	w, err := seed(sample, now)
	if err != nil {
		return Story{}, nil, err
	}
	clock := sandbox.NewManualClock(now)
	// The demo's clients are built as every running mode's are, by wire,
	// with the sandboxes standing in for GitHub and FreshDesk.
	vars := map[string]string{"GITHUB_API_URL": "https://api.github.sandbox/", "GITHUB_TOKEN": demoToken,
		"FRESHDESK_API_KEY": demoKey, "FRESHDESK_BASE_URL": "https://" + w.Roster.Integrations.Freshdesk.Domain + ".freshdesk.sandbox"}
	c := wire.Connect(wire.Env{Getenv: func(k string) string { return vars[k] }, Now: func() time.Time { return now }, Clock: clock,
		Transport: sandbox.Transport{Handler: byHost{github: w.GitHub, freshdesk: w.Freshdesk}}}, w.Roster)
	if c.GHErr != nil || c.FDErr != nil {
		return Story{}, nil, errors.Join(c.GHErr, c.FDErr)
	}
	r := w.Roster
	today := r.Today(now)
	st := Story{Today: today}

	// 1. The schedule.
	who := rotation.Who(r, today)
	ch := st.chapter("The rotation")
	ch.say("%s has %d engineers in roster.yaml; %d of them take turns as Support Steward, %d at a time, %d days each.", r.Team, len(r.Engineers), countRotation(r), r.Support.TeamSize, r.Support.Tenure.Days)
	if len(w.Place.Filled) > 0 {
		ch.say("The roster does not configure everything, so the demo plays it out with sandbox stand-ins: %s.", strings.Join(w.Place.Filled, ", "))
	}
	for _, s := range who.OnDuty {
		kind := "projected by the rules"
		if s.Confirmed {
			kind = "confirmed in roster.yaml"
		}
		ch.say("On duty today (%s): %s (@%s), %s to %s, %s.", today, s.Name, s.GitHub, s.Start, s.End, kind)
		st.Facts.Stewards = append(st.Facts.Stewards, s.GitHub)
	}
	if h := who.Next; h != nil {
		st.Facts.NextHandoff = h.Date.String()
		ch.say("Next handoff: %s, when %s.", h.Date, h.Sentence())
	}

	// 2. The rotation pull request and the stewards' team.
	lead := r.Support.HandoffEvery.Days
	rot, err := c.Rotator(today, lead)
	if err != nil {
		return st, w, err
	}
	res, err := rot.Rotate(ctx, false)
	if err != nil {
		return st, w, fmt.Errorf("rotation pull request: %w", err)
	}
	ch = st.chapter("The rotation pull request")
	ch.say("%s", res.Message)
	if res.PullRequest != 0 {
		pr := w.GitHub.Issues(w.Place.RosterOwner, w.Place.RosterRepo)[res.PullRequest-1]
		st.Facts.PullRequest, st.Facts.PullTitle = res.PullRequest, pr.Title
		cal := ""
		if path := r.Integrations.GitHub.CalendarPath; path != "" {
			cal = ", regenerates " + path
		}
		ch.say("It appends the new shift to roster.yaml's shifts (nothing else in the file changes)%s, and asks %s to review.", cal, strings.Join(atAll(pr.Reviewers), " and "))
		ch.say("Merging it confirms the handoff; if the team closes it instead, steward will not propose the same again.")
	}
	m, err := c.Membership().Sync(ctx, r, today)
	if err != nil {
		return st, w, err
	}
	group := "unchanged"
	if m.GroupChanged {
		group = "set to their agents"
	}
	ch.say("The GitHub team %s and FreshDesk group %d now hold exactly the stewards on duty (the team: added %s, removed %s; the group: %s).",
		r.Integrations.GitHub.StewardsTeam, r.Integrations.Freshdesk.StewardsGroupID, list(m.TeamAdded), list(m.TeamRemoved), group)

	// 3. The mirror.
	a, setup, err := c.Mirror()
	if err != nil {
		return st, w, err
	}
	rep, err := a.Sync(ctx, setup.Config, setup.Label, 30*24*time.Hour, false)
	if err != nil {
		return st, w, fmt.Errorf("sync: %w", err)
	}
	ch = st.chapter("FreshDesk to GitHub")
	st.Facts.IssuesCreated = rep.Created()
	for _, wk := range rep.Planned {
		if len(wk.Actions) > 0 && wk.Actions[0].Kind == mirror.CreateIssue {
			st.Facts.Mirrored = append(st.Facts.Mirrored, wk.Ticket)
		}
	}
	tickets := w.Freshdesk.Tickets()
	ch.say("FreshDesk holds %d tickets. The %d tagged engineering became one support issue each: subject, link, priority, status, hub and dates, and no requester, email or message text.",
		len(tickets), len(st.Facts.Mirrored))
	st.Facts.BoardItems = len(w.GitHub.ProjectItems(w.Place.ProjectOwner, w.Place.ProjectNumber))
	open, handMade := 0, 0
	for _, is := range w.GitHub.Issues(w.Place.Owner, w.Place.Repo) {
		_, _, mirrored := mirror.TicketOf(is.Body)
		switch {
		case is.IsPull || is.State != "open" || !slices.Contains(is.Labels, setup.Label):
		case mirrored:
			open++
		default:
			handMade++
		}
	}
	ch.say("The %d open ones went on the sprint board with Status, Priority (the issue's priority label) and the current iteration, in their place by impact: a hub with an event today, hub down, Urgent, High, Medium, Low, then the oldest first; a ticket already resolved in FreshDesk got its issue closed at once, and stays off the board.", open)
	if handMade > 0 {
		ch.say("%d open support issue(s) a person opened joined it too, with the priority their labels give: %d items in all.", handMade, st.Facts.BoardItems)
	}
	ch.say("Each ticket got one private note linking its issue. Run again, the sync plans nothing: its own writes never start another round.")
	if f := rep.Failed(); f > 0 {
		ch.say("%d step(s) failed and will be retried by the next run.", f)
	}

	// 4. The requester's side: acknowledgements from roster.yaml's template.
	if err := requesterChapter(ctx, w, c, &st); err != nil {
		return st, w, err
	}

	// 5. The dashboard and routing.
	tr, err := c.Triage()
	if err != nil {
		return st, w, err
	}
	rem, err := tr.Remind(ctx, false)
	if err != nil {
		return st, w, fmt.Errorf("dashboard: %w", err)
	}
	st.Facts.Dashboard, st.Facts.Overdue = rem.Dashboard, rem.Overdue
	ch = st.chapter("Response targets")
	ch.say("%d tickets are open. A first response is due one working day after a ticket arrives, and an update every two working days after that; weekends and holidays do not count, Pending stops the clock.", rem.Open)
	ch.say("%d are overdue (tickets %s); %d of those are mirrored, so their issues got a comment naming who should act, raised again in each sla.update_every period it stays overdue, to a wider audience, never twice in one; the others are raised on the dashboard.", len(rem.Overdue), ticketList(rem.Overdue), rem.Lapses)
	ch.say("Everything is on one \"Support dashboard\" issue, #%d, edited in place: the stewards, the next handoff, the event, each ticket's next promise in each steward's own time zone.", rem.Dashboard)
	routes, err := tr.RouteAll(ctx, false)
	if err != nil {
		return st, w, fmt.Errorf("routing: %w", err)
	}
	ch = st.chapter("Routing support issues")
	for _, rt := range routes {
		if rt.Choice == nil {
			ch.say("%s", rt.Message)
			continue
		}
		st.Facts.Routed = append(st.Facts.Routed, fmt.Sprintf("#%d -> @%s", rt.Issue, rt.Choice.GitHub))
		ch.say("#%d went to @%s, who %s.", rt.Issue, rt.Choice.GitHub, rt.Choice.Reason)
	}
	if len(routes) == 0 {
		ch.say("No support issue was waiting for someone.")
	}

	// 6. A ticket resolved through its issue.
	ch = st.chapter("Resolving a ticket through its issue")
	if err := resolveOne(ctx, w, c, clock, &st, ch); err != nil {
		return st, w, err
	}

	// 7. Slack: threads, announcements, the stewards' group.
	if err := slackChapter(ctx, w, c, clock, &st); err != nil {
		return st, w, err
	}

	st.Facts.GitHubRequests, st.Facts.FreshdeskReqs = w.GitHub.Ledger().Len(), w.Freshdesk.Ledger().Len()
	st.chapter("What it cost",
		fmt.Sprintf("%d GitHub requests and %d FreshDesk requests, all answered by the in-process sandboxes; nothing left this machine.", st.Facts.GitHubRequests, st.Facts.FreshdeskReqs),
		"Run it for real: `steward init` writes your team's roster.yaml; README.md's \"Using it for real\" takes it from there, with a dry run before anything is written.")
	return st, w, nil
}

// resolveOne has an engineer fix the highest-priority mirrored ticket with a
// pull request that says "Fixes #N"; merging it closes the issue, and the
// next sync resolves the ticket with a summary.
func resolveOne(ctx context.Context, w *World, c wire.Clients, clock *sandbox.ManualClock, st *Story, ch *Chapter) error {
	var target sandbox.Issue
	var ticket int64
	best := 0
	for _, is := range w.GitHub.Issues(w.Place.Owner, w.Place.Repo) {
		id, s, ok := mirror.TicketOf(is.Body)
		if ok && is.State == "open" && s.Priority > best {
			target, ticket, best = is, id, s.Priority
		}
	}
	if ticket == 0 {
		ch.say("No mirrored ticket was open.")
		return nil
	}
	engineer := w.Roster.Engineers[0].GitHub
	if len(target.Assignees) > 0 {
		engineer = target.Assignees[0]
	}
	if err := fixWithPullRequest(w, target.Number, engineer); err != nil {
		return err
	}
	clock.Advance(time.Hour)
	c.Now = clock.Now()
	a, setup, err := c.Mirror()
	if err != nil {
		return err
	}
	if _, err := a.Sync(ctx, setup.Config, setup.Label, 30*24*time.Hour, false); err != nil {
		return err
	}
	tk, _ := w.Freshdesk.Ticket(ticket)
	ch.say("@%s fixed issue #%d (ticket %d, %q) with a pull request saying \"Fixes #%d\"; merging it closed the issue.", engineer, target.Number, ticket, target.Title, target.Number)
	if tk.Status == sandbox.StatusResolved {
		st.Facts.ResolvedTicket, st.Facts.ResolvedByIssue = ticket, target.Number
		ch.say("The next sync marked ticket %d Resolved in FreshDesk and left a private note: the issue, the pull request, and who closed it.", ticket)
		if st.Facts.ResolvedDraft = resolvedDraft(w, ticket); st.Facts.ResolvedDraft {
			ch.say("roster.yaml's resolved template is in draft mode, so the ticket also got a private note holding the reply that tells the requester what was done, for a steward to send.")
		}
	} else {
		ch.say("The next sync could not resolve ticket %d (status %d); it will try again.", ticket, tk.Status)
	}
	return nil
}

func countRotation(r *roster.Roster) int {
	n := 0
	for _, e := range r.Engineers {
		if e.InRotation() {
			n++
		}
	}
	return n
}

func atAll(handles []string) []string {
	out := make([]string, len(handles))
	for i, h := range handles {
		out[i] = "@" + h
	}
	return out
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "nobody"
	}
	return strings.Join(atAll(xs), ", ")
}

func ticketList(ids []int64) string {
	if len(ids) == 0 {
		return "none"
	}
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprint(id))
	}
	return strings.Join(s, ", ")
}

// byHost sends FreshDesk's requests to its sandbox and the rest to
// GitHub's, so one transport serves both clients.
type byHost struct{ github, freshdesk http.Handler }

func (b byHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Hostname(), ".freshdesk.sandbox") || strings.HasSuffix(r.Host, ".freshdesk.sandbox") {
		b.freshdesk.ServeHTTP(w, r)
		return
	}
	b.github.ServeHTTP(w, r)
}
