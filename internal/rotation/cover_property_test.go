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

// randomCover picks a valid cover in s: part of a random shift, by someone
// off duty all that time. ok is false when nobody is free.
func randomCover(rng *rand.Rand, r *roster.Roster, s Schedule) (roster.Override, bool) {
	if len(s.Shifts) == 0 {
		return roster.Override{}, false
	}
	sh := s.Shifts[rng.IntN(len(s.Shifts))]
	n := sh.End.Sub(sh.Start)
	from := sh.Start.AddDays(rng.IntN(n))
	to := from.AddDays(rng.IntN(sh.End.Sub(from))) // inclusive, inside the shift
	for _, k := range rng.Perm(len(r.Engineers)) {
		e := r.Engineers[k]
		busy := false
		for _, o := range s.Shifts {
			busy = busy || (strings.EqualFold(o.GitHub, e.GitHub) && o.Start.Before(to.AddDays(1)) && from.Before(o.End))
		}
		if !busy {
			return roster.Override{GitHub: e.GitHub, For: sh.GitHub, From: from, To: to}, true
		}
	}
	return roster.Override{}, false
}

// Rule 8: for any generated roster and any valid cover, every handoff and
// every shift (the covered one included) is unchanged, no gap appears, and
// on each day exactly the covered steward is replaced by the stand-in.
func TestACoverChangesNoShiftAndOnlyWhoIsOnDuty(t *testing.T) {
	tried := 0
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 3, maxEngineers: 12, awayEach: rng.IntN(2) == 0})
		if rng.IntN(2) == 0 {
			r = confirm(t, r, r.Support.Start.AddDays(rng.IntN(200)))
		}
		from, until := years(r, 2)
		before := Compute(r, from, until)
		o, ok := randomCover(rng, r, before)
		if !ok {
			continue
		}
		c := *r
		c.Overrides = []roster.Override{o}
		covered := mustValid(t, &c)
		after := Compute(covered, from, until)
		if !slices.Equal(before.Shifts, after.Shifts) || !slices.Equal(before.Gaps, after.Gaps) {
			t.Fatalf("roster %d: the cover %+v moved the schedule", i, o)
		}
		for d := civil.Max(from, o.From.AddDays(-3)); !d.After(o.To.AddDays(3)) && d.Before(until); d = d.AddDays(1) {
			var want, got []string
			for _, sh := range before.OnDuty(d) {
				if sh.GitHub == o.For && !d.Before(o.From) && !d.After(o.To) {
					sh.GitHub = o.GitHub
				}
				want = append(want, sh.GitHub)
			}
			for _, sh := range after.OnDuty(d) {
				got = append(got, sh.GitHub)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("roster %d, cover %+v, %s: on duty %v, want %v", i, o, d, got, want)
			}
		}
		tried++
	}
	if tried < rosters/2 {
		t.Fatalf("only %d of %d rosters had a cover to try", tried, rosters)
	}
}

// Rule 7: a swap of two confirmed shifts of different engineers changes
// exactly those two shifts, each now held by the other; every other
// confirmed shift stays as it was.
func TestASwapExchangesExactlyTwoShifts(t *testing.T) {
	tried := 0
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 3, maxEngineers: 12})
		r = confirm(t, r, r.Support.Start.AddDays(60+rng.IntN(300)))
		a, b := rng.IntN(len(r.Shifts)), rng.IntN(len(r.Shifts))
		if a == b || strings.EqualFold(r.Shifts[a].GitHub, r.Shifts[b].GitHub) {
			continue
		}
		data := yamlOf(t, r)
		out, err := roster.SwapShifts(data, a, b)
		if err != nil {
			t.Fatalf("roster %d: %v", i, err)
		}
		swapped, probs := roster.Parse("gen.yaml", out)
		if swapped == nil {
			// The swap put someone on duty twice at once: validate says so.
			if !strings.Contains(probs.Error(), "is already on duty") {
				t.Fatalf("roster %d: %v", i, probs)
			}
			continue
		}
		var changed []int
		for k := range r.Shifts {
			if r.Shifts[k] != swapped.Shifts[k] {
				changed = append(changed, k)
			}
		}
		if !slices.Equal(changed, []int{min(a, b), max(a, b)}) ||
			swapped.Shifts[a].GitHub != r.Shifts[b].GitHub || swapped.Shifts[b].GitHub != r.Shifts[a].GitHub ||
			swapped.Shifts[a].Start != r.Shifts[a].Start || swapped.Shifts[b].End != r.Shifts[b].End {
			t.Fatalf("roster %d: swapping %d and %d changed %v", i, a, b, changed)
		}
		from, until := years(r, 3)
		x, y := confirmedOf(Compute(r, from, until)), confirmedOf(Compute(swapped, from, until))
		if d := Compare(Schedule{Shifts: x}, Schedule{Shifts: y}, from, until); len(d.Removed) != 2 || len(d.Added) != 2 {
			t.Fatalf("roster %d: the confirmed schedule changed by %d/%d shifts", i, len(d.Removed), len(d.Added))
		}
		tried++
	}
	if tried < rosters/3 {
		t.Fatalf("only %d swaps tried", tried)
	}
}

func confirmedOf(s Schedule) []Shift {
	var out []Shift
	for _, sh := range s.Shifts {
		if sh.Confirmed {
			out = append(out, sh)
		}
	}
	return out
}

// yamlOf writes r as mustValid does, for the rewrite functions.
func yamlOf(t *testing.T, r *roster.Roster) []byte {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nteam: gen\ntimezone: UTC\nsupport: {team_size: %d, tenure: %dd, handoff_every: %dd, start: %s, max_away_days: %d}\nengineers:\n",
		r.Support.TeamSize, r.Support.Tenure.Days, r.Support.HandoffEvery.Days, r.Support.Start, r.Support.AwayLimit())
	for _, e := range r.Engineers {
		fmt.Fprintf(&b, "  - name: %q\n    github: %s\n", e.Name, e.GitHub)
		for _, a := range e.Away {
			fmt.Fprintf(&b, "    away: [{from: %s, to: %s}]\n", a.From, a.To)
		}
	}
	b.WriteString("shifts:\n")
	for _, s := range r.Shifts {
		fmt.Fprintf(&b, "  - {github: %s, start: %s, end: %s}\n", s.GitHub, s.Start, s.End)
	}
	return []byte(b.String())
}
