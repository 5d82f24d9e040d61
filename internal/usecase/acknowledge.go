package usecase

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/support-steward/steward/internal/comms"
	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/workdays"
)

// AcknowledgeWindow is how old a ticket may be and still be acknowledged:
// a greeting a week late is no greeting, and turning communication on must
// not e-mail every unanswered ticket of the past month; an older ticket
// with no answer is the dashboard's business (an overdue first response).
const AcknowledgeWindow = 7 * 24 * time.Hour

// Acknowledge sends (or drafts) the roster's acknowledgement on each open
// ticket (any status but resolved and closed) no agent has answered yet: observe the tickets, decide with comms,
// write through the Tickets port. It never writes without
// communication.acknowledge in the roster.
type Acknowledge struct {
	Tickets port.Tickets
	Roster  *roster.Roster
	Now     time.Time
	Log     *slog.Logger
}

// AckResult is what one run did.
type AckResult struct {
	Sent     []int64 `json:"sent,omitempty"`
	Drafted  []int64 `json:"drafted,omitempty"`
	Failed   []int64 `json:"failed,omitempty"`
	Disabled bool    `json:"disabled,omitempty"`
}

// Run acknowledges what needs it. A failed write is reported and left for
// the next run, which checks the conversation again before writing.
func (a *Acknowledge) Run(ctx context.Context, dryRun bool) (AckResult, error) {
	var res AckResult
	msg := a.Roster.Communication.Acknowledge
	if msg == nil {
		res.Disabled = true
		return res, nil
	}
	tickets, err := a.Tickets.Changed(ctx, a.Now.Add(-AcknowledgeWindow), true)
	if err != nil {
		return res, fmt.Errorf("listing tickets to acknowledge: %w", err)
	}
	cal := workdays.New(a.Roster.Location(), a.Roster.Holidays)
	var stewards []string
	for _, s := range rotation.Who(a.Roster, a.Roster.Today(a.Now)).OnDuty {
		stewards = append(stewards, s.Name)
	}
	var firstErr error
	for _, t := range tickets {
		// Open is every status but resolved and closed: Pending and the
		// account's own ("Waiting on Third Party") too.
		if mirror.Done(t.Status) || t.Created.Before(a.Now.Add(-AcknowledgeWindow)) || comms.Acknowledged(t.FirstResponded, t.AgentResponded, nil) {
			continue
		}
		// The listing may be a minute old: read what was said before
		// writing to a person.
		convs, err := a.Tickets.Conversations(ctx, t.ID)
		if err != nil {
			res.Failed = append(res.Failed, t.ID)
			firstErr = cmpErr(firstErr, fmt.Errorf("reading ticket %d's conversation: %w", t.ID, err))
			continue
		}
		said := make([]comms.Said, len(convs))
		for i, c := range convs {
			said[i] = comms.Said{Incoming: c.Incoming, Private: c.Private, Text: c.Text}
		}
		if comms.Acknowledged(t.FirstResponded, t.AgentResponded, said) {
			continue
		}
		out := comms.Compose("acknowledge", *msg, comms.Requester{TicketID: t.ID, Subject: t.Subject, RequesterName: t.RequesterName,
			Team: a.Roster.Team, Stewards: stewards, Location: a.Roster.Location(),
			NextUpdate: cal.AddDays(a.Now, a.Roster.SLA.UpdateEveryDays())})
		if dryRun {
			res.add(t.ID, out.Draft)
			continue
		}
		if out.Draft {
			err = a.Tickets.Note(ctx, t.ID, out.HTML)
		} else {
			err = a.Tickets.Reply(ctx, t.ID, out.HTML)
		}
		if err != nil {
			res.Failed = append(res.Failed, t.ID)
			firstErr = cmpErr(firstErr, fmt.Errorf("acknowledging ticket %d: %w", t.ID, err))
			continue
		}
		res.add(t.ID, out.Draft)
		if a.Log != nil {
			a.Log.Info("acknowledged", "ticket", t.ID, "draft", out.Draft)
		}
	}
	return res, firstErr
}

func (r *AckResult) add(id int64, draft bool) {
	if draft {
		r.Drafted = append(r.Drafted, id)
	} else {
		r.Sent = append(r.Sent, id)
	}
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
