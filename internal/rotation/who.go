package rotation

import (
	"context"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Status is who is on duty on a day and what changes next.
type Status struct {
	Date   civil.Date `json:"date"`
	OnDuty []Shift    `json:"on_duty"`
	// Unfilled lists the seats nobody holds on Date.
	Unfilled []Gap    `json:"unfilled"`
	Next     *Handoff `json:"next_handoff"`
}

// Handoff is a day on which the stewards change.
type Handoff struct {
	Date    civil.Date `json:"date"`
	Joining []Shift    `json:"joining"`
	Leaving []Shift    `json:"leaving"`
	Staying []Shift    `json:"staying"`
}

// Who returns the stewards on duty on day d and the next handoff after it.
// It is WhoContext without a deadline, for today's date; a day out of
// range gives a Status with nobody on duty.
func Who(r *roster.Roster, d civil.Date) Status {
	st, err := WhoContext(context.Background(), r, d)
	if err != nil {
		return Status{Date: d, OnDuty: []Shift{}, Unfilled: []Gap{}}
	}
	return st
}

// WhoContext returns the stewards on duty on day d and the next handoff
// after it, or an error when d is out of range or ctx ends first.
func WhoContext(ctx context.Context, r *roster.Roster, d civil.Date) (Status, error) {
	horizon := d.AddDays(3*r.Support.Tenure.Days + 1)
	s, err := ComputeContext(ctx, r, d, horizon)
	if err != nil {
		return Status{}, err
	}
	st := Status{Date: d, OnDuty: []Shift{}, Unfilled: []Gap{}}
	for _, sh := range s.Shifts {
		if covers(sh.Start, sh.End, d) {
			st.OnDuty = append(st.OnDuty, sh)
		}
	}
	for _, g := range s.Gaps {
		if covers(g.Start, g.End, d) {
			st.Unfilled = append(st.Unfilled, g)
		}
	}
	st.Next = nextHandoff(s, d, horizon)
	return st, nil
}

func covers(start, end, d civil.Date) bool { return !start.After(d) && end.After(d) }

// nextHandoff finds the first day after d on which a shift starts or ends.
func nextHandoff(s Schedule, d, horizon civil.Date) *Handoff {
	next := horizon
	for _, sh := range s.Shifts {
		if sh.Start.After(d) {
			next = civil.Min(next, sh.Start)
		}
		if sh.End.After(d) {
			next = civil.Min(next, sh.End)
		}
	}
	if next == horizon {
		return nil
	}
	h := &Handoff{Date: next, Joining: []Shift{}, Leaving: []Shift{}, Staying: []Shift{}}
	for _, sh := range s.Shifts {
		switch {
		case sh.Start == next:
			h.Joining = append(h.Joining, sh)
		case sh.End == next:
			h.Leaving = append(h.Leaving, sh)
		case covers(sh.Start, sh.End, next):
			h.Staying = append(h.Staying, sh)
		}
	}
	return h
}

// For returns the shifts of one engineer (handle compared case-insensitively)
// and no gaps.
func (s Schedule) For(handle string) Schedule {
	out := Schedule{Shifts: []Shift{}, Gaps: []Gap{}}
	for _, sh := range s.Shifts {
		if strings.EqualFold(sh.GitHub, handle) {
			out.Shifts = append(out.Shifts, sh)
		}
	}
	return out
}

// DefaultRange is the range a schedule shows when none is asked for: four
// weeks back, to see who just served, and 26 weeks ahead.
func DefaultRange(today civil.Date) (from, until civil.Date) {
	return today.AddDays(-28), today.AddDays(26 * 7)
}
