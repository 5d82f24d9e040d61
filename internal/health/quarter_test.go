package health

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
	"github.com/support-steward/steward/internal/workdays"
)

// The simulated quarter: a team in America/Los_Angeles handing off on
// Mondays (support.start 2026-09-07), with Veterans Day (Wed 2026-11-11)
// and Thanksgiving (Thu–Fri 2026-11-26/27) as holidays, an event on Uni
// Bootcamp (2026-10-20 to 10-23), a cover on 2026-11-24, and the clocks
// going back on Sunday 2026-11-01 (PDT, UTC−7, to PST, UTC−8). The report
// is made on Wednesday 2026-12-02 at noon: 12 weeks, 2026-09-14 to the
// partial week of 2026-11-30.
const quarterRoster = `version: 1
team: Open Infrastructure Engineering Team
timezone: America/Los_Angeles
holidays: [2026-11-11, 2026-11-26, 2026-11-27]
support:
  team_size: 2
  tenure: 4w
  handoff_every: 2w
  start: 2026-09-07
engineers:
  - {name: Ada Lovelace, github: ada}
  - {name: Bob Kahn, github: bob}
  - {name: Cy Young, github: cy}
  - {name: Dee Dee, github: dee}
overrides:
  - {github: dee, for: bob, from: 2026-11-24, to: 2026-11-24, note: dentist}
events:
  - {name: Fall Workshop, hub: Uni Bootcamp, from: 2026-10-20, to: 2026-10-23}
sla: {first_response: 1, update_every: 2}
`

var la = mustZone("America/Los_Angeles")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a moment in the team's zone, "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, la)
	if err != nil {
		panic(err)
	}
	return t
}

func quarterInput(t testing.TB) Input {
	t.Helper()
	r, probs := roster.Parse("roster.yaml", []byte(quarterRoster))
	if len(probs) > 0 {
		t.Fatalf("roster: %v", probs)
	}
	return Input{
		Now:      at("2026-12-02 12:00"),
		Weeks:    12,
		Roster:   r,
		Calendar: workdays.New(r.Location(), r.Holidays),
		Policy:   sla.Policy{FirstResponse: r.SLA.FirstResponseDays(), UpdateEvery: r.SLA.UpdateEveryDays()},
		Tickets:  quarterTickets(),
	}
}

const (
	low, medium, high, urgent = sla.PriorityLow, sla.PriorityMedium, sla.PriorityHigh, sla.PriorityUrgent
	open, pendingS, resolvedS = 2, 3, 4
)

