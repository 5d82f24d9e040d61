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
	"github.com/support-steward/steward/internal/run"
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
	// clock is the sandboxes' and the runs' one clock.
	clock *sandbox.ManualClock
}

func (s *Story) chapter(title string, lines ...string) *Chapter {
	s.Chapters = append(s.Chapters, Chapter{Title: title, Lines: lines})
	return &s.Chapters[len(s.Chapters)-1]
}

func (c *Chapter) say(format string, args ...any) {
	c.Lines = append(c.Lines, fmt.Sprintf(format, args...))
}

// window is how far back the demo's runs read changed tickets
// (run.Options.Since; run.Run gives Slack's part the same). The Action reads
// one day; the seeded history goes back 20 days (seed.go's "Old bug, fixed
// last month", resolved before the demo begins), and every engineering
// ticket in it must be in the first run's window to be mirrored, so the demo
// reads 30 days.
const window = 30 * 24 * time.Hour

// Run seeds the sandboxes and plays the daily cycle as of now: run.Run,
// the function the Action runs, three times. The day's run; an hour later,
// after an engineer merged a fix, the next run, which resolves the ticket;
// then a run with nothing new, which measures what repeating costs. The
// story is told from the runs' reports and what the sandboxes hold.
func Run(ctx context.Context, sample []byte, now time.Time) (Story, *World, error) {
	w, err := seed(sample, now)
	if err != nil {
		return Story{}, nil, err
	}
	first, err := w.run(ctx)
	if err != nil {
		return Story{}, w, fmt.Errorf("the day's run: %w", err)
	}
	board := w.lookAtBoard()
	fix, err := fixOne(w)
	if err != nil {
		return Story{}, w, err
	}
	w.clock.Advance(time.Hour)
	next, err := w.run(ctx)
	if err != nil {
		return Story{}, w, fmt.Errorf("the run after the fix: %w", err)
	}
	again, err := w.run(ctx)
	if err != nil {
		return Story{}, w, fmt.Errorf("the run with nothing new: %w", err)
	}

	st := Story{Today: first.Report.Today}
	st.tellRotation(w, first.Report)
	st.tellPullRequest(w, first.Report)
	st.tellMirror(w, first.Report, again.Report, board)
	st.tellRequester(w, first.Report, next.Report, again.Report)
	st.tellTargets(first.Report)
	st.tellRouting(first.Report)
	st.tellResolution(w, fix, first.Report, next.Report)
	if err := st.tellHealth(ctx, again.Clients); err != nil {
		return st, w, err
	}
	if err := st.tellSlack(ctx, w, first, next, again); err != nil {
		return st, w, err
	}
	st.tellCost(w, first, next, again)
	return st, w, nil
}

// cycle is one run: its report, the clients it ran with, and the requests
// it made.
type cycle struct {
	Report  run.Report
	Clients wire.Clients
	Cost    cost
}

// cost counts requests to each sandbox.
type cost struct{ GitHub, Freshdesk, Slack int }

func (w *World) requests() cost {
	return cost{w.GitHub.Ledger().Len(), w.Freshdesk.Ledger().Len(), w.Slack.Ledger().Len()}
}

// run is one scheduled run as the Action does it, as of the clock: the
// clients made by wire.Connect from the environment (here the sandboxes'
// addresses and credentials), then run.Run. Against the sandboxes no part
// should fail: one that does fails the demo.
func (w *World) run(ctx context.Context) (cycle, error) {
	now := w.clock.Now()
	vars := map[string]string{"GITHUB_API_URL": "https://api.github.sandbox/", "GITHUB_TOKEN": demoToken,
		"FRESHDESK_API_KEY": demoKey, "FRESHDESK_BASE_URL": "https://" + w.Roster.Integrations.Freshdesk.Domain + ".freshdesk.sandbox",
		"SLACK_BOT_TOKEN": demoSlackToken, "SLACK_API_URL": "https://slack.sandbox/api/"}
	c := wire.Connect(wire.Env{Getenv: func(k string) string { return vars[k] }, Now: func() time.Time { return now }, Clock: w.clock,
		Transport: sandbox.Transport{Handler: byHost{github: w.GitHub, freshdesk: w.Freshdesk, slack: w.Slack}}}, w.Roster)
	if err := errors.Join(c.GHErr, c.FDErr, c.SlackErr); err != nil {
		return cycle{}, err
	}
	before := w.requests()
	rep := run.Run(ctx, c, run.Options{Since: window})
	after := w.requests()
	cy := cycle{Report: rep, Clients: c, Cost: cost{after.GitHub - before.GitHub, after.Freshdesk - before.Freshdesk, after.Slack - before.Slack}}
	var errs []error
	for _, p := range rep.Parts {
		if p.Error != "" {
			errs = append(errs, fmt.Errorf("%s: %s", p.Name, p.Error))
		}
	}
	return cy, errors.Join(errs...)
}

