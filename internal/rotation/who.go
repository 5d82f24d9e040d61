package rotation

import (
	"context"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Status is who is on duty on a day and what changes next.
type Status struct {
	Date civil.Date `json:"date"`
	// OnDuty is who is actually on duty, covers applied (Schedule.OnDuty).
	OnDuty []Shift `json:"on_duty"`
	// Away lists stewards on duty on Date who are away that day with
	// nobody covering: someone should (steward cover).
	Away []Absence `json:"away,omitempty"`
	// Unfilled lists the seats nobody holds on Date.
	Unfilled []Gap    `json:"unfilled"`
	Next     *Handoff `json:"next_handoff"`
	// Starts is the rotation's first day when Date is before it (nobody
	// on duty and no seat open yet).
	Starts civil.Date `json:"starts,omitzero"`
}

// Absence is a steward on duty who is away, from the roster's away list
// (To inclusive, as written there).
type Absence struct {
	GitHub string     `json:"github"`
	Name   string     `json:"name"`
	From   civil.Date `json:"from"`
	To     civil.Date `json:"to"`
	Note   string     `json:"note,omitempty"`
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
	st := Status{Date: d, OnDuty: s.OnDuty(d), Unfilled: []Gap{}}
	for _, sh := range st.OnDuty {
		if e, ok := r.Engineer(sh.GitHub); ok {
			if a, away := e.AwayOn(d); away {
				st.Away = append(st.Away, Absence{GitHub: e.GitHub, Name: e.Name, From: a.From, To: a.To, Note: a.Note})
			}
		}
	}

	for _, g := range s.Gaps {
		if covers(g.Start, g.End, d) {
			st.Unfilled = append(st.Unfilled, g)
		}
	}
	st.Next = nextHandoff(s, d, horizon)
	if len(st.OnDuty) == 0 && len(st.Unfilled) == 0 && st.Next != nil {
		// Nobody on duty and no seat open: the rotation has not begun.
		st.Starts = st.Next.Date
	}
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
	// Someone whose shift ends as their next begins (nobody else could
	// take the seat) does not leave and join: they stay.
	for i := 0; i < len(h.Joining); i++ {
		j := slices.IndexFunc(h.Leaving, func(l Shift) bool { return strings.EqualFold(l.GitHub, h.Joining[i].GitHub) })
		if j < 0 {
			continue
		}
		h.Staying = append(h.Staying, h.Joining[i])
		h.Leaving = slices.Delete(h.Leaving, j, j+1)
		h.Joining = slices.Delete(h.Joining, i, i+1)
		i--
	}
	return h
}

// For returns the shifts of one engineer (handle compared case-insensitively),
// the covers they give or get, and no gaps.
func (s Schedule) For(handle string) Schedule {
	out := Schedule{Shifts: []Shift{}, Gaps: []Gap{}}
	for _, sh := range s.Shifts {
		if strings.EqualFold(sh.GitHub, handle) {
			out.Shifts = append(out.Shifts, sh)
		}
	}
	for _, c := range s.Covers {
		if strings.EqualFold(c.GitHub, handle) || strings.EqualFold(c.For, handle) {
			out.Covers = append(out.Covers, c)
		}
	}
	return out
}

// DefaultRange is the range a schedule shows when none is asked for: four
// weeks back, to see who just served, and 26 weeks ahead.
func DefaultRange(today civil.Date) (from, until civil.Date) {
	return today.AddDays(-28), today.AddDays(26 * 7)
}

// Sentence says what happens at the handoff, verbs agreeing with how many:
// "Ada Lovelace (@ada-l) joins, Grace Hopper (@grace) and Alan Turing
// (@aturing) leave, Katherine Johnson (@kjohnson) stays".
func (h Handoff) Sentence() string {
	var parts []string
	for _, g := range []struct {
		shifts    []Shift
		one, many string
	}{{h.Joining, "joins", "join"}, {h.Leaving, "leaves", "leave"}, {h.Staying, "stays", "stay"}} {
		if len(g.shifts) == 0 {
			continue
		}
		parts = append(parts, People(g.shifts)+" "+verb(len(g.shifts), g.one, g.many))
	}
	return strings.Join(parts, ", ")
}

// OnDutySentence names who is on duty and until when, the one way every
// report says it: "Ada Lovelace (@ada-l, until 2026-03-09) and Grace
// Hopper (@grace, until 2026-03-23)", or "nobody: the rotation has a gap".
// "Until D" means here what it means in everything steward writes: D is
// the first day the thing no longer holds (a shift's end, the handoff
// day; a gap's or an event's end). An inclusive last day, such as an
// absence's `to`, is written "through D".
func (st Status) OnDutySentence() string {
	if len(st.OnDuty) == 0 {
		return "nobody: the rotation has a gap"
	}
	n := make([]string, len(st.OnDuty))
	for i, s := range st.OnDuty {
		n[i] = s.Name + " (@" + s.GitHub + ", until " + s.End.String() + ")"
	}
	return joinAnd(n)
}

// People names shifts' stewards as "Ada Lovelace (@ada-l) and Grace Hopper
// (@grace)", or "nobody".
func People(shifts []Shift) string {
	if len(shifts) == 0 {
		return "nobody"
	}
	n := make([]string, len(shifts))
	for i, s := range shifts {
		n[i] = s.Name + " (@" + s.GitHub + ")"
	}
	return joinAnd(n)
}

// joinAnd lists names as "a", "a and b" or "a, b and c".
func joinAnd(n []string) string {
	if len(n) == 1 {
		return n[0]
	}
	return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
}

// CoverCommand is the command that would cover an away steward from the
// status's day to the last day of the absence inside their shift.
func (st Status) CoverCommand(a Absence) string {
	until := a.To
	for _, s := range st.OnDuty {
		if s.GitHub == a.GitHub && s.End.AddDays(-1).Before(until) {
			until = s.End.AddDays(-1)
		}
	}
	return "steward cover HANDLE --for " + a.GitHub + " --from " + st.Date.String() + " --to " + until.String()
}

// AwaySentence says that an on-duty steward is away and how to cover them.
func (st Status) AwaySentence(a Absence) string {
	note := ""
	if a.Note != "" {
		note = " (" + a.Note + ")"
	}
	return a.Name + " (@" + a.GitHub + ") is away through " + a.To.String() + note + " and nobody covers: " + st.CoverCommand(a)
}
