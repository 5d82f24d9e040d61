package usecase_test

import (
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
)

// When a ticket's issue is closed as completed, the requester is told what
// was done (communication.resolved): a public reply, or a private note
// holding it for a steward; once per ticket, however many runs; never
// when the roster has no such message.
func TestTheResolvedMessageGoesOncePerTicket(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    string // "": not configured
		replies int
		drafts  int
	}{
		{"send", roster.Send, 1, 0},
		{"draft", roster.Draft, 0, 1},
		{"off", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, sandbox.FreshdeskOptions{}, sandbox.GitHubOptions{})
			r, _, err := roster.Load("../../roster.yaml")
			if err != nil {
				t.Fatal(err)
			}
			r.Communication.Resolved = nil // the sample roster drafts one
			if tc.mode != "" {
				r.Communication.Resolved = &roster.Message{Mode: tc.mode, Template: "Hello {{requester_first_name}}, about ticket {{ticket_id}}: {{summary}}"}
			}
			w.roster = r
			id := w.fd.AddTicket(sandbox.FDTicket{Subject: "Kernels die", Tags: []string{"engineering"}})
			w.settle(3)
			w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
			w.settle(3)
			// Reopened in FreshDesk, closed again on GitHub: the ticket was
			// told once already.
			w.clock.Advance(time.Hour)
			w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) { t.Status = sandbox.StatusOpen })
			w.settle(3)
			if is := w.issues()[0]; is.State != "open" {
				t.Fatalf("the issue did not reopen: %s", is.State)
			}
			w.clock.Advance(time.Hour)
			w.gh.HumanUpdate("acme", "support", 1, "ada", func(c *sandbox.IssueChange) { c.State, c.StateReason = "closed", "completed" })
			w.settle(3)
			var replies, drafts int
			for _, c := range w.fd.Conversations(id) {
				switch {
				case !c.Private && strings.Contains(c.Body, "about ticket"):
					replies++
					if !strings.Contains(c.Body, "Kernels die: done by @ada.") {
						t.Errorf("the reply does not say what was done: %s", c.Body)
					}
				case c.Private && strings.Contains(c.Body, comms.DraftHeading("resolved")):
					drafts++
				}
			}
			if replies != tc.replies || drafts != tc.drafts {
				t.Errorf("%d replies and %d drafts, want %d and %d: %+v", replies, drafts, tc.replies, tc.drafts, w.fd.Conversations(id))
			}
			if tk, _ := w.fd.Ticket(id); tk.Status != sandbox.StatusResolved {
				t.Errorf("ticket status %d", tk.Status)
			}
		})
	}
}
