package health

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/rotation"
	"github.com/support-steward/steward/internal/sla"
	"github.com/support-steward/steward/internal/untrusted"
)

// frame is the report's weeks as instants, and the working days whose end
// the updates figure is measured at.
type frame struct {
	loc   *time.Location
	weeks []weekFrame
}

type weekFrame struct {
	start, end   civil.Date
	startT, endT time.Time
	partial      bool
	dayEnds      []time.Time // ends of the week's working days that have ended by now
}

func (in Input) frame() frame {
	loc := in.Calendar.Location()
	today := civil.Of(in.Now.In(loc))
	anchor := in.Roster.Support.Start
	off := today.Sub(anchor) % 7
	if off < 0 {
		off += 7
	}
	current := today.AddDays(-off)
	n := in.weeks()
	f := frame{loc: loc}
	for i := range n {
		s := current.AddDays(-7 * (n - 1 - i))
		w := weekFrame{start: s, end: s.AddDays(7), startT: s.Time(loc), endT: s.AddDays(7).Time(loc), partial: i == n-1}
		for d := s; d.Before(w.end); d = d.AddDays(1) {
			e := d.AddDays(1).Time(loc)
			if e.After(in.Now) {
				break
			}
			if in.Calendar.IsWorkingDay(d) {
				w.dayEnds = append(w.dayEnds, e)
			}
		}
		f.weeks = append(f.weeks, w)
	}
	return f
}

// week returns the index of the week holding t, or -1.
func (f frame) week(t time.Time) int {
	for i, w := range f.weeks {
		if !t.Before(w.startT) && t.Before(w.endT) {
			return i
		}
	}
	return -1
}

// acc gathers one set of figures.
type acc struct {
	f        Figures
	frTimes  []time.Duration
	resTimes []time.Duration
}

func (a *acc) figures() Figures {
	f := a.f
	fr := &f.FirstResponse
	fr.PercentMet = percent(fr.Met, fr.Met+fr.Missed)
	fr.MedianHours = hours(nearestRank(a.frTimes, 50))
	fr.P90Hours = hours(nearestRank(a.frTimes, 90))
	f.Updates.PercentOnTime = percent(f.Updates.OnTime, f.Updates.TicketDays)
	f.Resolved.MedianDays = days(nearestRank(a.resTimes, 50))
	return f
}

