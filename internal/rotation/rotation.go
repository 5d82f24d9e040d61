// Package rotation owns the Support Steward schedule: a pure, deterministic
// function from a roster to the shifts and gaps over a range of days. It
// implements the rules of design.md "Rotation" and nothing else decides who
// serves when.
package rotation

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/text/cases"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Shift is one steward's turn, [Start, End).
type Shift struct {
	GitHub    string     `json:"github"`
	Name      string     `json:"name"`
	Start     civil.Date `json:"start"`
	End       civil.Date `json:"end"`
	Confirmed bool       `json:"confirmed"`
	// Seat is the steward seat the shift fills, 0..team_size-1.
	Seat int `json:"-"`
}

// Gap is a span of one seat that nobody could fill, [Start, End).
type Gap struct {
	Start civil.Date `json:"start"`
	End   civil.Date `json:"end"`
	Seat  int        `json:"-"`
}

// Schedule is every shift and gap overlapping a range, sorted by start then
// handle (gaps by start then seat).
type Schedule struct {
	Shifts []Shift `json:"shifts"`
	Gaps   []Gap   `json:"gaps"`
}

// person is an engineer as the engine sees one.
type person struct {
	handle   string
	name     string
	key      string // case-folded name: the alphabetical order
	joined   civil.Date
	left     civil.Date
	away     []span // [from, to+1), sorted
	eligible bool
	// last is the most recent shift start, or joined, or the zero Date
	// (earlier than every real date) for someone who never served.
	last civil.Date
	// busyUntil is the end of the person's latest shift.
	busyUntil civil.Date
}

type span struct{ from, to civil.Date }

// less is rule 3's order: oldest last start, then name, then handle.
func (p *person) less(q *person) bool {
	if c := p.last.Compare(q.last); c != 0 {
		return c < 0
	}
	if c := strings.Compare(p.key, q.key); c != 0 {
		return c < 0
	}
	return p.handle < q.handle
}

// awayDays counts the days of [s, e) covered by away ranges.
func (p *person) awayDays(s, e civil.Date) int {
	n := 0
	for _, a := range p.away {
		if !a.from.Before(e) {
			break
		}
		lo, hi := civil.Max(a.from, s), civil.Min(a.to, e)
		if lo.Before(hi) {
			n += hi.Sub(lo)
		}
	}
	return n
}

// seat is one of the team_size steward places.
type seat struct {
	idx       int
	windowEnd civil.Date
	occupant  *person // holds the shift ending at windowEnd; nil while unfilled
	inGap     bool
	gapStart  civil.Date
	retryAt   civil.Date // next retry inside an unfilled window, zero if none
}

func (s *seat) next() civil.Date {
	if s.inGap && !s.retryAt.IsZero() {
		return s.retryAt
	}
	return s.windowEnd
}

type engine struct {
	tenure, handoff int
	maxAway         int
	people          []*person
	byHandle        map[string]*person
	seats           []*seat
	shifts          []Shift
	gaps            []Gap
}

var folder = cases.Fold()

func fold(s string) string { return folder.String(s) }

func newEngine(r *roster.Roster) *engine {
	e := &engine{
		tenure:   r.Support.Tenure.Days,
		handoff:  r.Support.HandoffEvery.Days,
		maxAway:  r.Support.AwayLimit(),
		byHandle: make(map[string]*person, len(r.Engineers)),
	}
	for _, en := range r.Engineers {
		p := &person{
			handle: en.GitHub, name: en.Name, key: fold(en.Name),
			joined: en.Joined, left: en.Left, eligible: en.InRotation(),
			last: en.Joined,
		}
		for _, a := range en.Away {
			p.away = append(p.away, span{a.From, a.To.AddDays(1)})
		}
		slices.SortFunc(p.away, func(a, b span) int { return a.from.Compare(b.from) })
		e.people = append(e.people, p)
		e.byHandle[strings.ToLower(en.GitHub)] = p
	}
	return e
}

