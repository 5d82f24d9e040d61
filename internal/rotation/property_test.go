package rotation

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

const rosters = 300 // generated rosters per property

func years(r *roster.Roster, n int) (civil.Date, civil.Date) {
	return r.Support.Start, r.Support.Start.AddDays(365 * n)
}

func TestEveryDayHasTeamSizeStewardsWhenEnoughAreAvailable(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		// Absences never overlap, and there are two engineers to spare.
		r := genRoster(t, rng, genOpts{minEngineers: 5, maxEngineers: 14, awaySerial: true})
		if len(r.Engineers) < r.Support.TeamSize+2 {
			continue
		}
		from, until := years(r, 2)
		s := Compute(r, from, until)
		if len(s.Gaps) > 0 {
			t.Fatalf("roster %d: gaps %v", i, s.Gaps)
		}
		for d := from; d.Before(until); d = d.AddDays(1) {
			if n := len(onDuty(s, d)); n != r.Support.TeamSize {
				t.Fatalf("roster %d: %d stewards on %s, want %d", i, n, d, r.Support.TeamSize)
			}
		}
	}
}

func TestNobodyServesTwoShiftsAtOnce(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 1, maxEngineers: 12, awayEach: true})
		if rng.IntN(2) == 0 {
			r = confirm(t, r, r.Support.Start.AddDays(rng.IntN(200)))
		}
		from, until := years(r, 3)
		s := Compute(r, from.AddDays(-1000), until)
		last := map[string]civil.Date{}
		for _, sh := range s.Shifts { // sorted by start
			if end, ok := last[sh.GitHub]; ok && end.After(sh.Start) {
				t.Fatalf("roster %d: %s starts %s before their previous shift ends %s", i, sh.GitHub, sh.Start, end)
			}
			last[sh.GitHub] = sh.End
			if !sh.End.After(sh.Start) {
				t.Fatalf("roster %d: empty shift %+v", i, sh)
			}
		}
		// Gaps and shifts of one seat never overlap, and a day never has
		// more than team_size stewards.
		for d := from; d.Before(until); d = d.AddDays(7) {
			if n := len(onDuty(s, d)); n > r.Support.TeamSize {
				t.Fatalf("roster %d: %d stewards on %s", i, n, d)
			}
		}
	}
}

func TestAfterBootstrapExactlyOneStewardChangesAtEachHandoff(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 4, maxEngineers: 12})
		if len(r.Engineers) < r.Support.TeamSize+1 {
			continue
		}
		from, until := years(r, 2)
		s := Compute(r, from, until)
		starts, ends := map[civil.Date]int{}, map[civil.Date]int{}
		for _, sh := range s.Shifts {
			starts[sh.Start]++
			ends[sh.End]++
		}
		h := r.Support.HandoffEvery.Days
		for d := from.AddDays(1); d.Before(until); d = d.AddDays(1) {
			isHandoff := d.Sub(from)%h == 0
			if isHandoff && (starts[d] != 1 || ends[d] != 1) {
				t.Fatalf("roster %d: handoff %s has %d joining and %d leaving, want 1 and 1", i, d, starts[d], ends[d])
			}
			if !isHandoff && (starts[d] != 0 || ends[d] != 0) {
				t.Fatalf("roster %d: a change on %s, between handoffs", i, d)
			}
		}
		if starts[from] != r.Support.TeamSize {
			t.Fatalf("roster %d: %d start at bootstrap, want %d", i, starts[from], r.Support.TeamSize)
		}
	}
}

