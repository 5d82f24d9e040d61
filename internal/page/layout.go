package page

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/civil"
)

// MaxDays bounds the timeline: past three years a page is no longer
// readable, and its size grows with every day.
const MaxDays = 3*366 + 1

// view is the model laid out: positions are percentages of the timeline's
// width, texts are ready to print.
type view struct {
	M         Model
	Days      int
	Range     string
	Ticks     []tick
	Grid      []string // left offsets of week lines
	Today     *band
	Holidays  []band
	Events    [][]bar // lanes
	Gaps      [][]bar // lanes
	Rows      []row
	Agenda    []entry
	HolidayAt []string // the holidays in range, long form
	EventList []entry
	Duty      []duty
	Unfilled  []string
	Next      *next
}

type tick struct{ Left, Label string }

type band struct{ Left, Width, Label string }

type bar struct {
	Kind        string // shift, gap, cover, event, holiday
	Class       string // confirmed, projected, gap, cover, event, holiday
	Handle      string
	Left, Width string
	Who         string // read before Text by screen readers
	Text        string
	Title       string
	Clipped     string // "start", "end", "both" or ""
	Covered     []band // parts of a shift that covers take over
	// Outside puts the text of a bar too narrow to hold it "after" or
	// "before" it, where the row has room.
	Outside string
}

type row struct {
	Person
	Subscribe string
	Bars      []bar
	first     civil.Date
}

type entry struct {
	Dates, Who, Handle, What, Kind string
	start                          civil.Date
	order                          int
}

type duty struct {
	Person
	Status, Until string
	For           string
}

type next struct {
	Day                       civil.Date
	Date, In                  string
	Joining, Leaving, Staying []Person
}

