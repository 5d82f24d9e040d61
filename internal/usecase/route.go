package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/routing"
)

// RouteBudget bounds the routing history one delivery reads: the
// assignment events of the RouteBudget most recently updated support
// issues, and one page of the open ones (who holds how many). Assigning
// someone updates an issue, so every ask made since the oldest of those
// issues was updated is among them; an engineer asked only before that
// was asked less recently than all of them, and ranks so. One delivery
// therefore costs at most RouteBudget+8 requests however many support
// issues there are, most of them conditional reads that cost nothing when
// unchanged.
const RouteBudget = 20

// openPage is how many open support issues one delivery reads to count
// who holds how many: one page.
const openPage = 100

// RouteResult is who was asked about an issue.
type RouteResult struct {
	Issue   int             `json:"issue"`
	Choice  *routing.Choice `json:"choice,omitempty"`
	Message string          `json:"message"`
}

// Route asks an engineer to take a support issue that has no assignee, as
// a delivery asks: within RouteBudget.
func (t *Triage) Route(ctx context.Context, number int, dryRun bool) (RouteResult, error) {
	is, err := t.Issues.Get(ctx, number)
	if err != nil {
		return RouteResult{Issue: number}, fmt.Errorf("reading #%d: %w", number, err)
	}
	if is.State != "open" {
		return RouteResult{Issue: number, Message: fmt.Sprintf("#%d is closed: nobody to ask.", number)}, nil
	}
	if len(is.Assignees) > 0 {
		return RouteResult{Issue: number, Message: fmt.Sprintf("#%d is assigned to @%s already.", number, is.Assignees[0])}, nil
	}
	since := t.Now.AddDate(0, 0, -90)
	recent, err := t.Issues.Recent(ctx, t.Label, "all", RouteBudget)
	if err != nil {
		return RouteResult{Issue: number}, err
	}
	open, err := t.Issues.Recent(ctx, t.Label, "open", openPage)
	if err != nil {
		return RouteResult{Issue: number}, err
	}
	if !slices.ContainsFunc(recent, func(x port.Issue) bool { return x.Number == number }) {
		recent = append(recent, is) // who was asked about it before
	}
	h := newHistory()
	countOpen(&h, open)
	asked, err := t.readEvents(ctx, &h, recent, since)
	if err != nil {
		return RouteResult{Issue: number}, err
	}
	return t.route(ctx, is, &h, asked[number], dryRun)
}

