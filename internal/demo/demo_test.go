package demo

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/roster/template"
	"github.com/support-steward/steward/internal/sandbox"
)

// TestTheStoryIsTrue runs the demo and checks what it tells against the
// sandboxes' final state.
func TestTheStoryIsTrue(t *testing.T) {
	sample, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	story, w, err := Run(context.Background(), sample, now)
	if err != nil {
		t.Fatal(err)
	}
	f := story.Facts
	text := ""
	for _, ch := range story.Chapters {
		text += ch.Title + "\n" + strings.Join(ch.Lines, "\n") + "\n"
	}
	issues := w.GitHub.Issues("open-infra", "support")
	byNumber := map[int]sandbox.Issue{}
	for _, is := range issues {
		byNumber[is.Number] = is
	}

	if strings.Join(f.Stewards, ",") != "grace,kjohnson" || f.NextHandoff != "2026-12-07" {
		t.Errorf("stewards %v, next %s", f.Stewards, f.NextHandoff)
	}
	pr := byNumber[f.PullRequest]
	if !pr.IsPull || pr.State != "open" || pr.Title != f.PullTitle || !strings.Contains(text, fmt.Sprintf("Opened #%d, %q", f.PullRequest, f.PullTitle)) {
		t.Errorf("the rotation pull request: %+v", pr)
	}
	if branch, ok := w.GitHub.File("open-infra", "support", pr.Head, "roster.yaml"); !ok || !strings.Contains(branch, "{github: ada-l, start: 2026-12-07, end: 2027-01-04}") {
		t.Errorf("the pull request's roster.yaml lacks the new shift")
	}
	if m := w.GitHub.TeamMembers("open-infra", "support-stewards"); strings.Join(m, ",") != "grace,kjohnson" {
		t.Errorf("team %v", m)
	}

	// Every mirrored ticket has exactly one issue, on the board.
	count := map[int64]int{}
	for _, is := range issues {
		if id, _, ok := mirror.TicketOf(is.Body); ok {
			count[id]++
		}
	}
	// The board holds the open mirrored issues (7: one ticket was resolved
	// already, its issue closed at once) and the support issue a person
	// opened (seeded: "a support issue nobody has taken").
	if len(f.Mirrored) != 8 || f.IssuesCreated != 8 || len(count) != 8 || f.BoardItems != 8 || len(w.GitHub.ProjectItems("open-infra", 12)) != 8 {
		t.Errorf("mirrored %v (%d created), issues per ticket %v, board %d", f.Mirrored, f.IssuesCreated, count, f.BoardItems)
	}
	for _, id := range f.Mirrored {
		if count[id] != 1 {
			t.Errorf("ticket %d has %d issues", id, count[id])
		}
		tk, _ := w.Freshdesk.Ticket(id)
		if !tk.HasTag("engineering") {
			t.Errorf("ticket %d was mirrored without the tag", id)
		}
	}
	if !strings.Contains(text, fmt.Sprintf("The %d tagged engineering became one support issue each", len(f.Mirrored))) {
		t.Error("the story's count of mirrored tickets is not the one it made")
	}

	if d := byNumber[f.Dashboard]; !strings.HasPrefix(d.Body, "<!-- steward:dashboard -->") || d.Title != "Support dashboard" {
		t.Errorf("dashboard #%d: %+v", f.Dashboard, d)
	}
	for _, r := range f.Routed {
		var n int
		var who string
		fmt.Sscanf(r, "#%d -> @%s", &n, &who)
		if is := byNumber[n]; len(is.Assignees) == 0 || is.Assignees[0] != who || !strings.Contains(text, fmt.Sprintf("#%d went to @%s", n, who)) {
			t.Errorf("routed %s, but #%d is assigned to %v", r, n, is.Assignees)
		}
	}
	if len(f.Routed) < 2 {
		t.Errorf("only %d issues routed", len(f.Routed))
	}

	tk, _ := w.Freshdesk.Ticket(f.ResolvedTicket)
	if f.ResolvedTicket == 0 || tk.Status != sandbox.StatusResolved || byNumber[f.ResolvedByIssue].State != "closed" {
		t.Errorf("resolved ticket %d is %d; issue #%d is %s", f.ResolvedTicket, tk.Status, f.ResolvedByIssue, byNumber[f.ResolvedByIssue].State)
	}
	// The run that resolves the ticket leaves the resolution note; its Slack
	// part, last in the run, then notes the thread's reply after it.
	resolvedNotes := 0
	for _, cv := range w.Freshdesk.Conversations(f.ResolvedTicket) {
		if strings.Contains(cv.Body, "steward:resolved issue=") {
			if !cv.Private {
				t.Errorf("the resolution note is public: %+v", cv)
			}
			resolvedNotes++
		}
	}
	if resolvedNotes != 1 {
		t.Errorf("the resolved ticket has %d resolution notes", resolvedNotes)
	}

	// The requester's side: exactly the tickets that got a public reply from
	// steward were told acknowledged, and each got one.
	replied := map[int64]int{}
	for _, tk := range w.Freshdesk.Tickets() {
		for _, cv := range w.Freshdesk.Conversations(tk.ID) {
			if !cv.Incoming && !cv.Private {
				replied[tk.ID]++
			}
		}
	}
	if len(f.Acknowledged) == 0 || len(f.Acknowledged) != len(replied) {
		t.Errorf("acknowledged %v, but replies on %v", f.Acknowledged, replied)
	}
	for _, id := range f.Acknowledged {
		if replied[id] != 1 {
			t.Errorf("ticket %d got %d replies", id, replied[id])
		}
	}
	if !f.ResolvedDraft || !strings.Contains(text, "holding the reply that tells the requester what was done") {
		t.Errorf("the resolved ticket's drafted reply is not told (%v)", f.ResolvedDraft)
	}

	if f.GitHubRequests != w.GitHub.Ledger().Len() || f.FreshdeskReqs != w.Freshdesk.Ledger().Len() {
		t.Error("the story's request counts are not the ledgers'")
	}
	// Nothing private reached GitHub.
	for _, req := range w.GitHub.Ledger().Requests() {
		for _, s := range []string{"@example.edu", "Requester 1", "Private message from the requester"} {
			if strings.Contains(string(req.Body), s) {
				t.Fatalf("%s %s sent %q to GitHub", req.Method, req.Path, s)
			}
		}
	}
}

