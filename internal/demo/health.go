package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sandbox"
	"github.com/support-steward/steward/internal/wire"
)

// historyWeeks is how far back the demo's support history goes: the
// support health report's twelve weeks.
const historyWeeks = 12

// seedHistory gives FreshDesk eleven past weeks of answered and resolved
// tickets (the team's record), with an event three weeks ago and a holiday
// five weeks ago, so the support health chapter has weeks that are hard
// and weeks that are not, whatever day the demo runs. It is a fixed
// pattern, not random: the same day gives the same story.
func seedHistory(r *roster.Roster, fd *sandbox.Freshdesk, now time.Time) {
	loc := r.Location()
	today := r.Today(now)
	monday := today.AddDays(-int((today.Weekday() + 6) % 7))
	eventWeek := monday.AddDays(-21)
	r.Events = append(r.Events, roster.Event{Name: "Workshop", Hub: "example-hub", From: eventWeek.AddDays(1), To: eventWeek.AddDays(4)})
	holiday := monday.AddDays(-35)
	r.Holidays = append(r.Holidays, holiday)
	cal := func(d civil.Date, hour int) time.Time { return d.Time(loc).Add(time.Duration(hour) * time.Hour) }
	for k := 1; k < historyWeeks; k++ {
		week := monday.AddDays(-7 * k)
		n := 4 + (k*5)%5
		if week == eventWeek {
			n += 6 // the workshop's week: more tickets, more urgent
		}
		for i := range n {
			day := week.AddDays((k + i) % 5)
			created := cal(day, 8+(i*3+k)%9)
			// Most answered within hours; every fourth takes a day and a
			// half of working time, and the holiday's week waits longer.
			wait := time.Duration(1+(i*7+k)%6) * time.Hour
			if i%4 == 3 {
				wait = 36 * time.Hour
			}
			if day == holiday || week == holiday {
				wait += 24 * time.Hour
			}
			reply := created.Add(wait)
			resolved := reply.Add(time.Duration(4+(i+k)%3*8) * time.Hour)
			priority := 1 + (i+k)%3
			if week == eventWeek && i < 4 {
				priority = 4
			}
			var tags []string
			if i%7 == 5 {
				tags = []string{"hub-down"}
			}
			hub := int64(1 + (i+2*k)%4)
			if week == eventWeek && i < 6 {
				hub = 1 // the workshop's hub
			}
			fd.AddTicket(sandbox.FDTicket{Subject: fmt.Sprintf("Question %d of week %s", i+1, week), Priority: priority, Status: sandbox.StatusResolved,
				CompanyID: hub, Tags: tags, CreatedAt: created, UpdatedAt: resolved,
				Stats: sandbox.FDStats{FirstRespondedAt: reply, AgentRespondedAt: reply, ResolvedAt: resolved, StatusUpdatedAt: resolved}})
		}
	}
}

// tellHealth is the support health chapter: the report `steward report`
// prints, made from the sandbox's tickets, and what it cost.
func (st *Story) tellHealth(ctx context.Context, c wire.Clients) error {
	h := c.Health()
	if h == nil {
		return fmt.Errorf("the support health report needs FreshDesk: %w", c.FDErr)
	}
	rep, cost, err := h.Report(ctx, historyWeeks, nil)
	if err != nil {
		return fmt.Errorf("the support health report: %w", err)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		return err
	}
	ch := st.chapter("Support health")
	ch.say("Is the team keeping its promise? `steward report` reads FreshDesk's tickets and their stats, and counts in working time (the roster's zone and holidays, Pending left out):")
	ch.Lines = append(ch.Lines, strings.Split(strings.TrimRight(b.String(), "\n"), "\n")...)
	ch.say("It cost %d FreshDesk credit(s): %d ticket(s) listed, %d conversation(s) and %d company name(s) read; the scheduled run makes the same report from the tickets it reads anyway, puts it on the dashboard with charts GitHub draws, and the team page shows it as charts.",
		cost.Credits(), cost.Listed, cost.Conversations, cost.Companies)
	return nil
}