// part is the report's account of one part.
func part(rep run.Report, name string) run.Part {
	for _, p := range rep.Parts {
		if p.Name == name {
			return p
		}
	}
	return run.Part{Name: name, Skipped: "the run did not report it"}
}

// boardView is what the board and the support issues hold after the day's
// run.
type boardView struct {
	items, open, handMade int
}

func (w *World) lookAtBoard() boardView {
	v := boardView{items: len(w.GitHub.ProjectItems(w.Place.ProjectOwner, w.Place.ProjectNumber))}
	label := w.Roster.Integrations.GitHub.Label()
	for _, is := range w.GitHub.Issues(w.Place.Owner, w.Place.Repo) {
		_, _, mirrored := mirror.TicketOf(is.Body)
		switch {
		case is.IsPull || is.State != "open" || !slices.Contains(is.Labels, label):
		case mirrored:
			v.open++
		default:
			v.handMade++
		}
	}
	return v
}

// 1. The schedule.
func (st *Story) tellRotation(w *World, rep run.Report) {
	r, who := w.Roster, rep.Status
	ch := st.chapter("The rotation")
	ch.say("%s has %d engineers in roster.yaml; %d of them take turns as Support Steward, %d at a time, %d days each.", r.Team, len(r.Engineers), countRotation(r), r.Support.TeamSize, r.Support.Tenure.Days)
	if len(w.Place.Filled) > 0 {
		ch.say("The roster does not configure everything, so the demo plays it out with sandbox stand-ins: %s.", strings.Join(w.Place.Filled, ", "))
	}
	ch.say("What follows is done by run.Run, the function the scheduled GitHub Action and `steward run` execute, called three times against the sandboxes: the day's run; an hour later, after an engineer merged a fix, the next; then one with nothing new.")
	for _, s := range who.OnDuty {
		kind := "projected by the rules"
		if s.Confirmed {
			kind = "confirmed in roster.yaml"
		}
		ch.say("On duty today (%s): %s (@%s), %s to %s, %s.", rep.Today, s.Name, s.GitHub, s.Start, s.End, kind)
		st.Facts.Stewards = append(st.Facts.Stewards, s.GitHub)
	}
	if h := who.Next; h != nil {
		st.Facts.NextHandoff = h.Date.String()
		ch.say("Next handoff: %s, when %s.", h.Date, h.Sentence())
	}
}

// 2. The rotation pull request and the stewards' team.
func (st *Story) tellPullRequest(w *World, rep run.Report) {
	r := w.Roster
	ch := st.chapter("The rotation pull request")
	if w.Place.Lead > 0 {
		ch.say("roster.yaml sets no integrations.github.rotation_lead (by default a run opens the pull request 7 days before a handoff); the demo uses support.handoff_every, %d days, so there is a pull request to show whatever the day.", w.Place.Lead)
	}
	res := rep.Rotation
	if res == nil {
		ch.say("The run did not rotate: %s", partText(part(rep, "rotate")))
	} else {
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
	}
	m := rep.Membership
	if m == nil {
		ch.say("The stewards' team and group were not kept: %s", partText(part(rep, "stewards")))
		return
	}
	group := "unchanged"
	if m.GroupChanged {
		group = "set to their agents"
	}
	ch.say("The GitHub team %s and FreshDesk group %d now hold exactly the stewards on duty (the team: added %s, removed %s; the group: %s).",
		r.Integrations.GitHub.StewardsTeam, r.Integrations.Freshdesk.StewardsGroupID, list(m.TeamAdded), list(m.TeamRemoved), group)
}

