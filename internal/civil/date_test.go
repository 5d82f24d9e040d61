package civil

import (
	"math"
	"testing"
	"time"
)

func TestParseRejectsWhatIsNotADate(t *testing.T) {
	for _, s := range []string{"", "2026-1-05", "2026-02-30", "05/01/2026", "2026-01-05T00:00:00Z", " 2026-01-05"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", s)
		}
	}
}

func TestRoundTripAndArithmetic(t *testing.T) {
	d := MustParse("2026-01-05")
	if d.String() != "2026-01-05" || d.Compact() != "20260105" {
		t.Fatalf("formatting: %s %s", d, d.Compact())
	}
	if got := d.AddDays(28).String(); got != "2026-02-02" {
		t.Errorf("AddDays(28) = %s", got)
	}
	if got := MustParse("2027-01-01").Sub(d); got != 361 {
		t.Errorf("Sub = %d", got)
	}
	if d.Weekday() != time.Monday {
		t.Errorf("2026-01-05 is a %s, want Monday", d.Weekday())
	}
	for i := -400; i < 400; i++ {
		x := d.AddDays(i)
		if x.Weekday() != x.UTC().Weekday() {
			t.Fatalf("%s: Weekday %s, time says %s", x, x.Weekday(), x.UTC().Weekday())
		}
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() || d.IsZero() {
		t.Error("zero value handling")
	}
	if New(1, 1, 1).IsZero() {
		t.Error("0001-01-01 must not be the zero value")
	}
}

func TestTimeFindsTheStartOfADayWithoutMidnight(t *testing.T) {
	cairo, err := time.LoadLocation("Africa/Cairo")
	if err != nil {
		t.Skip(err)
	}
	// Egypt moved clocks from 00:00 to 01:00 on 2024-04-26.
	d := MustParse("2024-04-26")
	start := d.Time(cairo)
	if Of(start) != d || Of(start.Add(-time.Second)) != d.AddDays(-1) {
		t.Fatalf("start of %s in Cairo = %s", d, start)
	}
	if next := d.AddDays(1).Time(cairo); next.Sub(start) != 23*time.Hour {
		t.Errorf("2024-04-26 in Cairo lasts %s, want 23h", next.Sub(start))
	}
}

func TestArithmeticNeverWrapsAround(t *testing.T) {
	d := MustParse("2026-01-05")
	for _, n := range []int{1 << 40, math.MaxInt, math.MaxInt32, math.MaxInt32 + 1} {
		if got := d.AddDays(n); got != Last {
			t.Errorf("AddDays(%d) = %s, want %s", n, got, Last)
		}
		if got := d.AddDays(-n); got != First {
			t.Errorf("AddDays(%d) = %s, want %s", -n, got, First)
		}
	}
	if Last.String() != "9999-12-31" || First.String() != "0001-01-01" {
		t.Errorf("bounds %s..%s", First, Last)
	}
	if got := New(1<<40, 1, 1); got != Last {
		t.Errorf("New(huge year) = %s", got)
	}
	if got := d.AddYears(50).String(); got != "2076-01-05" {
		t.Errorf("AddYears(50) = %s", got)
	}
	if got := MustParse("2024-02-29").AddYears(1).String(); got != "2025-03-01" {
		t.Errorf("AddYears from 29 February = %s", got)
	}
	if d.AddYears(math.MaxInt) != Last || d.AddYears(math.MinInt) != First {
		t.Error("AddYears wraps around")
	}
}