// available is rule 2.
func (e *engine) available(p *person, s, end civil.Date) bool {
	return p.eligible &&
		(p.joined.IsZero() || !p.joined.After(s)) &&
		(p.left.IsZero() || !p.left.Before(end)) &&
		p.awayDays(s, end) <= e.maxAway
}

// choose is rule 3: the available engineer off duty whose last start is oldest.
func (e *engine) choose(s, end civil.Date) *person {
	var best *person
	for _, p := range e.people {
		if p.busyUntil.After(s) || !e.available(p, s, end) {
			continue
		}
		if best == nil || p.less(best) {
			best = p
		}
	}
	return best
}

func (e *engine) serve(st *seat, p *person, s, end civil.Date) {
	e.shifts = append(e.shifts, Shift{GitHub: p.handle, Name: p.name, Start: s, End: end, Seat: st.idx})
	p.last, p.busyUntil = s, end
	st.occupant = p
	if st.inGap {
		e.gaps = append(e.gaps, Gap{Start: st.gapStart, End: s, Seat: st.idx})
		st.inGap, st.retryAt = false, civil.Date{}
	}
}

// open starts seat st's window [t, windowEnd) and tries to fill it (rule 6).
func (e *engine) open(st *seat, t, windowEnd civil.Date) {
	st.windowEnd, st.occupant = windowEnd, nil
	e.try(st, t)
}

func (e *engine) try(st *seat, t civil.Date) {
	if p := e.choose(t, st.windowEnd); p != nil {
		e.serve(st, p, t, st.windowEnd)
		return
	}
	if !st.inGap {
		st.inGap, st.gapStart = true, t
	}
	st.retryAt = civil.Date{}
	if r := t.AddDays(e.handoff); r.Before(st.windowEnd) {
		st.retryAt = r
	}
}

// Compute returns the schedule of r overlapping [from, until).
func Compute(r *roster.Roster, from, until civil.Date) Schedule {
	e := newEngine(r)
	n := r.Support.TeamSize
	for i := range n {
		e.seats = append(e.seats, &seat{idx: i})
	}
	if len(r.Shifts) == 0 {
		// Rule 4: seat i's first window is (i+1) handoffs long.
		start := r.Support.Start
		for i, st := range e.seats {
			e.open(st, start, start.AddDays((i+1)*e.handoff))
		}
	} else {
		e.continueFrom(r)
	}
	e.run(until)

	var out Schedule
	for _, s := range e.shifts {
		if s.Start.Before(until) && s.End.After(from) {
			out.Shifts = append(out.Shifts, s)
		}
	}
	for _, g := range e.gaps {
		if g.Start.Before(until) && g.End.After(from) {
			out.Gaps = append(out.Gaps, g)
		}
	}
	slices.SortStableFunc(out.Shifts, func(a, b Shift) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.GitHub, b.GitHub))
	})
	slices.SortStableFunc(out.Gaps, func(a, b Gap) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Seat, b.Seat))
	})
	return out
}

// continueFrom is rule 5's start: confirmed shifts stand as written; the
// ones active at the latest confirmed start occupy seats, and empty seats are
// filled there with full tenures.
func (e *engine) continueFrom(r *roster.Roster) {
	var t civil.Date
	for _, s := range r.Shifts {
		t = civil.Max(t, s.Start)
	}
	confirmed := make([]Shift, 0, len(r.Shifts))
	for _, s := range r.Shifts {
		if !s.End.After(s.Start) {
			continue
		}
		p := e.byHandle[strings.ToLower(s.GitHub)]
		name, handle := s.GitHub, s.GitHub
		if p != nil {
			name, handle = p.name, p.handle
			if s.Start.After(p.last) {
				p.last = s.Start
			}
			p.busyUntil = civil.Max(p.busyUntil, s.End)
		}
		confirmed = append(confirmed, Shift{GitHub: handle, Name: name, Start: s.Start, End: s.End, Confirmed: true, Seat: -1})
	}
	// Seats for the shifts active at t, the one ending first in seat 0.
	var active []int
	for i, s := range confirmed {
		if !s.Start.After(t) && s.End.After(t) {
			active = append(active, i)
		}
	}
	slices.SortStableFunc(active, func(a, b int) int {
		return cmp.Or(confirmed[a].End.Compare(confirmed[b].End), strings.Compare(confirmed[a].GitHub, confirmed[b].GitHub))
	})
	for k, i := range active {
		if k >= len(e.seats) {
			break // more than team_size at once: validation reports it
		}
		st := e.seats[k]
		confirmed[i].Seat = k
		st.windowEnd = confirmed[i].End
		st.occupant = e.byHandle[strings.ToLower(confirmed[i].GitHub)]
		if st.occupant == nil {
			st.occupant = &person{handle: confirmed[i].GitHub, key: fold(confirmed[i].GitHub)}
		}
	}
	e.confirmedGaps(confirmed, t)
	e.shifts = append(e.shifts, confirmed...)
	for _, st := range e.seats[min(len(active), len(e.seats)):] {
		e.open(st, t, t.AddDays(e.tenure))
	}
}

