package usecase_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/usecase"
)

const team = `version: 1
team: Hub Team
timezone: Europe/Paris
support: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-03-02}
engineers:
  - {name: Ada Lovelace, github: ada}
  - {name: Bob Bell, github: bob}
  - {name: Cy Young, github: cy}
`

const ackSend = `communication:
  acknowledge:
    mode: %s
    template: |
      Hi {{requester_first_name}},

      Thanks for writing to {{team}} about "{{subject}}" (#{{ticket_id}}).
      {{stewards}} are looking at it and will write again by {{next_update}}.
      To help us judge the impact: does it affect many users or a few?
`

type ackWorld struct {
	fd    *sandbox.Freshdesk
	clock *sandbox.ManualClock
	ack   func() (usecase.AckResult, error)
}

func newAckWorld(t *testing.T, extra string, faults *sandbox.Faults) *ackWorld {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(team+extra))
	if r == nil {
		t.Fatal(probs)
	}
	clock := sandbox.NewManualClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	fd := sandbox.NewFreshdesk(sandbox.FreshdeskOptions{APIKey: "k", Clock: clock, Faults: faults})
	srv := httptest.NewServer(fd)
	t.Cleanup(srv.Close)
	c, err := freshdesk.New(freshdesk.Config{BaseURL: srv.URL, APIKey: "k", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	w := &ackWorld{fd: fd, clock: clock}
	w.ack = func() (usecase.AckResult, error) {
		a := &usecase.Acknowledge{Tickets: freshdesk.Tickets{C: c}, Roster: r, Now: clock.Now()}
		return a.Run(context.Background(), false)
	}
	return w
}

// TestAcknowledgeOverAMonth: tickets arrive through a simulated month, one
// run an hour; some are answered by an agent first. Every ticket no agent
// answered gets exactly one acknowledgement; none is sent when the roster
// has no template.
func TestAcknowledgeOverAMonth(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		faults      *sandbox.Faults
		wantReplies bool
		wantDrafts  bool
	}{
		{name: "send", extra: fmt.Sprintf(ackSend, "send"), wantReplies: true},
		{name: "send under faults", extra: fmt.Sprintf(ackSend, "send"), wantReplies: true,
			faults: sandbox.NewFaults(7, sandbox.Fault{Route: "", Rate: 0.3, Kinds: []sandbox.FaultKind{sandbox.ServerError, sandbox.Drop}, AfterEffect: false},
				sandbox.Fault{Route: "POST /api/v2/tickets/{id}/reply", Rate: 0.2, Kinds: []sandbox.FaultKind{sandbox.Drop}, AfterEffect: true})},
		{name: "draft", extra: fmt.Sprintf(ackSend, "draft"), wantDrafts: true},
		{name: "off", extra: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newAckWorld(t, tc.extra, tc.faults)
			w.fd.AddContact(sandbox.FDContact{ID: 9, Name: "Sam Requester", Email: "sam@example.org"})
			var ids, answered []int64
			for hour := range 24 * 28 {
				if hour%17 == 3 {
					id := w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprintf("Problem %d", hour), Priority: 2, RequesterID: 9, CreatedAt: w.clock.Now()})
					ids = append(ids, id)
					if len(ids)%4 == 0 { // an agent is quicker than the next run
						w.fd.AgentUpdate(id, func(t *sandbox.FDTicket) {
							t.Stats.FirstRespondedAt, t.Stats.AgentRespondedAt = w.clock.Now(), w.clock.Now()
						})
						answered = append(answered, id)
					}
				}
				w.ack() // errors are left for the next run
				w.clock.Advance(time.Hour)
			}
			for _, id := range ids {
				var replies, drafts int
				for _, c := range w.fd.Conversations(id) {
					switch {
					case !c.Private && !c.Incoming:
						replies++
						if !strings.Contains(c.Body, "Hi Sam,") || !strings.Contains(c.Body, " are looking at it and will write again by ") {
							t.Errorf("ticket %d: reply %q", id, c.Body)
						}
					case c.Private && strings.Contains(c.Body, "steward drafted the acknowledge reply"):
						drafts++
					}
				}
				wasAnswered := false
				for _, a := range answered {
					wasAnswered = wasAnswered || a == id
				}
				wantR, wantD := 0, 0
				if !wasAnswered && tc.wantReplies {
					wantR = 1
				}
				if !wasAnswered && tc.wantDrafts {
					wantD = 1
				}
				if replies != wantR || drafts != wantD {
					t.Errorf("ticket %d (answered by an agent: %v): %d replies, %d drafts; want %d and %d", id, wasAnswered, replies, drafts, wantR, wantD)
				}
			}
			if len(ids) < 30 {
				t.Fatalf("only %d tickets", len(ids))
			}
		})
	}
}

// Turning acknowledgements on does not greet last month's tickets: only
// those created in the last week. Found by a fresh-eye review.
func TestAnOldUnansweredTicketIsNotGreeted(t *testing.T) {
	w := newAckWorld(t, fmt.Sprintf(ackSend, "send"), nil)
	old := w.fd.AddTicket(sandbox.FDTicket{Subject: "Old", Priority: 2, CreatedAt: w.clock.Now().Add(-10 * 24 * time.Hour), UpdatedAt: w.clock.Now().Add(-time.Hour)})
	fresh := w.fd.AddTicket(sandbox.FDTicket{Subject: "Fresh", Priority: 2, CreatedAt: w.clock.Now().Add(-2 * 24 * time.Hour)})
	res, err := w.ack()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sent) != 1 || res.Sent[0] != fresh {
		t.Errorf("sent %v; want only the fresh ticket %d (not %d)", res.Sent, fresh, old)
	}
}

// Issue #25, fact 9: accounts define statuses of their own beyond 2-5.
// An unanswered ticket an agent moved to Pending or to the account's
// "Waiting on Third Party" is as open as one in Open, and its requester has
// heard nothing yet: it is acknowledged. Resolved and closed tickets are
// not.
func TestAnUnansweredTicketInAnyOpenStatusIsGreeted(t *testing.T) {
	w := newAckWorld(t, fmt.Sprintf(ackSend, "send"), nil)
	w.fd.AddStatus(6, "Waiting on Third Party")
	want := map[int64]bool{}
	for status := 2; status <= 6; status++ {
		id := w.fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprint("Status ", status), Priority: 2, Status: status, CreatedAt: w.clock.Now().Add(-time.Hour)})
		want[id] = status != sandbox.StatusResolved && status != sandbox.StatusClosed
	}
	res, err := w.ack()
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, id := range res.Sent {
		got[id] = true
	}
	for id, open := range want {
		if got[id] != open {
			tk, _ := w.fd.Ticket(id)
			t.Errorf("ticket %d in status %d: acknowledged %v, want %v", id, tk.Status, got[id], open)
		}
	}
}
