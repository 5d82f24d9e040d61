package usecase_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/sandbox"
)

// settle runs syncs until one plans nothing, failing after max runs.
func (w *world) settle(max int) int {
	w.t.Helper()
	for i := 1; i <= max; i++ {
		w.clock.Advance(time.Minute)
		r := w.sync()
		if len(r.Planned) == 0 {
			return i
		}
	}
	w.t.Fatalf("still planning work after %d runs", max)
	return 0
}

func TestStatusTravelsBothWaysWithoutEchoes(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Kernel dies", Tags: []string{"engineering"}})
	w.clock.Advance(time.Minute)
	w.sync()
	w.settle(2)

	// A pull request that fixes the issue is merged: the issue closes as
	// completed, and the ticket is resolved with a summary.
	pr, err := w.gh.OpenPull("acme", "support", "grace", "main", "fix", "Give kernels more memory", "Fixes #1", map[string]string{"fix.txt": "x"})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Minute)
	if err := w.gh.MergePull("acme", "support", pr, "grace"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Minute)
	r := w.sync()
	if f := failures(r); f != "" {
		t.Fatal(f)
	}
	tk, _ := w.fd.Ticket(id)
	if tk.Status != sandbox.StatusResolved {
		t.Fatalf("ticket status %d after the issue closed", tk.Status)
	}
	notes := w.fd.Conversations(id)
	last := notes[len(notes)-1]
	for _, want := range []string{"acme/support#1", "by @grace", "#2 Give kernels more memory", "steward:resolved"} {
		if !last.Private || !strings.Contains(last.Body, want) {
			t.Errorf("summary note lacks %q: %s", want, last.Body)
		}
	}
	if n := w.settle(2); n != 1 {
		t.Errorf("resolving the ticket echoed: %d runs to settle", n)
	}

	// The customer writes again: FreshDesk reopens the ticket, steward the issue.
	w.clock.Advance(time.Minute)
	w.fd.CustomerReply(id, "still broken")
	w.clock.Advance(time.Minute)
	w.sync()
	if is := w.issues()[0]; is.State != "open" {
		t.Fatalf("issue %s after the ticket reopened", is.State)
	}
	if n := w.settle(2); n != 1 {
		t.Errorf("reopening the issue echoed")
	}

	// An agent resolves the ticket: the issue closes with a comment.
	w.clock.Advance(time.Minute)
	w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusClosed })
	w.clock.Advance(time.Minute)
	w.sync()
	is := w.issues()[0]
	if is.State != "closed" || !strings.Contains(is.Comments[len(is.Comments)-1], "marked Closed in FreshDesk") {
		t.Fatalf("issue after the ticket closed: %s %q", is.State, is.Comments)
	}
	w.settle(2)

	// Someone reopens the issue: the ticket reopens.
	w.clock.Advance(time.Minute)
	w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State = "open" })
	w.clock.Advance(time.Minute)
	w.sync()
	if tk, _ := w.fd.Ticket(id); tk.Status != sandbox.StatusOpen {
		t.Fatalf("ticket status %d after the issue reopened", tk.Status)
	}
	if n := w.settle(2); n != 1 {
		t.Errorf("reopening the ticket echoed")
	}
	// Closed as not planned: the ticket is left alone.
	w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "not_planned" })
	w.clock.Advance(time.Minute)
	w.sync()
	if tk, _ := w.fd.Ticket(id); tk.Status != sandbox.StatusOpen {
		t.Errorf("closing as not planned changed the ticket to %d", tk.Status)
	}
}

func TestSubjectAndPriorityChangesPropagate(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Slow hub", Priority: sandbox.PriorityLow, Tags: []string{"engineering"}, CompanyID: 1})
	w.clock.Advance(time.Minute)
	w.sync()
	// A person retitles the issue on GitHub: steward keeps that.
	w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.Title = "Slow hub: notebook start takes 5 minutes" })
	w.settle(2)
	if is := w.issues()[0]; is.Title != "Slow hub: notebook start takes 5 minutes" {
		t.Errorf("steward undid a person's title: %q", is.Title)
	}
	// FreshDesk's subject and priority change: both follow.
	w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Subject = "Hub down"; t.Priority = sandbox.PriorityUrgent })
	w.clock.Advance(time.Minute)
	w.sync()
	is := w.issues()[0]
	if is.Title != "Hub down" || strings.Join(is.Labels, ",") != "support,priority: urgent" || !strings.Contains(is.Body, "| Priority | Urgent |") {
		t.Errorf("after the change: %q %v\n%s", is.Title, is.Labels, is.Body)
	}
	if b := w.gh.ProjectItems("acme", 7); b[0].Values["Priority"] != "Urgent" {
		t.Errorf("board priority %q", b[0].Values["Priority"])
	}
	w.settle(2)
}

