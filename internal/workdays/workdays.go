// Package workdays owns working-day arithmetic: a working day is a calendar
// day in the team's time zone that is Monday to Friday and not a holiday,
// and "N working days" is N × 24 hours of time that falls on working days.
package workdays

import (
	"time"

	"github.com/support-steward/steward/internal/civil"
)

// Day is the length of one working day of working time.
const Day = 24 * time.Hour

// Calendar knows which days are working days for one team.
type Calendar struct {
	loc      *time.Location
	holidays map[civil.Date]bool
}

// New returns the calendar of a team in loc with the given holidays.
func New(loc *time.Location, holidays []civil.Date) *Calendar {
	c := &Calendar{loc: loc, holidays: make(map[civil.Date]bool, len(holidays))}
	for _, h := range holidays {
		c.holidays[h] = true
	}
	return c
}

// Location returns the team's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkingDay reports whether d is Monday to Friday and not a holiday.
func (c *Calendar) IsWorkingDay(d civil.Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !c.holidays[d]
}

// dayBounds returns the instants at which t's local day starts and ends.
func (c *Calendar) dayBounds(t time.Time) (civil.Date, time.Time, time.Time) {
	d := civil.Of(t.In(c.loc))
	return d, d.Time(c.loc), d.AddDays(1).Time(c.loc)
}

// Add returns the moment at which d of working time has passed since start.
// Time on non-working days does not count; a day shortened or lengthened by
// a daylight-saving change counts as the hours it really has. Add(t, 0) is t.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	t := start
	for d > 0 {
		day, _, end := c.dayBounds(t)
		if c.IsWorkingDay(day) {
			if avail := end.Sub(t); d <= avail {
				return t.Add(d)
			} else {
				d -= avail
			}
		}
		t = end
	}
	return t
}

// AddDays returns the moment n working days after start: Add(start, n×24h).
func (c *Calendar) AddDays(start time.Time, n int) time.Time {
	return c.Add(start, time.Duration(n)*Day)
}

// Between returns the working time in [a, b); negative when b is before a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.Between(b, a)
	}
	var total time.Duration
	for t := a; t.Before(b); {
		day, _, end := c.dayBounds(t)
		stop := end
		if b.Before(stop) {
			stop = b
		}
		if c.IsWorkingDay(day) {
			total += stop.Sub(t)
		}
		t = stop
	}
	return total
}

// NextWorkingDay returns the first working day on or after d.
func (c *Calendar) NextWorkingDay(d civil.Date) civil.Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}