// The demo plays any valid roster, not only the sample's repository
// names: a new team's roster from `steward init` (no integrations at all)
// and one that names its own repository, board and team.
func TestTheDemoPlaysAnyRoster(t *testing.T) {
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	fresh, err := template.Render(template.Example(template.NextMonday(civil.Of(now))))
	if err != nil {
		t.Fatal(err)
	}
	own := []byte(strings.Replace(string(fresh), "version: 1\n", "version: 1\nintegrations:\n  github:\n    repo: acme/helpdesk\n    base_branch: trunk\n    project: {owner: acme, number: 3}\n    stewards_team: acme/on-call\n  freshdesk: {domain: acme, stewards_group_id: 7}\n", 1))
	for name, data := range map[string][]byte{"new team": fresh, "own names": own} {
		story, w, err := Run(context.Background(), data, now)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := w.Place
		if story.Facts.IssuesCreated != 8 || len(w.GitHub.ProjectItems(p.ProjectOwner, p.ProjectNumber)) != 8 || story.Facts.ResolvedTicket == 0 {
			t.Errorf("%s: %+v", name, story.Facts)
		}
		if name == "own names" && (p.Owner != "acme" || p.Repo != "helpdesk" || p.Branch != "trunk" || p.ProjectNumber != 3 || p.TeamSlug != "on-call" || len(p.Filled) != 0) {
			t.Errorf("own names: %+v", p)
		}
		if name == "new team" && !strings.Contains(strings.Join(story.Chapters[0].Lines, "\n"), "sandbox stand-ins: integrations.github") {
			t.Errorf("new team: %v", story.Chapters[0].Lines)
		}
	}
}

// Issue #27: the demo shows the support health report on the sandbox's
// tickets: twelve weeks, one with an event and one with a holiday, and
// the holiday's week answered later than the weeks around it.
func TestTheDemoShowsSupportHealth(t *testing.T) {
	sample, err := os.ReadFile("../../roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	story, _, err := Run(context.Background(), sample, now)
	if err != nil {
		t.Fatal(err)
	}
	var ch *Chapter
	for i := range story.Chapters {
		if story.Chapters[i].Title == "Support health" {
			ch = &story.Chapters[i]
		}
	}
	if ch == nil {
		t.Fatal("no Support health chapter")
	}
	text := strings.Join(ch.Lines, "\n")
	rows := 0
	for _, l := range ch.Lines {
		if strings.HasPrefix(strings.TrimSpace(l), "2026-") && strings.Contains(l, "%") {
			rows++
		}
	}
	for _, want := range []string{"event Workshop on example-hub", "holiday 2026-11-02", "FreshDesk credit(s)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the chapter does not say %q:\n%s", want, text)
		}
	}
	if rows < 11 {
		t.Errorf("%d week rows with figures, want 11 or 12:\n%s", rows, text)
	}
	// The holiday's week (2026-11-02) waited a day longer for answers.
	for _, l := range ch.Lines {
		if strings.HasPrefix(strings.TrimSpace(l), "2026-11-02 ") && strings.Contains(l, "%") && !strings.Contains(l, "(25%)") {
			t.Errorf("the holiday's week: %s", l)
		}
	}
}
