// Package civil owns the calendar date: a day without a time or a time zone,
// as roster.yaml writes it (YYYY-MM-DD). Dates are compared and counted in
// whole days, so schedule arithmetic never meets daylight-saving surprises.
package civil

import (
	"fmt"
	"time"
)

// Date is a calendar day. The zero Date means "not set".
type Date struct {
	// n is days since 0001-01-01, plus one, so that the zero value is unset.
	n int32
}

// epoch is 0001-01-01 in proleptic Gregorian days relative to the Unix epoch.
var epochDays = int64(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)

// New returns the date y-m-d, normalising out-of-range months and days the
// way time.Date does.
func New(y int, m time.Month, d int) Date {
	// Far beyond 9999 time.Time's seconds would overflow; clamp first.
	y = min(max(y, -100000), 100000)
	return fromUnixDays(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// lastN is 9999-12-31, the last day YYYY-MM-DD can write.
var lastN = int64(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()/86400-epochDays) + 1

// clamp keeps a day count within 0001-01-01..9999-12-31, so that no
// arithmetic on dates can wrap around: a date pushed past either end
// stays at that end.
func clamp(n int64) Date {
	return Date{n: int32(min(max(n, 1), lastN))}
}

func fromUnixDays(u int64) Date { return clamp(u - epochDays + 1) }

func (d Date) unixDays() int64 { return int64(d.n-1) + epochDays }

// Of returns the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, day := t.Date()
	return New(y, m, day)
}

// Parse reads a date written YYYY-MM-DD and rejects anything else, including
// dates that do not exist such as 2026-02-30.
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return Date{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD", s)
	}
	return Of(t), nil
}

// MustParse is Parse for constants in tests and examples; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.n == 0 }

// Time returns midnight at the start of d in loc. Where midnight does not
// exist (a daylight-saving jump at 00:00), it is the first instant of the day.
func (d Date) Time(loc *time.Location) time.Time {
	y, m, day := d.UTC().Date()
	t := time.Date(y, m, day, 0, 0, 0, 0, loc)
	if Of(t) != d {
		// time.Date picked an instant on the previous day: the day starts at
		// the transition, which lies between t and t+2h.
		lo, hi := t, t.Add(2*time.Hour)
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2)
			if Of(mid) == d {
				hi = mid
			} else {
				lo = mid
			}
		}
		t = hi.Truncate(time.Second)
	}
	return t
}

// UTC returns midnight UTC at the start of d.
func (d Date) UTC() time.Time { return time.Unix(d.unixDays()*86400, 0).UTC() }

// First and Last are the earliest and latest dates a Date holds: every
// result of arithmetic is kept between them rather than wrapping around.
var (
	First = Date{n: 1}
	Last  = Date{n: int32(lastN)}
)

// AddDays returns d moved by n days, kept within First..Last.
func (d Date) AddDays(n int) Date {
	// d.n fits in 32 bits, so clamping n first keeps the sum from overflowing.
	return clamp(int64(d.n) + min(max(int64(n), -lastN), lastN))
}

// AddYears returns the same day n years later (29 February becomes 1 March
// in a year without it), kept within First..Last.
func (d Date) AddYears(n int) Date {
	y, m, day := d.UTC().Date()
	switch {
	case n > 9999-y:
		return Last
	case n < 1-y:
		return First
	}
	return New(y+n, m, day)
}

// Sub returns the number of days from o to d.
func (d Date) Sub(o Date) int { return int(d.n - o.n) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.n < o.n }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.n > o.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.n < o.n:
		return -1
	case d.n > o.n:
		return 1
	}
	return 0
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(((d.unixDays() % 7) + 7 + int64(time.Thursday)) % 7)
}

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.UTC().Format(time.DateOnly)
}

// Compact formats d as YYYYMMDD, the iCalendar DATE form.
func (d Date) Compact() string { return d.UTC().Format("20060102") }

// MarshalText writes d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads d from YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Min returns the earlier of a and b.
func Min(a, b Date) Date {
	if a.Before(b) {
		return a
	}
	return b
}

// Max returns the later of a and b.
func Max(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}
