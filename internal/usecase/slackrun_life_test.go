package usecase_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/sandbox"
)

// A ticket's whole life, through the composed Slack part and the real
// adapters: each step tells the thread one thing, with one Slack request
// (the new ticket: two, the parent and its permalink), and a run again
// with nothing new makes none.
func TestAThreadFollowsATicketsWholeLifeThroughTheSlackRun(t *testing.T) {
	w := newSlackWorld(t, "", nil, at("2026-11-03", 7))
	ctx := context.Background()
	w.runOnce() // the group and the day settle
	var id int64
	var issue int
	steps := []struct {
		name     string
		at       time.Time
		do       func()
		requests int
		reply    string // the new reply's first words; "" none
	}{
		{"a new ticket", at("2026-11-03", 9), func() {
			id = w.fd.AddTicket(sandbox.FDTicket{Subject: "JupyterHub down, call +1 415 555 0100", Priority: 3, Tags: []string{"engineering"},
				CompanyID: 1, CreatedAt: at("2026-11-03", 8)})
		}, 2, ""},
		{"its issue opened and an engineer asked", at("2026-11-03", 11), func() {
			issue = w.openIssue(id, "JupyterHub down", "Example Hub")
			w.clock.Advance(time.Minute)
			w.gh.HumanUpdate("acme", "support", issue, "steward-bot", func(c *sandbox.IssueChange) { c.Assignees = []string{"ada"} })
		}, 1, ":hammer_and_wrench: Support issue opened: <http"},
		{"the first response target missed", at("2026-11-04", 9), func() {}, 1, ":warning: The first response target was missed"},
		{"a reply to the requester: nothing for the thread", at("2026-11-04", 11), func() {
			w.clock.Set(at("2026-11-04", 10))
			if _, err := w.fdc.Reply(ctx, id, "<p>We are on it.</p>"); err != nil {
				t.Fatal(err)
			}
		}, 0, ""},
		{"an update due, the ticket untouched for two days", at("2026-11-06", 11), func() {}, 1, ":hourglass_flowing_sand: An update to the requester is due"},
		{"resolved, with the mirror's summary", at("2026-11-09", 11), func() {
			w.clock.Set(at("2026-11-09", 10))
			note := mirror.ResolvedNote("acme/support", issue, "https://github.com/acme/support/issues/2", "ada", w.clock.Now(), nil)
			if _, err := w.fdc.AddNote(ctx, id, note, true); err != nil {
				t.Fatal(err)
			}
			w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusResolved })
		}, 1, ":white_check_mark: Resolved. the engineering issue acme/support#2 was closed as completed by @ada"}, // #1 is the dashboard
		{"reopened by the requester", at("2026-11-10", 11), func() {
			w.clock.Set(at("2026-11-10", 10))
			w.fd.CustomerReply(id, "<p>It is down again</p>")
		}, 1, ":arrows_counterclockwise: The ticket was reopened"},
		{"resolved again", at("2026-11-11", 11), func() {
			w.clock.Set(at("2026-11-11", 10))
			w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusClosed })
		}, 1, ":white_check_mark: Resolved."},
	}
	var want []string
	for _, s := range steps {
		s.do()
		w.clock.Set(s.at)
		w.slack.Ledger().Reset()
		w.runOnce()
		if n := w.slack.Ledger().Len(); n != s.requests {
			t.Errorf("%s: %d Slack requests, want %d:\n%s", s.name, n, s.requests, w.slack.Ledger())
		}
		if s.reply != "" {
			want = append(want, s.reply)
		}
		got := w.thread(id)
		if len(got) != len(want) {
			t.Fatalf("%s: the thread has %d replies, want %d:\n%s", s.name, len(got), len(want), strings.Join(got, "\n"))
		}
		for i, p := range want {
			if !strings.HasPrefix(got[i], p) {
				t.Errorf("%s: reply %d is %q, want it to start %q", s.name, i, got[i], p)
			}
		}
		w.clock.Advance(10 * time.Minute)
		w.slack.Ledger().Reset()
		w.runOnce()
		if n := w.slack.Ledger().Len(); n != 0 {
			t.Errorf("%s, run again: %d Slack requests:\n%s", s.name, n, w.slack.Ledger())
		}
	}
	got := w.thread(id)
	if !strings.Contains(got[0], "Asked <@U0ADA00001> to take it") {
		t.Errorf("the issue reply does not name who was asked: %q", got[0])
	}
	parent := w.slack.Parents(slackTickets)
	if len(parent) != 1 || strings.Contains(parent[0].Text, "555 0100") || !strings.Contains(parent[0].Text, "Priority: *High*") {
		t.Errorf("parent: %+v", parent)
	}
}
