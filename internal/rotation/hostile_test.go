package rotation

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// hostileRoster writes the costliest roster validate accepts for the
// engine: the most stewards at once, a handoff every day, the earliest start
// and no confirmed shifts (so the rotation runs from 1900), the most
// engineers, and the rest of the 1 MiB file filled with absences. kind
// chooses how available the engineers are:
//   - "free": nobody away in the schedule's years: one choice a day;
//   - "away": each engineer's absences spread over the centuries;
//   - "late", "gone", "blocked": nobody is available for three centuries
//     (joined on the last day, left on the first, away throughout), so
//     every seat is a gap to retry at every handoff.
func hostileRoster(tb testing.TB, kind string) *roster.Roster {
	tb.Helper()
	var y strings.Builder
	fmt.Fprintf(&y, "version: 1\nteam: hostile\ntimezone: UTC\nsupport: {team_size: %d, tenure: %dd, handoff_every: 1d, start: %s, max_away_days: 0}\nengineers:\n",
		roster.MaxTeamSize, roster.MaxTeamSize, roster.FirstDate)
	n := roster.MaxItems["engineers"]
	perEngineer := (roster.MaxFileBytes - 200 - n*60) / n / 42
	perEngineer = min(perEngineer, roster.MaxItems["engineers.away"])
	for i := range n {
		fmt.Fprintf(&y, "  - {name: E%03d, github: e%03d", (i*37)%n, i)
		switch kind {
		case "late":
			fmt.Fprintf(&y, ", joined: %s", roster.LastDate)
		case "gone":
			fmt.Fprintf(&y, ", left: %s", roster.FirstDate.AddDays(1))
		case "blocked":
			fmt.Fprintf(&y, ", away: [{from: %s, to: %s}]", roster.FirstDate, roster.LastDate)
		case "away":
			y.WriteString(", away: [")
			for k := range perEngineer {
				if k > 0 {
					y.WriteString(", ")
				}
				from := roster.FirstDate.AddDays(i + k*(300*365/perEngineer))
				fmt.Fprintf(&y, "{from: %s, to: %s}", from, from.AddDays(k%3))
			}
			y.WriteString("]")
		}
		y.WriteString("}\n")
	}
	if y.Len() > roster.MaxFileBytes {
		tb.Fatalf("the hostile roster is %d bytes, more than a roster may be", y.Len())
	}
	r, probs := roster.Parse("hostile.yaml", []byte(y.String()))
	if r == nil {
		tb.Fatal(probs)
	}
	return r
}

var hostileKinds = []string{"free", "away", "late", "gone", "blocked"}

// The last ten years a schedule may show, with the rotation run from the
// earliest start a roster may write.
func worstRange() (civil.Date, civil.Date) { return LastDay.AddYears(-10), LastDay }

// BenchmarkHostileWorstRoster computes a 10-year schedule of the worst
// rosters validate accepts (see hostileRoster). It reports the time per
// schedule and peak-bytes: the bytes allocated by one computation with the
// garbage collector off, an upper bound on the heap it needs.
func BenchmarkHostileWorstRoster(b *testing.B) {
	for _, kind := range hostileKinds {
		b.Run(kind, func(b *testing.B) {
			r := hostileRoster(b, kind)
			from, until := worstRange()
			peak := peakBytes(b, r, from, until)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := ComputeContext(context.Background(), r, from, until); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak), "peak-bytes")
		})
	}
}

func peakBytes(tb testing.TB, r *roster.Roster, from, until civil.Date) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.ReadMemStats(&before)
	if _, err := ComputeContext(context.Background(), r, from, until); err != nil {
		tb.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Issue #12's figure: any roster validate accepts computes a 10-year
// schedule in under 1 s and 200 MB. Memory is checked here; time is
// reported by BenchmarkHostileWorstRoster: a timed test would be flaky on
// a busy machine.
func TestHostileRosterScheduleIsBounded(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("computes three centuries of daily handoffs: a measurement, not for -short or -race")
	}
	for _, kind := range hostileKinds {
		r := hostileRoster(t, kind)
		from, until := worstRange()
		if got := peakBytes(t, r, from, until); got > 200<<20 {
			t.Errorf("%s: %d bytes allocated, more than 200 MiB", kind, got)
		}
	}
}

func TestScheduleRangesAreBounded(t *testing.T) {
	r := parse(t, `version: 1
team: T
timezone: UTC
support: {team_size: 1, tenure: 2d, handoff_every: 2d, start: 2026-01-05}
engineers:
  - {name: Ada, github: ada}
`)
	for _, tt := range []struct{ from, until, want string }{
		{"0001-01-01", "9999-12-31", "the schedule range 0001-01-01 to 9999-12-31 is longer than 50 years: ask for a shorter range"},
		{"2026-01-01", "2076-01-02", "the schedule range 2026-01-01 to 2076-01-02 is longer than 50 years: ask for a shorter range"},
		{"2026-01-01", "2026-01-01", "the schedule range 2026-01-01 to 2026-01-01 is empty: the end must be after the start"},
		{"1850-01-01", "1890-01-01", "the schedule range 1850-01-01 to 1890-01-01 is outside 1900-01-01 to 2210-01-01"},
		{"2200-01-01", "2220-01-01", "the schedule range 2200-01-01 to 2220-01-01 is outside 1900-01-01 to 2210-01-01"},
	} {
		_, err := ComputeContext(context.Background(), r, civil.MustParse(tt.from), civil.MustParse(tt.until))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s..%s: %v, want %q", tt.from, tt.until, err, tt.want)
		}
		if s := Compute(r, civil.MustParse(tt.from), civil.MustParse(tt.until)); len(s.Shifts) != 0 {
			t.Errorf("%s..%s: Compute returned %d shifts for a refused range", tt.from, tt.until, len(s.Shifts))
		}
	}
	s, err := ComputeContext(context.Background(), r, civil.MustParse("2026-01-01"), civil.MustParse("2076-01-01"))
	if err != nil || len(s.Shifts) != 9129 {
		t.Errorf("50 years: %d shifts, %v", len(s.Shifts), err)
	}
	if _, err := WhoContext(context.Background(), r, civil.MustParse("9999-12-31")); err == nil {
		t.Error("who on 9999-12-31: no error")
	}
}

func TestScheduleStopsWhenItsContextEnds(t *testing.T) {
	r := hostileRoster(t, "late")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	from, until := worstRange()
	_, err := ComputeContext(ctx, r, from, until)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