// confirmedGaps reports the days before t on which fewer than team_size
// confirmed shifts are active, from the first day the seats were all filled
// (before that the list has not caught up with the rotation's history). A sweep
// over start (+1) and end (-1) boundaries keeps it O(k log k) in shifts.
func (e *engine) confirmedGaps(confirmed []Shift, t civil.Date) {
	type edge struct {
		at    civil.Date
		delta int
	}
	edges := make([]edge, 0, 2*len(confirmed)+1)
	for _, s := range confirmed {
		edges = append(edges, edge{s.Start, +1}, edge{s.End, -1})
	}
	if len(edges) == 0 {
		return
	}
	edges = append(edges, edge{t, 0})
	slices.SortFunc(edges, func(a, b edge) int { return a.at.Compare(b.at) })
	n := len(e.seats)
	open := make([]civil.Date, n) // open[k]: start of a gap in seat n-1-k
	count, full := 0, false
	for i := 0; i < len(edges); {
		at := edges[i].at
		for ; i < len(edges) && edges[i].at == at; i++ {
			count += edges[i].delta
		}
		if full = full || count >= n; !full {
			continue
		}
		for k := range n {
			short := count < n-k && at.Before(t)
			switch {
			case short && open[k].IsZero():
				open[k] = at
			case !short && !open[k].IsZero():
				e.gaps = append(e.gaps, Gap{Start: open[k], End: at, Seat: n - 1 - k})
				open[k] = civil.Date{}
			}
		}
		if !at.Before(t) {
			return
		}
	}
}

// run is rule 5's loop with rule 6's retries, until every shift starting
// before until exists.
func (e *engine) run(until civil.Date) {
	ending := make([]*seat, 0, len(e.seats))
	retrying := make([]*seat, 0, len(e.seats))
	for {
		t := e.seats[0].next()
		for _, st := range e.seats[1:] {
			t = civil.Min(t, st.next())
		}
		if !t.Before(until) {
			break
		}
		ending, retrying = ending[:0], retrying[:0]
		for _, st := range e.seats {
			switch {
			case st.windowEnd == t:
				ending = append(ending, st)
			case st.inGap && st.retryAt == t:
				retrying = append(retrying, st)
			}
		}
		slices.SortStableFunc(ending, func(a, b *seat) int {
			switch {
			case a.occupant == nil && b.occupant == nil:
				return cmp.Compare(a.idx, b.idx)
			case a.occupant == nil:
				return 1
			case b.occupant == nil:
				return -1
			}
			return cmp.Or(strings.Compare(a.occupant.key, b.occupant.key), strings.Compare(a.occupant.handle, b.occupant.handle))
		})
		for _, st := range ending {
			e.open(st, t, t.AddDays(e.tenure))
		}
		for _, st := range retrying {
			e.try(st, t)
		}
	}
	// A gap still open runs at least to its seat's next chance of filling.
	for _, st := range e.seats {
		if st.inGap {
			e.gaps = append(e.gaps, Gap{Start: st.gapStart, End: st.next(), Seat: st.idx})
		}
	}
}
