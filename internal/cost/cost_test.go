package cost

import (
	"strings"
	"testing"
)

// The default setup (the catch-up schedule and a FreshDesk rule that fires
// only for tickets that need engineering) stays within GitHub Free's 2,000
// minutes for 100 tickets a week, 30 of them needing engineering; 500 a
// week with 150 is over it, where steward serve is the better choice.
func TestTheDefaultSetupFitsTheFreeMinutes(t *testing.T) {
	small, err := Month(Team{TicketsPerWeek: 100, Engineering: 30, IssueEventsPerTicket: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !small.WithinFree || small.ScheduleMinutes != 574 || small.DispatchMinutes != 522 || small.OldScheduleMinutes != 2192 {
		t.Errorf("100 a week: %+v", small)
	}
	big, _ := Month(Team{TicketsPerWeek: 500, Engineering: 150, IssueEventsPerTicket: 1})
	if big.WithinFree || big.ScheduleDispatch <= FreeMinutes {
		t.Errorf("500 a week: %+v", big)
	}
	var b strings.Builder
	if err := small.WriteText(&b); err != nil || !strings.Contains(b.String(), "within GitHub Free's 2000") {
		t.Errorf("text:\n%s", b.String())
	}
}

func TestImpossibleTeamsAreRefused(t *testing.T) {
	for _, team := range []Team{{TicketsPerWeek: 10, Engineering: 11}, {TicketsPerWeek: -1}, {TicketsPerWeek: 10, DispatchesPerTicket: -2}, {TicketsPerWeek: 10, IssueEventsPerTicket: -1}} {
		if _, err := Month(team); err == nil {
			t.Errorf("%+v was accepted", team)
		}
	}
}

// A person's change to a support issue starts a run too (closing it,
// unassigning themselves): counted as told, none when told none (review:
// 0 was taken for the default).
func TestPeoplesChangesToIssuesAreRunsToo(t *testing.T) {
	none, _ := Month(Team{TicketsPerWeek: 100, Engineering: 30})
	one, _ := Month(Team{TicketsPerWeek: 100, Engineering: 30, IssueEventsPerTicket: 1})
	two, _ := Month(Team{TicketsPerWeek: 100, Engineering: 30, IssueEventsPerTicket: 2})
	if !(none.DispatchMinutes < one.DispatchMinutes && one.DispatchMinutes < two.DispatchMinutes) || none.DispatchMinutes != 392 {
		t.Errorf("minutes for 0, 1 and 2 issue changes a ticket: %d, %d, %d", none.DispatchMinutes, one.DispatchMinutes, two.DispatchMinutes)
	}
}
