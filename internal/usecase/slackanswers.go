package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/port"
	"github.com/support-steward/steward/internal/privacy"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// CommandAnswers are the answers of the `/steward` slash command, from the
// roster (and the helpdesk for `overdue`). The server hands its methods to
// internal/slack's CommandHandler, which bounds each in time: one not ready
// within Slack's 3 seconds (`overdue` pages 90 days of tickets) is posted
// to the command's response_url when ready. They honour the context they
// are given.
type CommandAnswers struct {
	Roster *roster.Roster
	Now    func() time.Time
	// Tickets is optional: without it, `overdue` says the helpdesk is not
	// configured.
	Tickets   port.Tickets
	TicketURL func(id int64) string
	// Lookback is how far back open tickets are read (default 90 days, as
	// the dashboard does).
	Lookback time.Duration
}

// MaxOverdueListed bounds the tickets `overdue` lists; the rest are counted.
const MaxOverdueListed = 15

func (a CommandAnswers) today() civil.Date { return a.Roster.Today(a.Now()) }

// Who says who is on duty today, who is away uncovered, and the next
// handoff.
func (a CommandAnswers) Who(ctx context.Context) (string, error) {
	st, err := rotation.WhoContext(ctx, a.Roster, a.today())
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*Stewards on duty today (%s):* ", st.Date)
	if len(st.OnDuty) == 0 {
		b.WriteString("nobody")
		if !st.Starts.IsZero() {
			fmt.Fprintf(&b, " (the rotation starts %s)", st.Starts)
		} else {
			b.WriteString(" (a gap in the rotation)")
		}
	}
	for i, s := range st.OnDuty {
		if i > 0 {
			b.WriteString(sep(i, len(st.OnDuty)))
		}
		fmt.Fprintf(&b, "%s until %s", a.mention(s.GitHub, s.Name), s.End)
		if s.Covering != "" {
			fmt.Fprintf(&b, " (covering @%s)", slackEscape(s.Covering))
		}
	}
	b.WriteString(".")
	for _, ab := range st.Away {
		fmt.Fprintf(&b, "\n:warning: %s.", slackEscape(st.AwaySentence(ab)))
	}
	if h := st.Next; h != nil {
		fmt.Fprintf(&b, "\n*Next handoff, %s:* %s.", h.Date, slackEscape(h.Sentence()))
	}
	return b.String(), nil
}

func sep(i, n int) string {
	if i == n-1 {
		return " and "
	}
	return ", "
}

// mention names an engineer with a Slack mention when the roster has their
// id.
func (a CommandAnswers) mention(handle, name string) string {
	if e, ok := a.Roster.Engineer(handle); ok && e.Slack != "" {
		return "<@" + e.Slack + ">"
	}
	return slackEscape(name + " (@" + handle + ")")
}

// Schedule lists the shifts, gaps and covers of the coming weeks.
func (a CommandAnswers) Schedule(ctx context.Context, weeks int) (string, error) {
	if weeks < 1 {
		return "", errors.New("weeks must be at least 1")
	}
	from := a.today()
	until := from.AddDays(7 * weeks)
	s, err := rotation.ComputeContext(ctx, a.Roster, from, until)
	if err != nil {
		return "", err
	}
	var table strings.Builder
	if err := s.WriteTable(&table, from); err != nil {
		return "", err
	}
	// A code block keeps Slack from reading names as markup; only a fence
	// inside could end it early.
	body := strings.ReplaceAll(table.String(), "```", "'''")
	return fmt.Sprintf("*Support stewards, %s to %s:*\n```\n%s```", from, until.AddDays(-1), body), nil
}

// Overdue lists the open tickets past a response target, most overdue
// first.
func (a CommandAnswers) Overdue(ctx context.Context) (string, error) {
	if a.Tickets == nil {
		return "The helpdesk is not configured (integrations.freshdesk in roster.yaml): steward sees no tickets.", nil
	}
	lookback := a.Lookback
	if lookback <= 0 {
		lookback = 90 * 24 * time.Hour
	}
	now := a.Now()
	list, err := a.Tickets.Changed(ctx, now.Add(-lookback), false)
	if err != nil {
		return "", err
	}
	cal := workdays.New(a.Roster.Location(), a.Roster.Holidays)
	policy := sla.Policy{FirstResponse: a.Roster.SLA.FirstResponseDays(), UpdateEvery: a.Roster.SLA.UpdateEveryDays()}
	type late struct {
		t  port.Ticket
		tg sla.Target
	}
	var over []late
	for _, t := range list {
		if tg := sla.Evaluate(slaTicket(t), policy, cal, now); tg.State == sla.Overdue {
			over = append(over, late{t, tg})
		}
	}
	if len(over) == 0 {
		return ":white_check_mark: No ticket is past its response target.", nil
	}
	slices.SortFunc(over, func(x, y late) int {
		if c := x.tg.Due.Compare(y.tg.Due); c != 0 {
			return c
		}
		return int(x.t.ID - y.t.ID)
	})
	var b strings.Builder
	fmt.Fprintf(&b, ":warning: *%d ticket(s) past a response target:*", len(over))
	for i, o := range over {
		if i == MaxOverdueListed {
			fmt.Fprintf(&b, "\n…and %d more (see the support dashboard).", len(over)-i)
			break
		}
		what := "first response"
		if o.tg.Kind == sla.Update {
			what = "update"
		}
		title := fmt.Sprintf("Ticket #%d", o.t.ID)
		if a.TicketURL != nil {
			title = "<" + a.TicketURL(o.t.ID) + "|" + title + ">"
		}
		fmt.Fprintf(&b, "\n• %s: %s (%s due %s)", title, slackEscape(privacy.Scrub(strings.TrimSpace(o.t.Subject))), what,
			o.tg.Due.In(a.Roster.Location()).Format("Mon 2 Jan 15:04 MST"))
	}
	return b.String(), nil
}

// slackEscape makes text safe in Slack's mrkdwn (internal/untrusted owns
// how).
func slackEscape(s string) string { return untrusted.Of(s).Mrkdwn() }