// Build computes the report. It reads nothing but in: the same input gives
// the same report.
func Build(in Input) Report {
	f := in.frame()
	r := Report{
		Version: FormatVersion, Generated: in.Now.UTC(), Team: in.Roster.Team, Timezone: in.Roster.Timezone.Name,
		Targets: Targets{FirstResponse: max(in.Policy.FirstResponse, 1), UpdateEvery: in.updateEvery()},
		Hubs:    []Hub{}, loc: f.loc,
	}
	weeks := make([]acc, len(f.weeks))
	var total acc
	hubs := map[string]*acc{}
	hubOf := func(t Ticket) *acc {
		name := t.Hub.Unescaped()
		if name == "" {
			return nil
		}
		if hubs[name] == nil {
			hubs[name] = &acc{}
		}
		return hubs[name]
	}
	for _, t := range in.Tickets {
		if t.Spam {
			continue
		}
		if t.RepliesKnown {
			r.Replies.Read++
		}
		h := hubOf(t)
		each := func(wi int, do func(*acc)) {
			do(&weeks[wi])
			do(&total)
			if h != nil {
				do(h)
			}
		}
		if wi := f.week(t.Created); wi >= 0 && !t.Created.After(in.Now) {
			state, d := in.firstResponse(t)
			each(wi, func(a *acc) { a.receive(in, t, state, d) })
		}
		if res := t.resolvedAt(); !res.IsZero() && !res.After(in.Now) {
			if wi := f.week(res); wi >= 0 {
				d := max(in.Calendar.Between(t.Created, res), 0)
				each(wi, func(a *acc) {
					a.f.Resolved.Count++
					a.resTimes = append(a.resTimes, d)
				})
			}
		}
		unsettled := false
		var m dueMemo
		for wi, w := range f.weeks {
			for _, e := range w.dayEnds {
				o := in.updateDay(t, e, &m)
				if o == unknown {
					unsettled = true
				}
				each(wi, func(a *acc) { a.countDay(o) })
			}
		}
		if unsettled {
			r.Replies.Unsettled++
		}
	}
	sched := rotation.Compute(in.Roster, f.weeks[0].start, f.weeks[len(f.weeks)-1].end)
	for i, w := range f.weeks {
		r.Weeks = append(r.Weeks, Week{Start: w.start, End: w.end, Partial: w.partial, Figures: weeks[i].figures(),
			Stewards: stewards(sched, w.start, w.end), Events: in.events(w.start, w.end), Holidays: in.holidays(w.start, w.end)})
	}
	r.Total = total.figures()
	names := make([]string, 0, len(hubs))
	for name := range hubs {
		if hubs[name].f.Received.Total > 0 {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(-cmp.Compare(hubs[a].f.Received.Total, hubs[b].f.Received.Total),
			strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
	})
	for _, name := range names[:min(len(names), TopHubs)] {
		r.Hubs = append(r.Hubs, Hub{Name: untrusted.Of(name), Figures: hubs[name].figures()})
	}
	return r
}

// TopHubs is how many hubs the report ranks.
const TopHubs = 5

// frState is where a ticket stands against the first-response target.
type frState int

const (
	frNotYetDue frState = iota
	frMet
	frMissed
)

// firstResponse classifies t against the first-response target and
// returns its response time (answered tickets only; 0 otherwise), Pending
// excluded (see the package doc).
func (in Input) firstResponse(t Ticket) (state frState, answered time.Duration) {
	target := in.firstResponseTarget()
	if !t.FirstResponded.IsZero() && !t.FirstResponded.After(in.Now) {
		d := in.workingNotPending(t, t.Created, t.FirstResponded)
		if d <= target {
			return frMet, d
		}
		return frMissed, d
	}
	if res := t.resolvedAt(); !res.IsZero() && !res.After(in.Now) {
		if in.workingNotPending(t, t.Created, res) <= target {
			return frNotYetDue, -1
		}
		return frMissed, -1
	}
	if in.workingNotPending(t, t.Created, in.Now) >= target {
		return frMissed, -1
	}
	return frNotYetDue, -1
}

// workingNotPending is the working time in [a, b) outside t's known
// Pending spell.
func (in Input) workingNotPending(t Ticket, a, b time.Time) time.Duration {
	d := in.Calendar.Between(a, b)
	if from, to, ok := t.pending(); ok {
		if to.IsZero() {
			to = in.Now
		}
		lo, hi := later(a, from), earlier(b, to)
		if lo.Before(hi) {
			d -= in.Calendar.Between(lo, hi)
		}
	}
	return max(d, 0)
}

func (a *acc) receive(in Input, t Ticket, state frState, d time.Duration) {
	rc := &a.f.Received
	rc.Total++
	switch t.Priority {
	case sla.PriorityLow:
		rc.Low++
	case sla.PriorityMedium:
		rc.Medium++
	case sla.PriorityHigh:
		rc.High++
	case sla.PriorityUrgent:
		rc.Urgent++
	default:
		rc.Other++
	}
	if in.eventFor(t) {
		rc.Event++
	}
	if t.HubDown {
		rc.HubDown++
	}
	fr := &a.f.FirstResponse
	switch state {
	case frMet:
		fr.Met++
	case frMissed:
		fr.Missed++
	default:
		fr.NotYetDue++
	}
	if d >= 0 {
		fr.Answered++
		a.frTimes = append(a.frTimes, d)
	}
}

func (a *acc) countDay(o outcome) {
	u := &a.f.Updates
	switch o {
	case onTime:
		u.TicketDays++
		u.OnTime++
	case late:
		u.TicketDays++
	case unknown:
		u.Unknown++
	}
}

// eventFor reports whether t's hub had a roster event on the day t was
// created.
func (in Input) eventFor(t Ticket) bool {
	day := civil.Of(t.Created.In(in.Calendar.Location()))
	for _, e := range in.Roster.EventsOn(day) {
		if e.ForHub(t.Hub.Unescaped()) {
			return true
		}
	}
	return false
}

// holidays are the roster's holidays in [from, to), in order.
func (in Input) holidays(from, to civil.Date) []civil.Date {
	out := []civil.Date{}
	for _, h := range in.Roster.Holidays {
		if !h.Before(from) && h.Before(to) {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b civil.Date) int { return a.Compare(b) })
	return out
}

func (in Input) events(from, to civil.Date) []Event {
	out := []Event{}
	for _, e := range in.Roster.Events {
		if e.From.Before(to) && e.To.After(from) {
			out = append(out, Event{Name: e.Name, Hub: e.Hub, From: e.From, To: e.To})
		}
	}
	return out
}

func stewards(s rotation.Schedule, from, to civil.Date) []Steward {
	out := []Steward{}
	seen := map[string]bool{}
	for d := from; d.Before(to); d = d.AddDays(1) {
		day := s.OnDuty(d)
		slices.SortFunc(day, func(a, b rotation.Shift) int { return strings.Compare(a.GitHub, b.GitHub) })
		for _, sh := range day {
			k := strings.ToLower(sh.GitHub)
			if !seen[k] {
				seen[k] = true
				out = append(out, Steward{GitHub: sh.GitHub, Name: sh.Name, Covering: sh.Covering})
			}
		}
	}
	return out
}

// nearestRank is the p-th percentile of ds by the nearest-rank method: the
// value at rank ⌈p/100 × n⌉ of ds sorted ascending. ok is false for none.
func nearestRank(ds []time.Duration, p int) (time.Duration, bool) {
	if len(ds) == 0 {
		return 0, false
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	return s[max(rank, 1)-1], true
}

func percent(n, of int) *float64 {
	if of <= 0 {
		return nil
	}
	return round(100*float64(n)/float64(of), 1)
}

func hours(d time.Duration, ok bool) *float64 {
	if !ok {
		return nil
	}
	return round(d.Hours(), 2)
}

func days(d time.Duration, ok bool) *float64 {
	if !ok {
		return nil
	}
	return round(d.Hours()/24, 2)
}

func round(x float64, places int) *float64 {
	p := math.Pow(10, float64(places))
	v := math.Round(x*p) / p
	return &v
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Start is the moment the report's first week begins, in the team's zone:
// a report lists the tickets changed since then, and the reply cache
// forgets what changed before.
func Start(in Input) time.Time {
	return in.frame().weeks[0].startT
}