// An event or hub-down puts a ticket's issue first on the board by its
// place, while its Priority field says what its label says.
func TestAnEventLabelsItsHubsIssues(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	w.fd.AddTicket(sandbox.FDTicket{Subject: "Quota question", Priority: sandbox.PriorityMedium, Tags: []string{"engineering"}, CompanyID: 1, CreatedAt: t0.Add(-time.Hour)})
	low := w.fd.AddTicket(sandbox.FDTicket{Subject: "Bootcamp hub slow", Tags: []string{"engineering"}, CompanyID: 2})
	w.clock.Advance(time.Minute)
	w.sync()
	if is := w.issues()[1]; !strings.Contains(strings.Join(is.Labels, ","), "event") || !strings.Contains(is.Body, "| Hub | Uni Bootcamp |") {
		t.Fatalf("during the event: %v", is.Labels)
	}
	board := func(when string, first, priority string) {
		t.Helper()
		b := w.gh.ProjectItems("acme", 7)
		if len(b) != 2 || b[0].Issue != first || b[0].Values["Priority"] != priority {
			t.Errorf("%s: board %+v, want %s first with Priority %s", when, b, first, priority)
		}
		for _, it := range b {
			n, _ := strconv.Atoi(it.Issue[strings.Index(it.Issue, "#")+1:])
			is := w.issues()[n-1]
			if want := "priority: " + strings.ToLower(it.Values["Priority"]); !slices.Contains(is.Labels, want) {
				t.Errorf("%s: %s has Priority %s on the board and labels %v", when, it.Issue, it.Values["Priority"], is.Labels)
			}
		}
	}
	// A Low ticket from a hub with an event goes first on the board.
	board("during the event", "acme/support#2", "Low")
	w.clock.Advance(4 * 24 * time.Hour) // the event ends on 2026-11-05
	w.sync()
	if is := w.issues()[1]; strings.Contains(strings.Join(is.Labels, ","), "event") {
		t.Errorf("after the event: %v", is.Labels)
	}
	board("after the event", "acme/support#1", "Medium")
	// Tagged hub-down: first again.
	w.fd.AgentUpdate(low, func(t *sandbox.FDTicket) { t.Tags = append(t.Tags, "hub-down") })
	w.clock.Advance(time.Minute)
	w.sync()
	board("hub down", "acme/support#2", "Low")
}

func TestNoPersonalDataReachesGitHub(t *testing.T) {
	w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
	secrets := []string{}
	for i := range 30 {
		name, email, phone := fmt.Sprintf("Requester Person%d", i), fmt.Sprintf("person%d@university.example", i), fmt.Sprintf("+1-555-01%02d", i)
		desc := fmt.Sprintf("My student ID is S%07d and my home hub password is hunter%d", i*7919, i)
		w.fd.AddContact(sandbox.FDContact{ID: int64(100 + i), Name: name, Email: email, Phone: phone, Mobile: phone + "9"})
		id := w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("Problem ", i), Description: "<p>" + desc + "</p>", RequesterID: int64(100 + i),
			Tags: []string{"engineering"}, CompanyID: 1, Priority: 1 + i%4})
		w.fd.CustomerReply(id, "Reply from "+name+" <"+email+">")
		secrets = append(secrets, name, email, phone, desc, fmt.Sprintf("S%07d", i*7919))
	}
	w.clock.Advance(time.Minute)
	w.sync()
	w.fd.AgentUpdate(3, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })
	w.gh.HumanUpdate("acme", "support", 5, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
	w.settle(3)
	if len(w.issues()) != 30 {
		t.Fatalf("%d issues", len(w.issues()))
	}
	for _, req := range w.gh.Ledger().Requests() {
		for _, s := range secrets {
			if strings.Contains(string(req.Body), s) {
				t.Fatalf("%s %s sent %q to GitHub", req.Method, req.Path, s)
			}
		}
	}
}