// 3. The mirror.
func (st *Story) tellMirror(w *World, rep, again run.Report, board boardView) {
	ch := st.chapter("FreshDesk to GitHub")
	if rep.Sync == nil {
		ch.say("The run did not sync: %s", partText(part(rep, "sync")))
		return
	}
	st.Facts.IssuesCreated = rep.Sync.Created()
	for _, wk := range rep.Sync.Planned {
		if len(wk.Actions) > 0 && wk.Actions[0].Kind == mirror.CreateIssue {
			st.Facts.Mirrored = append(st.Facts.Mirrored, wk.Ticket)
		}
	}
	ch.say("FreshDesk holds %d tickets. The %d tagged engineering became one support issue each: subject, link, priority, status, hub and dates, and no requester, email or message text.",
		len(w.Freshdesk.Tickets()), len(st.Facts.Mirrored))
	ch.say("The run reads the tickets changed in the last %d days: the Action reads one, but the demo's history goes back weeks.", int(window/(24*time.Hour)))
	st.Facts.BoardItems = board.items
	ch.say("The %d open ones went on the sprint board with Status, Priority (the issue's priority label) and the current iteration, in their place by impact: a hub with an event today, hub down, Urgent, High, Medium, Low, then the oldest first; a ticket already resolved in FreshDesk got its issue closed at once, and stays off the board.", board.open)
	if board.handMade > 0 {
		ch.say("%d open support issue(s) a person opened joined it too, with the priority their labels give: %d items in all.", board.handMade, board.items)
	}
	switch {
	case again.Sync == nil:
		ch.say("Each ticket got one private note linking its issue.")
	case len(again.Sync.Planned) == 0:
		ch.say("Each ticket got one private note linking its issue. Run again with nothing new, the sync plans nothing: its own writes never start another round.")
	default:
		ch.say("Each ticket got one private note linking its issue. Run again with nothing new, the sync still planned %d piece(s) of work.", len(again.Sync.Planned))
	}
}

// 5. The dashboard.
func (st *Story) tellTargets(rep run.Report) {
	ch := st.chapter("Response targets")
	rem := rep.Remind
	if rem == nil {
		ch.say("The run kept no dashboard: %s", partText(part(rep, "remind")))
		return
	}
	st.Facts.Dashboard, st.Facts.Overdue = rem.Dashboard, rem.Overdue
	ch.say("%d tickets are open. A first response is due one working day after a ticket arrives, and an update every two working days after that; weekends and holidays do not count, Pending stops the clock.", rem.Open)
	ch.say("%d are overdue (tickets %s); %d of those are mirrored, so their issues got a comment naming who should act, raised again in each sla.update_every period it stays overdue, to a wider audience, never twice in one; the others are raised on the dashboard.", len(rem.Overdue), ticketList(rem.Overdue), rem.Lapses)
	ch.say("Everything is on one \"Support dashboard\" issue, #%d, edited in place: the stewards, the next handoff, the event, each ticket's next promise in each steward's own time zone.", rem.Dashboard)
}

// 6. Routing.
func (st *Story) tellRouting(rep run.Report) {
	ch := st.chapter("Routing support issues")
	if p := part(rep, "route"); p.Skipped != "" {
		ch.say("The run routed nothing: %s", partText(p))
		return
	}
	for _, rt := range rep.Routes {
		if rt.Choice == nil {
			ch.say("%s", rt.Message)
			continue
		}
		st.Facts.Routed = append(st.Facts.Routed, fmt.Sprintf("#%d -> @%s", rt.Issue, rt.Choice.GitHub))
		ch.say("#%d went to @%s, who %s.", rt.Issue, rt.Choice.GitHub, rt.Choice.Reason)
	}
	if len(rep.Routes) == 0 {
		ch.say("No support issue was waiting for someone.")
	}
}

// fix is an engineer's fix of a mirrored ticket's issue, between the runs.
type fix struct {
	issue    sandbox.Issue
	ticket   int64
	engineer string
}

