package workdays

import (
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddDays(t *testing.T) {
	la := zone(t, "America/Los_Angeles")
	london := zone(t, "Europe/London")
	cairo := zone(t, "Africa/Cairo")
	tokyo := zone(t, "Asia/Tokyo")
	holidays := []civil.Date{civil.MustParse("2026-12-25"), civil.MustParse("2027-01-01")}
	tests := []struct {
		name  string
		loc   *time.Location
		start string
		n     int
		want  string
	}{
		{"Friday afternoon lands on Monday afternoon", la, "2026-11-20 15:00", 1, "2026-11-23 15:00"},
		{"Saturday start runs to the end of Monday", la, "2026-11-21 10:00", 1, "2026-11-24 00:00"},
		{"Sunday start runs to the end of Monday", la, "2026-11-22 23:59", 1, "2026-11-24 00:00"},
		{"midweek is a plain day", la, "2026-11-18 09:30", 1, "2026-11-19 09:30"},
		{"two working days over a weekend", la, "2026-11-19 12:00", 2, "2026-11-23 12:00"},
		{"a holiday on Friday is skipped", la, "2026-12-24 08:00", 1, "2026-12-28 08:00"},
		{"Christmas Eve to after New Year", la, "2026-12-31 17:00", 1, "2027-01-04 17:00"},
		{"start on a holiday counts from the next working day", la, "2026-12-25 11:00", 1, "2026-12-29 00:00"},
		{"zero is the start itself", la, "2026-11-21 10:00", 0, "2026-11-21 10:00"},
		{"US spring-forward weekend keeps wall-clock time", la, "2026-03-06 15:00", 1, "2026-03-09 15:00"},
		{"US fall-back weekend keeps wall-clock time", la, "2026-10-30 15:00", 1, "2026-11-02 15:00"},
		{"UK clocks change on Sunday: Friday to Monday", london, "2026-03-27 09:00", 1, "2026-03-30 09:00"},
		{"a week is five working days", london, "2026-06-01 10:00", 5, "2026-06-08 10:00"},
		// Egypt sprang forward at 00:00 on Friday 2024-04-26: that working
		// day has 23 hours, so a day from Thursday noon ends an hour later
		// on the wall clock.
		{"a 23-hour working day", cairo, "2024-04-25 12:00", 1, "2024-04-26 13:00"},
		// Egypt fell back at 24:00 on Thursday 2024-10-31: 25 hours.
		{"a 25-hour working day", cairo, "2024-10-31 12:00", 1, "2024-11-01 11:00"},
		{"no daylight saving at all", tokyo, "2026-07-03 18:00", 1, "2026-07-06 18:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.loc, holidays)
			got := c.AddDays(at(tt.loc, tt.start), tt.n)
			if want := at(tt.loc, tt.want); !got.Equal(want) {
				t.Errorf("AddDays(%s, %d) = %s, want %s", tt.start, tt.n, got.In(tt.loc).Format("2006-01-02 15:04 MST"), tt.want)
			}
			// Between is Add's inverse.
			if back := c.Between(at(tt.loc, tt.start), got); back != time.Duration(tt.n)*Day {
				t.Errorf("Between(start, due) = %s, want %d days", back, tt.n)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	la := zone(t, "America/Los_Angeles")
	c := New(la, nil)
	tests := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-11-21 00:00", "2026-11-23 00:00", 0},               // a weekend
		{"2026-11-20 12:00", "2026-11-23 06:00", 18 * time.Hour},  // Fri noon to Mon 6am
		{"2026-11-23 06:00", "2026-11-20 12:00", -18 * time.Hour}, // reversed
		{"2026-11-16 00:00", "2026-11-23 00:00", 5 * Day},         // a whole week
		{"2026-03-09 00:00", "2026-03-09 12:00", 12 * time.Hour},  // Monday after spring-forward
		{"2026-11-20 23:00", "2026-11-23 01:00", 2 * time.Hour},   // across a weekend
	}
	for _, tt := range tests {
		if got := c.Between(at(la, tt.a), at(la, tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAddIsMonotonicAndExact(t *testing.T) {
	for _, name := range []string{"America/Los_Angeles", "Europe/London", "Australia/Sydney", "Africa/Cairo", "America/Santiago"} {
		loc := zone(t, name)
		c := New(loc, []civil.Date{civil.MustParse("2026-04-03")})
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		for h := 0; h < 24*400; h += 7 {
			s := start.Add(time.Duration(h) * time.Hour)
			for _, n := range []time.Duration{time.Hour, 4 * time.Hour, Day, 2 * Day} {
				due := c.Add(s, n)
				if got := c.Between(s, due); got != n {
					t.Fatalf("%s: Between(%s, Add(%s)) = %s", name, s, n, got)
				}
				if !due.After(s) {
					t.Fatalf("%s: Add(%s, %s) = %s is not later", name, s, n, due)
				}
			}
		}
	}
}

func TestNextWorkingDay(t *testing.T) {
	c := New(time.UTC, []civil.Date{civil.MustParse("2026-12-25"), civil.MustParse("2026-12-28")})
	if got := c.NextWorkingDay(civil.MustParse("2026-12-25")); got != civil.MustParse("2026-12-29") {
		t.Errorf("NextWorkingDay = %s", got)
	}
}
