package sla

import (
	"fmt"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/workdays"
)

// LapsePeriod says which period of its lapse an overdue target is in at
// now: 1 from the due moment until update_every more working days have
// passed, then 2, and so on. 0 when the target is not overdue.
func LapsePeriod(tg Target, p Policy, cal *workdays.Calendar, now time.Time) int {
	if tg.State != Overdue || now.Before(tg.Due) {
		return 0
	}
	period := time.Duration(max(p.UpdateEvery, 1)) * workdays.Day
	return 1 + int(cal.Between(tg.Due, now)/period)
}

// Audience is who a lapse's reminder goes to, widening each period.
type Audience int

// The audiences, narrowest first.
const (
	// Asked is the engineer asked to take the ticket's issue.
	Asked Audience = iota + 1
	// Stewards are the stewards on duty.
	Stewards
	// Team is everyone on the team who is around today (and the Slack
	// tickets thread, where Slack is configured).
	Team
)

func (a Audience) String() string {
	return [...]string{"", "the engineer asked", "the stewards on duty", "the team"}[a]
}

// Escalation returns who hears of a lapse in its period: the engineer asked
// on its issue first (the stewards when nobody was asked), then the
// stewards, then the whole team.
func Escalation(period int, assigned bool) Audience {
	switch {
	case period <= 1 && assigned:
		return Asked
	case period <= 2:
		return Stewards
	}
	return Team
}

// Reminder is the text of one lapse's reminder: who is mentioned and why,
// with the lapse's marker so the period is never raised twice.
func (l Lapse) Reminder(mentions []string, loc *time.Location) string {
	what := map[Kind]string{FirstResponse: "The first response", Update: "An update"}[l.Target.Kind]
	if what == "" {
		what = "A reply"
	}
	who := "Support Stewards"
	if len(mentions) > 0 {
		who = strings.Join(mentions, " ")
	}
	again := ""
	if l.Period > 1 {
		again = fmt.Sprintf(" This is reminder %d: nobody has written to the requester since.", l.Period)
	}
	return fmt.Sprintf("%s: %s to FreshDesk ticket #%d was due %s and is overdue.%s\n\n%s",
		who, what, l.Ticket, l.Target.Due.In(loc).Format("Mon Jan 2 15:04 MST"), again, l.Marker())
}