// fixOne has an engineer fix the highest-priority mirrored ticket with a
// pull request that says "Fixes #N"; merging it closes the issue. The
// ticket is the next run's to resolve.
func fixOne(w *World) (fix, error) {
	var f fix
	best := 0
	for _, is := range w.GitHub.Issues(w.Place.Owner, w.Place.Repo) {
		id, s, ok := mirror.TicketOf(is.Body)
		if ok && is.State == "open" && s.Priority > best {
			f.issue, f.ticket, best = is, id, s.Priority
		}
	}
	if f.ticket == 0 {
		return f, nil
	}
	f.engineer = w.Roster.Engineers[0].GitHub
	if len(f.issue.Assignees) > 0 {
		f.engineer = f.issue.Assignees[0]
	}
	return f, fixWithPullRequest(w, f.issue.Number, f.engineer)
}

// 7. A ticket resolved through its issue, by the next run.
func (st *Story) tellResolution(w *World, f fix, first, next run.Report) {
	ch := st.chapter("Resolving a ticket through its issue")
	if f.ticket == 0 {
		ch.say("No mirrored ticket was open.")
		return
	}
	ch.say("@%s fixed issue #%d (ticket %d, %q) with a pull request saying \"Fixes #%d\"; merging it closed the issue.", f.engineer, f.issue.Number, f.ticket, f.issue.Title, f.issue.Number)
	when := "The next run, an hour later,"
	if next.Today != first.Today {
		when = fmt.Sprintf("The next run, an hour later (%s already in the team's time zone),", next.Today)
	}
	tk, _ := w.Freshdesk.Ticket(f.ticket)
	if tk.Status != sandbox.StatusResolved {
		ch.say("%s left ticket %d at status %d; a later run tries again.", when, f.ticket, tk.Status)
		return
	}
	st.Facts.ResolvedTicket, st.Facts.ResolvedByIssue = f.ticket, f.issue.Number
	ch.say("%s marked ticket %d Resolved in FreshDesk and left a private note: the issue, the pull request, and who closed it.", when, f.ticket)
	if st.Facts.ResolvedDraft = resolvedDraft(w, f.ticket); st.Facts.ResolvedDraft {
		ch.say("roster.yaml's resolved template is in draft mode, so the ticket also got a private note holding the reply that tells the requester what was done, for a steward to send.")
	}
}

// 9. What it cost.
func (st *Story) tellCost(w *World, first, next, again cycle) {
	st.Facts.GitHubRequests, st.Facts.FreshdeskReqs = w.GitHub.Ledger().Len(), w.Freshdesk.Ledger().Len()
	each := func(c cost) string {
		return fmt.Sprintf("%d GitHub, %d FreshDesk and %d Slack requests", c.GitHub, c.Freshdesk, c.Slack)
	}
	st.chapter("What it cost",
		fmt.Sprintf("%d GitHub requests, %d FreshDesk requests and %d Slack requests, all answered by the in-process sandboxes; nothing left this machine.", st.Facts.GitHubRequests, st.Facts.FreshdeskReqs, w.Slack.Ledger().Len()),
		fmt.Sprintf("The day's run made %s; the next run, after the fix, %s; the run with nothing new, %s.", each(first.Cost), each(next.Cost), each(again.Cost)),
		"Run it for real: `steward init` writes your team's roster.yaml; README.md's \"Using it for real\" takes it from there, with a dry run before anything is written.")
}

// partText is why a part did not run, as its report says.
func partText(p run.Part) string {
	if p.Skipped != "" {
		return p.Skipped + "."
	}
	return p.Error + "."
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

// byHost sends FreshDesk's requests to its sandbox, Slack's to its own,
// and the rest to GitHub's, so one transport serves every client.
type byHost struct{ github, freshdesk, slack http.Handler }

func (b byHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Hostname()
	if host == "" {
		host = r.Host
	}
	switch {
	case strings.HasSuffix(host, ".freshdesk.sandbox") || strings.HasSuffix(r.Host, ".freshdesk.sandbox"):
		b.freshdesk.ServeHTTP(w, r)
	case host == "slack.sandbox" || r.Host == "slack.sandbox":
		b.slack.ServeHTTP(w, r)
	default:
		b.github.ServeHTTP(w, r)
	}
}