// layout checks m and places everything on the timeline.
func layout(m Model) (*view, error) {
	if m.From.IsZero() || m.Until.IsZero() || !m.Until.After(m.From) {
		return nil, fmt.Errorf("page: the range [%s, %s) is empty: until must be after from", m.From, m.Until)
	}
	days := m.Until.Sub(m.From)
	if days > MaxDays {
		return nil, fmt.Errorf("page: the range [%s, %s) is %d days; the page shows at most %d (three years): ask for a shorter range", m.From, m.Until, days, MaxDays)
	}
	v := &view{M: m, Days: days, Range: long(m.From) + " to " + long(m.Until.AddDays(-1))}
	pos := func(d civil.Date) float64 { return float64(d.Sub(m.From)) * 100 / float64(days) }
	place := func(s, e civil.Date) (left, width string, clipped string, ok bool) {
		lo, hi := civil.Max(s, m.From), civil.Min(e, m.Until)
		if !lo.Before(hi) {
			return "", "", "", false
		}
		switch {
		case s.Before(m.From) && e.After(m.Until):
			clipped = "both"
		case s.Before(m.From):
			clipped = "start"
		case e.After(m.Until):
			clipped = "end"
		}
		return pct(pos(lo)), pct(pos(hi) - pos(lo)), clipped, true
	}

	// The axis: a line every Monday, a label every few weeks.
	first := m.From.AddDays(int(8-m.From.Weekday()) % 7)
	step := max(1, (days/7+13)/14)
	year := 0
	for d, k := first, 0; d.Before(m.Until); d, k = d.AddDays(7), k+1 {
		v.Grid = append(v.Grid, pct(pos(d)))
		if k%step != 0 || d.Sub(m.From) > days-3 {
			continue
		}
		label := d.UTC().Format("2 Jan")
		if y := d.UTC().Year(); y != year {
			if year != 0 {
				label += " " + strconv.Itoa(y)
			}
			year = y
		}
		v.Ticks = append(v.Ticks, tick{Left: pct(pos(d)), Label: label})
	}
	if !m.Today.Before(m.From) && m.Today.Before(m.Until) {
		v.Today = &band{Left: pct(pos(m.Today)), Width: pct(100 / float64(days)), Label: "Today, " + long(m.Today)}
	}
	for _, h := range sortedDates(m.Holidays) {
		if l, w, _, ok := place(h, h.AddDays(1)); ok {
			v.Holidays = append(v.Holidays, band{Left: l, Width: w, Label: "Holiday, " + long(h)})
			v.HolidayAt = append(v.HolidayAt, long(h))
		}
	}

	var events []bar
	for _, e := range m.Events {
		if l, w, c, ok := place(e.From, e.To); ok {
			text := e.Name
			if e.Hub != "" {
				text += " (" + e.Hub + ")"
			}
			dates := span(e.From, e.To)
			events = append(events, bar{Kind: "event", Class: "event", Left: l, Width: w, Clipped: c,
				Text: text, Title: text + ", " + dates})
			v.EventList = append(v.EventList, entry{Dates: dates, What: text, Kind: "event", start: e.From})
		}
	}
	v.Events = lanes(events)
	for _, l := range v.Events {
		labelOutside(l)
	}
	sortEntries(v.EventList)

	var gaps []bar
	for _, g := range m.Gaps {
		if l, w, c, ok := place(g.Start, g.End); ok {
			dates := span(g.Start, g.End)
			gaps = append(gaps, bar{Kind: "gap", Class: "gap", Left: l, Width: w, Clipped: c,
				Text: "Gap: nobody available · " + short(g.Start, g.End), Title: "Unfilled seat: nobody is available, " + dates})
			v.Agenda = append(v.Agenda, entry{Dates: dates, Who: "Nobody available", What: "Gap: an unfilled seat", Kind: "gap", start: g.Start, order: 2})
		}
	}
	v.Gaps = lanes(gaps)
	for _, l := range v.Gaps {
		labelOutside(l)
	}

	rows := map[string]*row{}
	rowOf := func(p Person, start civil.Date) *row {
		key := strings.ToLower(p.Handle)
		r, ok := rows[key]
		if !ok {
			r = &row{Person: p, first: start}
			if m.Links.PersonBase != "" {
				r.Subscribe = m.Links.PersonBase + p.Handle + ".ics"
			}
			rows[key] = r
		}
		if start.Before(r.first) {
			r.first = start
		}
		return r
	}
	for _, s := range m.Shifts {
		l, w, c, ok := place(s.Start, s.End)
		if !ok {
			continue
		}
		status, what := "Projected", "Projected shift"
		class := "projected"
		if s.Confirmed {
			status, what, class = "Confirmed", "Confirmed shift", "confirmed"
		}
		dates := span(s.Start, s.End)
		b := bar{Kind: "shift", Class: class, Handle: s.Handle, Left: l, Width: w, Clipped: c,
			Who: s.Name + ", ", Text: status + " · " + short(s.Start, s.End),
			Title: fmt.Sprintf("%s (@%s): %s, %s; hands off on %s", s.Name, s.Handle, strings.ToLower(what), dates, long(s.End))}
		lo, hi := civil.Max(s.Start, m.From), civil.Min(s.End, m.Until)
		for _, cv := range m.Covers {
			if !strings.EqualFold(cv.For.Handle, s.Handle) {
				continue
			}
			clo, chi := civil.Max(cv.From, lo), civil.Min(cv.To.AddDays(1), hi)
			if !clo.Before(chi) {
				continue
			}
			n := float64(hi.Sub(lo))
			b.Covered = append(b.Covered, band{Left: pct(float64(clo.Sub(lo)) * 100 / n), Width: pct(float64(chi.Sub(clo)) * 100 / n),
				Label: fmt.Sprintf("covered by %s, %s", cv.Who.Name, span(cv.From, cv.To.AddDays(1)))})
		}
		r := rowOf(s.Person, civil.Max(s.Start, m.From))
		r.Bars = append(r.Bars, b)
		v.Agenda = append(v.Agenda, entry{Dates: dates, Who: s.Name, Handle: s.Handle, What: what, Kind: class, start: s.Start})
	}
	for _, cv := range m.Covers {
		end := cv.To.AddDays(1)
		l, w, c, ok := place(cv.From, end)
		if !ok {
			continue
		}
		dates := span(cv.From, end)
		what := "Covering for " + cv.For.Name
		title := fmt.Sprintf("%s (@%s) covers for %s (@%s), %s", cv.Who.Name, cv.Who.Handle, cv.For.Name, cv.For.Handle, dates)
		r := rowOf(cv.Who, civil.Max(cv.From, m.From))
		r.Bars = append(r.Bars, bar{Kind: "cover", Class: "cover", Handle: cv.Who.Handle, Left: l, Width: w, Clipped: c,
			Who: cv.Who.Name + ", ", Text: what + " · " + short(cv.From, end), Title: title})
		v.Agenda = append(v.Agenda, entry{Dates: dates, Who: cv.Who.Name, Handle: cv.Who.Handle, What: what, Kind: "cover", start: cv.From, order: 1})
	}
	for _, r := range rows {
		slices.SortStableFunc(r.Bars, func(a, b bar) int { return cmp.Compare(parse(a.Left), parse(b.Left)) })
		labelOutside(r.Bars)
		v.Rows = append(v.Rows, *r)
	}
	// A staircase: whoever serves first comes first.
	slices.SortFunc(v.Rows, func(a, b row) int {
		return cmp.Or(a.first.Compare(b.first), cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Handle, b.Handle))
	})
	sortEntries(v.Agenda)

	for _, d := range m.OnDuty {
		du := duty{Person: d.Person, Status: "projected", Until: "hands off on " + long(d.Until)}
		if d.Confirmed {
			du.Status = "confirmed"
		}
		if d.CoveringFor != nil {
			du.Status, du.For, du.Until = "cover", d.CoveringFor.Name, "covers through "+long(d.Until.AddDays(-1))
		}
		v.Duty = append(v.Duty, du)
	}
	for _, g := range m.Unfilled {
		v.Unfilled = append(v.Unfilled, "until "+long(g.End))
	}
	if h := m.Next; h != nil {
		in := "tomorrow"
		if n := h.Date.Sub(m.Today); n > 1 {
			in = fmt.Sprintf("in %d days", n)
		} else if n < 1 {
			in = "today"
		}
		v.Next = &next{Day: h.Date, Date: long(h.Date), In: in, Joining: h.Joining, Leaving: h.Leaving, Staying: h.Staying}
	}
	return v, nil
}

