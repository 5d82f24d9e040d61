package rotation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// genOpts shape a generated roster.
type genOpts struct {
	minEngineers, maxEngineers int
	// awayEach gives every engineer one random absence; awayOne gives a
	// single engineer one; awaySerial gives absences that never overlap.
	awayEach, awayOne, awaySerial bool
}

var firstNames = []string{"ada", "Alan", "barbara", "Claude", "donald", "Edsger", "frances", "Grace", "katherine",
	"Margaret", "niklaus", "Ole-Johan", "radia", "Shafi", "tim", "Vint", "Xavier", "yukihiro", "Zoë", "Émile", "Ørjan", "ßeta"}

// genRoster builds a valid roster from rng. Handles are unrelated to names,
// so that only names can drive the alphabetical order.
func genRoster(t testing.TB, rng *rand.Rand, o genOpts) *roster.Roster {
	t.Helper()
	teamSize := 1 + rng.IntN(3)
	handoff := []int{7, 14}[rng.IntN(2)]
	n := o.minEngineers + rng.IntN(o.maxEngineers-o.minEngineers+1)
	start := civil.MustParse("2026-01-05").AddDays(rng.IntN(400))
	maxAway := rng.IntN(8)
	r := &roster.Roster{
		Version: 1, Team: "gen",
		Support: roster.Support{TeamSize: teamSize, Tenure: roster.Duration{Days: teamSize * handoff},
			HandoffEvery: roster.Duration{Days: handoff}, Start: start, MaxAwayDays: &maxAway},
	}
	names := slices.Clone(firstNames)
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	serial := start.AddDays(rng.IntN(60))
	perm := rng.Perm(n)
	for i := range n {
		e := roster.Engineer{Name: fmt.Sprintf("%s %c", names[i%len(names)], 'a'+rune(i/len(names))), GitHub: fmt.Sprintf("u%03d", perm[i])}
		if o.awayEach || (o.awayOne && i == 0) {
			from := start.AddDays(rng.IntN(300))
			e.Away = []roster.AwayPeriod{{From: from, To: from.AddDays(3 + rng.IntN(40))}}
		}
		if o.awaySerial {
			from := serial.AddDays(rng.IntN(10))
			to := from.AddDays(rng.IntN(30))
			serial = to.AddDays(1 + rng.IntN(20))
			e.Away = []roster.AwayPeriod{{From: from, To: to}}
		}
		r.Engineers = append(r.Engineers, e)
	}
	return mustValid(t, r)
}

// mustValid round-trips r through YAML and the real validator, so generated
// rosters obey every rule a user's would.
func mustValid(t testing.TB, r *roster.Roster) *roster.Roster {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nteam: gen\ntimezone: UTC\nsupport: {team_size: %d, tenure: %dd, handoff_every: %dd, start: %s, max_away_days: %d}\nengineers:\n",
		r.Support.TeamSize, r.Support.Tenure.Days, r.Support.HandoffEvery.Days, r.Support.Start, r.Support.AwayLimit())
	for _, e := range r.Engineers {
		fmt.Fprintf(&b, "  - name: %q\n    github: %s\n", e.Name, e.GitHub)
		if !e.Joined.IsZero() {
			fmt.Fprintf(&b, "    joined: %s\n", e.Joined)
		}
		if !e.Left.IsZero() {
			fmt.Fprintf(&b, "    left: %s\n", e.Left)
		}
		if !e.InRotation() {
			b.WriteString("    support_rotation: false\n")
		}
		if len(e.Away) > 0 {
			b.WriteString("    away:\n")
			for _, a := range e.Away {
				fmt.Fprintf(&b, "      - {from: %s, to: %s}\n", a.From, a.To)
			}
		}
	}
	if len(r.Shifts) > 0 {
		b.WriteString("shifts:\n")
		for _, s := range r.Shifts {
			fmt.Fprintf(&b, "  - {github: %s, start: %s, end: %s}\n", s.GitHub, s.Start, s.End)
		}
	}
	if len(r.Overrides) > 0 {
		b.WriteString("overrides:\n")
		for _, o := range r.Overrides {
			fmt.Fprintf(&b, "  - {github: %s, for: %s, from: %s, to: %s}\n", o.GitHub, o.For, o.From, o.To)
		}
	}
	out, probs := roster.Parse("gen.yaml", []byte(b.String()))
	if out == nil {
		t.Fatalf("generated roster is invalid: %v\n%s", probs, b.String())
	}
	return out
}

// confirm turns the projected shifts that start before d into confirmed
// ones, as merged rotation pull requests would.
func confirm(t testing.TB, r *roster.Roster, d civil.Date) *roster.Roster {
	t.Helper()
	c := *r
	c.Shifts = nil
	for _, s := range Compute(r, r.Support.Start, d).Shifts {
		if s.Start.Before(d) {
			c.Shifts = append(c.Shifts, roster.Shift{GitHub: s.GitHub, Start: s.Start, End: s.End})
		}
	}
	return mustValid(t, &c)
}

func onDuty(s Schedule, d civil.Date) []Shift {
	var out []Shift
	for _, sh := range s.Shifts {
		if covers(sh.Start, sh.End, d) {
			out = append(out, sh)
		}
	}
	return out
}

// alphabetical returns the eligible engineers in rule 3's tie order.
func alphabetical(r *roster.Roster) []string {
	type k struct{ key, handle string }
	var ks []k
	for _, e := range r.Engineers {
		if e.InRotation() {
			ks = append(ks, k{fold(e.Name), e.GitHub})
		}
	}
	slices.SortFunc(ks, func(a, b k) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.handle, b.handle)
	})
	out := make([]string, len(ks))
	for i, x := range ks {
		out[i] = x.handle
	}
	return out
}

func seed(t testing.TB, i int) *rand.Rand {
	t.Helper()
	return rand.New(rand.NewPCG(uint64(i), 0x5eed))
}