// quarterTickets are the quarter's tickets; each comment works out what it
// contributes. FR = first-response time in working hours (h), Pending
// excluded; "due" is the next update's due moment (2 working days after
// the last reply); a ticket-day is counted at the end (midnight) of each
// working day.
func quarterTickets() []Ticket {
	acme, beta, delta, uni := untrusted.Of("Acme Hub"), untrusted.Of("Beta Hub"), untrusted.Of("Delta Hub"), untrusted.Of("Uni Bootcamp")
	return []Ticket{
		// T0, created before the report: one reply (Thu 9-10 11:00), due
		// Thu 13h + Fri 24h + Mon 11h = Mon 9-14 11:00. Week 9-14: Mon and
		// Tue late; resolved Wed 9-16 10:00: Thu 14 + Fri 24 + Mon 24 +
		// Tue 24 + Wed 10 = 96 h = 4.00 days.
		{ID: 100, Priority: medium, Status: resolvedS, Hub: acme, Created: at("2026-09-10 10:00"), FirstResponded: at("2026-09-10 11:00"),
			AgentResponded: at("2026-09-10 11:00"), Resolved: at("2026-09-16 10:00"), Updated: at("2026-09-16 10:00")},
		// T1, week 9-14: FR Mon 09:00 to 11:30 = 2.5 h, met. Mon: on time
		// (the stats' replies, 20.5 working hours apart, settle it).
		// Resolved Tue 09:00: 24 h = 1.00 day.
		{ID: 101, Priority: urgent, Status: resolvedS, Hub: acme, Created: at("2026-09-14 09:00"), FirstResponded: at("2026-09-14 11:30"),
			AgentResponded: at("2026-09-15 08:00"), Resolved: at("2026-09-15 09:00"), Updated: at("2026-09-15 09:00")},
		// T2, week 9-14, created late on a Friday: FR Fri 16:00-24:00 8 h +
		// weekend 0 + Mon 15 h = 23 h, met. Week 9-21: Mon on time, Tue on
		// time (due Wed 15:00); resolved Wed 10:00: 8 + 24 + 24 + 10 = 66 h
		// = 2.75 days.
		{ID: 102, Priority: low, Status: resolvedS, Hub: beta, Created: at("2026-09-18 16:00"), FirstResponded: at("2026-09-21 15:00"),
			AgentResponded: at("2026-09-21 15:00"), Resolved: at("2026-09-23 10:00"), Updated: at("2026-09-23 10:00")},
		// T3, week 9-21, replies read: FR Tue 10:00 to Wed 14:00 = 14 + 14 =
		// 28 h, missed. Due Fri 9-25 14:00: Wed, Thu on time, Fri late.
		// Reply Mon 9-28 09:00, due Wed 09:00: Mon, Tue on time, Wed late.
		// Reply Thu 10-01 12:00: Thu on time. Resolved Fri 10-02 12:00:
		// Tue 14 + 3×24 + 4×24 + 12 = 194 h = 8.08 days.
		{ID: 103, Priority: medium, Status: resolvedS, Hub: acme, Created: at("2026-09-22 10:00"), FirstResponded: at("2026-09-23 14:00"),
			AgentResponded: at("2026-10-01 12:00"), Resolved: at("2026-10-02 12:00"), Updated: at("2026-10-02 12:00"),
			RepliesKnown: true, Replies: []time.Time{at("2026-09-23 14:00"), at("2026-09-28 09:00"), at("2026-10-01 12:00")}},
		// T4, week 9-21, hub down, late at night: FR Thu 23:00 to Fri 00:30
		// = 1.5 h, met. No day counted (answered after Thu's end, resolved
		// Fri 06:00): 7 h = 0.29 days.
		{ID: 104, Priority: urgent, Status: resolvedS, Hub: beta, HubDown: true, Created: at("2026-09-24 23:00"), FirstResponded: at("2026-09-25 00:30"),
			AgentResponded: at("2026-09-25 00:30"), Resolved: at("2026-09-25 06:00"), Updated: at("2026-09-25 06:00")},
		// T5, week 10-05: FR 1 h, met. Pending from 10:05, after its only
		// reply, to its resolution a week later: no ticket-day counted.
		// Resolved Mon 10-12 09:00: 5 working days, Pending included.
		{ID: 105, Priority: medium, Status: resolvedS, Hub: untrusted.Of("Gamma Hub"), Created: at("2026-10-05 09:00"), FirstResponded: at("2026-10-05 10:00"),
			AgentResponded: at("2026-10-05 10:00"), PendingSince: at("2026-10-05 10:05"), StatusUpdated: at("2026-10-12 09:00"),
			Resolved: at("2026-10-12 09:00"), Updated: at("2026-10-12 09:00")},
		// T6, week 10-12: closed unanswered (a duplicate) Mon 10-19 08:00,
		// Fri 7 h + Mon 8 h = 15 h < 24 h after creation: not yet due, out
		// of the denominator. Resolution 15 h = 0.63 days (week 10-19).
		{ID: 106, Priority: low, Status: 5, Hub: acme, Created: at("2026-10-16 17:00"), Resolved: at("2026-10-19 08:00"), Updated: at("2026-10-19 08:00")},
		// T7, week 10-19, event: FR 20 min = 0.33 h, met. Resolved the same
		// day, 4 h = 0.17 days.
		{ID: 107, Priority: urgent, Status: resolvedS, Hub: uni, Created: at("2026-10-20 08:00"), FirstResponded: at("2026-10-20 08:20"),
			AgentResponded: at("2026-10-20 08:20"), Resolved: at("2026-10-20 12:00"), Updated: at("2026-10-20 12:00")},
		// T8, week 10-19, event: FR Wed 13:00 to Thu 15:00 = 11 + 15 = 26 h,
		// missed. Thu on time. Resolved Fri 10:00: 11 + 24 + 10 = 45 h =
		// 1.88 days.
		{ID: 108, Priority: high, Status: resolvedS, Hub: uni, Created: at("2026-10-21 13:00"), FirstResponded: at("2026-10-22 15:00"),
			AgentResponded: at("2026-10-22 15:00"), Resolved: at("2026-10-23 10:00"), Updated: at("2026-10-23 10:00")},
		// T9, week 10-19 (a Saturday), replies not read: FR weekend 0 + Mon
		// 10 h = 10 h, met. First reply Mon 10-26 10:00, latest Thu 11-05
		// 09:00. Due Wed 10-28 10:00: Mon, Tue on time; Wed to Fri, then
		// Mon to Wed 11-04 look late but a reply in between may have come:
		// 3 + 3 unknown. Thu 11-05 (after the latest reply): on time.
		// Resolved Fri 11-06 09:00: 5×24 + 4×24 + 9 = 225 h = 9.38 days.
		{ID: 109, Priority: medium, Status: resolvedS, Hub: acme, Created: at("2026-10-24 10:00"), FirstResponded: at("2026-10-26 10:00"),
			AgentResponded: at("2026-11-05 09:00"), Resolved: at("2026-11-06 09:00"), Updated: at("2026-11-06 09:00")},
		// T10, week 10-26 though 11-02 07:30 UTC (Sun 23:30 PST, after the
		// clocks went back): FR Mon 08:00 = 8 h, met. Resolved Mon 12:00:
		// 12 h = 0.50 days (week 11-02).
		{ID: 110, Priority: low, Status: resolvedS, Hub: delta, Created: at("2026-11-01 23:30"), FirstResponded: at("2026-11-02 08:00"),
			AgentResponded: at("2026-11-02 08:00"), Resolved: at("2026-11-02 12:00"), Updated: at("2026-11-02 12:00")},
		// T11, week 10-26, Friday PDT to Monday PST (65 wall-clock hours):
		// FR Fri 7 h + Mon 9 h = 16 h, met. Mon 11-02 on time. Resolved Tue
		// 09:00: 7 + 24 + 9 = 40 h = 1.67 days.
		{ID: 111, Priority: high, Status: resolvedS, Hub: delta, Created: at("2026-10-30 17:00"), FirstResponded: at("2026-11-02 09:00"),
			AgentResponded: at("2026-11-02 09:00"), Resolved: at("2026-11-03 09:00"), Updated: at("2026-11-03 09:00")},
		// T12, week 11-09, answered over Veterans Day, replies read: FR Tue
		// 15:00 to Thu 10:00 = 9 + 0 + 10 = 19 h, met. Due Mon 11-16 10:00
		// (Thu 14 + Fri 24 + Mon 10): Thu, Fri on time; Mon late. Reply Tue
		// 11-17 09:00: Tue on time. Resolved Wed 11-18 12:00: 9 + 0 + 24 +
		// 24 + 24 + 24 + 12 = 117 h = 4.88 days.
		{ID: 112, Priority: medium, Status: resolvedS, Hub: acme, Created: at("2026-11-10 15:00"), FirstResponded: at("2026-11-12 10:00"),
			AgentResponded: at("2026-11-17 09:00"), Resolved: at("2026-11-18 12:00"), Updated: at("2026-11-18 12:00"),
			RepliesKnown: true, Replies: []time.Time{at("2026-11-12 10:00"), at("2026-11-17 09:00")}},
		// T13, week 11-02: never answered, open: missed. No ticket-day (no
		// first response).
		{ID: 113, Priority: low, Status: open, Hub: beta, Created: at("2026-11-05 10:00"), Updated: at("2026-11-05 10:00")},
		// T14, week 11-23, answered over Thanksgiving: FR Wed 15:00 to Mon
		// 09:00 = 9 + 0 + 0 + 9 = 18 h, met. Open; due Wed 12-02 09:00:
		// Mon 11-30 and Tue 12-01 on time (Wed has not ended).
		{ID: 114, Priority: high, Status: open, Hub: beta, Created: at("2026-11-25 15:00"), FirstResponded: at("2026-11-30 09:00"),
			AgentResponded: at("2026-11-30 09:00"), Updated: at("2026-11-30 09:00")},
		// T15, week 11-30, Pending since Mon 12:00 and still: FR Mon 09:00
		// to Tue 12:00 = 27 h minus Pending Mon 12:00 to Tue 12:00 (24 h)
		// = 3 h, met. Tue: Pending, not counted.
		{ID: 115, Priority: medium, Status: pendingS, Hub: acme, Created: at("2026-11-30 09:00"), FirstResponded: at("2026-12-01 12:00"),
			AgentResponded: at("2026-12-01 12:00"), PendingSince: at("2026-11-30 12:00"), StatusUpdated: at("2026-11-30 12:00"), Updated: at("2026-12-01 12:00")},
		// T16, week 11-16, hub down: FR 45 min = 0.75 h, met. Resolved Mon
		// 17:00: 8 h = 0.33 days.
		{ID: 116, Priority: urgent, Status: resolvedS, Hub: acme, HubDown: true, Created: at("2026-11-16 09:00"), FirstResponded: at("2026-11-16 09:45"),
			AgentResponded: at("2026-11-16 09:45"), Resolved: at("2026-11-16 17:00"), Updated: at("2026-11-16 17:00")},
		// T17, week 11-30, unanswered: Tue 14:00 to now (Wed 12:00) = 10 +
		// 12 = 22 h < 24 h: not yet due.
		{ID: 117, Priority: low, Status: open, Hub: untrusted.Of("Epsilon Hub"), Created: at("2026-12-01 14:00"), Updated: at("2026-12-01 14:00")},
		// Spam: out of everything.
		{ID: 118, Priority: urgent, Status: open, Spam: true, Hub: acme, Created: at("2026-11-30 10:00"), Updated: at("2026-11-30 10:00")},
	}
}

