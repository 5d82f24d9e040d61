package comms

import (
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
)

// Workdays is what comms needs of the team's calendar; a
// *workdays.Calendar is one.
type Workdays interface {
	IsWorkingDay(civil.Date) bool
}

// lookBack bounds the search for a working day: a calendar with more
// non-working days in a row than this is not a team's.
const lookBack = 60

// prevWorkingDay returns the last working day before d, or false.
func prevWorkingDay(d civil.Date, cal Workdays) (civil.Date, bool) {
	for i := 1; i <= lookBack; i++ {
		if p := d.AddDays(-i); cal.IsWorkingDay(p) {
			return p, true
		}
	}
	return civil.Date{}, false
}

// EventNoticesOn returns the event notices due on day d, in the order of
// events: EventTomorrow on the last working day before an event starts, and
// EventToday on its first working day (so an event that starts on a
// weekend is announced on the Friday before and the Monday it is still on).
func EventNoticesOn(d civil.Date, events []Event, cal Workdays) []EventNotice {
	if !cal.IsWorkingDay(d) {
		return nil
	}
	var out []EventNotice
	for _, e := range events {
		if before, ok := prevWorkingDay(e.From, cal); ok && before == d {
			out = append(out, EventNotice{Kind: EventTomorrow, Event: e})
		}
		if first, ok := firstWorkingDay(e.From, e.To, cal); ok && first == d {
			out = append(out, EventNotice{Kind: EventToday, Event: e})
		}
	}
	return out
}

func firstWorkingDay(from, to civil.Date, cal Workdays) (civil.Date, bool) {
	for d := from; d.Before(to) && d.Sub(from) <= lookBack; d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			return d, true
		}
	}
	return civil.Date{}, false
}

// Shift is one steward's shift, [Start, End).
type Shift struct {
	Who        Person
	Start, End civil.Date
}

// HandoffOn returns the handoff to announce on day d: the stewards who
// join, stay and leave on the latest handoff day (a day a shift starts or
// ends) in (the previous working day, d]. So a handoff on a holiday is told
// on the next working day, and never twice. It returns false on a working
// day with nothing to announce and on every non-working day.
func HandoffOn(d civil.Date, shifts []Shift, cal Workdays) (Handoff, bool) {
	if !cal.IsWorkingDay(d) {
		return Handoff{}, false
	}
	prev, ok := prevWorkingDay(d, cal)
	if !ok {
		prev = d.AddDays(-1)
	}
	var h civil.Date
	for _, s := range shifts {
		for _, b := range []civil.Date{s.Start, s.End} {
			if b.After(prev) && !b.After(d) && b.After(h) {
				h = b
			}
		}
	}
	if h.IsZero() {
		return Handoff{}, false
	}
	out := Handoff{Date: h}
	for _, s := range shifts {
		switch {
		case s.Start == h:
			out.Joining = append(out.Joining, s.Who)
		case s.End == h:
			out.Leaving = append(out.Leaving, s.Who)
		case s.Start.Before(h) && s.End.After(h):
			out.Staying = append(out.Staying, s.Who)
		}
	}
	for _, ps := range [][]Person{out.Joining, out.Staying, out.Leaving} {
		slices.SortFunc(ps, func(a, b Person) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	}
	// A steward whose shift ends and whose next begins the same day stays.
	out.Joining, out.Leaving, out.Staying = moveBoth(out.Joining, out.Leaving, out.Staying)
	return out, len(out.Joining)+len(out.Leaving) > 0
}

// moveBoth takes people who both join and leave (back-to-back shifts) out
// of both lists and into staying.
func moveBoth(joining, leaving, staying []Person) (j, l, s []Person) {
	s = staying
	for _, p := range joining {
		if slices.Contains(leaving, p) {
			s = append(s, p)
			continue
		}
		j = append(j, p)
	}
	for _, p := range leaving {
		if !slices.Contains(joining, p) {
			l = append(l, p)
		}
	}
	return j, l, s
}