// RouteAll routes every open support issue that has no assignee, the
// longest-waiting first. The history is read once, from every support
// issue touched in 90 days (a scheduled run, not a delivery); each choice
// is added to it before the next, so one run spreads its asks as a series
// of runs would.
func (t *Triage) RouteAll(ctx context.Context, dryRun bool) ([]RouteResult, error) {
	h, asked, all, err := t.history(ctx, t.historySince())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b port.Issue) int { return a.Number - b.Number })
	var out []RouteResult
	for _, is := range all {
		if is.State == "open" && len(is.Assignees) > 1 {
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
		if is.State != "open" || len(is.Assignees) > 0 {
			continue
		}
		r, err := t.route(ctx, is, &h, asked[is.Number], dryRun)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// route chooses for one unassigned open issue, assigns and explains, and
// records the ask in h.
func (t *Triage) route(ctx context.Context, is port.Issue, h *routing.History, asked []string, dryRun bool) (RouteResult, error) {
	number := is.Number
	res := RouteResult{Issue: number}
	choice, err := routing.Choose(t.Roster, t.Roster.Today(t.Now), *h, routing.Request{Issue: number, Skills: routing.Skills(t.Roster, is.Labels), Asked: asked})
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
	fresh, err := t.Issues.Get(ctx, number)
	if err != nil {
		return res, fmt.Errorf("reading #%d again: %w", number, err)
	}
	if fresh.State != "open" || len(fresh.Assignees) > 0 {
		res.Choice, res.Message = nil, fmt.Sprintf("#%d was assigned or closed meanwhile: nobody asked.", number)
		return res, nil
	}
	if err := t.Issues.Assign(ctx, number, []string{choice.GitHub}); err != nil {
		return res, fmt.Errorf("assigning @%s to #%d: %w", choice.GitHub, number, err)
	}
	// Two replicas can both get this far. Whichever of them looks, the
	// same assignment stays and the other is withdrawn.
	kept, self, err := t.settle(ctx, number, choice.GitHub)
	if err != nil {
		return res, err
	}
	if !kept {
		res.Choice, res.Message = nil, fmt.Sprintf("#%d: someone else was assigned at the same moment; @%s was withdrawn.", number, choice.GitHub)
		return res, nil
	}
	h.LastAsked[who], h.Open[who] = t.Now, h.Open[who]+1
	already, err := t.hasComment(ctx, number, askMarker(choice.GitHub), self)
	if err != nil || already {
		return res, err
	}
	body := fmt.Sprintf("@%s, could you take this support issue? steward chose you because you %s.\n\n"+
		"If you can't, unassign yourself and steward will ask someone else.\n\n%s", choice.GitHub, choice.ReasonToYou(), askMarker(choice.GitHub))
	if err := t.Issues.Comment(ctx, number, body); err != nil {
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

// hasComment reports whether author (steward's own identity) wrote a
// comment on the issue containing marker: a marker in anyone else's
// comment is text.
func (t *Triage) hasComment(ctx context.Context, number int, marker, author string) (bool, error) {
	comments, err := t.Issues.Comments(ctx, number)
	if err != nil {
		return false, fmt.Errorf("reading #%d's comments: %w", number, err)
	}
	return slices.ContainsFunc(comments, func(c port.Comment) bool {
		return strings.EqualFold(c.Author, author) && strings.Contains(c.Body, marker)
	}), nil
}

// settle resolves a double assignment after steward assigned mine to an
// issue, by a rule every replica applies alike to what GitHub records: in
// the current run of assignments (since the issue last had nobody), the
// earliest assignment stands. If steward made it, steward's other picks
// are withdrawn; if a person did, all of steward's picks are. It reports
// whether mine stands, and steward's own identity: the actor of mine.
// Steward's picks are the assignments made by the same actor as mine
// (every replica acts as the same App).
func (t *Triage) settle(ctx context.Context, number int, mine string) (kept bool, self string, err error) {
	events, err := t.Issues.Events(ctx, number)
	if err != nil {
		return false, "", fmt.Errorf("reading #%d's events: %w", number, err)
	}
	withdraw, kept := Settle(events, mine)
	if len(withdraw) > 0 {
		if err := t.Issues.Unassign(ctx, number, withdraw); err != nil {
			return false, "", fmt.Errorf("withdrawing @%s from #%d: %w", strings.Join(withdraw, ", @"), number, err)
		}
	}
	for _, e := range events {
		if e.Event == "assigned" && strings.EqualFold(e.Assignee, mine) {
			self = e.Actor
		}
	}
	return kept, self, nil
}

// settleLeftover applies settle's rule to an issue with several assignees
// found by a later run. steward's identity is the author of an ask comment
// who also made the assignment it asks about: a person who pastes an ask
// marker into a comment does not become steward. An issue where steward
// asked nobody is left alone.
func (t *Triage) settleLeftover(ctx context.Context, is port.Issue, dryRun bool) (*RouteResult, error) {
	number := is.Number
	comments, err := t.Issues.Comments(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("reading #%d's comments: %w", number, err)
	}
	if !slices.ContainsFunc(comments, func(c port.Comment) bool { return strings.Contains(c.Body, askMarker("")) }) {
		return nil, nil
	}
	events, err := t.Issues.Events(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("reading #%d's events: %w", number, err)
	}
	self := askerOf(comments, events)
	if self == "" {
		return nil, nil
	}
	withdraw := withdrawn(currentRun(events), self)
	if len(withdraw) == 0 {
		return nil, nil
	}
	res := &RouteResult{Issue: number, Message: fmt.Sprintf("#%d: steward had assigned more than one engineer at once; withdrew @%s, assigned later.",
		number, strings.Join(withdraw, ", @"))}
	if dryRun {
		return res, nil
	}
	if err := t.Issues.Unassign(ctx, number, withdraw); err != nil {
		return nil, fmt.Errorf("withdrawing @%s from #%d: %w", strings.Join(withdraw, ", @"), number, err)
	}
	return res, nil
}

// Settle is the rule of settle, on an issue's events: the assignees to
// withdraw, and whether mine stands.
func Settle(events []port.IssueEvent, mine string) (withdraw []string, kept bool) {
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
func currentRun(events []port.IssueEvent) []pick {
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b port.IssueEvent) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	var run []pick
	for _, e := range events {
		login := strings.ToLower(e.Assignee)
		switch e.Event {
		case "assigned":
			if !slices.ContainsFunc(run, func(p pick) bool { return p.login == login }) {
				run = append(run, pick{login, strings.ToLower(e.Actor)})
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

// askerOf is steward's identity on an issue: the author of the first ask
// comment whose asked engineer that author assigned; "" when none is.
func askerOf(comments []port.Comment, events []port.IssueEvent) string {
	for _, c := range comments {
		for _, e := range events {
			if e.Event == "assigned" && strings.EqualFold(e.Actor, c.Author) && strings.Contains(c.Body, askMarker(e.Assignee)) {
				return strings.ToLower(c.Author)
			}
		}
	}
	return ""
}

func newHistory() routing.History {
	return routing.History{LastAsked: map[string]time.Time{}, Open: map[string]int{}, Asks: map[string]int{}, Declines: map[string]int{}}
}

// countOpen counts who holds how many of the open issues.
func countOpen(h *routing.History, issues []port.Issue) {
	for _, is := range issues {
		if is.State == "open" {
			for _, a := range is.Assignees {
				h.Open[strings.ToLower(a)]++
			}
		}
	}
}

// history reads, in one pass over the support issues, who was asked when
// (the assignment events of issues updated since, and of every open one),
// how often each engineer was asked and gave an issue back since, who holds
// how many open support issues, and who was asked about each issue before.
// It returns the issues it read.
func (t *Triage) history(ctx context.Context, since time.Time) (routing.History, map[int][]string, []port.Issue, error) {
	// One run reads it once: the dashboard's fairness section and routing
	// share the same read (and routing's asks show in it).
	if m := t.memo; m != nil && m.since.Equal(since) {
		return m.h, m.asked, slices.Clone(m.all), nil
	}
	h, asked, all, err := t.readHistory(ctx, since)
	if err == nil {
		t.memo = &historyMemo{since: since, h: h, asked: asked, all: slices.Clone(all)}
	}
	return h, asked, all, err
}

// historyMemo is one run's read of the routing history.
type historyMemo struct {
	since time.Time
	h     routing.History
	asked map[int][]string
	all   []port.Issue
}

// HistoryDays is how far back a scheduled run reads who was asked.
const HistoryDays = 90

// historySince is the first moment of the scheduled run's history: the
// start of the day HistoryDays ago, in the team's time zone.
func (t *Triage) historySince() time.Time {
	return t.Roster.Today(t.Now).AddDays(-HistoryDays).Time(t.Roster.Location())
}

func (t *Triage) readHistory(ctx context.Context, since time.Time) (routing.History, map[int][]string, []port.Issue, error) {
	h := newHistory()
	all, err := t.Issues.List(ctx, t.Label, "all")
	if err != nil {
		return h, nil, nil, err
	}
	countOpen(&h, all)
	read := slices.DeleteFunc(slices.Clone(all), func(is port.Issue) bool { return is.Updated.Before(since) && is.State != "open" })
	asked, err := t.readEvents(ctx, &h, read, since)
	return h, asked, all, err
}

// readEvents adds the assignment events of issues to h: who was asked
// when, asks and declines since, and who was asked about each issue.
func (t *Triage) readEvents(ctx context.Context, h *routing.History, issues []port.Issue, since time.Time) (map[int][]string, error) {
	asked := map[int][]string{}
	for _, is := range issues {
		events, err := t.Issues.Events(ctx, is.Number)
		if err != nil {
			return nil, fmt.Errorf("reading #%d's events: %w", is.Number, err)
		}
		for _, e := range events {
			who := strings.ToLower(e.Assignee)
			switch e.Event {
			case "assigned":
				if e.Created.After(h.LastAsked[who]) {
					h.LastAsked[who] = e.Created
				}
				if !slices.Contains(asked[is.Number], who) {
					asked[is.Number] = append(asked[is.Number], who)
				}
				if !e.Created.Before(since) {
					h.Asks[who]++
				}
			case "unassigned":
				// Giving an issue back is unassigning oneself.
				if !e.Created.Before(since) && strings.EqualFold(e.Actor, who) {
					h.Declines[who]++
				}
			}
		}
	}
	return asked, nil
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