// row is a line of figures, as compact as a hand-written table allows:
// received "total L/M/H/U ev hd", first response "met-missed-notdue
// answered pct med p90", updates "days on unknown pct", resolved "count
// median".
type row struct {
	received, first, updates, resolved, stewards string
}

func numS(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func rowOf(f Figures) row {
	rc, fr, u, rs := f.Received, f.FirstResponse, f.Updates, f.Resolved
	return row{
		received: fmt.Sprintf("%d %d/%d/%d/%d ev%d hd%d", rc.Total, rc.Low, rc.Medium, rc.High, rc.Urgent, rc.Event, rc.HubDown),
		first:    fmt.Sprintf("%d-%d-%d n%d %s%% %sh %sh", fr.Met, fr.Missed, fr.NotYetDue, fr.Answered, numS(fr.PercentMet), numS(fr.MedianHours), numS(fr.P90Hours)),
		updates:  fmt.Sprintf("%d %d u%d %s%%", u.TicketDays, u.OnTime, u.Unknown, numS(u.PercentOnTime)),
		resolved: fmt.Sprintf("%d %sd", rs.Count, numS(rs.MedianDays)),
	}
}

func TestQuarterMatchesHandComputedFigures(t *testing.T) {
	r := Build(quarterInput(t))
	want := []struct {
		start string
		row
	}{
		// Received T1 (U), T2 (L); FR 2.5 and 23 h: median rank ⌈0.5×2⌉=1
		// is 2.5, p90 rank ⌈0.9×2⌉=2 is 23. Updates T0 Mon, Tue late, T1
		// Mon on time: 1/3 = 33.3 %. Resolved T0 4.00, T1 1.00: median
		// rank 1 = 1.
		{"2026-09-14", row{"2 1/0/0/1 ev0 hd0", "2-0-0 n2 100% 2.5h 23h", "3 1 u0 33.3%", "2 1d", "ada bob"}},
		// T3 missed 28 h, T4 met 1.5 h: 50 %, [1.5 28]. Updates T2 2/2,
		// T3 2/3: 4/5 = 80 %. Resolved T2 2.75, T4 0.29: median 0.29.
		{"2026-09-21", row{"2 0/1/0/1 ev0 hd1", "1-1-0 n2 50% 1.5h 28h", "5 4 u0 80%", "2 0.29d", "bob cy"}},
		// T3's 3/4 days; resolved T3 8.08.
		{"2026-09-28", row{"0 0/0/0/0 ev0 hd0", "0-0-0 n0 null% nullh nullh", "4 3 u0 75%", "1 8.08d", "bob cy"}},
		// T5 1 h; all its days Pending.
		{"2026-10-05", row{"1 0/1/0/0 ev0 hd0", "1-0-0 n1 100% 1h 1h", "0 0 u0 null%", "0 nulld", "cy dee"}},
		// T6 closed unanswered in time: not yet due. Resolved T5 5.00.
		{"2026-10-12", row{"1 1/0/0/0 ev0 hd0", "0-0-1 n0 null% nullh nullh", "0 0 u0 null%", "1 5d", "cy dee"}},
		// T7 (U, event) 0.33 met, T8 (H, event) 26 missed, T9 (M) 10 met:
		// 2/3 = 66.7 %; [0.33 10 26]: median rank 2 = 10, p90 rank 3 = 26.
		// Updates T8 Thu 1/1. Resolved T6 0.63, T7 0.17, T8 1.88: median
		// rank 2 = 0.63.
		{"2026-10-19", row{"3 0/1/1/1 ev2 hd0", "2-1-0 n3 66.7% 10h 26h", "1 1 u0 100%", "3 0.63d", "ada dee"}},
		// T10 (L, created after the clocks went back, still this week) 8 h,
		// T11 (H) 16 h. Updates T9 2 on time, 3 unknown.
		{"2026-10-26", row{"2 1/0/1/0 ev0 hd0", "2-0-0 n2 100% 8h 16h", "2 2 u3 100%", "0 nulld", "ada dee"}},
		// T13 missed, unanswered. Updates T9 Thu on time, 3 unknown; T11
		// Mon on time. Resolved T10 0.5, T11 1.67, T9 9.38: median 1.67.
		{"2026-11-02", row{"1 1/0/0/0 ev0 hd0", "0-1-0 n0 0% nullh nullh", "2 2 u3 100%", "3 1.67d", "ada bob"}},
		// T12 19 h over the holiday. Updates T12 Thu, Fri on time.
		{"2026-11-09", row{"1 0/1/0/0 ev0 hd0", "1-0-0 n1 100% 19h 19h", "2 2 u0 100%", "0 nulld", "ada bob"}},
		// T16 (U, hub down) 0.75 h. Updates T12 Mon late, Tue on time.
		// Resolved T12 4.88, T16 0.33: median 0.33.
		{"2026-11-16", row{"1 0/0/0/1 ev0 hd1", "1-0-0 n1 100% 0.75h 0.75h", "2 1 u0 50%", "2 0.33d", "bob cy"}},
		// T14 18 h over Thanksgiving. Dee covers Bob on Tue 11-24.
		{"2026-11-23", row{"1 0/0/1/0 ev0 hd0", "1-0-0 n1 100% 18h 18h", "0 0 u0 null%", "0 nulld", "bob cy dee(for bob)"}},
		// T15 (M) 3 h Pending excluded, T17 (L) not yet due; spam out.
		// Updates T14 Mon, Tue.
		{"2026-11-30", row{"2 1/1/0/0 ev0 hd0", "1-0-1 n1 100% 3h 3h", "2 2 u0 100%", "0 nulld", "cy dee"}},
	}
	if len(r.Weeks) != len(want) {
		t.Fatalf("%d weeks, want %d", len(r.Weeks), len(want))
	}
	for i, w := range want {
		got := r.Weeks[i]
		if got.Start.String() != w.start || got.End != got.Start.AddDays(7) {
			t.Errorf("week %d is %s to %s, want %s + 7 days", i, got.Start, got.End, w.start)
		}
		if got.Partial != (i == len(want)-1) {
			t.Errorf("week %s: partial %v", w.start, got.Partial)
		}
		g := rowOf(got.Figures)
		var who []string
		for _, s := range got.Stewards {
			h := s.GitHub
			if s.Covering != "" {
				h += "(for " + s.Covering + ")"
			}
			who = append(who, h)
		}
		g.stewards = strings.Join(who, " ")
		if g != w.row {
			t.Errorf("week %s:\n got %+v\nwant %+v", w.start, g, w.row)
		}
	}
	if ev := r.Weeks[5].Events; len(ev) != 1 || ev[0].Name != "Fall Workshop" {
		t.Errorf("week 10-19 events = %+v, want the Fall Workshop", ev)
	}
	for i, w := range r.Weeks {
		if i != 5 && len(w.Events) != 0 {
			t.Errorf("week %s events = %+v, want none", w.Start, w.Events)
		}
	}

	// The quarter: 17 received, Low T2 T6 T10 T13 T17, Medium T3 T5 T9
	// T12 T15, High T8 T11 T14, Urgent T1 T4 T7 T16; FR met 12, missed 3 (T3, T8, T13), not yet
	// due 2 (T6, T17): 12/15 = 80 %; 14 answered, sorted [0.33 0.75 1 1.5
	// 2.5 3 8 10 16 18 19 23 26 28]: median rank 7 = 8 h, p90 rank
	// ⌈12.6⌉ = 13 = 26 h. Updates 23 days, 18 on time (78.3 %), 6 unknown.
	// Resolved 14, sorted [0.17 0.29 0.33 0.5 0.63 1 1.67 1.88 2.75 4
	// 4.88 5 8.08 9.38]: median rank 7 = 1.67.
	if got, want := rowOf(r.Total), (row{"17 5/5/3/4 ev2 hd2", "12-3-2 n14 80% 8h 26h", "23 18 u6 78.3%", "14 1.67d", ""}); got != want {
		t.Errorf("total:\n got %+v\nwant %+v", got, want)
	}

	// Hubs by tickets received: Acme 7, Beta 4, then Delta 2 and Uni
	// Bootcamp 2 by name, then Epsilon 1 before Gamma 1 by name.
	wantHubs := []struct {
		name string
		row
	}{
		// T1 U, T3 M, T6 L, T9 M, T12 M, T15 M, T16 U (hub down). FR met 5
		// (2.5 10 19 0.75 3), missed 1 (T3 28), T6 not yet due: 83.3 %;
		// [0.75 2.5 3 10 19 28] median rank 3 = 3, p90 rank 6 = 28.
		// Updates T0 0/2, T1 1/1, T3 5/7, T9 3/3 u6, T12 3/4: 12/17 =
		// 70.6 %. Resolved T0 4, T1 1, T3 8.08, T6 0.63, T9 9.38, T12 4.88,
		// T16 0.33: median rank 4 = 4.
		{"Acme Hub", row{"7 1/4/0/2 ev0 hd1", "5-1-1 n6 83.3% 3h 28h", "17 12 u6 70.6%", "7 4d", ""}},
		// T2 L 23, T4 U hd 1.5, T13 L missed, T14 H 18: 3/4; [1.5 18 23].
		// Updates T2 2/2, T14 2/2. Resolved T2 2.75, T4 0.29.
		{"Beta Hub", row{"4 2/0/1/1 ev0 hd1", "3-1-0 n3 75% 18h 23h", "4 4 u0 100%", "2 0.29d", ""}},
		{"Delta Hub", row{"2 1/0/1/0 ev0 hd0", "2-0-0 n2 100% 8h 16h", "1 1 u0 100%", "2 0.5d", ""}},
		{"Uni Bootcamp", row{"2 0/0/1/1 ev2 hd0", "1-1-0 n2 50% 0.33h 26h", "1 1 u0 100%", "2 0.17d", ""}},
		{"Epsilon Hub", row{"1 1/0/0/0 ev0 hd0", "0-0-1 n0 null% nullh nullh", "0 0 u0 null%", "0 nulld", ""}},
	}
	if len(r.Hubs) != len(wantHubs) {
		t.Fatalf("%d hubs, want %d", len(r.Hubs), len(wantHubs))
	}
	for i, w := range wantHubs {
		if got := r.Hubs[i].Name.Unescaped(); got != w.name {
			t.Errorf("hub %d is %q, want %q", i, got, w.name)
		}
		if got := rowOf(r.Hubs[i].Figures); got != w.row {
			t.Errorf("hub %s:\n got %+v\nwant %+v", w.name, got, w.row)
		}
	}
	// T3 and T12 were read; T9's unknown days would be settled by reading.
	if r.Replies != (Replies{Read: 2, Unsettled: 1}) {
		t.Errorf("replies = %+v, want 2 read, 1 unsettled", r.Replies)
	}
	if r.Targets != (Targets{FirstResponse: 1, UpdateEvery: 2}) || r.Timezone != "America/Los_Angeles" || !r.Generated.Equal(at("2026-12-02 12:00")) || r.Generated.Location() != time.UTC {
		t.Errorf("header = %v %v %v", r.Targets, r.Timezone, r.Generated)
	}
}

// The week of the clocks going back is 169 hours long: its boundaries are
// midnights in the team's zone, not 7 × 24 hours apart.
func TestWeekOfTheDSTChangeRunsMidnightToMidnight(t *testing.T) {
	in := quarterInput(t)
	f := in.frame()
	w := f.weeks[6]
	if w.start != civil.MustParse("2026-10-26") {
		t.Fatalf("week 6 starts %s", w.start)
	}
	if got := w.endT.Sub(w.startT); got != 169*time.Hour {
		t.Errorf("the week of 2026-11-01 lasts %v, want 169h", got)
	}
	if got := f.week(at("2026-11-01 23:30")); got != 6 {
		t.Errorf("Sun 23:30 PST falls in week %d, want 6", got)
	}
	if got := f.week(at("2026-11-02 00:00")); got != 7 {
		t.Errorf("Mon 00:00 PST falls in week %d, want 7", got)
	}
	// The current week has only the days that ended: Mon and Tue.
	if got := len(f.weeks[11].dayEnds); got != 2 {
		t.Errorf("the current week has %d ended working days, want 2", got)
	}
	// Thanksgiving week: Mon to Wed.
	if got := len(f.weeks[10].dayEnds); got != 3 {
		t.Errorf("Thanksgiving week has %d working days, want 3", got)
	}
}
