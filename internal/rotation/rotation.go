// Package rotation owns the Support Steward schedule: a pure, deterministic
// function from a roster to the shifts and gaps over a range of days. It
// implements the rules of design.md "Rotation" and nothing else decides who
// serves when.
package rotation

import (
	"cmp"
	"context"
	"fmt"
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
	// Covering, set only in OnDuty's answers, is the rostered steward this
	// person stands in for; Start and End are then the cover's.
	Covering string `json:"covering,omitempty"`
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
	// Covers are the roster's overrides in the range, sorted by start then
	// handle; they change no shift (see OnDuty).
	Covers []Cover `json:"covers,omitempty"`
}

// person is an engineer as the engine sees one.
type person struct {
	handle   string
	name     string
	key      string // case-folded name: the alphabetical order
	joined   civil.Date
	left     civil.Date
	away     []span // [from, to+1), merged and sorted
	awayAt   int    // firstAwayEnding's last answer
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

// awayDays counts the days of [s, e) covered by away ranges. The ranges are
// merged and sorted, so the first that can count is found directly
// (firstAwayEnding): a long history of absences costs nothing for today's
// shift.
func (p *person) awayDays(s, e civil.Date) int {
	n := 0
	for _, a := range p.away[p.firstAwayEnding(s):] {
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

// firstAwayEnding returns the index of the first away span ending after s.
// Schedules ask about ever later days, so the answer is nearly always the
// last one's; otherwise it is found by binary search.
func (p *person) firstAwayEnding(s civil.Date) int {
	i := p.awayAt
	if i > len(p.away) || (i < len(p.away) && !p.away[i].to.After(s)) || (i > 0 && p.away[i-1].to.After(s)) {
		i, _ = slices.BinarySearchFunc(p.away, s, func(a span, d civil.Date) int {
			if a.to.After(d) {
				return 1
			}
			return -1
		})
		p.awayAt = i
	}
	return i
}

// merge joins overlapping or touching sorted spans, so that both ends are
// sorted and no day is counted twice.
func merge(sp []span) []span {
	out := sp[:0]
	for _, a := range sp {
		if k := len(out) - 1; k >= 0 && !a.from.After(out[k].to) {
			out[k].to = civil.Max(out[k].to, a.to)
			continue
		}
		out = append(out, a)
	}
	return out
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
	people          []*person // the eligible, by joined (absent first)
	byHandle        map[string]*person
	seats           []*seat
	shifts          []Shift
	gaps            []Gap
	// nobodyUntil: nobody is available for a window starting before it
	// that is longer than max_away_days (try, nobodyBefore).
	nobodyUntil civil.Date
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
		p.away = merge(p.away)
		if p.eligible {
			e.people = append(e.people, p)
		}
		e.byHandle[strings.ToLower(en.GitHub)] = p
	}
	// choose stops at the first engineer who has not joined yet.
	slices.SortStableFunc(e.people, func(a, b *person) int { return a.joined.Compare(b.joined) })
	return e
}

// available is rule 2.
func (e *engine) available(p *person, s, end civil.Date) bool {
	return p.eligible &&
		(p.joined.IsZero() || !p.joined.After(s)) &&
		(p.left.IsZero() || !p.left.Before(end)) &&
		p.awayDays(s, end) <= e.maxAway
}

// choose is rule 3: the available engineer off duty whose last start is
// oldest. The order is checked before availability, which counts absences:
// only someone who would be chosen needs it.
func (e *engine) choose(s, end civil.Date) *person {
	var best *person
	for _, p := range e.people {
		if p.joined.After(s) {
			break // sorted by joined: nobody later has joined either
		}
		if best != nil && !p.less(best) {
			continue
		}
		if p.busyUntil.After(s) || !e.available(p, s, end) {
			continue
		}
		best = p
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
	// A window longer than max_away_days starting before nobodyUntil has
	// nobody to fill it (see nobodyBefore): no need to look. This keeps a
	// roster where nobody can serve for centuries cheap.
	long := st.windowEnd.Sub(t) > e.maxAway
	known := long && t.Before(e.nobodyUntil)
	if !known {
		if p := e.choose(t, st.windowEnd); p != nil {
			e.serve(st, p, t, st.windowEnd)
			return
		}
	}
	if !st.inGap {
		st.inGap, st.gapStart = true, t
	}
	// Retry at the first handoff step on which someone could be available:
	// the steps before it would find nobody, and skipping them keeps a
	// roster where nobody is available for centuries cheap.
	st.retryAt = civil.Date{}
	var next civil.Date
	if known {
		// Until the window is short enough for absences not to count.
		next = civil.Min(e.nobodyUntil, st.windowEnd.AddDays(-e.maxAway))
	} else {
		next = e.nextChance(t, st.windowEnd)
		e.nobodyUntil = e.nobodyBefore(t)
	}
	steps := max(1, (next.Sub(t)+e.handoff-1)/e.handoff)
	if r := t.AddDays(steps * e.handoff); r.Before(st.windowEnd) {
		st.retryAt = r
	}
}

// nobodyBefore returns a day before which nobody is available for any
// window starting on or after t that is longer than max_away_days, whatever
// its end: everyone has not joined yet, is on duty, has left, or is away on
// every one of the window's first max_away_days+1 days. As time goes on
// engineers only get busier, so the day stays a bound.
func (e *engine) nobodyBefore(t civil.Date) civil.Date {
	bound := civil.Last
	for _, p := range e.people {
		if !p.left.IsZero() && !p.left.After(t) {
			continue // gone: a window starting at t or later ends after left
		}
		s := civil.Max(t, civil.Max(p.joined, p.busyUntil))
		if i := p.firstAwayEnding(s); i < len(p.away) && !p.away[i].from.After(s) {
			// Away from before s until to: every start up to to-max_away
			// has more than max_away_days away in a longer window.
			s = civil.Max(s, p.away[i].to.AddDays(-e.maxAway))
		}
		bound = civil.Min(bound, s)
	}
	return bound
}

// nextChance is the earliest day after t from which someone could be
// available for the rest of a window ending at w, or w when nobody can be.
// For a fixed window end, rule 2 only becomes easier as the start moves on
// (joined passes, fewer away days remain), so before this day every retry
// would fail; someone chosen for another seat meanwhile only delays it.
func (e *engine) nextChance(t, w civil.Date) civil.Date {
	best := w
	for _, p := range e.people {
		if !p.left.IsZero() && p.left.Before(w) {
			continue
		}
		s := civil.Max(t.AddDays(1), civil.Max(p.joined, p.busyUntil))
		if s.Before(best) {
			best = civil.Min(best, p.freeFrom(s, w, e.maxAway))
		}
	}
	return best
}

// freeFrom is the first day d >= s with at most max away days in [d, w),
// or w.
func (p *person) freeFrom(s, w civil.Date, max int) civil.Date {
	excess := p.awayDays(s, w) - max
	if excess <= 0 {
		return s
	}
	for _, a := range p.away {
		lo, hi := civil.Max(a.from, s), civil.Min(a.to, w)
		if !lo.Before(hi) {
			continue
		}
		if n := hi.Sub(lo); n >= excess {
			return lo.AddDays(excess)
		} else {
			excess -= n
		}
	}
	return w
}

// MaxRangeYears is the longest range a schedule covers.
const MaxRangeYears = 50

// Dates a schedule may ask about: the roster's own dates (1900..2199) and a
// little beyond, so that the rotation from the roster's start to any asked
// day is bounded in time and memory.
var (
	FirstDay = civil.New(1900, 1, 1)
	LastDay  = civil.New(2210, 1, 1)
)

// RangeError says why a schedule range was refused.
type RangeError struct{ From, Until civil.Date }

func (e RangeError) Error() string {
	switch {
	case !e.Until.After(e.From):
		return fmt.Sprintf("the schedule range %s to %s is empty: the end must be after the start", e.From, e.Until)
	case e.Until.After(e.From.AddYears(MaxRangeYears)):
		return fmt.Sprintf("the schedule range %s to %s is longer than %d years: ask for a shorter range", e.From, e.Until, MaxRangeYears)
	}
	return fmt.Sprintf("the schedule range %s to %s is outside %s to %s", e.From, e.Until, FirstDay, LastDay)
}

// CheckRange returns a RangeError unless [from, until) is a range a schedule
// may cover: not empty, at most MaxRangeYears, within FirstDay..LastDay.
func CheckRange(from, until civil.Date) error {
	if !until.After(from) || until.After(from.AddYears(MaxRangeYears)) || from.Before(FirstDay) || until.After(LastDay) {
		return RangeError{from, until}
	}
	return nil
}

// Compute returns the schedule of r overlapping [from, until). It is
// ComputeContext without a deadline, for callers whose range is fixed and
// short (a year around today); a range CheckRange refuses gives an empty
// schedule. Callers with a range from a user, or a context, use
// ComputeContext.
func Compute(r *roster.Roster, from, until civil.Date) Schedule {
	s, err := ComputeContext(context.Background(), r, from, until)
	if err != nil {
		return Schedule{}
	}
	return s
}

// ComputeContext returns the schedule of r overlapping [from, until), or an
// error when the range is refused (CheckRange) or ctx ends first.
func ComputeContext(ctx context.Context, r *roster.Roster, from, until civil.Date) (Schedule, error) {
	if err := CheckRange(from, until); err != nil {
		return Schedule{}, err
	}
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
	if err := e.run(ctx, until); err != nil {
		return Schedule{}, err
	}

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
	out.Covers = coversOf(r, from, until)
	return out, nil
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
// before until exists, or ctx ends.
// gapHorizon is how long past its start a gap open at the end of the range
// is followed to its real end: the end a gap reports must not depend on
// the range asked for (schedule and who would disagree), and a year bounds
// the work for a seat nobody can ever fill.
const gapHorizon = 366

// gapOpenAt reports whether a seat has a gap that began before until and
// is still open at t, within gapHorizon days of its start.
func (e *engine) gapOpenAt(t, until civil.Date) bool {
	for _, st := range e.seats {
		if st.inGap && st.gapStart.Before(until) && t.Before(st.gapStart.AddDays(gapHorizon)) {
			return true
		}
	}
	return false
}

func (e *engine) run(ctx context.Context, until civil.Date) error {
	ending := make([]*seat, 0, len(e.seats))
	retrying := make([]*seat, 0, len(e.seats))
	for step := 0; ; step++ {
		// Often enough to stop within milliseconds, rarely enough to cost nothing.
		if step%256 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("computing the schedule: %w", err)
			}
		}
		t := e.seats[0].next()
		for _, st := range e.seats[1:] {
			t = civil.Min(t, st.next())
		}
		if !t.Before(until) && !e.gapOpenAt(t, until) {
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
	return nil
}