func TestStableRosterIsAlphabeticalRoundRobin(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 1, maxEngineers: 15})
		k := len(r.Engineers)
		if k <= r.Support.TeamSize {
			continue // the leaver serves again at once
		}
		from, until := years(r, 3)
		s := Compute(r, from, until)
		// In choice order: at bootstrap, seat 0 is chosen first.
		slices.SortStableFunc(s.Shifts, func(a, b Shift) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Seat, b.Seat)) })
		order := alphabetical(r)
		for j, sh := range s.Shifts {
			if want := order[j%k]; sh.GitHub != want {
				t.Fatalf("roster %d: shift %d (%s) is %s, want %s; order %v", i, j, sh.Start, sh.GitHub, want, order)
			}
		}
		// Over any whole cycle (k consecutive shifts) everyone serves once;
		// so counts over any cycle differ by at most one (here, by zero).
		for j := 0; j+k <= len(s.Shifts); j++ {
			count := map[string]int{}
			for _, sh := range s.Shifts[j : j+k] {
				count[sh.GitHub]++
			}
			if len(count) != k {
				t.Fatalf("roster %d: shifts %d..%d serve %d people, want all %d", i, j, j+k, len(count), k)
			}
		}
	}
}

func TestSkippedWhileAwayServesAtFirstHandoffAfterReturning(t *testing.T) {
	checked := 0
	for i := range rosters * 2 {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 4, maxEngineers: 10, awayOne: true})
		if len(r.Engineers) < r.Support.TeamSize+2 {
			continue
		}
		x := r.Engineers[0]
		from, until := years(r, 3)
		s := Compute(r, from, until)
		tenure := r.Support.Tenure.Days
		// Walk the handoffs (one shift starts at each) and replay "last".
		last := map[string]civil.Date{}
		skipped := false
		for _, sh := range s.Shifts {
			d := sh.Start
			if d == from {
				last[sh.GitHub] = d
				continue
			}
			xOnDuty := false
			for _, o := range onDuty(s, d) {
				xOnDuty = xOnDuty || (o.GitHub == x.GitHub && o.Start != d)
			}
			xAvail := awayDays(x, d, d.AddDays(tenure)) <= r.Support.AwayLimit()
			switch {
			case skipped && xAvail && !xOnDuty:
				if sh.GitHub != x.GitHub {
					t.Fatalf("roster %d: %s is back for %s but %s serves", i, x.GitHub, d, sh.GitHub)
				}
				checked++
				skipped = false
			case !skipped && !xAvail && !xOnDuty && sh.GitHub != x.GitHub:
				// x would have been chosen if x's last start was oldest.
				xl, cl := last[x.GitHub], last[sh.GitHub]
				skipped = xl.Before(cl) || (xl == cl && fold(x.Name) < fold(r.Engineers[indexOf(r, sh.GitHub)].Name))
			}
			last[sh.GitHub] = d
		}
	}
	if checked < 50 {
		t.Fatalf("only %d returns checked; the generator needs more absences", checked)
	}
}

func indexOf(r *roster.Roster, handle string) int {
	for i, e := range r.Engineers {
		if e.GitHub == handle {
			return i
		}
	}
	panic(handle)
}

func awayDays(e roster.Engineer, s, end civil.Date) int {
	n := 0
	for d := s; d.Before(end); d = d.AddDays(1) {
		for _, a := range e.Away {
			if !d.Before(a.From) && !d.After(a.To) {
				n++
				break
			}
		}
	}
	return n
}

func TestNoRosterChangeAltersAConfirmedShift(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		base := genRoster(t, rng, genOpts{minEngineers: 3, maxEngineers: 10, awayEach: true})
		r := confirm(t, base, base.Support.Start.AddDays(30+rng.IntN(300)))
		changed := mutate(t, rng, r)
		from, until := years(r, 3)
		s := Compute(changed, from, until)
		for _, c := range r.Shifts {
			found := false
			for _, sh := range s.Shifts {
				found = found || (sh.Confirmed && sh.GitHub == c.GitHub && sh.Start == c.Start && sh.End == c.End)
			}
			if !found {
				t.Fatalf("roster %d: confirmed shift %+v is gone after a change", i, c)
			}
		}
	}
}

