package rotation

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// checkAccepted is the property both fuzz targets assert: a roster that
// validate accepts computes a 10-year schedule, from its start and at the
// far end of the dates a schedule may ask about, well within bounds.
func checkAccepted(t *testing.T, data []byte) {
	r, _ := roster.Parse("f.yaml", data)
	if r == nil {
		return
	}
	for _, from := range []civil.Date{r.Support.Start, LastDay.AddYears(-10)} {
		until := from.AddYears(10)
		if until.After(LastDay) {
			until = LastDay
		}
		// Generous: the benchmark measures the worst case at ~0.5 s; this
		// only catches a runaway, even with the fuzzer's workers sharing cores.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		s, err := ComputeContext(ctx, r, from, until)
		cancel()
		if err != nil {
			t.Fatalf("an accepted roster's schedule %s..%s: %v", from, until, err)
		}
		// At most one new shift per seat per handoff, plus the confirmed.
		limit := until.Sub(from)/r.Support.HandoffEvery.Days*r.Support.TeamSize + len(r.Shifts) + 2*r.Support.TeamSize
		if len(s.Shifts) > limit {
			t.Fatalf("%d shifts in %s..%s, more than %d", len(s.Shifts), from, until, limit)
		}
		for _, sh := range s.Shifts {
			if !sh.End.After(sh.Start) || !sh.Start.Before(until) || !sh.End.After(from) {
				t.Fatalf("shift %+v outside %s..%s or empty", sh, from, until)
			}
		}
	}
	if _, err := WhoContext(context.Background(), r, r.Support.Start); err != nil {
		t.Fatalf("who on the start day: %v", err)
	}
}

// FuzzAcceptedRosterBytes: whatever the bytes, a roster that Parse accepts
// schedules within bounds.
func FuzzAcceptedRosterBytes(f *testing.F) {
	if data, err := os.ReadFile("../../roster.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 2, tenure: 4w, handoff_every: 2w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n  - {name: B, github: b}\n"))
	f.Add([]byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 2, tenure: 2635249153387078802w, handoff_every: 1317624576693539401w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n"))
	f.Add([]byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 10, tenure: 10d, handoff_every: 1d, start: 1900-01-01, max_away_days: 0}\nengineers:\n  - {name: A, github: a, away: [{from: 1900-01-01, to: 2199-12-31}]}\n  - {name: B, github: b, joined: 2199-12-31}\n  - {name: C, github: c, left: 1900-01-02}\nshifts:\n  - {github: a, start: 1900-01-01, end: 1900-01-11}\n"))
	f.Add([]byte("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: 1, tenure: 1w, handoff_every: 1w, start: 2026-01-05}\nengineers:\n  - {name: A, github: a}\n  - {name: B, github: b}\noverrides:\n  - {github: b, for: a, from: 2026-01-06, to: 2199-12-31}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkAccepted(t, data) })
}

// FuzzAcceptedRosterNumbers reaches deeper than random bytes: it writes a
// well-formed roster around fuzzed numbers and dates, so that most inputs
// pass the YAML and key checks and exercise the bounds themselves.
func FuzzAcceptedRosterNumbers(f *testing.F) {
	f.Add(2, "4w", "2w", "2026-01-05", 5, 3, "2026-02-01", "2026-02-20", "2026-01-19")
	f.Add(2, "2635249153387078802w", "1317624576693539401w", "2026-01-05", 5, 2, "", "", "")
	f.Add(10, "10d", "1d", "1900-01-01", 0, 12, "1900-01-01", "2199-12-31", "")
	f.Add(1, "364d", "364d", "2199-12-31", 364, 1, "2199-01-01", "2199-12-31", "2199-12-30")
	f.Add(3, "9w", "3w", "0001-01-01", -1, 0, "9999-12-31", "0001-01-01", "1899-12-31")
	f.Fuzz(func(t *testing.T, teamSize int, tenure, handoff, start string, maxAway, engineers int, awayFrom, awayTo, shiftStart string) {
		engineers = min(max(engineers, 0), 250)
		data := fmt.Sprintf("version: 1\nteam: T\ntimezone: UTC\nsupport: {team_size: %d, tenure: %q, handoff_every: %q, start: %q, max_away_days: %d}\nengineers:\n",
			teamSize, tenure, handoff, start, maxAway)
		for i := range engineers {
			data += fmt.Sprintf("  - {name: E%d, github: e%d", engineers-i, i)
			if i%2 == 0 && awayFrom != "" {
				data += fmt.Sprintf(", away: [{from: %q, to: %q}]", awayFrom, awayTo)
			}
			if i%3 == 1 {
				data += fmt.Sprintf(", joined: %q", awayTo)
			}
			data += "}\n"
		}
		if shiftStart != "" && engineers > 0 {
			data += fmt.Sprintf("shifts:\n  - {github: e0, start: %q, end: %q}\n", shiftStart, awayTo)
		}
		checkAccepted(t, []byte(data))
	})
}