// lanes stacks bars so that none overlaps another in its lane.
func lanes(bars []bar) [][]bar {
	slices.SortStableFunc(bars, func(a, b bar) int { return cmp.Compare(parse(a.Left), parse(b.Left)) })
	var out [][]bar
	var ends []float64
next:
	for _, b := range bars {
		l, r := parse(b.Left), parse(b.Left)+parse(b.Width)
		for i := range out {
			if ends[i] <= l+1e-9 {
				out[i], ends[i] = append(out[i], b), r
				continue next
			}
		}
		out, ends = append(out, []bar{b}), append(ends, r)
	}
	return out
}

// trackPx is the timeline's track on a laptop, in CSS pixels, and charPx
// the width of a character of a bar's text: enough to tell a bar that
// cannot hold its text. (Narrower screens cut the text with an ellipsis;
// the list below the timeline has it whole.)
const trackPx, charPx = 900.0, 7.0

// labelOutside marks the bars of one row, sorted by left, whose text does
// not fit inside them but fits in the empty space after them, or, for a
// bar too small to show any of its text, before them.
func labelOutside(bars []bar) {
	for i := range bars {
		b := &bars[i]
		start := parse(b.Left)
		end := start + parse(b.Width)
		after, before := 100-end, start
		if i+1 < len(bars) {
			after = parse(bars[i+1].Left) - end
		}
		if i > 0 {
			before = start - parse(bars[i-1].Left) - parse(bars[i-1].Width)
		}
		need := (float64(len([]rune(b.Text)))*charPx + 16) * 100 / trackPx
		switch {
		case parse(b.Width) >= need:
		case after >= need:
			b.Outside = "after"
		case before >= need && parse(b.Width) < need/3:
			b.Outside = "before"
		}
	}
}

func sortEntries(es []entry) {
	slices.SortStableFunc(es, func(a, b entry) int {
		return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.order, b.order), cmp.Compare(a.Who, b.Who))
	})
}

func sortedDates(ds []civil.Date) []civil.Date {
	out := slices.Clone(ds)
	slices.SortFunc(out, civil.Date.Compare)
	return slices.Compact(out)
}

// pct writes a percentage with enough digits for a pixel on any screen.
func pct(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

func parse(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }

// long is "Mon 7 Dec 2026".
func long(d civil.Date) string { return d.UTC().Format("Mon 2 Jan 2006") }

// span is the inclusive days of [s, e), "Mon 9 Nov 2026 – Sun 6 Dec 2026".
func span(s, e civil.Date) string {
	last := e.AddDays(-1)
	if last == s {
		return long(s)
	}
	return long(s) + " – " + long(last)
}

// short is the inclusive days of [s, e) without weekdays or years:
// "25 Nov", "11–24 Jan", "14 Dec – 10 Jan".
func short(s, e civil.Date) string {
	last := e.AddDays(-1)
	a, b := s.UTC(), last.UTC()
	switch {
	case last == s:
		return a.Format("2 Jan")
	case a.Month() == b.Month() && a.Year() == b.Year():
		return a.Format("2") + "–" + b.Format("2 Jan")
	}
	return a.Format("2 Jan") + " – " + b.Format("2 Jan")
}