// mutate applies one random roster change that leaves shifts alone.
func mutate(t testing.TB, rng *rand.Rand, r *roster.Roster) *roster.Roster {
	c := *r
	c.Engineers = append([]roster.Engineer(nil), r.Engineers...)
	switch rng.IntN(4) {
	case 0:
		c.Engineers = append(c.Engineers, roster.Engineer{Name: "Aaron Newcomer", GitHub: "newcomer"})
	case 1:
		j := rng.IntN(len(c.Engineers))
		f := false
		c.Engineers[j].SupportRotation = &f
	case 2:
		j := rng.IntN(len(c.Engineers))
		from := r.Support.Start.AddDays(rng.IntN(400))
		c.Engineers[j].Away = append(append([]roster.AwayPeriod(nil), c.Engineers[j].Away...), roster.AwayPeriod{From: from, To: from.AddDays(rng.IntN(60))})
	case 3:
		j := rng.IntN(len(c.Engineers))
		c.Engineers[j].Name = "Zed " + c.Engineers[j].Name
	}
	return mustValid(t, &c)
}

func TestAddingAnEngineerChangesNoShiftBeforeTheyJoin(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 1, maxEngineers: 10, awayEach: rng.IntN(2) == 0})
		if rng.IntN(2) == 0 {
			r = confirm(t, r, r.Support.Start.AddDays(rng.IntN(200)))
		}
		joined := r.Support.Start.AddDays(rng.IntN(500))
		more := *r
		more.Engineers = append(append([]roster.Engineer(nil), r.Engineers...),
			roster.Engineer{Name: []string{"Aaron", "mid", "Zz"}[rng.IntN(3)] + " New", GitHub: "newbie", Joined: joined})
		a, b := compareBefore(r, mustValid(t, &more), func(s Shift) bool { return s.Start.Before(joined) })
		if a != b {
			t.Fatalf("roster %d: adding someone who joins %s changed earlier shifts:\n%s\nvs\n%s", i, joined, a, b)
		}
	}
}

func TestAddingAnAbsenceChangesNoShiftEndingByItsFirstDay(t *testing.T) {
	for i := range rosters {
		rng := seed(t, i)
		r := genRoster(t, rng, genOpts{minEngineers: 1, maxEngineers: 10, awayEach: rng.IntN(2) == 0})
		if rng.IntN(2) == 0 {
			r = confirm(t, r, r.Support.Start.AddDays(rng.IntN(200)))
		}
		from := r.Support.Start.AddDays(rng.IntN(500))
		more := *r
		more.Engineers = append([]roster.Engineer(nil), r.Engineers...)
		j := rng.IntN(len(more.Engineers))
		more.Engineers[j].Away = append(append([]roster.AwayPeriod(nil), more.Engineers[j].Away...),
			roster.AwayPeriod{From: from, To: from.AddDays(rng.IntN(40))})
		before := func(s Shift) bool { return !s.End.After(from) }
		a, b := compareBefore(r, mustValid(t, &more), before)
		// Every shift that ended by the absence's first day stands. The new
		// schedule may add a short shift there: someone who can no longer
		// take a full window that runs into the absence may fill a seat's
		// shorter retry window instead (rule 6), which is not a change to a
		// shift that existed.
		for _, line := range strings.SplitAfter(a, "\n") {
			if !strings.Contains(b, line) {
				t.Fatalf("roster %d: an absence from %s removed the earlier shift %q:\n%s\nvs\n%s", i, from, line, a, b)
			}
		}
	}
}

// compareBefore renders the shifts of a and b that keep() selects.
func compareBefore(a, b *roster.Roster, keep func(Shift) bool) (string, string) {
	from, until := a.Support.Start.AddDays(-400), a.Support.Start.AddDays(3*365)
	render := func(r *roster.Roster) string {
		out := ""
		for _, s := range Compute(r, from, until).Shifts {
			if keep(s) {
				out += fmt.Sprintf("%s %s %s %v\n", s.Start, s.End, s.GitHub, s.Confirmed)
			}
		}
		return out
	}
	return render(a), render(b)
}
